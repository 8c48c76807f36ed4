import { describe, it, expect } from 'vitest';
import { readFixture } from '../../test-support/fixtures.ts';
import { parseTrace } from '../../ingest/gotrace/parse-trace.ts';
import { HEAP_LIVE_METRICS } from '../../model/trace.ts';
import { goroutineTimeBreakdown } from '../../test-support/trace-reference.ts';
import { gcBands, goroutineStateSeries, heapSeries, SERIES_STATES } from './trace-series.ts';

const model = parseTrace(readFixture('scenarios/fd-leak-go1.27/trace.out'), {}).model;

describe('goroutineStateSeries', () => {
  it('integrates to the same per-state time as the goroutine breakdown', () => {
    const n = 500;
    const s = goroutineStateSeries(model, undefined, n);
    expect(s.values.length).toBe(SERIES_STATES.length * n);
    const b = goroutineTimeBreakdown(model);
    const area = (row: number) => {
      let a = 0;
      for (let k = 0; k < n; k++) a += s.values[row * n + k]! * s.bucketNs;
      return a;
    };
    const total = (x: Float64Array) => x.reduce((p, q) => p + q, 0);
    const waiting = total(b.syncNs) + total(b.netNs) + total(b.gcNs) + total(b.otherNs);
    expect(area(0)).toBeCloseTo(total(b.execNs), -3);
    expect(area(1)).toBeCloseTo(total(b.schedNs), -3);
    expect(area(2)).toBeCloseTo(waiting, -3);
    expect(area(3)).toBeCloseTo(total(b.syscallNs), -3);
    // At most two goroutines run at once on two Ps.
    for (let k = 0; k < n; k++) expect(s.values[k]!).toBeLessThanOrEqual(2 + 1e-9);
  });

  it('a sub-range sees the same levels as the whole at the same instants', () => {
    const whole = goroutineStateSeries(model, undefined, 100);
    const half = goroutineStateSeries(model, { startNs: whole.bucketNs * 50, endNs: whole.bucketNs * 100 }, 50);
    for (let k = 0; k < 50; k++) expect(half.values[2 * 50 + k]!).toBeCloseTo(whole.values[2 * 100 + 50 + k]!, 6);
  });
});

describe('heapSeries', () => {
  it('ends on the last heap sample and never exceeds the bucket maxima', () => {
    const h = heapSeries(model, undefined, 200);
    const m = model.metrics;
    let lastV = NaN;
    let maxV = 0;
    for (let i = 0; i < m.count; i++) {
      if (HEAP_LIVE_METRICS.includes(m.names[m.metric[i]!]!)) {
        lastV = m.value[i]!;
        maxV = Math.max(maxV, lastV);
      }
    }
    expect(Number.isNaN(lastV)).toBe(false);
    expect(h.last[h.buckets - 1]).toBe(lastV);
    expect(Math.max(...h.max.filter((x) => !Number.isNaN(x)))).toBe(maxV);
  });
});

describe('gcBands', () => {
  it('has one band per GC cycle and per stop-the-world, inside the range', () => {
    const b = gcBands(model);
    expect(b.gc.length).toBe(2 * model.gcCycles.count);
    expect(b.stw.length).toBe(2 * model.stw.count);
    for (let i = 0; i < b.gc.length; i += 2) expect(b.gc[i]!).toBeLessThanOrEqual(b.gc[i + 1]!);
    const narrow = gcBands(model, { startNs: 0, endNs: model.endNs / 4 });
    for (const x of narrow.gc) expect(x).toBeLessThanOrEqual(model.endNs / 4);
  });
});

import { describe, it, expect } from 'vitest';
import { readFixture } from '../../test-support/fixtures.ts';
import { parseTrace } from '../../ingest/gotrace/parse-trace.ts';
import { HEAP_LIVE_METRICS, type TraceModel } from '../../model/trace.ts';
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

/** The series as a walk from the first transition (what a window's walk must equal, bit for bit). */
function plainStateSeries(m: TraceModel, startNs: number, endNs: number, n: number): Float64Array {
  const rowOf = [-1, -1, 1, 0, 2, 3];
  const bucketNs = Math.max(endNs - startNs, 1) / n;
  const end = startNs + bucketNs * n;
  const step = new Float64Array(4 * (n + 1));
  const part = new Float64Array(4 * n);
  const change = (row: number, x: number, d: number) => {
    if (row < 0 || x >= end) return;
    if (x <= startNs) return void (step[row * (n + 1)]! += d);
    const k = Math.min(n - 1, Math.floor((x - startNs) / bucketNs));
    part[row * n + k]! += (d * (startNs + (k + 1) * bucketNs - x)) / bucketNs;
    step[row * (n + 1) + k + 1]! += d;
  };
  const cur = new Int8Array(m.goroutines.count).fill(-1);
  const tr = m.transitions;
  for (let i = 0; i < tr.count && tr.t.at(i) < end; i++) {
    const g = tr.g[i]!;
    const row = rowOf[tr.to[i]!] ?? -1;
    if (cur[g] === row) continue;
    if (cur[g]! >= 0) change(cur[g]!, tr.t.at(i), -1);
    change(row, tr.t.at(i), +1);
    cur[g] = row;
  }
  const out = new Float64Array(4 * n);
  for (let r = 0; r < 4; r++) {
    let level = 0;
    for (let k = 0; k < n; k++) out[r * n + k] = (level += step[r * (n + 1) + k]!) + part[r * n + k]!;
  }
  return out;
}

describe('goroutineStateSeries of a window', () => {
  for (const rel of ['scenarios/cpu-pool-go1.27/trace.out', 'scenarios/lock-contention-go1.21/trace.out']) {
    it(`equals the walk from the first transition, bit for bit (${rel})`, () => {
      const m = parseTrace(readFixture(rel), {}).model;
      const span = m.endNs - m.startNs;
      const windows = [
        [0.5, 0.6],
        [0.01, 0.99],
        [0.3, 0.300001],
        [0.9, 1.2],
      ];
      for (const [a, b] of windows) {
        const startNs = m.startNs + a! * span;
        const endNs = m.startNs + b! * span;
        const got = goroutineStateSeries(m, { startNs, endNs }, 300);
        expect(Buffer.from(got.values.buffer).equals(Buffer.from(plainStateSeries(m, startNs, endNs, 300).buffer)), `${a}–${b}`).toBe(true);
        expect(got.values.some((v) => v > 0)).toBe(true);
      }
      // A window starting on a transition's exact time.
      const t = m.transitions.t.at(Math.floor(m.transitions.count / 2));
      const got = goroutineStateSeries(m, { startNs: t, endNs: t + span / 10 }, 50);
      expect(Buffer.from(got.values.buffer).equals(Buffer.from(plainStateSeries(m, t, t + span / 10, 50).buffer))).toBe(true);
    });
  }
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

import { describe, expect, it } from 'vitest';
import { readFixture } from '../../test-support/fixtures.ts';
import { parseTrace } from '../../ingest/gotrace/parse-trace.ts';
import { traceWholeTotals, whatChangedPart } from '../what-changed.ts';
import { traceWarmUps } from './trace-warm-ups.ts';

describe('traceWarmUps', () => {
  it('computes the whole-trace totals once; a brush answers the same with or without them', () => {
    const fresh = () => parseTrace(readFixture('scenarios/lock-contention-go1.27/trace.out'), {});
    const cold = fresh();
    const warm = fresh();
    const steps = traceWarmUps(warm.model);
    expect(steps.length).toBe(3);
    for (const s of steps) s();
    const totals = traceWholeTotals(warm.model);
    expect(traceWholeTotals(warm.model)).toBe(totals); // cached, not walked again
    expect([...totals.groups.values()].some((g) => g.ns > 0)).toBe(true);
    const m = warm.model;
    const span = m.endNs - m.startNs;
    const a = { startNs: m.startNs + span * 0.3, endNs: m.startNs + span * 0.4 };
    const b = [
      { startNs: m.startNs, endNs: a.startNs },
      { startNs: a.endNs, endNs: m.endNs },
    ];
    const got = whatChangedPart(warm, 't', a, b);
    expect(got.rows.length).toBeGreaterThan(3);
    expect(got).toEqual(whatChangedPart(cold, 't', a, b));
  });
});

import { describe, expect, it } from 'vitest';
import { parseTrace } from '../../../ingest/gotrace/parse-trace.ts';
import { goMmu, mmuTraces, readTrace, type GoMmuOutput } from '../../../test-support/mmu-oracle.ts';
import type { MmuFlags, MmuResult } from '../timeline/timeline-types.ts';
import { MmuCurve } from './mmu-curve.ts';
import { clipUtilSeries } from './mmu-range.ts';
import { mmuQuery, mutatorUtilizationCached } from './mmu-query.ts';

/** Go computes in float64 in the same order as we do: equal to the last bit is expected; allow rounding. */
const TOL = 1e-9;
/** Go's window sizes come from its amd64 math.Exp, an approximation: a size can truncate one ns apart. */
const WINDOW_TOL_NS = 1;

const flagsOf = (spec: string): MmuFlags => Object.fromEntries(spec.split('|').map((f) => [f, true]));

/** Why our result differs from Go's for one flag set, or null when it agrees. */
function disagreement(ours: MmuResult, go: GoMmuOutput, spec: string, base: number, worstOf: (w: number) => MmuResult['worst']): string | null {
  const ref = go.results.find((r) => r.flags === spec)!;
  if (ours.curve.length !== ref.curve.length) return `${ours.curve.length} points, Go ${ref.curve.length}`;
  for (let i = 0; i < ref.curve.length; i++) {
    const [w, mmu] = ref.curve[i]!;
    const p = ours.curve[i]!;
    if (Math.abs(p.windowNs - w) > WINDOW_TOL_NS) return `point ${i}: window ${p.windowNs}, Go ${w}`;
    // At Go's own window size the figure must be Go's; at ours (≤ 1 ns away) within what 1 ns can move it.
    if (Math.abs(p.mmu - mmu) > (p.windowNs === w ? TOL : 1e-6)) return `point ${i} (${w} ns): MMU ${p.mmu}, Go ${mmu}`;
  }
  for (const { window, windows } of ref.worst) {
    const ws = worstOf(window)!;
    const a = ws.windows.map((x) => x.start + base);
    const b = windows.map((x) => x.time);
    if (JSON.stringify(a) !== JSON.stringify(b)) return `worst ${window} ns windows start at ${a}, Go ${b}`;
    for (let i = 0; i < windows.length; i++) if (Math.abs(ws.windows[i]!.mmu - windows[i]!.util) > TOL) return `worst ${window} #${i}: ${ws.windows[i]!.mmu}, Go ${windows[i]!.util}`;
  }
  return null;
}

describe("the mmu query equals Go's /mmu page (curve at Go's window sizes, worst windows) on every trace", () => {
  for (const { name, path } of mmuTraces()) {
    it(name, () => {
      const outs = goMmu(name);
      expect(outs.length, `no reference for ${name}`).toBeGreaterThan(0);
      const model = parseTrace(readTrace(path)).model;
      for (const spec of outs[0]!.results.map((r) => r.flags)) {
        const flags = flagsOf(spec);
        const ours = mmuQuery(model, { flags });
        expect(ours.range).toEqual({ startNs: model.startNs, endNs: model.endNs });
        expect(ours.worst).toBeNull();
        const worstOf = (w: number) => mmuQuery(model, { flags, worstFor: w }).worst;
        const diffs = outs.map((o) => disagreement(ours, o, spec, model.clockBaseNs, worstOf));
        if (!diffs.includes(null)) expect.fail(`${spec}: ${diffs[0]}`);
      }
    });
  }
});

describe('mmu query over a range', () => {
  const model = parseTrace(readTrace(mmuTraces().find((t) => t.name === 'third-party_golang-go-trace_stress_1_21_good')!.path)).model;
  const flags = { stw: true, background: true, assist: true, sweep: true };
  const whole = mmuQuery(model, { flags });
  it('the whole trace as a range gives the whole-trace curve', () => {
    const r = mmuQuery(model, { flags, range: { startNs: model.startNs - 1e6, endNs: model.endNs + 1e6 } });
    expect(r.curve).toEqual(whole.curve);
  });
  it('a part of the trace: windows lie inside it, so its MMU is never below the whole trace’s at any size', () => {
    const series = mutatorUtilizationCached(model, flags);
    const start = series[0]!.time[0]!;
    const end = series[0]!.time[series[0]!.time.length - 1]!;
    const range = { startNs: start + (end - start) * 0.3, endNs: start + (end - start) * 0.6 };
    const r = mmuQuery(model, { flags, range, worstFor: 1e6 });
    expect(r.range).toEqual(range);
    const full = new MmuCurve(series);
    expect(r.curve.length).toBe(100);
    expect(r.curve[r.curve.length - 1]!.windowNs).toBeLessThanOrEqual(range.endNs - range.startNs);
    for (const p of r.curve) expect(p.mmu).toBeGreaterThanOrEqual(full.mmu(p.windowNs) - TOL);
    // Somewhere the part is strictly better: it leaves out the trace's worst windows.
    expect(r.curve.some((p) => p.mmu > full.mmu(p.windowNs) + 1e-6)).toBe(true);
    for (const w of r.worst!.windows) {
      expect(w.start).toBeGreaterThanOrEqual(range.startNs);
      expect(w.start + 1e6).toBeLessThanOrEqual(range.endNs);
      // A window's utilization is the same whether seen in the part or in the whole trace.
      const inWhole = new MmuCurve(clipUtilSeries(series, w.start, w.start + 1e6)).mmu(1e6);
      expect(w.mmu).toBeCloseTo(inWhole, 9);
    }
  });
  it('a range outside the trace has no curve', () => {
    expect(mmuQuery(model, { flags, range: { startNs: model.endNs + 1e9, endNs: model.endNs + 2e9 } }).curve).toEqual([]);
  });
  it('series are cached per model and flag set; flags are normalised', () => {
    expect(mutatorUtilizationCached(model, flags)).toBe(mutatorUtilizationCached(model, { sweep: true, assist: true, background: true, stw: true, perProc: false }));
    expect(mutatorUtilizationCached(model, flags)).not.toBe(mutatorUtilizationCached(model, { ...flags, perProc: true }));
    expect(mmuQuery(model, { flags: { ...flags, perProc: false } }).flags).toEqual(flags);
  });
});

import { describe, expect, it } from 'vitest';
import { goMmu, mmuTraces } from '../../../test-support/mmu-oracle.ts';
import { MmuCurve, type UtilSeries } from './mmu-curve.ts';
import { mmuPlotWindows } from './mmu-plot.ts';

/** Go computes in float64 like us, in the same order: agreement is expected to the last bit; allow rounding. */
const TOL = 1e-9;
/**
 * Go draws the window sizes from math.Exp, which on amd64 is an approximation (its last bit even depends
 * on whether the CPU has FMA); a size that lands within an ulp of a whole ns can truncate one ns apart.
 */
const WINDOW_TOL_NS = 1;

const toSeries = (points: [number, number][]): UtilSeries => ({ time: points.map((p) => p[0]), util: points.map((p) => p[1]) });

describe("MMU curve over Go's own utilization series equals Go's MMUCurve", () => {
  for (const { name } of mmuTraces()) {
    const outs = goMmu(name);
    for (const res of outs[0]?.results ?? []) {
      it(`${name} ${res.flags}`, () => {
        const util = res.util ?? [];
        const curve = new MmuCurve(util.map(toSeries));
        const plot = mmuPlotWindows(curve);
        if (util.length === 0) {
          expect(plot.windowsNs).toEqual([]);
          return;
        }
        expect(plot.xMinNs).toBe(res.xMin);
        expect(plot.xMaxNs).toBe(res.xMax);
        expect(plot.windowsNs.length).toBe(res.curve.length);
        res.curve.forEach(([w, mmu], i) => {
          expect(Math.abs(plot.windowsNs[i]! - w), `window ${i}`).toBeLessThanOrEqual(WINDOW_TOL_NS);
          expect(Math.abs(curve.mmu(w) - mmu), `window ${w}`).toBeLessThanOrEqual(TOL);
          expect(Math.abs(curve.mmu(plot.windowsNs[i]!) - mmu), `our window ${plot.windowsNs[i]}`).toBeLessThanOrEqual(1e-6);
        });
        for (const { window, windows } of res.worst) {
          const ours = curve.worst(window, 10);
          expect(ours.map((x) => x.start), `worst ${window}`).toEqual(windows.map((x) => x.time));
          ours.forEach((x, i) => expect(Math.abs(x.util - windows[i]!.util)).toBeLessThanOrEqual(TOL));
        }
      });
    }
  }
});

describe('MMU curve basics', () => {
  // One P: mutator 0–10 ms, GC 10–12 ms, mutator 12–30 ms, end.
  const ms = 1e6;
  const curve = new MmuCurve([{ time: [0, 10 * ms, 12 * ms, 30 * ms], util: [1, 0, 1, 0] }]);
  it('a window inside the pause has 0; one twice its length, a half', () => {
    expect(curve.mmu(1 * ms)).toBe(0);
    expect(curve.mmu(2 * ms)).toBe(0);
    expect(curve.mmu(4 * ms)).toBeCloseTo(0.5, 12);
    expect(curve.mmu(30 * ms)).toBeCloseTo(28 / 30, 12);
    // Larger than the span: Go clamps the window to it.
    expect(curve.mmu(60 * ms)).toBeCloseTo(28 / 30, 12);
  });
  it('the worst windows are disjoint and worst first', () => {
    const w = curve.worst(4 * ms, 3);
    expect(w[0]!.util).toBeCloseTo(0.5, 12);
    for (let i = 1; i < w.length; i++) {
      expect(w[i]!.util).toBeGreaterThanOrEqual(w[i - 1]!.util);
      for (let j = 0; j < i; j++) expect(Math.abs(w[i]!.start - w[j]!.start)).toBeGreaterThanOrEqual(4 * ms);
    }
  });
});

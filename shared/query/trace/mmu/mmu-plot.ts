/**
 * The window sizes `go tool trace`'s /mmu page plots (internal/trace/traceviewer HandlePlot), so our
 * curve has Go's points: start at the largest of 1 s, 1 ms, 1 µs, 1 ns whose MMU is below 0.0001 (the
 * curve is flat zero below it), cover six orders of magnitude but no more than the trace's span, and take
 * 100 sizes evenly spaced in log scale, truncated to whole ns.
 */
import type { MmuCurve } from './mmu-curve.ts';

export const MMU_PLOT_SAMPLES = 100;

export interface MmuPlotWindows {
  xMinNs: number;
  xMaxNs: number;
  windowsNs: number[];
}

export function mmuPlotWindows(curve: MmuCurve): MmuPlotWindows {
  if (curve.empty) return { xMinNs: 0, xMaxNs: 0, windowsNs: [] };
  let xMin = 1e9;
  while (xMin > 1) {
    if (curve.mmu(xMin) < 0.0001) break;
    xMin = Math.trunc(xMin / 1000);
  }
  const { start, end } = curve.span();
  const xMax = Math.min(xMin * 1e6, end - start);
  const logMin = Math.log(xMin);
  const logMax = Math.log(xMax);
  const windowsNs: number[] = [];
  for (let i = 0; i < MMU_PLOT_SAMPLES; i++) {
    windowsNs.push(Math.trunc(Math.exp((i / (MMU_PLOT_SAMPLES - 1)) * (logMax - logMin) + logMin)));
  }
  return { xMinNs: xMin, xMaxNs: xMax, windowsNs };
}

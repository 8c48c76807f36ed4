/**
 * MMU of a selected range: the utilization series cut to the range, so only windows that lie inside it
 * count (Go's /mmu page has no range; this is the same computation over the selected part of the trace).
 */
import type { UtilSeries } from './mmu-curve.ts';

/**
 * Each series restricted to [startNs, endNs]: it starts at the range start (or its own start) with the
 * utilization holding there, keeps its changes inside, and ends at the range end (or its own end) with
 * 0, as every whole-trace series ends. Series that do not overlap the range are left out.
 */
export function clipUtilSeries(series: readonly UtilSeries[], startNs: number, endNs: number): UtilSeries[] {
  const out: UtilSeries[] = [];
  for (const s of series) {
    const n = s.time.length;
    if (n < 2) continue;
    const lo = Math.max(startNs, s.time[0]!);
    const hi = Math.min(endNs, s.time[n - 1]!);
    if (!(hi > lo)) continue;
    // The point holding at lo: the last one at or before it.
    let a = 0;
    let b = n;
    while (a < b) {
      const h = (a + b) >>> 1;
      if (s.time[h]! <= lo) a = h + 1;
      else b = h;
    }
    const c: UtilSeries = { time: [lo], util: [s.util[a - 1]!] };
    for (let i = a; i < n && s.time[i]! < hi; i++) {
      // Consecutive equal values carry no change (as Go's series never hold them).
      if (s.util[i] === c.util[c.util.length - 1]) continue;
      c.time.push(s.time[i]!);
      c.util.push(s.util[i]!);
    }
    c.time.push(hi);
    c.util.push(0);
    out.push(c);
  }
  return out;
}

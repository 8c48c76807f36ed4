/**
 * Sustained growth of a per-snapshot series. A leak grows all along; a healthy pool fills once at
 * start-up and a capture's last snapshot may follow the process's exit. So the trend compares the
 * mean of an EARLY window (snapshots 20–35 % into the series) with a LATE one (75–90 %), which leaves
 * out both the start-up ramp and the shutdown.
 */
import type { LevelWindow, SeriesTrend } from './types.ts';

const EARLY = [0.2, 0.35] as const;
const LATE = [0.75, 0.9] as const;

function windowOf(timeNs: ArrayLike<number>, values: ArrayLike<number>, lo: number, hi: number): LevelWindow {
  let sum = 0;
  for (let i = lo; i <= hi; i++) sum += values[i]!;
  return { startNs: timeNs[lo]!, endNs: timeNs[hi]!, mean: sum / (hi - lo + 1), snapshots: hi - lo + 1 };
}

export function seriesTrend(timeNs: ArrayLike<number>, values: ArrayLike<number>): SeriesTrend {
  const n = values.length;
  let max = 0;
  let at = 0;
  for (let i = 0; i < n; i++) {
    if (values[i]! > max) {
      max = values[i]!;
      at = i;
    }
  }
  const out: SeriesTrend = {
    first: n ? values[0]! : 0,
    last: n ? values[n - 1]! : 0,
    max,
    maxAtNs: n ? timeNs[at]! : 0,
    early: null,
    late: null,
    ratePerSec: null,
  };
  if (n < 5) return out;
  const idx = (f: number) => Math.min(n - 1, Math.floor(f * (n - 1)));
  const e0 = idx(EARLY[0]);
  const e1 = Math.max(e0, idx(EARLY[1]));
  const l0 = Math.max(e1 + 1, idx(LATE[0]));
  const l1 = Math.max(l0, idx(LATE[1]));
  if (l1 >= n) return out;
  out.early = windowOf(timeNs, values, e0, e1);
  out.late = windowOf(timeNs, values, l0, l1);
  const dt = (out.late.startNs + out.late.endNs) / 2 - (out.early.startNs + out.early.endNs) / 2;
  out.ratePerSec = dt > 0 ? ((out.late.mean - out.early.mean) * 1e9) / dt : null;
  return out;
}

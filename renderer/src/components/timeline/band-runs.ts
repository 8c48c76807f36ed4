/**
 * Bands (GC cycles, stop-the-world pauses, collection gaps) as pixel runs: a 1 GB trace has tens of
 * thousands of GC/STW bands, far more than a lane has pixels. Bands within `joinPx` of each other
 * merge into one run, each run is at least 1 px wide, and only runs inside [minX, maxX] are kept;
 * so a lane draws at most about its width in runs, as one path per band kind. Pure.
 */

/** Flat [x0, x1, x0, x1, …] runs in pixels, left to right. */
export function bandRuns(startNs: Float64Array, endNs: Float64Array, x: (ns: number) => number, minX: number, maxX: number, joinPx = 1): number[] {
  const n = startNs.length;
  let order: ArrayLike<number> | null = null;
  // Bands come in time order from the engine; sort only when they do not.
  for (let i = 1; i < n; i++) {
    if (startNs[i]! < startNs[i - 1]!) {
      order = Uint32Array.from({ length: n }, (_, k) => k).sort((a, b) => startNs[a]! - startNs[b]!);
      break;
    }
  }
  const out: number[] = [];
  let a = NaN;
  let b = NaN;
  for (let k = 0; k < n; k++) {
    const i = order ? order[k]! : k;
    let x0 = x(startNs[i]!);
    let x1 = x(Math.max(endNs[i]!, startNs[i]!));
    if (x1 < minX || x0 > maxX) continue;
    x0 = Math.max(x0, minX);
    x1 = Math.min(Math.max(x1, x0 + 1), maxX);
    if (a === a && x0 <= b + joinPx) {
      b = Math.max(b, x1);
      continue;
    }
    if (a === a) out.push(a, b);
    a = x0;
    b = x1;
  }
  if (a === a) out.push(a, b);
  return out;
}

/** SVG path data of runs as rectangles from `top`, `height` tall. */
export function runsPath(runs: number[], top: number, height: number): string {
  let d = '';
  for (let i = 0; i < runs.length; i += 2) d += `M${runs[i]!.toFixed(1)},${top}h${(runs[i + 1]! - runs[i]!).toFixed(1)}v${height}h${(runs[i]! - runs[i + 1]!).toFixed(1)}z`;
  return d;
}

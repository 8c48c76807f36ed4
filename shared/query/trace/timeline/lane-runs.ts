/**
 * A lane's exact runs, indexed once, and their level-of-detail slices for a window.
 *
 *   runs    sorted by start, never overlapping (a P runs one goroutine at a time, a goroutine is in
 *           one state): start[i] ≤ end[i] ≤ start[i + 1]
 *   cum     per kind present in the lane, ns of that kind in runs [0, i): any window's time per
 *           kind is two binary searches, whatever the number of runs inside
 *   sameG   the first run after i whose goroutine differs from run i's: "one goroutine held this
 *           whole pixel" is a lookup, not a walk
 *
 * `lodSlices` walks a window pixel by pixel: a run as wide as a pixel is sent as it is; runs narrower
 * than a pixel that start inside one pixel become one merged slice (the kind holding most of their
 * time, the goroutine when one held it all), found by binary search. A window's answer is therefore
 * O(pixels × log runs) per lane, never O(runs).
 */
import { SLICE_KINDS } from './timeline-types.ts';

export const KIND_COUNT = SLICE_KINDS.length;
/** A merged slice with at most this many runs names its dominant goroutine and label exactly. */
const EXACT_MERGE_WALK = 64;

export interface LaneRuns {
  n: number;
  start: Float64Array;
  end: Float64Array;
  /** Index into SLICE_KINDS per run; null: every run is `constKind`. */
  kind: Uint8Array | null;
  constKind: number;
  /** Goroutine ROW per run (-1 none); null: every run is `constG`'s. */
  g: Int32Array | null;
  constG: number;
  /** Label id per run (timeline label table, -1 none); null: the label of the run's goroutine. */
  label: Int32Array | null;
  /** The transition (index into model.transitions) that began each run, -1 none. */
  src: Int32Array | null;
  /** cum[k]: ns of kind k in runs [0, i), length n + 1; null for kinds the lane never has. */
  cum: (Float64Array | null)[];
  sameG: Int32Array;
}

/** Grows typed columns while a lane is collected, then freezes them into LaneRuns. */
export class RunsBuilder {
  n = 0;
  start = new Float64Array(16);
  end = new Float64Array(16);
  kind = new Uint8Array(16);
  g = new Int32Array(16);
  label = new Int32Array(16);
  src = new Int32Array(16);

  push(s: number, e: number, kind: number, g: number, label: number, src: number): void {
    if (this.n === this.start.length) this.grow(this.n * 2);
    const i = this.n++;
    this.start[i] = s;
    this.end[i] = e;
    this.kind[i] = kind;
    this.g[i] = g;
    this.label[i] = label;
    this.src[i] = src;
  }

  private grow(cap: number): void {
    const f = (a: Float64Array) => {
      const b = new Float64Array(cap);
      b.set(a);
      return b;
    };
    const i32 = (a: Int32Array) => {
      const b = new Int32Array(cap);
      b.set(a);
      return b;
    };
    this.start = f(this.start);
    this.end = f(this.end);
    const k = new Uint8Array(cap);
    k.set(this.kind);
    this.kind = k;
    this.g = i32(this.g);
    this.label = i32(this.label);
    this.src = i32(this.src);
  }

  /**
   * The lane's runs. Runs pushed out of start order are sorted first. `keep` says which columns vary
   * (the others collapse to a constant: a goroutine's own lane has one goroutine, a P lane one kind).
   */
  finish(keep: { kind: boolean; g: boolean; label: boolean; src: boolean; clipOverlaps?: boolean }): LaneRuns {
    const n = this.n;
    let order: Int32Array | null = null;
    for (let i = 1; i < n; i++) {
      if (this.start[i]! < this.start[i - 1]!) {
        order = Int32Array.from({ length: n }, (_, k) => k).sort((a, b) => this.start[a]! - this.start[b]! || a - b);
        break;
      }
    }
    const pick = <T extends Float64Array | Int32Array | Uint8Array>(a: T, make: (n: number) => T): T => {
      const out = make(n);
      if (order) for (let i = 0; i < n; i++) out[i] = a[order[i]!]!;
      else out.set(a.subarray(0, n));
      return out;
    };
    const start = pick(this.start, (k) => new Float64Array(k));
    const end = pick(this.end, (k) => new Float64Array(k));
    const kind = pick(this.kind, (k) => new Uint8Array(k));
    const g = pick(this.g, (k) => new Int32Array(k));
    // A run starting before the previous one ends (only a malformed trace makes them) starts at its end.
    if (keep.clipOverlaps) for (let i = 1; i < n; i++) if (start[i]! < end[i - 1]!) start[i] = Math.min(end[i - 1]!, end[i]!);
    const cum: (Float64Array | null)[] = new Array<Float64Array | null>(KIND_COUNT).fill(null);
    for (let i = 0; i < n; i++) if (!cum[kind[i]!]) cum[kind[i]!] = new Float64Array(n + 1);
    for (let k = 0; k < KIND_COUNT; k++) {
      const c = cum[k];
      if (!c) continue;
      let acc = 0;
      for (let i = 0; i < n; i++) {
        if (kind[i] === k) acc += end[i]! - start[i]!;
        c[i + 1] = acc;
      }
    }
    const sameG = new Int32Array(n);
    for (let i = n - 1; i >= 0; i--) sameG[i] = i + 1 < n && g[i + 1] === g[i] ? sameG[i + 1]! : i + 1;
    return {
      n,
      start,
      end,
      kind: keep.kind ? kind : null,
      constKind: n ? kind[0]! : 0,
      g: keep.g ? g : null,
      constG: n ? g[0]! : -1,
      label: keep.label ? pick(this.label, (k) => new Int32Array(k)) : null,
      src: keep.src ? pick(this.src, (k) => new Int32Array(k)) : null,
      cum,
      sameG,
    };
  }
}

export const kindOf = (r: LaneRuns, i: number): number => (r.kind ? r.kind[i]! : r.constKind);
export const gOf = (r: LaneRuns, i: number): number => (r.g ? r.g[i]! : r.constG);

/** The first run whose end is after x (runs never overlap, so ends are sorted too). */
export function firstRunEndingAfter(r: LaneRuns, x: number): number {
  let a = 0;
  let b = r.n;
  while (a < b) {
    const m = (a + b) >>> 1;
    if (r.end[m]! <= x) a = m + 1;
    else b = m;
  }
  return a;
}

/** The first run starting at or after x. */
export function firstRunStartingFrom(r: LaneRuns, x: number): number {
  let a = 0;
  let b = r.n;
  while (a < b) {
    const m = (a + b) >>> 1;
    if (r.start[m]! < x) a = m + 1;
    else b = m;
  }
  return a;
}

/** The run holding time t (start ≤ t < end), or -1. */
export function runAt(r: LaneRuns, t: number): number {
  const i = firstRunEndingAfter(r, t);
  return i < r.n && r.start[i]! <= t ? i : -1;
}

/** ns of kind k inside [lo, hi) in runs [i, j] (inclusive), clipped to the window. */
function kindNsIn(r: LaneRuns, k: number, i: number, j: number, lo: number, hi: number): number {
  const c = r.cum[k];
  if (!c || j < i) return 0;
  let ns = c[j + 1]! - c[i]!;
  if (kindOf(r, i) === k && r.start[i]! < lo) ns -= lo - r.start[i]!;
  if (kindOf(r, j) === k && r.end[j]! > hi) ns -= r.end[j]! - Math.max(hi, r.start[j]!);
  return ns;
}

/** ns per kind (SLICE_KINDS order) of the lane's runs inside [lo, hi). */
export function kindTotals(r: LaneRuns, lo: number, hi: number): number[] {
  const out = new Array<number>(KIND_COUNT).fill(0);
  const i = firstRunEndingAfter(r, lo);
  const j = firstRunStartingFrom(r, hi) - 1;
  if (j < i) return out;
  for (let k = 0; k < KIND_COUNT; k++) if (r.cum[k]) out[k] = Math.max(0, kindNsIn(r, k, i, j, lo, hi));
  return out;
}

/** Where a lane's slices go: the window's columns, labels mapped to the window's label list. */
export interface SliceSink {
  push(start: number, end: number, kind: number, gRow: number, label: number, merged: number): void;
}

/**
 * The slices of one lane in [lo, hi) at `res` ns per pixel (res ≤ 0: every run exactly).
 * `labelOfRun` names a run (label id, -1 none) when the lane keeps no label column.
 */
export function lodSlices(r: LaneRuns, lo: number, hi: number, res: number, sink: SliceSink, labelOfRun: (i: number) => number): void {
  const n = r.n;
  let i = firstRunEndingAfter(r, lo);
  const label = (k: number) => (r.label ? r.label[k]! : labelOfRun(k));
  while (i < n && r.start[i]! < hi) {
    const s = Math.max(r.start[i]!, lo);
    const e = Math.min(r.end[i]!, hi);
    if (!(res > 0) || e - s >= res) {
      // Zero-length runs (a state left at the instant it was entered) have nothing to draw.
      if (e > s) sink.push(s, e, kindOf(r, i), gOf(r, i), label(i), 1);
      i++;
      continue;
    }
    // Runs starting inside this pixel; a wide last one is sent on its own.
    const cellEnd = s + res;
    let j = firstRunStartingFrom(r, Math.min(cellEnd, hi)) - 1;
    if (j > i && Math.min(r.end[j]!, hi) - r.start[j]! >= res) j--;
    if (j <= i) {
      sink.push(s, e, kindOf(r, i), gOf(r, i), label(i), 1);
      i++;
      continue;
    }
    const mergedEnd = Math.min(r.end[j]!, hi);
    let best = kindOf(r, i);
    let bestNs = -1;
    for (let k = 0; k < KIND_COUNT; k++) {
      if (!r.cum[k]) continue;
      const ns = kindNsIn(r, k, i, j, lo, hi);
      if (ns > bestNs) {
        bestNs = ns;
        best = k;
      }
    }
    let g = -1;
    let lab = -1;
    if (j - i < EXACT_MERGE_WALK) {
      // Few runs: the goroutine and label that held most of the dominant kind's time.
      const byG = new Map<number, number>();
      let longest = -1;
      let longestI = -1;
      for (let k = i; k <= j; k++) {
        if (kindOf(r, k) !== best) continue;
        const d = Math.min(r.end[k]!, hi) - Math.max(r.start[k]!, lo);
        const gk = gOf(r, k);
        byG.set(gk, (byG.get(gk) ?? 0) + d);
        if (d > longest) {
          longest = d;
          longestI = k;
        }
      }
      let gNs = -1;
      for (const [gk, ns] of byG) if (ns > gNs) [g, gNs] = [gk, ns];
      if (longestI >= 0) lab = byG.size === 1 || !r.g ? label(longestI) : -1;
    } else if (r.sameG[i]! > j) {
      g = gOf(r, i);
      lab = r.label ? -1 : label(i);
    }
    sink.push(s, mergedEnd, best, g, lab, j - i + 1);
    i = j + 1;
  }
}

/**
 * A lane's exact runs, indexed once, and their level-of-detail slices for a window.
 *
 *   runs    sorted by start, never overlapping (a P runs one goroutine at a time, a goroutine is in
 *           one state): start[i] ≤ end[i] ≤ start[i + 1]
 *   cum     per kind present in the lane, ns of that kind in the runs before each block of
 *           BLOCK runs: a window's time per kind is two binary searches and two partial blocks,
 *           whatever the number of runs inside (and a few bytes per block, not per run)
 *   blockG  per block, its goroutine when every run of the block has the same one: "one goroutine
 *           held this whole pixel" reads blocks, not runs
 *
 * `lodSlices` walks a window pixel by pixel: a run as wide as a pixel is sent as it is; runs narrower
 * than a pixel that start inside one pixel become one merged slice (the kind holding most of their
 * time, the goroutine when one held it all), found by binary search. A window's answer is therefore
 * O(pixels × log runs) per lane, never O(runs).
 */
import { TimeColumn } from '../../../model/time-column.ts';
import { SLICE_KINDS } from './timeline-types.ts';

export const KIND_COUNT = SLICE_KINDS.length;
/** A merged slice with at most this many runs names its dominant goroutine and label exactly. */
const EXACT_MERGE_WALK = 16;
// Scratch of the walk: goroutines seen and their ns (at most EXACT_MERGE_WALK).
const walkG = new Int32Array(EXACT_MERGE_WALK);
const walkNs = new Float64Array(EXACT_MERGE_WALK);

export interface LaneRuns {
  n: number;
  /** Times in 4 bytes a run (TimeColumn): P and thread lanes hold millions of runs. */
  start: TimeColumn;
  end: TimeColumn;
  /** Index into SLICE_KINDS per run; null: every run is `constKind`. */
  kind: Uint8Array | null;
  constKind: number;
  /**
   * Goroutine ROW per run (-1 none); null: every run is `constG`'s. 16 bits when every run has a row
   * below 0xffff (P and thread lanes hold millions of runs: 2 bytes each saved).
   */
  g: Int32Array | Uint16Array | null;
  constG: number;
  /** Label id per run (timeline label table, -1 none); null: the label of the run's goroutine. */
  label: Int32Array | null;
  /** The transition (index into model.transitions) that began each run, -1 none. */
  src: Int32Array | null;
  /** cum[k][b]: ns of kind k in runs [0, b·BLOCK), length blocks + 1; null for kinds the lane never has. */
  cum: (Float64Array | null)[];
  /** The kinds that have a cum column. */
  kinds: number[];
  /** Per block: the goroutine row all its runs have, MIXED_G when they differ. */
  blockG: Int32Array;
  /** Runs per block: 1 for a goroutine's own lane (small: exact sums per run, O(1) per pixel); more for the big P and thread lanes. */
  block: number;
}

/** Runs per block of the per-kind sums of a P or thread lane, unless the lane asks otherwise. */
export const BLOCK = 32;
const MIXED_G = -2;

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
  finish(keep: { kind: boolean; g: boolean; label: boolean; src: boolean; clipOverlaps?: boolean; yielding?: number; block?: number }): LaneRuns {
    const n = this.n;
    const order = startOrder(this.start, n);
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
    // Runs of kind `yielding` (a P's syscall stretches) give way to the others: they start no earlier
    // than every run before has ended and end no later than the next starts (nothing left: zero
    // length); the other runs are never changed.
    const y = keep.yielding ?? -1;
    if (y >= 0) {
      let reached = -Infinity;
      for (let i = 0; i < n; i++) {
        if (kind[i] === y) {
          const s = Math.max(start[i]!, reached);
          start[i] = s;
          end[i] = Math.max(s, i + 1 < n ? Math.min(end[i]!, start[i + 1]!) : end[i]!);
        }
        reached = Math.max(reached, end[i]!);
      }
    }
    const B = Math.max(1, keep.block ?? BLOCK);
    const nb = Math.ceil(n / B);
    const cum: (Float64Array | null)[] = new Array<Float64Array | null>(KIND_COUNT).fill(null);
    for (let i = 0; i < n; i++) if (!cum[kind[i]!]) cum[kind[i]!] = new Float64Array(nb + 1);
    const acc = new Float64Array(KIND_COUNT);
    const blockG = new Int32Array(nb);
    for (let b = 0; b < nb; b++) {
      const g0 = g[b * B]!;
      let same = true;
      for (let i = b * B, e = Math.min(n, i + B); i < e; i++) {
        acc[kind[i]!]! += end[i]! - start[i]!;
        if (g[i] !== g0) same = false;
      }
      blockG[b] = same ? g0 : MIXED_G;
      for (let k = 0; k < KIND_COUNT; k++) if (cum[k]) cum[k]![b + 1] = acc[k]!;
    }
    return {
      n,
      start: TimeColumn.from(start),
      end: TimeColumn.from(end),
      kind: keep.kind ? kind : null,
      constKind: n ? kind[0]! : 0,
      g: keep.g ? compactRows(g) : null,
      constG: n ? g[0]! : -1,
      label: keep.label ? pick(this.label, (k) => new Int32Array(k)) : null,
      src: keep.src ? pick(this.src, (k) => new Int32Array(k)) : null,
      cum,
      kinds: cum.flatMap((c, k) => (c ? [k] : [])),
      blockG,
      block: B,
    };
  }
}

/**
 * The order of runs by start (stable), or null when already in order. Lanes are pushed as a few
 * sorted sequences (a thread's P stretches, then its syscalls): a natural merge sort merges those
 * sequences in O(n log k) instead of comparing millions of runs through a callback.
 */
function startOrder(start: Float64Array, n: number): Int32Array | null {
  const bounds = [0];
  for (let i = 1; i < n; i++) if (start[i]! < start[i - 1]!) bounds.push(i);
  if (bounds.length === 1) return null;
  bounds.push(n);
  let src = new Int32Array(n);
  for (let k = 0; k < n; k++) src[k] = k;
  let dst = new Int32Array(n);
  let b = bounds;
  while (b.length > 2) {
    const next = [0];
    for (let r = 0; r + 1 < b.length; r += 2) {
      const lo = b[r]!;
      const mid = b[r + 1]!;
      const hi = r + 2 < b.length ? b[r + 2]! : mid;
      let x = lo;
      let y = mid;
      let o = lo;
      while (x < mid && y < hi) dst[o++] = start[src[y]!]! < start[src[x]!]! ? src[y++]! : src[x++]!;
      while (x < mid) dst[o++] = src[x++]!;
      while (y < hi) dst[o++] = src[y++]!;
      next.push(hi);
    }
    [src, dst] = [dst, src];
    b = next;
  }
  return src;
}

/** Rows as 16 bits when they all fit (no -1, all below 0xffff), else as they are. */
function compactRows(g: Int32Array): Int32Array | Uint16Array {
  for (let i = 0; i < g.length; i++) if (g[i]! < 0 || g[i]! >= 0xffff) return g;
  return Uint16Array.from(g);
}

export const kindOf = (r: LaneRuns, i: number): number => (r.kind ? r.kind[i]! : r.constKind);
export const gOf = (r: LaneRuns, i: number): number => (r.g ? r.g[i]! : r.constG);

/** The first run whose end is after x (runs never overlap, so ends are sorted too). */
export function firstRunEndingAfter(r: LaneRuns, x: number): number {
  let a = 0;
  let b = r.n;
  while (a < b) {
    const m = (a + b) >>> 1;
    if (r.end.at(m) <= x) a = m + 1;
    else b = m;
  }
  return a;
}

/** The first run starting at or after x, searching from run `from` on (galloping: near runs are found in a few steps). */
export function firstRunStartingFrom(r: LaneRuns, x: number, from = 0): number {
  let a = from;
  let step = 1;
  while (a + step < r.n && r.start.at(a + step) < x) {
    a += step;
    step *= 2;
  }
  let b = Math.min(a + step, r.n);
  while (a < b) {
    const m = (a + b) >>> 1;
    if (r.start.at(m) < x) a = m + 1;
    else b = m;
  }
  return a;
}

/** The run holding time t (start ≤ t < end), or -1. */
export function runAt(r: LaneRuns, t: number): number {
  const i = firstRunEndingAfter(r, t);
  return i < r.n && r.start.at(i) <= t ? i : -1;
}

/** Adds ns of runs [i, j) per kind to out (a part of at most one block: walked). */
function walkKinds(r: LaneRuns, i: number, j: number, out: Float64Array): void {
  const K = r.kind;
  if (!K) {
    for (let k = i; k < j; k++) out[r.constKind]! += r.end.at(k) - r.start.at(k);
    return;
  }
  for (let k = i; k < j; k++) out[K[k]!]! += r.end.at(k) - r.start.at(k);
}

/**
 * ns per kind inside [lo, hi) of runs [i, j] (inclusive), into out (the lane's kinds zeroed first):
 * whole blocks from the sums, the partial blocks at both ends walked, runs i and j clipped to the window.
 */
export function kindNsIn(r: LaneRuns, i: number, j: number, lo: number, hi: number, out: Float64Array): void {
  const kinds = r.kinds;
  for (let x = 0; x < kinds.length; x++) out[kinds[x]!] = 0;
  if (j < i) return;
  const B = r.block;
  const b0 = B === 1 ? i : Math.ceil(i / B);
  const b1 = B === 1 ? j + 1 : Math.floor((j + 1) / B);
  if (b0 >= b1) walkKinds(r, i, j + 1, out);
  else {
    if (B !== 1) walkKinds(r, i, b0 * B, out);
    for (let x = 0; x < kinds.length; x++) {
      const c = r.cum[kinds[x]!]!;
      out[kinds[x]!]! += c[b1]! - c[b0]!;
    }
    if (B !== 1) walkKinds(r, b1 * B, j + 1, out);
  }
  if (r.start.at(i) < lo) out[kindOf(r, i)]! -= lo - r.start.at(i);
  if (r.end.at(j) > hi) out[kindOf(r, j)]! -= r.end.at(j) - Math.max(hi, r.start.at(j));
}

/** Whether runs [i, j] all have run i's goroutine. */
function oneGoroutine(r: LaneRuns, i: number, j: number): boolean {
  if (!r.g) return true;
  const g0 = r.g[i]!;
  const B = r.block;
  let k = i;
  for (; k <= j && k % B !== 0; k++) if (r.g[k] !== g0) return false;
  for (; k + B - 1 <= j; k += B) if (r.blockG[k / B] !== g0) return false;
  for (; k <= j; k++) if (r.g[k] !== g0) return false;
  return true;
}

const scratch = new Float64Array(KIND_COUNT);

/** ns per kind (SLICE_KINDS order) of the lane's runs inside [lo, hi). */
export function kindTotals(r: LaneRuns, lo: number, hi: number): number[] {
  const i = firstRunEndingAfter(r, lo);
  const j = firstRunStartingFrom(r, hi) - 1;
  scratch.fill(0);
  kindNsIn(r, i, j, lo, hi, scratch);
  return Array.from(scratch, (ns) => Math.max(0, ns));
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
  while (i < n && r.start.at(i) < hi) {
    const s = Math.max(r.start.at(i), lo);
    const e = Math.min(r.end.at(i), hi);
    if (!(res > 0) || e - s >= res) {
      // Zero-length runs (a state left at the instant it was entered) have nothing to draw.
      if (e > s) sink.push(s, e, kindOf(r, i), gOf(r, i), label(i), 1);
      i++;
      continue;
    }
    // Runs starting inside this pixel; a wide last one is sent on its own.
    const cellEnd = s + res;
    let j = firstRunStartingFrom(r, Math.min(cellEnd, hi), i) - 1;
    if (j > i && Math.min(r.end.at(j), hi) - r.start.at(j) >= res) j--;
    if (j <= i) {
      sink.push(s, e, kindOf(r, i), gOf(r, i), label(i), 1);
      i++;
      continue;
    }
    const mergedEnd = Math.min(r.end.at(j), hi);
    // The kind holding most of the merged time (one kind: no sums to read).
    let best = kindOf(r, i);
    if (r.kinds.length > 1) {
      kindNsIn(r, i, j, lo, hi, scratch);
      for (let x = 0; x < r.kinds.length; x++) if (scratch[r.kinds[x]!]! > scratch[best]!) best = r.kinds[x]!;
    }
    mergedIdentity(r, i, j, lo, hi, best, label);
    sink.push(s, mergedEnd, best, merged.g, merged.label, j - i + 1);
    i = j + 1;
  }
}

/**
 * The goroutine row and label a merged slice of runs [i, j] (kind `best` dominant) shows: with at most
 * EXACT_MERGE_WALK runs, the goroutine holding most of the dominant kind's time and the label of its
 * longest run (when one goroutine); with more, the goroutine when every run has the same one. Into
 * `merged` (no array per pixel).
 */
export const merged = { g: -1, label: -1 };
export function mergedIdentity(r: LaneRuns, i: number, j: number, lo: number, hi: number, best: number, label: (k: number) => number): void {
  let g = -1;
  let lab = -1;
  if (j - i < EXACT_MERGE_WALK) {
    // Few runs: the goroutine and label that held most of the dominant kind's time.
    let m = 0;
    let longest = -1;
    let longestI = -1;
    for (let k = i; k <= j; k++) {
      if (kindOf(r, k) !== best) continue;
      const d = Math.min(r.end.at(k), hi) - Math.max(r.start.at(k), lo);
      if (d > longest) [longest, longestI] = [d, k];
      if (!r.g) continue;
      const gk = r.g[k]!;
      let x = 0;
      while (x < m && walkG[x] !== gk) x++;
      if (x === m) [walkG[m], walkNs[m++]] = [gk, 0];
      walkNs[x]! += d;
    }
    if (!r.g) g = r.constG;
    else for (let x = 0, gNs = -1; x < m; x++) if (walkNs[x]! > gNs) [g, gNs] = [walkG[x]!, walkNs[x]!];
    if (longestI >= 0 && (!r.g || m === 1)) lab = label(longestI);
  } else if (oneGoroutine(r, i, j)) {
    g = gOf(r, i);
    lab = r.label ? -1 : label(i);
  }
  merged.g = g;
  merged.label = lab;
}

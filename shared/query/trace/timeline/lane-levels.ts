/**
 * Level-of-detail summaries of a lane (a mip-map), so that a window at pixel resolution reads a few
 * summary items per pixel instead of searching millions of runs.
 *
 * Level L groups the lane's runs into items on a grid of cells R = 2^L ns wide: an item is the
 * consecutive runs starting in one cell (a run at least R wide is an item on its own). Per item: its
 * first run (items cover the runs in order, so item k holds runs [first[k], first[k + 1])), start,
 * end, exact ns per kind of the lane and its goroutine when every run has the same one. Level L + 1 is
 * built from level L (its cells are two of L's), each level once, lazily, on the first window that
 * needs it; only levels whose cells hold LEVEL_MIN_RUNS runs on average exist (finer windows read the
 * runs directly, a few per pixel).
 *
 * A window at res ns per pixel reads the level with R ≤ res / 2 (a few items per pixel) and
 * merges its items exactly as lodSlices merges runs: an item is a union of whole runs, so slices keep
 * their run boundaries and their dominant kind exact. Only the items cut by the window's edges are
 * re-summed from the runs (kindNsIn).
 */
import {
  firstRunEndingAfter,
  firstRunStartingFrom,
  gOf,
  KIND_COUNT,
  kindNsIn,
  kindOf,
  lodSlices,
  merged,
  mergedIdentity,
  type LaneRuns,
  type SliceSink,
} from './lane-runs.ts';

/** A level exists only when its cells hold at least this many runs on average. */
const LEVEL_MIN_RUNS = 16;
/** A window reads the level whose cells are at most 1/PIXEL_CELLS of a pixel. */
const PIXEL_CELLS = 2;
const MIXED_G = -2;

export interface LodLevel {
  /** Cell width, ns. */
  cell: number;
  n: number;
  start: Float64Array;
  end: Float64Array;
  /** length n + 1: item k holds runs [first[k], first[k + 1]). */
  first: Int32Array;
  /** Goroutine row of every run of the item, MIXED_G when they differ. */
  g: Int32Array;
  /** ns per kind, lane.kinds order: kindNs[k * lane.kinds.length + x]. */
  kindNs: Float64Array;
}

const levelsOf = new WeakMap<LaneRuns, Map<number, LodLevel | null>>();

/** The lowest level worth keeping for a lane: cells holding LEVEL_MIN_RUNS runs on average. */
function minLevel(r: LaneRuns): number {
  if (r.n < 2 * LEVEL_MIN_RUNS) return Infinity;
  const span = r.end.at(r.n - 1) - r.start.at(0);
  if (!(span > 0)) return Infinity;
  return Math.ceil(Math.log2((LEVEL_MIN_RUNS * span) / r.n));
}

/** Grows item columns while a level is built. */
class LevelBuilder {
  n = 0;
  start: Float64Array;
  end: Float64Array;
  first: Int32Array;
  g: Int32Array;
  kindNs: Float64Array;
  constructor(
    private readonly nk: number,
    cap: number,
  ) {
    this.start = new Float64Array(cap);
    this.end = new Float64Array(cap);
    this.first = new Int32Array(cap + 1);
    this.g = new Int32Array(cap);
    this.kindNs = new Float64Array(cap * nk);
  }
  /** Opens item n (the caller then adds to its last fields). */
  open(s: number, e: number, first: number, g: number): number {
    if (this.n === this.start.length) this.grow(this.n * 2 + 16);
    const k = this.n++;
    this.start[k] = s;
    this.end[k] = e;
    this.first[k] = first;
    this.g[k] = g;
    return k;
  }
  private grow(cap: number): void {
    const f = (a: Float64Array, c: number) => {
      const b = new Float64Array(c);
      b.set(a);
      return b;
    };
    const i = (a: Int32Array, c: number) => {
      const b = new Int32Array(c);
      b.set(a);
      return b;
    };
    this.start = f(this.start, cap);
    this.end = f(this.end, cap);
    this.first = i(this.first, cap + 1);
    this.g = i(this.g, cap);
    this.kindNs = f(this.kindNs, cap * this.nk);
  }
  finish(cell: number, runs: number): LodLevel {
    const n = this.n;
    const first = this.first.slice(0, n + 1);
    first[n] = runs;
    return { cell, n, start: this.start.slice(0, n), end: this.end.slice(0, n), first, g: this.g.slice(0, n), kindNs: this.kindNs.slice(0, n * this.nk) };
  }
}

/** Column of each kind in an item's kindNs (-1: the lane never has it). */
function kindColumns(r: LaneRuns): Int8Array {
  const col = new Int8Array(KIND_COUNT).fill(-1);
  r.kinds.forEach((k, x) => (col[k] = x));
  return col;
}

/** Level `level` from the runs themselves. */
function levelFromRuns(r: LaneRuns, level: number): LodLevel {
  const cell = 2 ** level;
  const nk = r.kinds.length;
  const col = kindColumns(r);
  const b = new LevelBuilder(nk, Math.max(16, (r.n / LEVEL_MIN_RUNS) * 2));
  let k = -1;
  let kCell = NaN;
  let kWide = true;
  for (let i = 0; i < r.n; i++) {
    const s = r.start.at(i);
    const e = r.end.at(i);
    const c = Math.floor(s / cell);
    const wide = e - s >= cell;
    if (wide || kWide || c !== kCell) {
      k = b.open(s, e, i, gOf(r, i));
      kCell = c;
      kWide = wide;
    } else {
      b.end[k] = e;
      if (b.g[k] !== gOf(r, i)) b.g[k] = MIXED_G;
    }
    b.kindNs[k * nk + col[kindOf(r, i)]!]! += e - s;
  }
  return b.finish(cell, r.n);
}

/** Level `level` from the level below it (cells of two of its cells). */
function levelFromLevel(r: LaneRuns, below: LodLevel, level: number): LodLevel {
  const cell = 2 ** level;
  const nk = r.kinds.length;
  const b = new LevelBuilder(nk, Math.max(16, below.n / 2));
  let k = -1;
  let kCell = NaN;
  let kWide = true;
  for (let x = 0; x < below.n; x++) {
    const s = below.start[x]!;
    const e = below.end[x]!;
    const c = Math.floor(s / cell);
    // Only a single run can be wide (a merged item of the level below is narrower than two of its cells).
    const wide = below.first[x + 1]! - below.first[x]! === 1 && e - s >= cell;
    if (wide || kWide || c !== kCell) {
      k = b.open(s, e, below.first[x]!, below.g[x]!);
      kCell = c;
      kWide = wide;
    } else {
      b.end[k] = e;
      if (b.g[k] !== below.g[x]) b.g[k] = MIXED_G;
    }
    for (let y = 0; y < nk; y++) b.kindNs[k * nk + y]! += below.kindNs[x * nk + y]!;
  }
  return b.finish(cell, r.n);
}

/** The lane's level `level` (built with the levels below it on first use), or null below the lane's lowest. */
export function laneLevel(r: LaneRuns, level: number): LodLevel | null {
  const lowest = minLevel(r);
  if (!(level >= lowest)) return null;
  let levels = levelsOf.get(r);
  if (!levels) levelsOf.set(r, (levels = new Map()));
  const hit = levels.get(level);
  if (hit !== undefined) return hit;
  // Build upwards from the highest level already there (or the runs).
  let from = level;
  while (from > lowest && !levels.get(from - 1)) from--;
  let lev = from > lowest ? levels.get(from - 1)! : levelFromRuns(r, from);
  if (from === lowest) levels.set(from, lev);
  for (let l = from === lowest ? from + 1 : from; l <= level; l++) {
    lev = levelFromLevel(r, lev, l);
    levels.set(l, lev);
  }
  return lev;
}

/** The level a window at `res` ns per pixel reads. */
export const levelForResolution = (res: number): number => Math.floor(Math.log2(res / PIXEL_CELLS));

const acc = new Float64Array(KIND_COUNT);
const part = new Float64Array(KIND_COUNT);

/**
 * lodSlices over a level's items: the same slices rules (a run at least a pixel wide on its own; the
 * items starting within a pixel of the first merged, in the kind holding most of their time), reading
 * O(items per pixel) per pixel. Returns false (nothing sent) when the lane has no level that fine.
 */
export function lodSlicesFromLevel(r: LaneRuns, lo: number, hi: number, res: number, sink: SliceSink, label: (k: number) => number): boolean {
  if (!(res > 0)) return false;
  const lev = laneLevel(r, levelForResolution(res));
  if (!lev) return false;
  const i0 = firstRunEndingAfter(r, lo);
  if (i0 >= r.n || !(r.start.at(i0) < hi)) return true;
  const iEnd = firstRunStartingFrom(r, hi, i0);
  // Items holding runs i0 and iEnd - 1: the first and last items, cut to [i0, iEnd) and [lo, hi).
  const itemOf = (run: number) => {
    let a = 0;
    let b = lev.n;
    while (a < b) {
      const m = (a + b) >>> 1;
      if (lev.first[m]! <= run) a = m + 1;
      else b = m;
    }
    return a - 1;
  };
  const k0 = itemOf(i0);
  const kLast = itemOf(iEnd - 1);
  const kinds = r.kinds;
  const nk = kinds.length;
  const F = lev.first;
  const firstRun = (k: number) => (k === k0 ? i0 : F[k]!);
  const endRun = (k: number) => (k === kLast ? iEnd : F[k + 1]!);
  const cut = (k: number) => k === k0 || k === kLast;
  const itemStart = (k: number) => (k === k0 ? Math.max(r.start.at(i0), lo) : lev.start[k]!);
  const itemEnd = (k: number) => (k === kLast ? Math.min(r.end.at(iEnd - 1), hi) : lev.end[k]!);
  /** Adds item k's ns per kind (kinds order) to acc. */
  const addKinds = (k: number) => {
    if (!cut(k)) {
      for (let x = 0; x < nk; x++) acc[x]! += lev.kindNs[k * nk + x]!;
      return;
    }
    kindNsIn(r, firstRun(k), endRun(k) - 1, lo, hi, part);
    for (let x = 0; x < nk; x++) acc[x]! += part[kinds[x]!]!;
  };
  let k = k0;
  while (k <= kLast) {
    const s = itemStart(k);
    const a = firstRun(k);
    if (endRun(k) - a === 1) {
      const e = itemEnd(k);
      // A single run: sent as it is when a pixel wide (zero-length runs have nothing to draw).
      if (e - s >= res || k === kLast || lev.start[k + 1]! >= s + res) {
        if (e > s) sink.push(s, e, kindOf(r, a), gOf(r, a), label(a), 1);
        k++;
        continue;
      }
    }
    // Items starting inside this pixel (galloping over the level); a wide single run last is sent on its own.
    const cellEnd = s + res;
    let m = k;
    let step = 1;
    while (m + step <= kLast && lev.start[m + step]! < cellEnd) {
      m += step;
      step *= 2;
    }
    let z = Math.min(m + step, kLast + 1);
    while (m + 1 < z) {
      const h = (m + z) >>> 1;
      if (lev.start[h]! < cellEnd) m = h;
      else z = h;
    }
    if (m > k && endRun(m) - firstRun(m) === 1 && itemEnd(m) - itemStart(m) >= res) m--;
    const b = endRun(m);
    if (b - a === 1) {
      const e = itemEnd(k);
      if (e > s) sink.push(s, e, kindOf(r, a), gOf(r, a), label(a), 1);
      k++;
      continue;
    }
    acc.fill(0, 0, nk);
    for (let x = k; x <= m; x++) addKinds(x);
    let bx = 0;
    for (let x = 1; x < nk; x++) if (acc[x]! > acc[bx]!) bx = x;
    const best = kinds[bx]!;
    let g = -1;
    let lab = -1;
    if (b - a <= 16) {
      mergedIdentity(r, a, b - 1, lo, hi, best, label);
      g = merged.g;
      lab = merged.label;
    }
    else {
      let same = lev.g[k]!;
      for (let x = k + 1; x <= m && same !== MIXED_G; x++) if (lev.g[x] !== same) same = MIXED_G;
      if (same !== MIXED_G) {
        g = same;
        lab = r.label ? -1 : label(a);
      }
    }
    sink.push(s, itemEnd(m), best, g, lab, b - a);
    k = m + 1;
  }
  return true;
}

/**
 * The slices of one lane in [lo, hi) at `res` ns per pixel: from the lane's summary level when it has
 * one that fine, else from its runs (lodSlices; res ≤ 0: every run exactly). `labelOfRun` names a run
 * when the lane keeps no label column.
 */
export function laneSlicesAt(r: LaneRuns, lo: number, hi: number, res: number, sink: SliceSink, labelOfRun: (i: number) => number): void {
  const label = (k: number) => (r.label ? r.label[k]! : labelOfRun(k));
  if (!lodSlicesFromLevel(r, lo, hi, res, sink, label)) lodSlices(r, lo, hi, res, sink, labelOfRun);
}

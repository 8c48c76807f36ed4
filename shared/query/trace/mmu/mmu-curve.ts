/**
 * Minimum mutator utilization over a mutator-utilization function, computed the way Go's
 * `internal/trace` MMUCurve does (gc.go), so the figures equal `go tool trace`'s /mmu page:
 *
 *   MMU(w)        the lowest mean utilization of any window of width w inside the function's span;
 *   worst(w, n)   n disjoint windows of width w with the lowest mean utilization (Go's Examples).
 *
 * A utilization function is a step function: `util[i]` holds from `time[i]` to `time[i+1]`; the last
 * point marks the end. Times are integer ns (any origin: only differences matter, and they are exact).
 *
 * Why it is fast: each series is cut into ≤ 1000 equal bands, each summarised by its lowest instantaneous
 * utilization and the integral up to its left edge. For a window size, every band gets a lower bound of
 * the utilization of windows starting in it; bands are refined exactly (walking the window's edges over
 * the utilization changes) from the lowest bound up, until no unrefined band can beat what is found.
 * Which bands get refined, and in which order, follows Go's own heap, so the worst windows chosen among
 * equals are Go's too.
 */

/** One mutator utilization function: parallel arrays, time ascending, util in [0, 1]. */
export interface UtilSeries {
  time: number[];
  util: number[];
}

/** A window of the given width starting at `start`, and its mean mutator utilization. */
export interface UtilWindow {
  start: number;
  util: number;
}

/** How many bands each series is cut into (Go's bandsPerSeries). */
const BANDS_PER_SERIES = 1000;

interface Band {
  /** Lowest instantaneous utilization inside the band. */
  minUtil: number;
  /** Integral of utilization from the series start to the band's left edge (ns). */
  cumUtil: number;
  /** Integrator position at the band's left edge. */
  pos: number;
}

class Series {
  /** sums[j]: integral of utilization over [time[0], time[j]]. */
  readonly sums: Float64Array;
  readonly bands: Band[];
  readonly bandDur: number;

  constructor(
    readonly time: number[],
    readonly util: number[],
  ) {
    const n = time.length;
    this.sums = new Float64Array(n);
    let prevTime = 0;
    let prevUtil = 0;
    let sum = 0;
    for (let j = 0; j < n; j++) {
      sum += prevUtil * (time[j]! - prevTime);
      this.sums[j] = sum;
      prevTime = time[j]!;
      prevUtil = util[j]!;
    }
    const numBands = Math.min(BANDS_PER_SERIES, n);
    const dur = time[n - 1]! - time[0]!;
    this.bandDur = Math.max(1, Math.floor((dur + numBands - 1) / numBands));
    // numBands + 1 bands: the last one records the final integral.
    this.bands = new Array<Band>(numBands + 1);
    const left = new Integrator(this, 0);
    for (let i = 0; i <= numBands; i++) {
      const [startTime, endTime] = this.bandTime(i);
      const cumUtil = left.advance(startTime);
      let minUtil = 1;
      for (let k = left.pos; k < n && time[k]! < endTime; k++) minUtil = Math.min(minUtil, util[k]!);
      this.bands[i] = { minUtil, cumUtil, pos: left.pos };
    }
  }

  get duration(): number {
    return this.time[this.time.length - 1]! - this.time[0]!;
  }

  bandTime(i: number): [number, number] {
    const start = i * this.bandDur + this.time[0]!;
    return [start, start + this.bandDur];
  }

  /** For each band, a lower bound of the mean utilization of every window of `window` ns starting in it. */
  bandBounds(series: number, window: number, out: BandBound[]): void {
    const bandDur = this.bandDur;
    const minBands = Math.floor((window + bandDur - 1) / bandDur);
    const maxBands = Math.floor((window + 2 * (bandDur - 1)) / bandDur);
    const tailDur = window % bandDur;
    const nBounds = Math.max(0, this.bands.length - maxBands + 1);
    for (let i = 0; i < nBounds; i++) {
      // Bands only partly covered count at their minimum; bands every window covers fully, at their mean.
      const l = this.bands[i]!.minUtil;
      const r1 = this.bands[i + minBands - 1]!.minUtil;
      const r2 = this.bands[i + maxBands - 1]!.minUtil;
      const minBand = Math.min(l, Math.min(r1, r2));
      let total = 0;
      if (minBands === 1) {
        total += minBand * window;
      } else {
        // The worst window overlaps the worst partial band fully and the second worst for the rest.
        total += minBand * bandDur;
        let midBand = 0;
        if (minBand === l) midBand = Math.min(r1, r2);
        else if (minBand === r1) midBand = Math.min(l, r2);
        else if (minBand === r2) midBand = Math.min(l, r1);
        total += midBand * tailDur;
      }
      if (minBands > 2) total += this.bands[i + minBands - 1]!.cumUtil - this.bands[i + 1]!.cumUtil;
      out.push({ series, band: i, bound: total / window });
    }
  }

  /** Exact windowed utilization for the windows whose left edge is in band `bandIdx`. */
  refineBand(bandIdx: number, window: number, acc: Accumulator): void {
    const left = new Integrator(this, this.bands[bandIdx]!.pos);
    const right = new Integrator(this, this.bands[bandIdx]!.pos);
    let [time, endTime] = this.bandTime(bandIdx);
    const utilEnd = this.time[this.time.length - 1]! - window;
    if (utilEnd < endTime) endTime = utilEnd;
    for (;;) {
      // The windowed function is piecewise linear between the times an edge meets a change, so only
      // those times need looking at.
      const mu = (right.advance(time + window) - left.advance(time)) / window;
      if (acc.add(time, mu, window)) break;
      if (time === endTime) break;
      // Its slope is at most 1/window: it cannot drop below the bound before this.
      const minTime = time + Math.trunc((mu - acc.bound) * window);
      const t1 = left.next(time);
      const t2 = right.next(time + window) - window;
      time = t1 < t2 ? t1 : t2;
      if (time < minTime) time = minTime;
      if (time >= endTime) time = endTime;
    }
  }
}

/** A position in a series, integrating it from its start; advanced with non-decreasing times. */
class Integrator {
  constructor(
    readonly s: Series,
    /** Index of the current time's non-strict predecessor. */
    public pos: number,
  ) {}

  advance(time: number): number {
    const t = this.s.time;
    let pos = this.pos;
    if (pos + 8 < t.length && t[pos + 8]! > time) {
      while (pos + 1 < t.length && t[pos + 1]! <= time) pos++;
    } else {
      let lo = pos;
      let hi = t.length;
      while (lo < hi) {
        const h = (lo + hi) >>> 1;
        if (t[h]! <= time) lo = h + 1;
        else hi = h;
      }
      pos = lo - 1;
    }
    this.pos = pos;
    const partial = time !== t[pos]! ? this.s.util[pos]! * (time - t[pos]!) : 0;
    return this.s.sums[pos]! + partial;
  }

  /** The first change after `time`, or Infinity. */
  next(time: number): number {
    const t = this.s.time;
    for (let i = this.pos; i < t.length; i++) if (t[i]! > time) return t[i]!;
    return Infinity;
  }
}

interface BandBound {
  series: number;
  band: number;
  bound: number;
}

/**
 * A binary min-heap by `less`, with exactly the sift rules of Go's container/heap: the same inputs pop
 * in the same order as Go's, ties included (the worst windows Go picks among equals depend on it).
 */
class GoHeap<T> {
  constructor(
    readonly items: T[],
    private readonly less: (a: T, b: T) => boolean,
  ) {
    const n = items.length;
    for (let i = (n >> 1) - 1; i >= 0; i--) this.down(i, n);
  }

  get length(): number {
    return this.items.length;
  }

  push(x: T): void {
    this.items.push(x);
    this.up(this.items.length - 1);
  }

  pop(): T {
    const n = this.items.length - 1;
    this.swap(0, n);
    this.down(0, n);
    return this.items.pop()!;
  }

  remove(i: number): T {
    const n = this.items.length - 1;
    if (n !== i) {
      this.swap(i, n);
      if (!this.down(i, n)) this.up(i);
    }
    return this.items.pop()!;
  }

  private swap(i: number, j: number): void {
    const a = this.items;
    const x = a[i]!;
    a[i] = a[j]!;
    a[j] = x;
  }

  private up(j: number): void {
    const a = this.items;
    for (;;) {
      const i = j > 0 ? (j - 1) >> 1 : 0;
      if (i === j || !this.less(a[j]!, a[i]!)) break;
      this.swap(i, j);
      j = i;
    }
  }

  private down(i0: number, n: number): boolean {
    const a = this.items;
    let i = i0;
    for (;;) {
      const j1 = 2 * i + 1;
      if (j1 >= n) break;
      let j = j1;
      const j2 = j1 + 1;
      if (j2 < n && this.less(a[j2]!, a[j1]!)) j = j2;
      if (!this.less(a[j]!, a[i]!)) break;
      this.swap(i, j);
      i = j;
    }
    return i > i0;
  }
}

/** The worst-windows heap keeps the least bad of the n on top (Go's utilHeap order). */
const lessWorstOnTop = (a: UtilWindow, b: UtilWindow): boolean => (a.util !== b.util ? a.util > b.util : a.start > b.start);

/** Collects the windowed utilization values a refinement visits (Go's accumulator, without the MUD). */
class Accumulator {
  mmu = 1;
  /** Utilization above this cannot change the result: refinement stops at bands bounded above it. */
  bound = 1;
  readonly worst: GoHeap<UtilWindow> | null;

  constructor(readonly nWorst: number) {
    this.worst = nWorst > 0 ? new GoHeap<UtilWindow>([], lessWorstOnTop) : null;
  }

  /** Adds the window at `time`; true when nothing more can change the result. */
  add(time: number, mu: number, window: number): boolean {
    if (mu < this.mmu) this.mmu = mu;
    this.bound = this.mmu;
    const heap = this.worst;
    if (!heap) return mu === 0;
    if (heap.length < this.nWorst || mu < heap.items[0]!.util) {
      // Keep windows disjoint: of two overlapping ones, the worse (or the first, when equal) stays.
      let keep = false;
      const items = heap.items;
      for (let i = 0; i < items.length; i++) {
        const w = items[i]!;
        if (time + window > w.start && w.start + window > time) {
          if (w.util <= mu) keep = true;
          else heap.remove(i);
          break;
        }
      }
      if (!keep) {
        heap.push({ start: time, util: mu });
        if (heap.length > this.nWorst) heap.pop();
      }
    }
    if (heap.length < this.nWorst) this.bound = 1;
    else this.bound = Math.max(this.bound, heap.items[0]!.util);
    return heap.length === this.nWorst && heap.items[0]!.util === 0;
  }
}

/** The MMU curve of one or more utilization functions (Go's MMUCurve; per-P mode gives one per P). */
export class MmuCurve {
  private readonly series: Series[];

  /**
   * Series with fewer than two points or no duration are left out: they hold no window (Go would fail
   * on them; they only arise from a trace that ends where it sets GOMAXPROCS).
   */
  constructor(utils: readonly UtilSeries[]) {
    this.series = utils.filter((u) => u.time.length >= 2 && u.time[u.time.length - 1]! > u.time[0]!).map((u) => new Series(u.time, u.util));
  }

  get empty(): boolean {
    return this.series.length === 0;
  }

  /** Earliest start and latest end over the series (NaN when empty). */
  span(): { start: number; end: number } {
    let start = NaN;
    let end = NaN;
    for (const s of this.series) {
      if (!(s.time[0]! >= start)) start = s.time[0]!;
      if (!(s.time[s.time.length - 1]! <= end)) end = s.time[s.time.length - 1]!;
    }
    return { start, end };
  }

  /** Minimum mutator utilization over every window of `windowNs` (integer ns), 0..1. */
  mmu(windowNs: number): number {
    const acc = new Accumulator(0);
    this.run(Math.trunc(windowNs), acc);
    return acc.mmu;
  }

  /** Up to n disjoint windows of `windowNs` with the lowest utilization, worst first (Go's Examples). */
  worst(windowNs: number, n: number): UtilWindow[] {
    const acc = new Accumulator(n);
    this.run(Math.trunc(windowNs), acc);
    // Go sorts by (util, start) ascending; no two kept windows tie on both (they would overlap).
    return [...acc.worst!.items].sort((a, b) => a.util - b.util || a.start - b.start);
  }

  private run(window: number, acc: Accumulator): void {
    if (window <= 0) {
      acc.mmu = 0;
      return;
    }
    const windows: number[] = [];
    const bounds: BandBound[] = [];
    this.series.forEach((s, i) => {
      windows[i] = Math.min(window, s.duration);
      s.bandBounds(i, windows[i]!, bounds);
    });
    const heap = new GoHeap(bounds, (a, b) => a.bound < b.bound);
    while (heap.length > 0 && heap.items[0]!.bound < acc.bound) {
      const top = heap.items[0]!;
      this.series[top.series]!.refineBand(top.band, windows[top.series]!, acc);
      heap.pop();
    }
  }
}

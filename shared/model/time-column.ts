/**
 * A column of integer-nanosecond times in 4 bytes a row instead of 8: the trace model's biggest
 * tables (170 M goroutine transitions on a 1 GB trace) keep their times here.
 *
 * Rows are grouped in blocks of 2^16. Each block has a Float64 base (its first time) and each row a
 * Uint32 offset from it, so a row is exact whenever its block's times lie in [base, base + 2^32 ns):
 * 65,536 events within 4.3 s, true of any trace dense enough for memory to matter. A block that does
 * not fit (a sparse trace, a long quiet gap, times out of order) keeps Float64 times instead; its base
 * is NaN, so `at` tells the two apart with one comparison.
 *
 * Read with `at(i)`; `lowerBound` / `upperBound` search a sorted column; `slice` copies rows out.
 */
import { allocateReserve, ensureCapacity, reserveLength } from './column.ts';

export const TIME_BLOCK_BITS = 16;
const BLOCK = 1 << TIME_BLOCK_BITS;
const MASK = BLOCK - 1;

export class TimeColumn {
  private constructor(
    readonly length: number,
    /** Per block: its first time, or NaN when the block is wide. */
    private readonly base: Float64Array,
    private readonly offsets: Uint32Array,
    /** Wide blocks' times, by block. */
    private readonly wide: Map<number, Float64Array>,
  ) {}

  /** A column holding these times (any order, any values). */
  static from(times: ArrayLike<number>): TimeColumn {
    const b = new TimeColumnBuilder(times.length, true);
    for (let i = 0; i < times.length; i++) b.push(times[i]!);
    return b.done();
  }

  /** @internal for TimeColumnBuilder. */
  static assemble(length: number, base: Float64Array, offsets: Uint32Array, wide: Map<number, Float64Array>): TimeColumn {
    return new TimeColumn(length, base, offsets, wide);
  }

  /** The time of row i (0 ≤ i < length). */
  at(i: number): number {
    const v = this.base[i >>> TIME_BLOCK_BITS]! + this.offsets[i]!;
    return v === v ? v : this.wide.get(i >>> TIME_BLOCK_BITS)![i & MASK]!;
  }

  /** The first i in [lo, hi) with at(i) >= x (hi when none); the column must be sorted there. NaN x gives lo. */
  lowerBound(x: number, lo = 0, hi = this.length): number {
    if (x !== x) return lo;
    let a = lo;
    let b = hi;
    while (a < b) {
      const m = (a + b) >>> 1;
      if (this.at(m) < x) a = m + 1;
      else b = m;
    }
    return a;
  }

  /** The first i in [lo, hi) with at(i) > x (hi when none); the column must be sorted there. */
  upperBound(x: number, lo = 0, hi = this.length): number {
    let a = lo;
    let b = hi;
    while (a < b) {
      const m = (a + b) >>> 1;
      if (this.at(m) <= x) a = m + 1;
      else b = m;
    }
    return a;
  }

  /** Rows [lo, hi) as a new Float64Array. */
  slice(lo = 0, hi = this.length): Float64Array {
    const out = new Float64Array(Math.max(0, hi - lo));
    for (let i = lo; i < hi; i++) out[i - lo] = this.at(i);
    return out;
  }

  /** Bytes held by the rows (for memory reports). */
  get byteLength(): number {
    let n = this.length * 4 + this.base.byteLength;
    for (const w of this.wide.values()) n += w.byteLength;
    return n;
  }
}

/**
 * Appends times into a TimeColumn. `reserve` rows are allocated up front and never copied while the
 * column stays within them: a big allocation is only address space until rows are written, so an
 * upper bound costs no memory; past it the offsets grow by doubling.
 */
export class TimeColumnBuilder {
  length = 0;
  private offsets: Uint32Array;
  private base = new Float64Array(64);
  private wide = new Map<number, Float64Array>();
  private curBase = 0;
  private curWide: Float64Array | null = null;

  /** `exact`: the column will hold `reserve` rows, no more (every row is written: no reserve rounding). */
  constructor(reserve = 1024, exact = false) {
    this.offsets = allocateReserve(Uint32Array, Math.max(16, exact ? reserve : reserveLength(reserve, 4)));
  }

  push(t: number): void {
    const i = this.length++;
    if (i >= this.offsets.length) this.offsets = ensureCapacity(this.offsets, i + 1);
    const j = i & MASK;
    if (j === 0) this.startBlock(i, t);
    const w = this.curWide;
    if (w !== null) {
      w[j] = t;
      return;
    }
    const o = t - this.curBase;
    if (o >>> 0 === o) this.offsets[i] = o; // an integer in [0, 2^32)
    else this.widen(i, t);
  }

  private startBlock(i: number, t: number): void {
    const b = i >>> TIME_BLOCK_BITS;
    if (b >= this.base.length) this.base = ensureCapacity(this.base, b + 1);
    this.base[b] = t;
    this.curBase = t;
    this.curWide = null;
  }

  /** Row i's time is no offset of its block's base: the block keeps Float64 times. */
  private widen(i: number, t: number): void {
    const b = i >>> TIME_BLOCK_BITS;
    const w = new Float64Array(BLOCK);
    const first = b << TIME_BLOCK_BITS;
    for (let k = first; k < i; k++) w[k - first] = this.curBase + this.offsets[k]!;
    w[i & MASK] = t;
    this.base[b] = NaN;
    this.wide.set(b, w);
    this.curWide = w;
  }

  done(): TimeColumn {
    const n = this.length;
    const blocks = (n + MASK) >>> TIME_BLOCK_BITS;
    return TimeColumn.assemble(n, this.base.slice(0, blocks), this.offsets.subarray(0, n), this.wide);
  }
}

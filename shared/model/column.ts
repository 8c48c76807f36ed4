/**
 * Growable typed-array columns: the one way the model builders (shared/ingest/*) grow a table.
 *
 *   Column<T>        a buffer `a` with spare room and a growth factor; a builder reserves room for a
 *                    row once (`ensure(n)` for every column of a table, or `reserve(k)` on one column)
 *                    and then stores into `a[i]` directly, so a row costs plain typed-array stores
 *   ensureCapacity   the same growth for a bare typed array a builder keeps in a local
 *   trimTo           a finished column: a view of exactly n rows, copied when a view would pin a
 *                    mostly empty buffer
 *
 * Growth is amortised O(1) per row (doubling by default; a live capture that grows by little at a time
 * asks for less). Every column field of a builder holds one element type for its whole life, so each
 * store site stays monomorphic in the engine however many element types this module serves.
 */

/**
 * A big table's reserve in elements: at least `rows`, and, once it is over 1 MB, never under 32 MB. A
 * reserve is meant to cost address space only until rows are written, which holds when the allocator
 * maps it fresh (zero pages on demand); glibc maps anything over its mmap threshold, which it raises up
 * to 32 MB after big frees, and below that it memsets the whole reserve from its heap.
 */
export function reserveLength(rows: number, bytesPerElement: number): number {
  const bytes = rows * bytesPerElement;
  if (bytes <= 1 << 20 || bytes > MMAP_THRESHOLD_MAX) return rows;
  return Math.ceil((MMAP_THRESHOLD_MAX + 65536) / bytesPerElement);
}
const MMAP_THRESHOLD_MAX = 32 << 20;

/**
 * A new array of n elements, or of a small default (twice `atLeast` when that is more) when n
 * elements cannot be had: a reserve is sized
 * from the input's size, which a crafted file sets, and a system that charges address space as memory
 * (Windows, strict overcommit) may refuse it. The column then grows by doubling as rows come.
 */
export function allocateReserve<T extends NumericArray>(ctor: new (n: number) => T, n: number, atLeast = 0): T {
  const fallback = Math.max(SMALL_RESERVE, 2 * atLeast);
  try {
    return new ctor(n);
  } catch (e) {
    if (e instanceof RangeError && n > fallback) return new ctor(fallback);
    throw e;
  }
}
const SMALL_RESERVE = 1024;

export type NumericArray = Uint8Array | Uint16Array | Uint32Array | Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;

type Ctor<T extends NumericArray> = new (n: number) => T;

/**
 * `a` when it already holds `need` elements, else a copy with room for max(need, length × growth)
 * (the elements past the old length are zero).
 */
export function ensureCapacity<T extends NumericArray>(a: T, need: number, growth = 2): T {
  if (need <= a.length) return a;
  const b = new (a.constructor as Ctor<T>)(Math.max(need, Math.ceil(a.length * growth), 16));
  b.set(a as never);
  return b;
}

/** The first n elements of a: a view, or a copy when a view would keep a buffer over a third empty. */
export function trimTo<T extends NumericArray>(a: T, n: number): T {
  return (n * 4 < a.length * 3 ? a.slice(0, n) : a.subarray(0, n)) as T;
}

export class Column<T extends NumericArray> {
  /** The buffer: rows [0, length) are the column, the rest is spare room. */
  a: T;
  /** Rows in use, for columns that count their own rows (`reserve`/`push`); builders that keep one row
   * count for a whole table leave it 0 and pass their count to `done`. */
  length = 0;

  /**
   * A column of `cap` zeroed rows of element type `ctor`, or one that starts as a copy of `first`
   * (all of its rows in use) with spare room of an eighth (at least 1024 rows).
   */
  constructor(
    ctorOrFirst: Ctor<T> | T,
    cap = 256,
    private readonly growth = 2,
  ) {
    if (typeof ctorOrFirst === 'function') {
      this.a = allocateReserve(ctorOrFirst, Math.max(1, cap));
    } else {
      const first = ctorOrFirst;
      this.a = new (first.constructor as Ctor<T>)(first.length + Math.max(1024, first.length >>> 3));
      this.a.set(first as never);
      this.length = first.length;
    }
  }

  /** Room for `need` rows in all (the hot-path check is the caller's `need > col.a.length`). */
  ensure(need: number): void {
    if (need > this.a.length) this.a = ensureCapacity(this.a, need, this.growth);
  }

  /** Room for k more rows past `length`; returns the row they start at (and counts them in use). */
  reserve(k: number): number {
    const at = this.length;
    this.ensure(at + k);
    this.length = at + k;
    return at;
  }

  /** Appends one value. */
  push(v: number): void {
    const i = this.length;
    if (i >= this.a.length) this.a = ensureCapacity(this.a, i + 1, this.growth);
    this.a[i] = v;
    this.length = i + 1;
  }

  /** Appends every value of src. */
  pushAll(src: T): void {
    const at = this.reserve(src.length); // first: it may replace `a`
    this.a.set(src as never, at);
  }

  /** Appends every value of src passed through f (index remaps, time shifts). */
  pushMapped(src: ArrayLike<number>, f: (v: number) => number): void {
    const at = this.reserve(src.length);
    const a = this.a;
    for (let i = 0; i < src.length; i++) a[at + i] = f(src[i]!);
  }

  /** A view of the first n rows (default: the rows in use); later growth never changes it. */
  done(n = this.length): T {
    return this.a.subarray(0, n) as T;
  }

  /** The first n rows, copied when the spare room is large (see trimTo). */
  trimmed(n = this.length): T {
    return trimTo(this.a, n);
  }
}

/**
 * Columns of small integers for the trace model's big tables, in the narrow element type while every
 * value fits and the wide one once one does not: goroutine rows and stack indexes (Int16 → Int32,
 * -1 meaning none in both), reason string indexes (Uint8 → Uint16). Two bytes a row matter at 170 M
 * rows, and most traces have fewer than 32,768 goroutines and stacks and a few dozen reasons.
 *
 * Like every big-table column it is reserved up front (an upper bound costs only address space until
 * rows are written) and finished as a view, never copied; widening copies the rows written so far, once.
 */
import { allocateReserve, ensureCapacity, reserveLength, type NumericArray } from './column.ts';
import type { IndexColumn } from './trace.ts';

type Ctor<T extends NumericArray> = (new (n: number) => T) & { BYTES_PER_ELEMENT: number };

export class NarrowColumnBuilder<N extends NumericArray, W extends NumericArray> {
  a: N | W;
  private wide = false;

  constructor(
    narrow: Ctor<N>,
    private readonly wideCtor: Ctor<W>,
    /** The largest value the narrow type holds. */
    private readonly narrowMax: number,
    reserve = 256,
  ) {
    this.a = allocateReserve(narrow, Math.max(16, reserveLength(reserve, narrow.BYTES_PER_ELEMENT)));
  }

  /** Row i = v, rows written in order (v at least the narrow type's minimum). */
  set(i: number, v: number): void {
    if (i >= this.a.length) this.a = ensureCapacity(this.a, i + 1);
    if (v > this.narrowMax && !this.wide) this.widen(i);
    this.a[i] = v;
  }

  private widen(rows: number): void {
    const w = allocateReserve(this.wideCtor, reserveLength(this.a.length, this.wideCtor.BYTES_PER_ELEMENT), rows + 1);
    w.set(this.a.subarray(0, rows) as never);
    this.a = w;
    this.wide = true;
  }

  /** The first n rows. */
  done(n: number): N | W {
    return this.a.subarray(0, n) as N | W;
  }
}

/** Goroutine rows and stack indexes (-1: none). */
export function indexColumnBuilder(reserve = 256): NarrowColumnBuilder<Int16Array, Int32Array> {
  return new NarrowColumnBuilder(Int16Array, Int32Array, 0x7fff, reserve);
}

/** Indexes into a string table (reasons). */
export function stringIndexColumnBuilder(reserve = 256): NarrowColumnBuilder<Uint8Array, Uint16Array> {
  return new NarrowColumnBuilder(Uint8Array, Uint16Array, 0xff, reserve);
}

export type { IndexColumn };

import { describe, expect, it } from 'vitest';
import { indexColumnBuilder, stringIndexColumnBuilder } from './index-column.ts';
import { TIME_BLOCK_BITS, TimeColumn, TimeColumnBuilder } from './time-column.ts';

const BLOCK = 1 << TIME_BLOCK_BITS;

describe('TimeColumn', () => {
  it('gives back every time exactly: dense blocks as offsets, a block spanning over 2^32 ns, out of order, negative, fractional', () => {
    const times: number[] = [];
    // Block 0: dense, 1 µs apart from a large base (a trace clock in the hours).
    for (let i = 0; i < BLOCK; i++) times.push(7.2e12 + i * 1000);
    // Block 1: a 10 s gap inside it (wider than an offset holds), then time going backwards.
    for (let i = 0; i < BLOCK; i++) times.push(7.3e12 + (i > 100 ? 1e10 : 0) + i - (i === 5000 ? 2e6 : 0));
    // Block 2 (partial): a negative time first, then a fraction of a ns.
    times.push(-5, 3, 4.5, 2 ** 53);
    const c = TimeColumn.from(times);
    expect(c.length).toBe(times.length);
    for (let i = 0; i < times.length; i++) if (c.at(i) !== times[i]) throw new Error(`row ${i}: ${c.at(i)} != ${times[i]}`);
    expect(c.slice(BLOCK - 2, BLOCK + 2)).toEqual(Float64Array.from(times.slice(BLOCK - 2, BLOCK + 2)));
    // Only the blocks that needed it keep 8 bytes a row.
    expect(c.byteLength).toBeLessThan(times.length * 4 + 2 * BLOCK * 8 + 64);
    expect(c.byteLength).toBeGreaterThanOrEqual(times.length * 4 + BLOCK * 8);
  });

  it('binary searches agree with a scan across block boundaries', () => {
    const times = Array.from({ length: 3 * BLOCK + 17 }, (_, i) => Math.floor(i / 3) * 7);
    const c = TimeColumn.from(times);
    for (const x of [-1, 0, 6, 7, 8, 7 * Math.floor(BLOCK / 3), 7 * BLOCK, times[times.length - 1]!, 1e12, NaN]) {
      const lo = times.findIndex((v) => v >= x);
      const hi = times.findIndex((v) => v > x);
      expect(c.lowerBound(x)).toBe(x !== x ? 0 : lo < 0 ? times.length : lo);
      if (x === x) expect(c.upperBound(x)).toBe(hi < 0 ? times.length : hi);
    }
    expect(c.lowerBound(7, 10, 20)).toBe(10);
  });

  it('grows past its reserve', () => {
    const b = new TimeColumnBuilder(16);
    for (let i = 0; i < 1000; i++) b.push(i * 3);
    const c = b.done();
    expect(c.length).toBe(1000);
    expect(c.at(999)).toBe(2997);
  });
});

describe('narrow columns', () => {
  it('stay two bytes a row while rows fit Int16 and widen (keeping every row) when one does not', () => {
    const b = indexColumnBuilder(8);
    for (let i = 0; i < 100; i++) b.set(i, i % 2 ? -1 : i * 300);
    expect(b.done(100)).toBeInstanceOf(Int16Array);
    b.set(100, 40000);
    const w = b.done(101);
    expect(w).toBeInstanceOf(Int32Array);
    expect([...w.subarray(0, 4)]).toEqual([0, -1, 600, -1]);
    expect(w[98]).toBe(98 * 300);
    expect(w[100]).toBe(40000);
  });

  it('reason indexes are one byte until one passes 255', () => {
    const b = stringIndexColumnBuilder();
    b.set(0, 255);
    expect(b.done(1)).toBeInstanceOf(Uint8Array);
    b.set(1, 256);
    expect([...b.done(2)]).toEqual([255, 256]);
    expect(b.done(2)).toBeInstanceOf(Uint16Array);
  });
});

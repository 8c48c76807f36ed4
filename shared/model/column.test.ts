import { describe, expect, it } from 'vitest';
import { allocateReserve, Column, ensureCapacity, trimTo } from './column.ts';
import { StringInterner } from './interner.ts';

describe('Column', () => {
  it('grows by its factor, keeps rows, and earlier views stay as they were', () => {
    const c = new Column(Int32Array, 4);
    for (let i = 0; i < 4; i++) c.push(i * 10);
    const before = c.done();
    c.push(40);
    expect(c.a.length).toBe(16); // doubling from 4, at least 16
    expect([...c.done()]).toEqual([0, 10, 20, 30, 40]);
    expect([...before]).toEqual([0, 10, 20, 30]);
  });

  it('starts from a loaded column with spare room and appends mapped values', () => {
    const c = new Column(new Float64Array([1, 2, 3]), 0, 1.5);
    expect(c.length).toBe(3);
    expect(c.a.length).toBe(3 + 1024);
    c.pushMapped([1, 2], (v) => v * 100);
    c.pushAll(new Float64Array([7]));
    expect([...c.done()]).toEqual([1, 2, 3, 100, 200, 7]);
    c.pushAll(new Float64Array(5000).fill(9)); // more than the spare room: grows first, then copies
    expect(c.length).toBe(5006);
    expect(c.a[5005]).toBe(9);
    expect(c.a[5]).toBe(7);
    const big = new Column(new Uint8Array(2000), 0, 1.5);
    big.reserve(1000); // 3000 rows fit the 2000 + 1024 it started with
    expect(big.a.length).toBe(3024);
    big.reserve(100); // 3100 do not: it grows by half
    expect(big.a.length).toBe(Math.ceil(3024 * 1.5));
  });

  it('a builder that counts rows itself ensures room and stores into a', () => {
    const c = new Column(Uint16Array, 2);
    for (let i = 0; i < 100; i++) {
      if (i >= c.a.length) c.ensure(i + 1);
      c.a[i] = i;
    }
    // Every row kept through the growth steps, not only the last.
    expect([...c.done(100)]).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(c.length).toBe(0);
  });

  it('ensureCapacity returns the same array when it fits; trimTo copies a mostly empty buffer', () => {
    const a = new Float32Array(8);
    expect(ensureCapacity(a, 8)).toBe(a);
    const b = ensureCapacity(a, 9);
    expect(b.length).toBe(16);
    expect(b).toBeInstanceOf(Float32Array);
    const view = trimTo(b, 14);
    expect(view.buffer).toBe(b.buffer);
    const copy = trimTo(b, 3);
    expect(copy.buffer).not.toBe(b.buffer);
    expect(copy.length).toBe(3);
  });
});

describe('StringInterner', () => {
  it('gives each distinct string the next index and keeps the first entries as given', () => {
    const s = new StringInterner(['', 'a', 'a']);
    expect(s.list).toEqual(['', 'a', 'a']);
    expect(s.intern('a')).toBe(1);
    expect(s.intern('b')).toBe(3);
    expect(s.intern('b')).toBe(3);
    expect(s.intern('')).toBe(0);
    expect(s.find('zz')).toBeUndefined();
    expect(s.size).toBe(4);
  });

  it('the repeat cache never answers for a different string', () => {
    const s = new StringInterner();
    const x = 'chan receive';
    expect(s.intern(x)).toBe(0);
    expect(s.intern(['chan', 'send'].join(' '))).toBe(1);
    expect(s.intern(['chan', 'receive'].join(' '))).toBe(0);
  });

  it('remap merges another table', () => {
    const s = new StringInterner(['', 'x']);
    expect([...s.remap(['y', 'x', ''])]).toEqual([2, 1, 0]);
    expect(s.list).toEqual(['', 'x', 'y']);
  });
});

describe('allocateReserve', () => {
  it('gives the reserve asked for, or a small one when the system refuses it (a crafted input size)', () => {
    expect(allocateReserve(Uint8Array, 5000).length).toBe(5000);
    // 2^33 elements is past any typed array's length: refused with a RangeError, as a refused reserve is.
    expect(allocateReserve(Uint8Array, 2 ** 33).length).toBe(1024);
    expect(allocateReserve(Int32Array, 2 ** 33, 3000).length).toBe(6000);
    expect(() => new Uint8Array(2 ** 33)).toThrow(RangeError);
  });
});

import { describe, expect, it } from 'vitest';
import { fromWire, toWire } from './wire.ts';

describe('fromWire (parse, then one walk for typed arrays)', () => {
  it('finds typed arrays at any depth: in arrays of objects, in nested objects, at the root', () => {
    const v = {
      lanes: [
        { key: 'p0', start: new Float64Array([1, 2.5]), state: new Uint8Array([3, 4]) },
        { key: 'p1', start: new Float64Array([]), state: new Uint8Array([]) },
      ],
      deep: { a: { b: [[new Int32Array([-7])]] } },
      plain: [1, null, 'x', { y: [2, 3] }],
    };
    const back = fromWire<typeof v>(toWire(v));
    expect(back.lanes[0]!.start).toBeInstanceOf(Float64Array);
    expect(Array.from(back.lanes[0]!.start)).toEqual([1, 2.5]);
    expect(Array.from(back.lanes[0]!.state)).toEqual([3, 4]);
    expect(back.lanes[1]!.start).toBeInstanceOf(Float64Array);
    expect(back.lanes[1]!.start.length).toBe(0);
    expect(back.deep.a.b[0]![0]).toBeInstanceOf(Int32Array);
    expect(Array.from(back.deep.a.b[0]![0]!)).toEqual([-7]);
    expect(back.plain).toEqual([1, null, 'x', { y: [2, 3] }]);
    const root = fromWire<Uint16Array>(toWire(new Uint16Array([65535, 1])));
    expect(root).toBeInstanceOf(Uint16Array);
    expect(Array.from(root)).toEqual([65535, 1]);
  });

  it('keeps NaN and ±Infinity as NaN, and plain values as they were', () => {
    const back = fromWire<{ f: Float32Array; s: string; n: null; b: boolean }>(toWire({ f: new Float32Array([Number.POSITIVE_INFINITY, 0.5]), s: 's', n: null, b: false }));
    expect(Array.from(back.f)).toEqual([Number.NaN, 0.5]);
    expect(back).toMatchObject({ s: 's', n: null, b: false });
  });

  it('refuses a typed array whose data holds something else than numbers, wherever it sits', () => {
    expect(() => fromWire('[{"a":[{"__typed":"Float64Array","data":[1,{"x":1}]}]}]')).toThrow(/Float64Array data must be an array of numbers/);
    expect(() => fromWire('{"__typed":"Int8Array","data":"abc"}')).toThrow(/Int8Array data must be an array of numbers/);
    expect(() => fromWire('{"x":{"__typed":"__proto__","data":[]}}')).toThrow(/unknown typed array __proto__/);
  });
});

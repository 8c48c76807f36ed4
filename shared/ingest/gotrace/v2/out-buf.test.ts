import { describe, expect, it } from 'vitest';
import { OUT_ARGS, OUT_HEAD, OutBuf } from './out-buf.ts';
import { Ev } from './wire.ts';

/** Walks the rows the way decode.ts dispatch does: type, head, then the kept arguments. */
function rows(out: OutBuf): number[][] {
  const all: number[][] = [];
  for (let c = 0; c < out.count; c++) {
    const { n, typ, f, used } = out.chunks[c]!;
    let o = 0;
    for (let i = 0; i < n; i++) {
      const k = OUT_ARGS[typ[i]!]!;
      all.push([typ[i]!, ...f.subarray(o, o + OUT_HEAD + k)]);
      o += OUT_HEAD + k;
    }
    expect(o).toBe(used);
  }
  return all;
}

describe('OutBuf', () => {
  const types = [Ev.GoStart, Ev.GoBlock, Ev.GoUnblock, Ev.ProcStop, Ev.GoStatus, Ev.UserLog];
  const push = (out: OutBuf, i: number) => {
    const typ = types[i % types.length]!;
    out.push(typ, 1000 + i, i, i % 2, 7, 10 * i + 1, 10 * i + 2, 10 * i + 3, 10 * i + 4, 10 * i + 5);
  };

  it('keeps the arguments of each type across chunks, in order, and reuses the chunks', () => {
    const out = new OutBuf();
    const n = 100_000; // rows of 4 to 9 floats: several 64 Ki-float chunks
    for (let i = 0; i < n; i++) push(out, i);
    expect(out.count).toBeGreaterThan(5);
    const got = rows(out);
    expect(got.length).toBe(n);
    for (const i of [0, 1, 2, 3, 4, 5, 12_345, n - 1]) {
      const typ = types[i % types.length]!;
      const args = [10 * i + 1, 10 * i + 2, 10 * i + 3, 10 * i + 4, 10 * i + 5].slice(0, OUT_ARGS[typ]);
      expect(got[i]).toEqual([typ, 1000 + i, i, i % 2, 7, ...args]);
    }
    const chunks = out.count;
    out.reset();
    for (let i = 0; i < n; i++) push(out, i);
    expect(out.count).toBe(chunks);
    expect(out.chunks.length).toBe(chunks);
  });

  it('makes times strictly increasing, carrying the last time across a reset', () => {
    const out = new OutBuf();
    out.push(Ev.GoStart, 50, 1, 0, 0, 2, 0, 0, 0, 0);
    out.push(Ev.GoStart, 50, 1, 0, 0, 3, 0, 0, 0, 0);
    out.push(Ev.GoStart, 40, 1, 0, 0, 4, 0, 0, 0, 0);
    expect(rows(out).map((r) => r[1])).toEqual([50, 51, 52]);
    out.reset();
    out.push(Ev.SyncOut, 10, -1, -1, -1, 0, 0, 0, 0, 0);
    expect(rows(out)).toEqual([[Ev.SyncOut, 53, -1, -1, -1]]);
  });
});

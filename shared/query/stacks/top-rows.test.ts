import { describe, it, expect } from 'vitest';
import { gunzipSync } from 'node:zlib';
import { fixturesOfKind, readFixture } from '../../test-support/fixtures.ts';
import { parsePprof } from '../../ingest/pprof/parse-pprof.ts';
import { StackTableBuilder } from '../../model/stacks.ts';
import { pprofWeightedStacks } from './pprof-summary.ts';
import { topTable } from './top-table.ts';
import { topFlatRows, topFlatRowsByPasses } from './top-rows.ts';
import type { WeightedStacks } from './weighted-stacks.ts';

function raw(rel: string): Uint8Array {
  const b = readFixture(rel);
  return b[0] === 0x1f && b[1] === 0x8b ? gunzipSync(b) : b;
}

/** What the full table gives for the same rows. */
const fullRows = (input: WeightedStacks, limit: number) =>
  topTable(input, { limit }).rows.map((r) => ({ function: r.function, flat: r.flat, cum: r.cum }));

/** Stacks given as root-first name lists, one sample each. */
function stacksOf(samples: [string[], number][]): WeightedStacks {
  const b = new StackTableBuilder();
  const sampleStack = new Int32Array(samples.length);
  samples.forEach(([names, _w], i) => {
    sampleStack[i] = b.internStack(names.map((func, k) => b.internFrame({ func, file: 'f.go', line: k + 1 })));
  });
  return { stacks: b.build(), sampleStack, weight: Float64Array.from(samples, ([, w]) => w) };
}

describe('topFlatRows', () => {
  it.each(fixturesOfKind('pprof'))('%s: every sample type, 10 and 40 rows, equal the full top table', (rel) => {
    const m = parsePprof(raw(rel)).model;
    for (let ti = 0; ti < m.sampleTypes.length; ti++) {
      const input = pprofWeightedStacks(m, ti);
      for (const limit of [10, 40]) expect(topFlatRowsByPasses(input, limit), `${m.sampleTypes[ti]!.type} top ${limit}`).toEqual(fullRows(input, limit));
    }
  });

  it('counts recursion once, fills up with cum-only functions by name, and leaves out weightless ones', () => {
    const input = stacksOf([
      [['main', 'walk', 'walk', 'walk', 'leaf'], 5],
      [['main', 'walk', 'other'], 3],
      [['main', 'idle'], 0], // idle: neither flat nor cum
      [['main', 'a', 'b'], 2],
      [[], 7], // no frames: in no function
    ]);
    const rows = topFlatRowsByPasses(input, 10);
    expect(rows).toEqual([
      { function: 'leaf', flat: 5, cum: 5 },
      { function: 'other', flat: 3, cum: 3 },
      { function: 'b', flat: 2, cum: 2 },
      { function: 'a', flat: 0, cum: 2 },
      { function: 'main', flat: 0, cum: 10 },
      { function: 'walk', flat: 0, cum: 8 },
    ]);
    expect(rows).toEqual(fullRows(input, 10));
    expect(topFlatRowsByPasses(input, 2)).toEqual(fullRows(input, 2));
  });

  it('fills more rows than one pass holds; leaves negative, fractional weights and long tables to the full table', () => {
    // 80 functions of flat 0 under one leaf: three 31-name passes for 70 rows.
    const many = Array.from({ length: 80 }, (_, i) => `fn${String(i).padStart(2, '0')}`);
    const wide = stacksOf([[[...many, 'leaf'], 4], [['x', 'y'], 3], [['x', 'z'], 0]]);
    expect(topFlatRowsByPasses(wide, 70)).toEqual(fullRows(wide, 70));
    expect(topFlatRowsByPasses(wide, 70)).toHaveLength(70);
    expect(topFlatRowsByPasses(wide, 200)).toBeNull(); // more than four passes
    expect(topFlatRows(wide, 200)).toEqual(fullRows(wide, 200));
    expect(topFlatRows(wide, 200)).toHaveLength(83);
    // A table listing an extension before its prefix cannot be read in index order.
    const ordered = stacksOf([[['a', 'b'], 2]]);
    const t = ordered.stacks;
    const swapped = { ...t, stackFrame: Int32Array.from([t.stackFrame[1]!, t.stackFrame[0]!]), stackPrefix: Int32Array.from([1, -1]) };
    expect(topFlatRowsByPasses({ stacks: swapped, sampleStack: Int32Array.from([0]), weight: [2] }, 10)).toBeNull();
    for (const odd of [stacksOf([[['a', 'b'], 0.5], [['a', 'c'], 0.25]]), stacksOf([[['a', 'b'], 5], [['a', 'c'], -5]])]) {
      expect(topFlatRowsByPasses(odd, 10)).toBeNull();
      expect(topFlatRows(odd, 10)).toEqual(fullRows(odd, 10));
    }
  });
});

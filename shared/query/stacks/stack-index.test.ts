/**
 * The stack indexes behind call trees, checked against plain walks of the same real tables: leaf
 * slot ranges, children lists, and the bottom-up levels (with and without hidden frames).
 */
import { describe, it, expect } from 'vitest';
import { gunzipSync } from 'node:zlib';
import { readFixture } from '../../test-support/fixtures.ts';
import { parsePprof } from '../../ingest/pprof/parse-pprof.ts';
import { parseGoroutineDump } from '../../ingest/goroutines/parse-goroutines.ts';
import { StackTableBuilder, type StackTable } from '../../model/stacks.ts';
import { builtOutermostCalls, childrenOf, frameNamesOf, leafLevelsOf, leafSlotsOf, outermostCallsBuilder, outermostCallsOf, visibleFrom } from './stack-index.ts';
import { weightedStacksOf } from './stack-sources.ts';

const unzip = (b: Uint8Array) => (b[0] === 0x1f && b[1] === 0x8b ? new Uint8Array(gunzipSync(b)) : b);

function inputs(): [string, StackTable, Int32Array][] {
  const out: [string, StackTable, Int32Array][] = [];
  for (const rel of ['scenarios/conn-leak-go1.27/block.pb.gz', 'scenarios/cpu-pool-go1.27/cpu.pb.gz', 'scenarios/conn-leak-go1.27/heap.pb.gz']) {
    const m = parsePprof(unzip(readFixture(rel))).model;
    out.push([rel, m.stacks, m.sampleStack]);
  }
  const dumpRel = 'scenarios/conn-leak-go1.27/goroutine-debug2.txt';
  const ws = weightedStacksOf(parseGoroutineDump(readFixture(dumpRel)), undefined);
  out.push([dumpRel, ws.stacks, ws.sampleStack]);
  return out;
}

/** Hides every frame whose function name contains "runtime". */
function runtimeHidden(t: StackTable): Uint8Array {
  const h = new Uint8Array(t.frameCount);
  for (let f = 0; f < t.frameCount; f++) h[f] = (t.strings[t.frameFunc[f]!] ?? '').includes('runtime') ? 1 : 0;
  return h;
}

describe('stack indexes on real tables', () => {
  it.each(inputs())('%s: every stack covers exactly the slots of the leaves under it', (_rel, t, sampleStack) => {
    const li = leafSlotsOf(t, sampleStack);
    const leaves = [...new Set([...sampleStack].filter((s) => s >= 0))];
    expect(li.slotCount).toBe(leaves.length);
    expect(li.slotCount).toBeGreaterThan(0);
    // Each slot's stack is a leaf, in order of stack index in slotsByStack.
    expect([...li.slotStack].sort((a, b) => a - b)).toEqual([...leaves].sort((a, b) => a - b));
    const byStack = [...li.slotsByStack].map((j) => li.slotStack[j]!);
    expect(byStack).toEqual([...byStack].sort((a, b) => a - b));
    // Walking up from every leaf: each ancestor's range holds the leaf's slot; sizes count leaves.
    const under = new Int32Array(t.stackCount);
    for (let j = 0; j < li.slotCount; j++) {
      for (let x = li.slotStack[j]!; x >= 0; x = t.stackPrefix[x]!) {
        expect(j >= li.lo[x]! && j < li.lo[x]! + li.size[x]!, `slot ${j} under stack ${x}`).toBe(true);
        under[x]!++;
      }
    }
    expect([...li.size]).toEqual([...under]);
    // A leaf's own slot opens its range; slotFrame is its frame.
    for (let j = 0; j < li.slotCount; j++) expect(li.lo[li.slotStack[j]!]).toBe(j);
    expect([...li.slotFrame]).toEqual([...li.slotStack].map((s) => t.stackFrame[s]));
    // The cache answers the same column with the same index.
    expect(leafSlotsOf(t, sampleStack)).toBe(li);
  });

  it.each(inputs())('%s: children lists hold each stack once, under its prefix', (_rel, t) => {
    const { start, list } = childrenOf(t);
    expect(list.length).toBe(t.stackCount);
    const seen = new Uint8Array(t.stackCount);
    for (let p = -1; p < t.stackCount; p++) {
      for (let x = start[p + 1]!; x < start[p + 2]!; x++) {
        const c = list[x]!;
        expect(t.stackPrefix[c]).toBe(p);
        seen[c]!++;
      }
    }
    expect(seen.every((x) => x === 1)).toBe(true);
  });

  it.each(inputs())('%s: outermost calls are the stacks with samples under them whose function is not above them', (_rel, t, sampleStack) => {
    const li = leafSlotsOf(t, sampleStack);
    const { nameOf } = frameNamesOf(t);
    const oc = outermostCallsOf(li);
    const want: number[] = [];
    let recursive = 0;
    for (let s = 0; s < t.stackCount; s++) {
      if (li.size[s] === 0) continue;
      const id = nameOf[t.stackFrame[s]!]!;
      let above = false;
      for (let x = t.stackPrefix[s]!; x >= 0 && !above; x = t.stackPrefix[x]!) above = nameOf[t.stackFrame[x]!] === id;
      if (above) recursive++;
      else want.push(s);
    }
    // Grouped by name, each group in stack order.
    const grouped = [...want].sort((a, b) => nameOf[t.stackFrame[a]!]! - nameOf[t.stackFrame[b]!]! || a - b);
    expect([...oc.stack]).toEqual(grouped);
    for (let id = 0; id + 1 < oc.nameStart.length; id++) {
      for (let k = oc.nameStart[id]!; k < oc.nameStart[id + 1]!; k++) expect(oc.name[k]).toBe(id);
    }
    expect(oc.nameStart.at(-1)).toBe(want.length);
    for (let k = 0; k < oc.stack.length; k++) {
      const st = oc.stack[k]!;
      expect([oc.name[k], oc.lo[k], oc.hi[k]]).toEqual([nameOf[t.stackFrame[st]!], li.lo[st], li.lo[st]! + li.size[st]!]);
    }
    if (_rel.includes('cpu-pool')) expect(recursive).toBeGreaterThan(0); // pdqsort recurses in this profile
    expect(outermostCallsOf(li)).toBe(oc);
  });

  it.each(inputs())('%s: built a few leaves at a time (idle slices), the outermost-calls index is the same', (_rel, t, sampleStack) => {
    const whole = outermostCallsOf(leafSlotsOf(t, sampleStack));
    // A copy of the sample column gets its own slots, hence a fresh builder.
    const li = leafSlotsOf(t, Int32Array.from(sampleStack));
    const b = outermostCallsBuilder(li)!;
    let slices = 1;
    while (!b.step(7)) {
      expect(builtOutermostCalls(li)).toBeUndefined();
      slices++;
    }
    // The walks (7 leaves a slice), then counting and filing the marked stacks (7 × 16 stacks a slice).
    expect(slices).toBe(Math.ceil(li.slotCount / 7) + 2 * Math.ceil(t.stackCount / 112));
    expect(builtOutermostCalls(li)).toEqual(whole);
    expect(outermostCallsBuilder(li)).toBeNull();
  });

  it.each(inputs())('%s: bottom-up levels name the d-th visible caller of each leaf', (_rel, t, sampleStack) => {
    const li = leafSlotsOf(t, sampleStack);
    const { names, nameOf } = frameNamesOf(t);
    for (const hidden of [null, runtimeHidden(t)]) {
      const levels = leafLevelsOf(li, hidden, hidden ? 'runtime' : '');
      for (let j = 0; j < li.slotCount; j++) {
        // The visible frames of this leaf's stack, leaf first.
        const path: number[] = [];
        for (let x = li.slotStack[j]!; x >= 0; x = t.stackPrefix[x]!) if (!hidden?.[t.stackFrame[x]!]) path.push(x);
        for (let d = 0; d <= path.length; d++) {
          const s = path[d] ?? -1;
          expect(levels.nameAt(d)[j]).toBe(s < 0 ? -1 : nameOf[t.stackFrame[s]!]);
          expect(levels.stackAt(j, d)).toBe(s);
        }
      }
      expect(names.names.length).toBeGreaterThan(0);
    }
  });

  it('treats a stack that is all hidden frames as having no visible frame', () => {
    const b = new StackTableBuilder();
    const f = (func: string) => b.internFrame({ func, file: `${func}.go`, line: 1 });
    const s = b.internStack([f('runtime.goexit'), f('main.run'), f('runtime.park')]);
    const t = b.build();
    const hidden = runtimeHidden(t);
    expect(t.strings[t.frameFunc[t.stackFrame[visibleFrom(s, hidden, t.stackFrame, t.stackPrefix)]!]!]).toBe('main.run');
    expect(visibleFrom(t.stackPrefix[t.stackPrefix[s]!]!, hidden, t.stackFrame, t.stackPrefix)).toBe(-1);
    expect(visibleFrom(s, null, t.stackFrame, t.stackPrefix)).toBe(s);
  });
});

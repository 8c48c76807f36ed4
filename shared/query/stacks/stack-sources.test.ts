import { describe, it, expect } from 'vitest';
import { gunzipSync } from 'node:zlib';
import type { ParsedSource } from '../../model/source.ts';
import { parsePprof } from '../../ingest/pprof/parse-pprof.ts';
import { parseGoroutineDump } from '../../ingest/goroutines/parse-goroutines.ts';
import { parseTrace } from '../../ingest/gotrace/parse-trace.ts';
import { fixturesOfKind, readFixture } from '../../test-support/fixtures.ts';
import { diffCompatible, exportStacks, stackIndexWarmUps, stackProfilesOf, TRACE_CPU_SAMPLE_NS, weightedStacksOf } from './stack-sources.ts';
import type { StackProfileInfo } from './stack-types.ts';
import { builtOutermostCalls, leafLevelsOf, leafSlotsOf } from './stack-index.ts';
import { warmBottomUpLevel } from './call-tree-input.ts';
import { runQuery } from '../run-query.ts';
import type { QueryResult } from '../query-types.ts';
import type { FlameNode } from './call-tree.ts';

const unzip = (b: Uint8Array) => (b[0] === 0x1f && b[1] === 0x8b ? new Uint8Array(gunzipSync(b)) : b);
const pprof = (rel: string) => parsePprof(unzip(readFixture(rel)));
const dump = (rel: string) => parseGoroutineDump(readFixture(rel));
const sum = (w: ArrayLike<number>) => {
  let s = 0;
  for (let i = 0; i < w.length; i++) s += w[i]!;
  return s;
};
function only<T extends QueryResult['type']>(r: QueryResult, t: T): Extract<QueryResult, { type: T }> {
  expect(r.type).toBe(t);
  return r as Extract<QueryResult, { type: T }>;
}
function walk(n: FlameNode, fn: (n: FlameNode) => void) {
  fn(n);
  for (const c of n.children) walk(c, fn);
}

const BLOCK = 'scenarios/lock-contention-go1.27/block.pb.gz';
const BLOCK_CONN = 'scenarios/conn-leak-go1.27/block.pb.gz';

describe('stack profiles of pprof sources', () => {
  const all = fixturesOfKind('pprof');
  it('covers every pprof fixture', () => expect(all.length).toBeGreaterThan(30));

  it.each(all)('%s: one profile per sample type, totals and top function as Go prints them', (rel, exp) => {
    const src = pprof(rel);
    const profiles = stackProfilesOf(src);
    const types = exp.sampleTypes as { type: string; unit: string }[];
    expect(profiles.map((p) => ({ type: p.key, unit: p.unit }))).toEqual(types);
    expect(profiles.filter((p) => p.default)).toHaveLength(1);
    const totals = exp.totals as Record<string, number>;
    for (const p of profiles) {
      expect(sum(weightedStacksOf(src, p.key).weight)).toBe(totals[p.key]);
      const tree = only(runQuery(src, { type: 'callTree', profile: p.key, maxNodes: 50 }), 'callTree').tree;
      expect(tree.total).toBe(totals[p.key]);
      expect(tree.root.value).toBe(totals[p.key]);
    }
    // The default profile (no key) is the one pprof's -top reports on.
    const top = only(runQuery(src, { type: 'topTable', limit: 1 }), 'topTable');
    expect(top.profile.default).toBe(true);
    if (exp.topFlatFunction !== undefined && top.table.total !== 0) {
      expect(top.table.rows[0]?.function).toBe(exp.topFlatFunction);
    }
  });
});

describe('stack profiles of goroutine dumps', () => {
  it.each(fixturesOfKind('goroutine-dump'))('%s: goroutines by stack, total = goroutine count', (rel, exp) => {
    const src = dump(rel);
    expect(stackProfilesOf(src)).toEqual([{ key: 'goroutines', label: 'goroutines', unit: 'count', default: true, rangeable: false, quantity: 'goroutines' }]);
    const tree = only(runQuery(src, { type: 'callTree' }), 'callTree').tree;
    expect(tree.total).toBe(exp.goroutines);
  });
});

describe('stack profiles of execution traces', () => {
  it.each(fixturesOfKind('gotrace'))('%s: blocking profiles and CPU samples total as go tool trace -pprof', (rel, exp) => {
    const src = parseTrace(readFixture(rel));
    const profiles = stackProfilesOf(src);
    expect(profiles.map((p) => [p.key, p.unit])).toEqual([
      ['sync', 'nanoseconds'],
      ['net', 'nanoseconds'],
      ['syscall', 'nanoseconds'],
      ['sched', 'nanoseconds'],
      ['cpu', 'nanoseconds'],
    ]);
    // CPU samples as time: each of the runtime profiler's 100 Hz samples is 10 ms.
    const want: Record<string, number> = { ...(exp.blockingNs as Record<string, number>), cpu: (exp.cpuSamples as number) * 10e6 };
    const got: Record<string, number> = {};
    for (const p of profiles) got[p.key] = only(runQuery(src, { type: 'callTree', profile: p.key, maxNodes: 20 }), 'callTree').tree.total;
    expect(got).toEqual(want);
    // A range narrows them: the whole span gives the same, an empty one nothing.
    const all = { startNs: src.startNs, endNs: src.endNs };
    expect(only(runQuery(src, { type: 'callTree', profile: 'sync', range: all, maxNodes: 1 }), 'callTree').tree.total).toBe(want.sync);
    const none = { startNs: src.endNs + 1, endNs: src.endNs + 2 };
    expect(only(runQuery(src, { type: 'callTree', profile: 'sync', range: none, maxNodes: 1 }), 'callTree').tree.total).toBe(0);
  });
});

describe('which profiles can diff', () => {
  it('only profiles measuring the same thing in the same unit: CPU with CPU, goroutines with goroutines, delay with delay', () => {
    const trace = stackProfilesOf(parseTrace(readFixture('scenarios/conn-leak-go1.27/trace.out')));
    const dumped = stackProfilesOf(dump('scenarios/conn-leak-go1.27/goroutine-debug2.txt'));
    const gprof = stackProfilesOf(pprof('scenarios/conn-leak-go1.27/goroutine.pb.gz'));
    const cpu = stackProfilesOf(pprof('scenarios/conn-leak-go1.27/cpu.pb.gz'));
    const block = stackProfilesOf(pprof('scenarios/conn-leak-go1.27/block.pb.gz'));
    const key = (list: StackProfileInfo[], k: string) => list.find((p) => p.key === k)!;
    const traceCpu = key(trace, 'cpu');
    // Trace CPU samples against goroutine counts: no (they used to both be "count").
    expect(diffCompatible(traceCpu, dumped[0]!)).toBe(false);
    expect(diffCompatible(traceCpu, key(cpu, 'cpu'))).toBe(true);
    expect(diffCompatible(traceCpu, key(cpu, 'samples'))).toBe(false);
    expect(diffCompatible(dumped[0]!, gprof[0]!)).toBe(true);
    // A trace's blocking is block-profile delay; CPU time is not delay though both are nanoseconds.
    expect(diffCompatible(key(trace, 'sync'), key(block, 'delay'))).toBe(true);
    expect(diffCompatible(traceCpu, key(block, 'delay'))).toBe(false);
    expect(diffCompatible(key(block, 'contentions'), dumped[0]!)).toBe(false);
  });
});

describe('trace CPU samples as time', () => {
  it('the CPU profile recorded with the conn-leak trace samples every 10 ms: the period the trace CPU samples are weighted by', () => {
    const cpu = pprof('scenarios/conn-leak-go1.27/cpu.pb.gz').model;
    expect(cpu.periodType).toEqual({ type: 'cpu', unit: 'nanoseconds' });
    expect(cpu.period).toBe(TRACE_CPU_SAMPLE_NS);
    const trace = parseTrace(readFixture('scenarios/conn-leak-go1.27/trace.out'));
    const ws = weightedStacksOf(trace, 'cpu');
    // The fixture README: 31 CPU samples in the trace = 310 ms of CPU.
    expect(Array.from(ws.weight).reduce((a, b) => a + b, 0)).toBe(31 * 10e6);
  });
});

describe('call tree queries', () => {
  it('search reports the weight of samples through a function (runtime.selectgo in a block profile)', () => {
    const src = pprof(BLOCK);
    const m = src.model;
    const delay = m.sampleValues[m.sampleTypes.findIndex((t) => t.type === 'delay')]!;
    // Independent count: samples with a runtime.selectgo frame anywhere on the stack.
    let want = 0;
    for (let i = 0; i < m.sampleCount; i++) {
      for (let s = m.sampleStack[i]!; s >= 0; s = m.stacks.stackPrefix[s]!) {
        if (m.stacks.strings[m.stacks.frameFunc[m.stacks.stackFrame[s]!]!] === 'runtime.selectgo') {
          want += delay[i]!;
          break;
        }
      }
    }
    expect(want).toBeGreaterThan(0);
    const r = only(runQuery(src, { type: 'callTree', profile: 'delay', search: '^runtime\\.selectgo$' }), 'callTree');
    expect(r.tree.matched).toBe(want);
    expect(r.tree.total).toBe(1210914654704);
    expect(r.profile).toMatchObject({ key: 'delay', unit: 'nanoseconds' });
  });

  it('prunes to minFraction and maxNodes', () => {
    const src = pprof('scenarios/cpu-pool-go1.27/cpu.pb.gz');
    const full = only(runQuery(src, { type: 'callTree' }), 'callTree').tree;
    const small = only(runQuery(src, { type: 'callTree', minFraction: 1 / 100, maxNodes: 40 }), 'callTree').tree;
    expect(full.nodeCount).toBeGreaterThan(40);
    expect(small.nodeCount).toBeLessThanOrEqual(40);
    expect(small.truncated).toBe(true);
    walk(small.root, (n) => expect(n.value).toBeGreaterThanOrEqual(full.root.value / 100));
  });

  it('zooms to a root path and inverts', () => {
    const src = pprof(BLOCK);
    const full = only(runQuery(src, { type: 'callTree', profile: 'delay' }), 'callTree').tree;
    const first = [...full.root.children].sort((a, b) => b.value - a.value)[0]!;
    const zoomed = only(runQuery(src, { type: 'callTree', profile: 'delay', rootPath: [first.name] }), 'callTree').tree;
    expect(zoomed.root.name).toBe(first.name);
    expect(zoomed.root.value).toBe(first.value);
    const inv = only(runQuery(src, { type: 'callTree', profile: 'delay', inverted: true }), 'callTree').tree;
    expect(inv.root.value).toBe(full.root.value);
    // Inverted roots are leaf functions: their values are the flat values of the top table.
    const top = only(runQuery(src, { type: 'topTable', profile: 'delay' }), 'topTable').table;
    for (const c of inv.root.children) expect(c.value).toBe(top.rows.find((r) => r.function === c.name)?.flat);
  });

  it('idle warm-ups build the bottom-up levels and the top-table index; answers stay the same', () => {
    const cold = pprof(BLOCK);
    const warm = pprof(BLOCK);
    const q = { type: 'callTree', profile: 'delay' } as const;
    const steps = stackIndexWarmUps(warm, q);
    expect(steps).toHaveLength(3);
    const ws = weightedStacksOf(warm, 'delay');
    const li = leafSlotsOf(ws.stacks, ws.sampleStack);
    expect(builtOutermostCalls(li)).toBeUndefined();
    expect(steps.map((s) => s.slices)).toEqual(['short', 'short', 'long']);
    for (const step of steps) while (step.run());
    expect(builtOutermostCalls(li)!.name.length).toBeGreaterThan(0);
    for (const filter of [{}, { focus: 'net\\.' }, { hide: '^runtime\\.' }, { ignore: 'sync' }]) {
      const top = (src: ParsedSource) => only(runQuery(src, { type: 'topTable', profile: 'delay', ...filter }), 'topTable').table;
      expect(top(warm), JSON.stringify(filter)).toEqual(top(cold));
      const inv = (src: ParsedSource) => only(runQuery(src, { ...q, inverted: true, ...filter }), 'callTree').tree;
      expect(inv(warm)).toEqual(inv(cold));
    }
  });

  it('warms bottom-up levels only as deep as a graph at that resolution can show', () => {
    const ws = weightedStacksOf(pprof(BLOCK), 'delay');
    const levels = leafLevelsOf(leafSlotsOf(ws.stacks, ws.sampleStack), null, '');
    let deepest = 0;
    for (const s of ws.sampleStack) {
      let d = 0;
      for (let x = s; x >= 0; x = ws.stacks.stackPrefix[x]!) d++;
      deepest = Math.max(deepest, d);
    }
    // At 90% no slot is deep enough for long; at 0 every level down to the deepest stack's root.
    while (warmBottomUpLevel(ws, 0.9));
    const coarse = levels.depth;
    expect(coarse).toBeLessThan(deepest);
    while (warmBottomUpLevel(ws, 0));
    expect(levels.depth).toBe(deepest + 1); // the last level is all -1 (past every root)
    expect([...levels.nameAt(deepest)].every((x) => x === -1)).toBe(true);
    expect(coarse).toBeGreaterThan(1);
  });

  it('names the choices for an unknown profile; an ss capture offers none', () => {
    const src = pprof(BLOCK);
    expect(() => weightedStacksOf(src, 'cpu')).toThrow(/no profile "cpu" \(this source offers contentions, delay\)/);
    const ss = { kind: 'ss', model: {} } as unknown as ParsedSource;
    expect(stackProfilesOf(ss)).toEqual([]);
    expect(() => weightedStacksOf(ss, undefined)).toThrow(/no stack profiles/);
  });
});

describe('exportStacks and diffs across sources', () => {
  it('keeps every path and total when reduced to function names', () => {
    const src = pprof(BLOCK);
    const exp = exportStacks(src, 'delay');
    expect(exp.unit).toBe('nanoseconds');
    expect(sum(exp.weight)).toBe(1210914654704);
    const a = only(runQuery(src, { type: 'callTree', profile: 'delay' }), 'callTree').tree;
    const b = only(runQuery({ ...src } as ParsedSource, { type: 'callTree', profile: 'delay' }), 'callTree').tree;
    expect(b).toEqual(a);
    // The exported table, read as a profile of its own, gives the same call tree.
    const self = only(runQuery(src, { type: 'callTreeDiff', profile: 'delay', base: exp }), 'callTree');
    expect(self.diff).toBe(true);
    walk(self.tree.root, (n) => {
      expect(n.delta).toBe(0);
      expect(n.baseValue).toBe(n.value);
    });
    expect(stripDiff(self.tree.root)).toEqual(a.root);
  });

  it('diffs a block profile against another one: delta = current - base per path', () => {
    const cur = pprof(BLOCK);
    const base = pprof(BLOCK_CONN);
    const r = only(runQuery(cur, { type: 'callTreeDiff', profile: 'delay', base: exportStacks(base, 'delay') }), 'callTree');
    const t = r.tree as { baseTotal?: number; root: FlameNode };
    expect(t.baseTotal).toBe(220842387189);
    expect(t.root.value).toBe(1210914654704);
    expect(t.root.baseValue).toBe(220842387189);
    expect(t.root.delta).toBe(1210914654704 - 220842387189);
    walk(t.root, (n) => expect(n.delta).toBe(n.value - n.baseValue!));
  });

  it('refuses to diff profiles of different units', () => {
    const cur = pprof(BLOCK);
    const base = exportStacks(pprof(BLOCK_CONN), 'contentions');
    expect(() => runQuery(cur, { type: 'callTreeDiff', profile: 'delay', base })).toThrow(/cannot diff delay \(nanoseconds\) against a base in count/);
  });
});

function stripDiff(n: FlameNode): FlameNode {
  const { baseValue: _b, delta: _d, ...rest } = n;
  return { ...rest, children: n.children.map(stripDiff) };
}

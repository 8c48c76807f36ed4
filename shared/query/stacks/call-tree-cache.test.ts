/**
 * Queries answered from call-tree.ts's per-input cache (prepared stacks, cumulative sums, the
 * search's match shortcut) must equal what a fresh, uncached computation gives.
 */
import { describe, it, expect } from 'vitest';
import { gunzipSync } from 'node:zlib';
import { fixturesOfKind, readFixture } from '../../test-support/fixtures.ts';
import { parsePprof } from '../../ingest/pprof/parse-pprof.ts';
import { StackTableBuilder } from '../../model/stacks.ts';
import { buildCallTree, buildDiffTree, type CallTreeOptions } from './call-tree.ts';
import type { WeightedStacks } from './weighted-stacks.ts';
import { pprofWeightedStacks } from './pprof-summary.ts';
import { topTable } from './top-table.ts';
import { weightedStacksOf } from './stack-sources.ts';
import { parseGoroutineDump } from '../../ingest/goroutines/parse-goroutines.ts';

const unzip = (b: Uint8Array) => (b[0] === 0x1f && b[1] === 0x8b ? new Uint8Array(gunzipSync(b)) : b);
/** The same stacks behind a new weight column: a cache miss, computed from scratch. */
const fresh = (ws: WeightedStacks): WeightedStacks => ({ ...ws, weight: ws.weight.slice() });
const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/**
 * The reference for a search's `matched`: pprof's rules read sample by sample, in sample order, from
 * each sample's frames (focus / ignore on every frame, hide drops frames, a sample left with none
 * is dropped, search looks at the frames left).
 */
function refMatched(ws: WeightedStacks, o: CallTreeOptions): number {
  const t = ws.stacks;
  const rx = (s?: string) => (s ? new RegExp(s) : null);
  const [focus, ignore, hide, search] = [rx(o.focus), rx(o.ignore), rx(o.hide), rx(o.search)];
  let matched = 0;
  for (let i = 0; i < ws.sampleStack.length; i++) {
    const w = ws.weight[i]!;
    if (w === 0 || Number.isNaN(w)) continue;
    const frames: { func: string; file: string }[] = [];
    for (let x = ws.sampleStack[i]!; x >= 0; x = t.stackPrefix[x]!) {
      const f = t.stackFrame[x]!;
      frames.push({ func: t.strings[t.frameFunc[f]!] ?? '', file: t.strings[t.frameFile[f]!] ?? '' });
    }
    const hit = (re: RegExp, fs: typeof frames) => fs.some((f) => re.test(f.func) || re.test(f.file));
    if (focus && !hit(focus, frames)) continue;
    if (ignore && hit(ignore, frames)) continue;
    const shown = hide ? frames.filter((f) => !hit(hide, [f])) : frames;
    if (hide && shown.length === 0) continue;
    if (search && hit(search, shown)) matched += w;
  }
  return matched;
}

const PPROF = fixturesOfKind('pprof').map(([rel]) => rel);

describe('cached call-tree queries', () => {
  it.each(PPROF)('%s: search matches equal the per-sample sum, for rare and common functions', (rel) => {
    const m = parsePprof(unzip(readFixture(rel))).model;
    for (let type = 0; type < m.sampleTypes.length; type++) {
      const ws = pprofWeightedStacks(m, type);
      const rows = topTable(ws).rows;
      if (rows.length === 0) continue;
      // The rarest function (few stacks: the ancestor lookup) and broad patterns (the full pass).
      const rare = escapeRe(rows.reduce((a, r) => (r.cum < a.cum && r.cum > 0 ? r : a)).function);
      const top = escapeRe(rows[0]!.function);
      for (const search of [rare, top, 'runtime', '.', 'no-such-function', '\\.go$']) {
        for (const o of [{}, { hide: '^runtime\\.' }, { focus: top }, { ignore: rare }, { hide: top }] as CallTreeOptions[]) {
          const q = { ...o, search, minFraction: 1 / 1200, maxNodes: 500 };
          expect(buildCallTree(ws, q).matched, `${rel} ${type} ${JSON.stringify(q)}`).toBe(refMatched(ws, q));
        }
      }
    }
  });

  it('answers a sequence of zoom / search / filter / reset queries as a fresh computation does', () => {
    const m = parsePprof(unzip(readFixture('scenarios/cpu-pool-go1.27/cpu.pb.gz'))).model;
    const ws = pprofWeightedStacks(m);
    const first = buildCallTree(ws, {});
    const a = first.root.children.sort((x, y) => y.value - x.value)[0]!;
    const b = a.children.sort((x, y) => y.value - x.value)[0];
    expect(b).toBeDefined();
    const seq: CallTreeOptions[] = [
      {},
      { rootPath: [a.name] },
      { rootPath: [a.name, b!.name], search: escapeRe(b!.name) },
      { search: 'runtime' },
      { focus: escapeRe(a.name) },
      { hide: '^runtime\\.' },
      { hide: '^runtime\\.', search: 'flate', rootPath: [a.name] },
      { inverted: true, search: 'sha256' },
      { ignore: 'json', inverted: true },
      {},
    ];
    for (const rep of [0, 1]) {
      for (const o of seq) {
        const q = { ...o, minFraction: 1 / 800, maxNodes: 2000 };
        expect(buildCallTree(ws, q), `${rep} ${JSON.stringify(q)}`).toEqual(buildCallTree(fresh(ws), q));
        expect(topTable(ws, { ...o, limit: 50 })).toEqual(topTable(fresh(ws), { ...o, limit: 50 }));
      }
    }
    // A diff's current side comes from the cache too.
    const base = pprofWeightedStacks(parsePprof(unzip(readFixture('scenarios/cpu-pool-go1.22/cpu.pb.gz'))).model);
    for (const o of seq) expect(buildDiffTree(ws, base, o)).toEqual(buildDiffTree(fresh(ws), base, o));
  });

  it('reuses an expanded tree for coarser, finer and zoomed queries alike', () => {
    const m = parsePprof(unzip(readFixture('scenarios/cpu-pool-go1.27/cpu.pb.gz'))).model;
    const ws = pprofWeightedStacks(m);
    for (const inverted of [false, true]) {
      for (const o of [{}, { hide: '^runtime\\.' }, { focus: 'main' }] as CallTreeOptions[]) {
        const top = buildCallTree(ws, { ...o, inverted, maxNodes: 1 }).root;
        // Coarse first (few nodes expanded), then finer: the cached expander grows on demand.
        for (const q of [
          { minFraction: 1 / 50, maxNodes: 20 },
          { minFraction: 1 / 2000, maxNodes: 5000 },
          { maxNodes: 100 },
          { minFraction: 1 / 10 },
          { rootPath: [top.children.sort((a, b) => b.value - a.value)[0]?.name ?? 'x'], maxNodes: 300 },
        ] as CallTreeOptions[]) {
          const full = { ...o, ...q, inverted };
          expect(buildCallTree(ws, full), JSON.stringify(full)).toEqual(buildCallTree(fresh(ws), full));
        }
      }
    }
  });

  it('keeps per-sample summation for fractional weights', () => {
    const b = new StackTableBuilder();
    const f = (func: string) => b.internFrame({ func, file: `${func}.go`, line: 1 });
    const s1 = b.internStack([f('main'), f('a'), f('b')]);
    const s2 = b.internStack([f('main'), f('c')]);
    const s3 = b.internStack([f('main'), f('a')]);
    // Float sums depend on their order: 0.3 + 0.1 + 0.2 + 0.6 + 0.7 (per sample) is
    // 1.9000000000000001, per stack it would be 1.9. The per-sample order is the contract.
    const ws = { stacks: b.build(), sampleStack: Int32Array.from([s1, s2, s1, s3, s2]), weight: [0.3, 0.1, 0.2, 0.6, 0.7] };
    for (const search of ['^a$', '^b$', 'main', '\\.go']) {
      expect(buildCallTree(ws, { search }).matched).toBe(refMatched(ws, { search }));
    }
    expect(buildCallTree(ws, { search: 'main' }).matched).toBe(0.3 + 0.1 + 0.2 + 0.6 + 0.7);
  });

  it('filters negative weights sample by sample (a diff)', () => {
    const b = new StackTableBuilder();
    const f = (func: string) => b.internFrame({ func, file: `${func}.go`, line: 1 });
    const s1 = b.internStack([f('main'), f('a'), f('b')]);
    const s2 = b.internStack([f('main'), f('c')]);
    const ws = { stacks: b.build(), sampleStack: Int32Array.from([s1, s1, s2, -1]), weight: Float64Array.from([5, -5, 3, 2]) };
    const plain = buildCallTree(ws, {});
    expect(plain.total).toBe(5);
    // Focus on b: +5 and -5 stay, summing to 0.
    expect(buildCallTree(ws, { focus: '^b$', maxNodes: Infinity }).total).toBe(0);
    expect(buildCallTree(ws, { focus: '^c$', maxNodes: Infinity }).root.children[0]).toMatchObject({ name: 'main', value: 3 });
    expect(buildCallTree(ws, { ignore: '^b$' }).total).toBe(3); // c: pprof drops frameless samples under any filter
    expect(buildCallTree(ws, { hide: '^c$' }).total).toBe(0 + 3); // frameless dropped, c's weight to main
    const rows = (o: CallTreeOptions) => Object.fromEntries(topTable(ws, o).rows.map((r) => [r.function, [r.flat, r.cum]]));
    expect(rows({ ignore: '^b$' })).toEqual({ main: [0, 3], c: [3, 3] });
    expect(rows({ focus: 'main' })).toEqual({ main: [0, 3], c: [3, 3] }); // a and b: 0 and 0, not listed
  });

  it("hands the cache the same weighted stacks for every query of a source (pprof arrays, a dump's object)", () => {
    const src = parsePprof(unzip(readFixture('scenarios/conn-leak-go1.27/block.pb.gz')));
    const a = weightedStacksOf(src, 'delay');
    const b = weightedStacksOf(src, 'delay');
    expect([a.stacks, a.sampleStack, a.weight]).toEqual([b.stacks, b.sampleStack, b.weight]);
    expect(a.weight).toBe(b.weight);
    expect(a.weight).not.toBe(weightedStacksOf(src, 'contentions').weight);
    const dump = parseGoroutineDump(readFixture('scenarios/conn-leak-go1.27/goroutine-debug2.txt'));
    const d = weightedStacksOf(dump, undefined);
    expect(weightedStacksOf(dump, undefined)).toBe(d);
    expect(buildCallTree(d, { search: 'main' })).toEqual(buildCallTree(fresh(d), { search: 'main' }));
  });
});

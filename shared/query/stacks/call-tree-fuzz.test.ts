/**
 * Randomised filters (focus / ignore / hide / search, both directions, zoom) on real profiles and a
 * dump: call trees, totals, matched weight and top tables must equal a naive sample-by-sample
 * reading of pprof's rules over each sample's frames. Seeded; FUZZ_CASES raises the count.
 */
import { describe, it, expect } from 'vitest';
import { gunzipSync } from 'node:zlib';
import { readFixture } from '../../test-support/fixtures.ts';
import { fuzzCases, fuzzTimeout, mulberry32 } from '../../test-support/fuzz.ts';
import { parsePprof } from '../../ingest/pprof/parse-pprof.ts';
import { parseGoroutineDump } from '../../ingest/goroutines/parse-goroutines.ts';
import { buildCallTree, type CallTreeOptions, type FlameNode } from './call-tree.ts';
import type { WeightedStacks } from './weighted-stacks.ts';
import { pprofWeightedStacks } from './pprof-summary.ts';
import { topTable, warmTopTable } from './top-table.ts';
import { weightedStacksOf } from './stack-sources.ts';

const unzip = (b: Uint8Array) => (b[0] === 0x1f && b[1] === 0x8b ? new Uint8Array(gunzipSync(b)) : b);

interface Frame {
  func: string;
  file: string;
}
interface Naive {
  value: number;
  self: number;
  kids: Map<string, Naive>;
}
interface Plain {
  name: string;
  value: number;
  self: number;
  children: Plain[];
}

/** Leaf-first frames of every sample, with its weight. */
function samplesOf(ws: WeightedStacks): { frames: Frame[]; w: number }[] {
  const t = ws.stacks;
  return [...ws.sampleStack].map((s, i) => {
    const frames: Frame[] = [];
    for (let x = s; x >= 0; x = t.stackPrefix[x]!) {
      const f = t.stackFrame[x]!;
      frames.push({ func: t.strings[t.frameFunc[f]!] ?? '', file: t.strings[t.frameFile[f]!] ?? '' });
    }
    return { frames, w: ws.weight[i]! };
  });
}

function naive(samples: { frames: Frame[]; w: number }[], o: CallTreeOptions) {
  const rx = (s?: string) => (s ? new RegExp(s) : null);
  const [focus, ignore, hide, search] = [rx(o.focus), rx(o.ignore), rx(o.hide), rx(o.search)];
  const hit = (re: RegExp, f: Frame) => re.test(f.func) || re.test(f.file);
  const root: Naive = { value: 0, self: 0, kids: new Map() };
  const flat = new Map<string, number>();
  const cum = new Map<string, number>();
  let total = 0;
  let matched = 0;
  for (const { frames, w } of samples) {
    if (w === 0) continue;
    if (focus && !frames.some((f) => hit(focus, f))) continue;
    if (ignore && frames.some((f) => hit(ignore, f))) continue;
    const shown = hide ? frames.filter((f) => !hit(hide, f)) : frames;
    if (hide && shown.length === 0) continue;
    total += w;
    if (search && shown.some((f) => hit(search, f))) matched += w;
    if (shown.length) flat.set(shown[0]!.func, (flat.get(shown[0]!.func) ?? 0) + w);
    for (const name of new Set(shown.map((f) => f.func))) cum.set(name, (cum.get(name) ?? 0) + w);
    const path = (o.inverted ? shown : [...shown].reverse()).map((f) => f.func);
    let n = root;
    n.value += w;
    for (const name of path) {
      let c = n.kids.get(name);
      if (!c) n.kids.set(name, (c = { value: 0, self: 0, kids: new Map() }));
      c.value += w;
      n = c;
    }
    n.self += w;
  }
  return { root, flat, cum, total, matched };
}

const byName = (a: Plain, b: Plain) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
const plainNaive = (name: string, n: Naive): Plain => ({
  name,
  value: n.value,
  self: n.self,
  children: [...n.kids].map(([k, c]) => plainNaive(k, c)).sort(byName),
});
const plainOurs = (n: FlameNode): Plain => ({ name: n.name, value: n.value, self: n.self, children: n.children.map(plainOurs).sort(byName) });
const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function inputs(): [string, WeightedStacks][] {
  const out: [string, WeightedStacks][] = [];
  for (const rel of ['scenarios/conn-leak-go1.27/block.pb.gz', 'scenarios/cpu-pool-go1.27/cpu.pb.gz', 'scenarios/conn-leak-go1.27/heap.pb.gz']) {
    const m = parsePprof(unzip(readFixture(rel))).model;
    for (let type = 0; type < m.sampleTypes.length; type++) out.push([`${rel} #${type}`, pprofWeightedStacks(m, type)]);
  }
  const dump = 'scenarios/conn-leak-go1.27/goroutine-debug2.txt';
  out.push([dump, weightedStacksOf(parseGoroutineDump(readFixture(dump)), undefined)]);
  return out;
}

describe('call trees under random filters (fuzz)', () => {
  const all = inputs();
  // The same inputs parsed again, with the top table's idle-built index in place (a separate cache).
  const warm = new Map(inputs().map(([label, ws]) => [label, ws]));
  for (const ws of warm.values()) warmTopTable(ws);
  const cases = Math.max(40, Math.round(fuzzCases(300) / 4));
  it('equal the naive reading for every tree, total, match and top row', { timeout: fuzzTimeout(cases, 300) }, () => {
    const rand = mulberry32(0x5eed7ee);
    for (let c = 0; c < cases; c++) {
      const [label, ws] = all[Math.floor(rand() * all.length)]!;
      const samples = samplesOf(ws);
      const funcs = [...new Set(samples.flatMap((s) => s.frames.map((f) => f.func)))];
      const pick = () => {
        const r = rand();
        const f = funcs[Math.floor(rand() * funcs.length)] ?? 'main';
        // A whole name, a package prefix, a file pattern, or nothing.
        if (r < 0.35) return `^${escapeRe(f)}$`;
        if (r < 0.5) return escapeRe(f.split('.')[0] ?? f);
        if (r < 0.55) return '\\.go$';
        return undefined;
      };
      const o: CallTreeOptions = { inverted: rand() < 0.5, focus: pick(), ignore: pick(), hide: pick(), search: pick() };
      const ref = naive(samples, o);
      const full = buildCallTree(ws, { ...o, maxNodes: Infinity });
      const where = `${label} ${JSON.stringify(o)}`;
      expect(full.total, where).toBe(ref.total);
      expect(plainOurs(full.root), where).toEqual(plainNaive('root', ref.root));
      if (o.search) expect(full.matched, where).toBe(ref.matched);
      // Focus / ignore from the idle-built index (slot ranges) keep the same samples.
      const warmFull = buildCallTree(warm.get(label)!, { ...o, maxNodes: Infinity });
      expect(warmFull.total, `${where} (warm)`).toBe(ref.total);
      expect(plainOurs(warmFull.root), `${where} (warm)`).toEqual(plainNaive('root', ref.root));
      // Zoomed on the heaviest child: that subtree, exactly.
      const top = [...full.root.children].sort((a, b) => b.value - a.value)[0];
      if (top) {
        const z = buildCallTree(ws, { ...o, rootPath: [top.name], maxNodes: Infinity });
        expect(plainOurs(z.root), where).toEqual(plainNaive(top.name, ref.root.kids.get(top.name)!));
      }
      // A pixel-limited tree keeps exact values on every node it returns.
      const cut = buildCallTree(ws, { ...o, minFraction: 1 / 300, maxNodes: 200 });
      expect(cut.nodeCount).toBeLessThanOrEqual(200);
      expect(cut.root.value, where).toBe(ref.root.value);
      const refTop = Object.fromEntries([...ref.cum].map(([k, v]) => [k, [ref.flat.get(k) ?? 0, v]]));
      for (const [path, input] of [['leaf walks', ws], ['outermost calls', warm.get(label)!]] as const) {
        const rows = topTable(input, { focus: o.focus, ignore: o.ignore, hide: o.hide }).rows;
        expect(Object.fromEntries(rows.map((r) => [r.function, [r.flat, r.cum]])), `${where} (${path})`).toEqual(refTop);
      }
    }
  });
});

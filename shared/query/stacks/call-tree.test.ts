import { describe, it, expect } from 'vitest';
import { gunzipSync } from 'node:zlib';
import { expectedFigures, readFixture } from '../../test-support/fixtures.ts';
import { parsePprof } from '../../ingest/pprof/parse-pprof.ts';
import { decodeReference, type RefProfile } from '../../ingest/pprof/test-reference.ts';
import { StackTableBuilder } from '../../model/stacks.ts';
import { buildCallTree, buildDiffTree, type CallTreeOptions, type FlameNode } from './call-tree.ts';
import { pprofWeightedStacks } from './pprof-summary.ts';
import { topTable } from './top-table.ts';

function raw(rel: string): Uint8Array {
  const b = readFixture(rel);
  return b[0] === 0x1f && b[1] === 0x8b ? gunzipSync(b) : b;
}

function load(rel: string) {
  const bytes = raw(rel);
  const model = parsePprof(bytes).model;
  return { model, ws: pprofWeightedStacks(model), ref: decodeReference(bytes) };
}

// ---- an independent, naive reading of pprof's semantics over the reference decode ------------

interface Naive {
  name: string;
  value: number;
  self: number;
  kids: Map<string, Naive>;
}

/** Leaf-first frame names of the samples kept by focus/ignore/hide, with their weight. */
function filtered(ref: RefProfile, typeIndex: number, o: CallTreeOptions) {
  const rx = (s?: string) => (s ? new RegExp(s) : null);
  const focus = rx(o.focus);
  const ignore = rx(o.ignore);
  const hide = rx(o.hide);
  const out: { names: string[]; w: number; allNames: string[] }[] = [];
  for (const s of ref.samples) {
    const w = s.values[typeIndex]!;
    if (w === 0) continue;
    const hit = (re: RegExp) => s.frames.some((f) => re.test(f.name) || re.test(f.file));
    if (focus && !hit(focus)) continue;
    if (ignore && hit(ignore)) continue;
    const kept = hide ? s.frames.filter((f) => !(hide.test(f.name) || hide.test(f.file))) : s.frames;
    if (hide && kept.length === 0) continue;
    out.push({ names: kept.map((f) => f.name), w, allNames: s.frames.map((f) => f.name) });
  }
  return out;
}

function naiveTree(ref: RefProfile, typeIndex: number, o: CallTreeOptions = {}): Naive {
  const root: Naive = { name: 'root', value: 0, self: 0, kids: new Map() };
  for (const { names, w } of filtered(ref, typeIndex, o)) {
    const path = o.inverted ? names : [...names].reverse();
    let n = root;
    n.value += w;
    for (const name of path) {
      let c = n.kids.get(name);
      if (!c) n.kids.set(name, (c = { name, value: 0, self: 0, kids: new Map() }));
      c.value += w;
      n = c;
    }
    n.self += w;
  }
  return root;
}

interface Plain {
  name: string;
  value: number;
  self: number;
  children: Plain[];
}
const byName = (a: Plain, b: Plain) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
function plainNaive(n: Naive): Plain {
  return { name: n.name, value: n.value, self: n.self, children: [...n.kids.values()].map(plainNaive).sort(byName) };
}
function plainOurs(n: FlameNode): Plain {
  return { name: n.name, value: n.value, self: n.self, children: n.children.map(plainOurs).sort(byName) };
}
function countNodes(n: { children: unknown[] } & Record<string, unknown>): number {
  return 1 + (n.children as (typeof n)[]).reduce((a, c) => a + countNodes(c), 0);
}
function walk(n: FlameNode, fn: (n: FlameNode, path: string[]) => void, path: string[] = []): void {
  fn(n, path);
  for (const c of n.children) walk(c, fn, [...path, c.name]);
}
function naiveAt(root: Naive, path: string[]): Naive | undefined {
  let n: Naive | undefined = root;
  for (const p of path) n = n?.kids.get(p);
  return n;
}

const FULL = { maxNodes: Infinity } as const;
const BLOCK = 'scenarios/conn-leak-go1.27/block.pb.gz';

describe('buildCallTree on a real block profile', () => {
  const { model, ws, ref } = load(BLOCK);
  const delay = model.sampleTypes.findIndex((t) => t.type === 'delay');

  it('has a root total equal to the profile total of delay (expected.json)', () => {
    const exp = expectedFigures()[BLOCK]!.totals as Record<string, number>;
    expect(model.defaultSampleType).toBe(delay);
    const t = buildCallTree(ws, FULL);
    expect(t.total).toBe(exp.delay);
    expect(t.root.value).toBe(exp.delay);
    expect(t.truncated).toBe(false);
  });

  it("gives runtime.selectgo the flat value computed from the raw samples", () => {
    let flat = 0;
    for (const s of ref.samples) if (s.frames[0]!.name === 'runtime.selectgo') flat += s.values[delay]!;
    expect(flat).toBeGreaterThan(0);
    const row = topTable(ws).rows.find((r) => r.function === 'runtime.selectgo')!;
    expect(row.flat).toBe(flat);
    // In the tree, flat is the self weight summed over every node of that function.
    let self = 0;
    walk(buildCallTree(ws, FULL).root, (n) => {
      if (n.name === 'runtime.selectgo') self += n.self;
    });
    expect(self).toBe(flat);
  });

  const variants: [string, CallTreeOptions][] = [
    ['plain', {}],
    ['inverted', { inverted: true }],
    ['focus', { focus: 'persistConn' }],
    ['ignore', { ignore: 'selectgo' }],
    ['hide', { hide: '^runtime\\.' }],
    ['focus+hide+inverted', { focus: 'main\\.', hide: 'selectgo|chanrecv', inverted: true }],
  ];
  it.each(variants)('matches a naive tree built from the raw samples (%s)', (_, o) => {
    const ours = buildCallTree(ws, { ...o, ...FULL });
    const naive = naiveTree(ref, delay, o);
    expect(plainOurs(ours.root)).toEqual(plainNaive(naive));
    expect(ours.total).toBe(naive.value);
    expect(ours.nodeCount).toBe(countNodes(plainNaive(naive) as never));
  });

  it('changes totals under focus / ignore / hide as pprof would', () => {
    const all = buildCallTree(ws, FULL).total;
    let focused = 0;
    let notIgnored = 0;
    for (const s of ref.samples) {
      const w = s.values[delay]!;
      if (s.frames.some((f) => /persistConn/.test(f.name) || /persistConn/.test(f.file))) focused += w;
      if (!s.frames.some((f) => /selectgo/.test(f.name))) notIgnored += w;
    }
    expect(buildCallTree(ws, { focus: 'persistConn' }).total).toBe(focused);
    expect(buildCallTree(ws, { ignore: 'selectgo' }).total).toBe(notIgnored);
    expect(focused).toBeLessThan(all);
    expect(notIgnored).toBeLessThan(all);
    // Hiding a leaf function moves its flat weight to its callers; the total does not change.
    const hidden = buildCallTree(ws, { hide: '^runtime\\.selectgo$', ...FULL });
    expect(hidden.total).toBe(all);
    walk(hidden.root, (n) => expect(n.name).not.toBe('runtime.selectgo'));
    expect(topTable(ws, { hide: '^runtime\\.selectgo$' }).rows.find((r) => r.function === 'runtime.selectgo')).toBeUndefined();
  });

  it("inverted tree's roots sum to the total", () => {
    const t = buildCallTree(ws, { inverted: true, ...FULL });
    const sum = t.root.children.reduce((a, c) => a + c.value, 0);
    expect(sum + t.root.self).toBe(t.total);
    expect(t.root.self).toBe(0);
    // Leaf functions are the roots: runtime.selectgo is one with its whole flat value.
    const flat = topTable(ws).rows.find((r) => r.function === 'runtime.selectgo')!.flat;
    expect(t.root.children.find((c) => c.name === 'runtime.selectgo')!.value).toBe(flat);
  });

  it('reports the weight of samples matching the search', () => {
    let exp = 0;
    for (const s of ref.samples) if (s.frames.some((f) => /writeLoop/.test(f.name) || /writeLoop/.test(f.file))) exp += s.values[delay]!;
    const t = buildCallTree(ws, { search: 'writeLoop' });
    expect(exp).toBeGreaterThan(0);
    expect(t.matched).toBe(exp);
    expect(buildCallTree(ws, {}).matched).toBeUndefined();
  });

  it('zooms to a path with that path’s totals', () => {
    const naive = naiveTree(ref, delay);
    // The heaviest root-to-depth-3 path.
    const path: string[] = [];
    let n = naive;
    for (let d = 0; d < 3; d++) {
      n = [...n.kids.values()].sort((a, b) => b.value - a.value)[0]!;
      path.push(n.name);
    }
    const z = buildCallTree(ws, { rootPath: path, ...FULL });
    expect(z.rootPathFound).toBe(true);
    expect(z.root.name).toBe(path[2]);
    expect(plainOurs(z.root)).toEqual(plainNaive(naiveAt(naive, path)!));
    expect(z.total).toBe(naive.value);
    const missing = buildCallTree(ws, { rootPath: ['no.such.function'] });
    expect(missing.rootPathFound).toBe(false);
    expect(missing.root.value).toBe(0);
  });

  it('prunes to maxNodes and minValue, keeping the heaviest nodes with exact values', () => {
    const naive = naiveTree(ref, delay);
    const full = buildCallTree(ws, FULL);
    expect(full.nodeCount).toBeGreaterThan(20);
    const p = buildCallTree(ws, { maxNodes: 20 });
    expect(p.nodeCount).toBe(20);
    expect(countNodes(p.root as never)).toBe(20);
    expect(p.truncated).toBe(true);
    let minKept = Infinity;
    walk(p.root, (n, path) => {
      expect(n.value).toBe(naiveAt(naive, path)!.value);
      minKept = Math.min(minKept, n.value);
    });
    // Nothing left out is heavier than what was kept.
    let heavierLeftOut = 0;
    const keptPaths = new Set<string>();
    walk(p.root, (_, path) => keptPaths.add(path.join(';')));
    walk(full.root, (n, path) => {
      if (!keptPaths.has(path.join(';')) && n.value > minKept) heavierLeftOut++;
    });
    expect(heavierLeftOut).toBe(0);

    const frac = buildCallTree(ws, { minFraction: 0.05 });
    walk(frac.root, (n) => expect(n.value).toBeGreaterThanOrEqual(0.05 * frac.root.value));
    expect(frac.truncated).toBe(true);
    const mv = buildCallTree(ws, { minValue: 1e9 });
    walk(mv.root, (n) => expect(n.value).toBeGreaterThanOrEqual(1e9));
  });

  it('carries file names', () => {
    const t = buildCallTree(ws, FULL);
    const files = new Set<string>();
    walk(t.root, (n) => n.file && files.add(n.file));
    expect(files.has('runtime/select.go')).toBe(true);
  });

  it('rejects an invalid regex with a clear error', () => {
    expect(() => buildCallTree(ws, { focus: '(' })).toThrow(/invalid focus regex/);
  });
});

describe('buildDiffTree', () => {
  const cur = load('scenarios/conn-leak-go1.27/block.pb.gz');
  const base = load('scenarios/conn-leak-go1.19/block.pb.gz');
  const delayOf = (m: typeof cur) => m.model.sampleTypes.findIndex((t) => t.type === 'delay');

  it('gives value, baseValue and delta per path (pprof -diff_base: current minus base)', () => {
    const d = buildDiffTree(cur.ws, base.ws, FULL);
    const nc = naiveTree(cur.ref, delayOf(cur));
    const nb = naiveTree(base.ref, delayOf(base));
    expect(d.total).toBe(nc.value);
    expect(d.baseTotal).toBe(nb.value);
    expect(d.root.delta).toBe(nc.value - nb.value);
    let onlyInBase = 0;
    walk(d.root, (n, path) => {
      const vc = naiveAt(nc, path)?.value ?? 0;
      const vb = naiveAt(nb, path)?.value ?? 0;
      expect([n.value, n.baseValue, n.delta]).toEqual([vc, vb, vc - vb]);
      if (vc === 0) onlyInBase++;
    });
    expect(onlyInBase).toBeGreaterThan(0); // go1.19-only frames are there, with value 0
  });

  it('against itself has zero deltas everywhere', () => {
    const d = buildDiffTree(cur.ws, cur.ws, FULL);
    walk(d.root, (n) => expect(n.delta).toBe(0));
    expect(d.nodeCount).toBe(buildCallTree(cur.ws, FULL).nodeCount);
  });
});

describe('buildCallTree on other inputs', () => {
  it.each([
    'scenarios/cpu-pool-go1.27/cpu.pb.gz',
    'scenarios/conn-leak-go1.27/heap.pb.gz',
    'scenarios/lock-contention-go1.21/goroutine.pb.gz',
    'third-party/google-pprof/go.nomappings.crash',
  ])('%s: full tree (both directions) equals the naive tree', (rel) => {
    const { model, ws, ref } = load(rel);
    for (const inverted of [false, true]) {
      const ours = buildCallTree(ws, { inverted, ...FULL });
      expect(plainOurs(ours.root)).toEqual(plainNaive(naiveTree(ref, model.defaultSampleType, { inverted })));
    }
  });

  it('works on any weighted stacks (a StackTableBuilder table, number[] weights)', () => {
    const b = new StackTableBuilder();
    const f = (func: string) => b.internFrame({ func, file: `${func}.go`, line: 1 });
    const s1 = b.internStack([f('main'), f('a'), f('b')]);
    const s2 = b.internStack([f('main'), f('a')]);
    const s3 = b.internStack([f('main'), f('c'), f('b')]);
    const ws = { stacks: b.build(), sampleStack: Int32Array.from([s1, s2, s3, s1, -1]), weight: [1, 2, 4, 8, 16] };
    const t = buildCallTree(ws, FULL);
    expect(t.total).toBe(31);
    expect(t.root.self).toBe(16);
    const main = t.root.children[0]!;
    expect([main.name, main.value, main.self]).toEqual(['main', 15, 0]);
    expect(main.children.map((c) => [c.name, c.value, c.self])).toEqual([
      ['a', 11, 2],
      ['c', 4, 0],
    ]);
    const inv = buildCallTree(ws, { inverted: true, ...FULL });
    expect(inv.root.children.map((c) => [c.name, c.value])).toEqual([
      ['a', 2],
      ['b', 13],
    ]);
    // hide merges the hidden frame into its caller: a's weight lands on main.
    const h = buildCallTree(ws, { hide: '^a$', ...FULL });
    expect(h.root.children[0]!.self).toBe(2);
    expect(h.root.children[0]!.children.map((c) => [c.name, c.value])).toEqual([
      ['b', 9],
      ['c', 4],
    ]);
    expect(h.total).toBe(15); // the frameless sample has no location left, as pprof drops it
  });
});

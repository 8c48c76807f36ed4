import { describe, it, expect } from 'vitest';
import { gunzipSync } from 'node:zlib';
import { readFixture } from '../../test-support/fixtures.ts';
import { parsePprof } from '../../ingest/pprof/parse-pprof.ts';
import { decodeReference } from '../../ingest/pprof/test-reference.ts';
import { pprofWeightedStacks } from './pprof-summary.ts';
import { topTable, warmTopTable, withDeltas } from './top-table.ts';
import { StackTableBuilder } from '../../model/stacks.ts';

function raw(rel: string): Uint8Array {
  const b = readFixture(rel);
  return b[0] === 0x1f && b[1] === 0x8b ? gunzipSync(b) : b;
}

/** flat/cum per function straight from the raw samples (cum once per sample, as pprof counts). */
function naiveTop(rel: string, typeIndex: number, hide?: RegExp) {
  const flat = new Map<string, number>();
  const cum = new Map<string, number>();
  let total = 0;
  for (const s of decodeReference(raw(rel)).samples) {
    const w = s.values[typeIndex]!;
    const names = s.frames.filter((f) => !hide || !(hide.test(f.name) || hide.test(f.file))).map((f) => f.name);
    if (names.length === 0 && hide) continue;
    total += w;
    if (names.length > 0) flat.set(names[0]!, (flat.get(names[0]!) ?? 0) + w);
    for (const n of new Set(names)) cum.set(n, (cum.get(n) ?? 0) + w);
  }
  return { flat, cum, total };
}

const FIXTURES = [
  'scenarios/cpu-pool-go1.27/cpu.pb.gz',
  'scenarios/lock-contention-go1.27/mutex.pb.gz',
  'scenarios/fd-leak-go1.23/heap.pb.gz',
  'third-party/google-pprof/sample.cpu',
];

describe('topTable', () => {
  it.each(FIXTURES)('%s: flat and cum of every function equal the raw samples', (rel) => {
    const m = parsePprof(raw(rel)).model;
    for (let ti = 0; ti < m.sampleTypes.length; ti++) {
      const exp = naiveTop(rel, ti);
      const t = topTable(pprofWeightedStacks(m, ti));
      expect(t.total).toBe(exp.total);
      const got = new Map(t.rows.map((r) => [r.function, r]));
      for (const [fn, c] of exp.cum) {
        if (c === 0 && !exp.flat.get(fn)) continue;
        expect(got.get(fn)?.cum, fn).toBe(c);
        expect(got.get(fn)?.flat ?? 0, fn).toBe(exp.flat.get(fn) ?? 0);
      }
      for (const r of t.rows) {
        expect(r.flatPct).toBeCloseTo((100 * r.flat) / t.total, 9);
        expect(r.cumPct).toBeCloseTo((100 * r.cum) / t.total, 9);
      }
    }
  });

  it('counts a recursive function once per sample in cum', () => {
    // cpu-pool go1.27 CPU: slices.pdqsortOrdered recurses (up to several times on one stack).
    const rel = 'scenarios/cpu-pool-go1.27/cpu.pb.gz';
    const name = 'slices.pdqsortOrdered[go.shape.int]';
    const m = parsePprof(raw(rel)).model;
    const ti = m.defaultSampleType;
    let once = 0;
    let perFrame = 0;
    for (const s of decodeReference(raw(rel)).samples) {
      const n = s.frames.filter((f) => f.name === name).length;
      if (n > 0) once += s.values[ti]!;
      perFrame += n * s.values[ti]!;
    }
    expect(perFrame).toBeGreaterThan(once); // the file really has recursive samples
    expect(topTable(pprofWeightedStacks(m)).rows.find((r) => r.function === name)!.cum).toBe(once);
    // The same from the idle-built index (a fresh parse: nothing cached from the walk above).
    const warm = pprofWeightedStacks(parsePprof(raw(rel)).model);
    warmTopTable(warm);
    expect(topTable(warm).rows.find((r) => r.function === name)!.cum).toBe(once);
  });

  it('sorts like pprof (flat desc, then name) and by any column', () => {
    const m = parsePprof(raw('scenarios/fd-leak-go1.23/cpu.pb.gz')).model;
    const ws = pprofWeightedStacks(m);
    const rows = topTable(ws).rows;
    // expected.json: a tie at the top is broken by name: fmt.(*pp).printArg before internal/…
    expect(rows[0]!.function).toBe('fmt.(*pp).printArg');
    expect(rows[1]!.flat).toBe(rows[0]!.flat);
    for (let i = 1; i < rows.length; i++) {
      const a = rows[i - 1]!;
      const b = rows[i]!;
      expect(a.flat > b.flat || (a.flat === b.flat && a.function <= b.function)).toBe(true);
    }
    const byCum = topTable(ws, { sortBy: 'cum' }).rows;
    for (let i = 1; i < byCum.length; i++) expect(byCum[i - 1]!.cum).toBeGreaterThanOrEqual(byCum[i]!.cum);
    const byName = topTable(ws, { sortBy: 'function' }).rows.map((r) => r.function);
    expect(byName).toEqual([...byName].sort());
    const rev = topTable(ws, { sortBy: 'function', reverse: true }).rows.map((r) => r.function);
    expect(rev).toEqual([...byName].reverse());
    expect(topTable(ws, { limit: 3 }).rows).toEqual(rows.slice(0, 3));
  });

  it('applies hide / focus like the call tree', () => {
    const rel = 'scenarios/cpu-pool-go1.27/cpu.pb.gz';
    const m = parsePprof(raw(rel)).model;
    const ti = m.defaultSampleType;
    const exp = naiveTop(rel, ti, /^runtime\./);
    const t = topTable(pprofWeightedStacks(m), { hide: '^runtime\\.' });
    expect(t.total).toBe(exp.total);
    for (const r of t.rows) {
      expect(r.function.startsWith('runtime.')).toBe(false);
      expect(r.flat).toBe(exp.flat.get(r.function) ?? 0);
      expect(r.cum).toBe(exp.cum.get(r.function));
    }
    const f = topTable(pprofWeightedStacks(m), { focus: 'compress/flate', search: 'findMatch' });
    let focused = 0;
    let matched = 0;
    for (const s of decodeReference(raw(rel)).samples) {
      const has = (re: RegExp) => s.frames.some((x) => re.test(x.name) || re.test(x.file));
      if (!has(/compress\/flate/)) continue;
      focused += s.values[ti]!;
      if (has(/findMatch/)) matched += s.values[ti]!;
    }
    expect(f.total).toBe(focused);
    expect(f.matched).toBe(matched);
    expect(f.matched).toBeGreaterThan(0);
    expect(f.matched).toBeLessThanOrEqual(f.total);
  });

  it('counts cum right when a hide matches the file of only some frames of a function', () => {
    // main.handle appears from two files (as an inlined copy can); the hide drops only the one in gen.go.
    const make = () => {
      const b = new StackTableBuilder();
      const fr = (func: string, file: string) => b.internFrame({ func, file, line: 1 });
      const root = fr('main.main', 'main.go');
      const genHandle = fr('main.handle', 'gen.go');
      const handle = fr('main.handle', 'handle.go');
      const work = fr('main.work', 'work.go');
      const stacks = [
        b.internStack([root, genHandle, work, handle]), // outermost main.handle is hidden; the inner one is not
        b.internStack([root, handle, work]),
        b.internStack([root, genHandle, work]),
      ];
      return { stacks: b.build(), sampleStack: Int32Array.from(stacks), weight: Float64Array.from([5, 7, 11]) };
    };
    // With the idle-built index too (fresh stacks: nothing cached): it counts the outermost
    // main.handle, which this hide drops.
    for (const warm of [false, true]) {
      const ws = make();
      if (warm) warmTopTable(ws);
      const rows = (hide?: string) => Object.fromEntries(topTable(ws, { hide }).rows.map((r) => [r.function, [r.flat, r.cum]]));
      expect(rows(), `warm ${warm}`).toEqual({ 'main.main': [0, 23], 'main.handle': [5, 23], 'main.work': [18, 23] });
      expect(rows('gen\\.go'), `warm ${warm}`).toEqual({ 'main.main': [0, 23], 'main.handle': [5, 12], 'main.work': [18, 23] });
      expect(rows('^main\\.handle$'), `warm ${warm}`).toEqual({ 'main.main': [0, 23], 'main.work': [23, 23] });
      // Focus and ignore on the same file: only samples with a gen.go frame (5 and 11), or without one (7).
      const focused = topTable(ws, { focus: 'gen\\.go' });
      expect(focused.total, `warm ${warm}`).toBe(16);
      expect(Object.fromEntries(focused.rows.map((r) => [r.function, [r.flat, r.cum]]))).toEqual({ 'main.main': [0, 16], 'main.handle': [5, 16], 'main.work': [11, 16] });
      expect(topTable(ws, { ignore: 'gen\\.go' }).total, `warm ${warm}`).toBe(7);
      expect(topTable(ws, { focus: '^main\\.work$', ignore: '^main\\.handle$' }).total, `warm ${warm}`).toBe(0);
      expect(topTable(ws, { focus: '^main\\.handle$' }).total, `warm ${warm}`).toBe(23);
    }
  });
});

describe('withDeltas: a diff top table (current minus base, per function)', () => {
  const load = (rel: string) => {
    const m = parsePprof(raw(rel)).model;
    return pprofWeightedStacks(m, m.sampleTypes.findIndex((t) => t.type === 'delay'));
  };
  const cur = topTable(load('scenarios/conn-leak-go1.27/block.pb.gz'));
  const base = topTable(load('scenarios/conn-leak-go1.19/block.pb.gz'));

  it('complete tables: per-row deltas, and the flat deltas add up to total − base total over both tables', () => {
    const rows = withDeltas(cur.rows, base.rows, true);
    const sel = rows.find((r) => r.function === 'runtime.selectgo')!;
    const selBase = base.rows.find((r) => r.function === 'runtime.selectgo')!;
    expect(sel.flatDelta).toBe(sel.flat - selBase.flat);
    expect(sel.cumDelta).toBe(sel.cum - selBase.cum);
    // Functions only in the base contribute −flat; with them, every flat is counted once.
    const onlyBase = base.rows.filter((b) => !cur.rows.some((r) => r.function === b.function));
    const sum = rows.reduce((a, r) => a + r.flatDelta!, 0) - onlyBase.reduce((a, r) => a + r.flat, 0);
    expect(sum).toBeCloseTo(cur.total - base.total, 0);
    // A function new in the current profile: its whole flat is the delta.
    const fresh = rows.find((r) => !base.rows.some((b) => b.function === r.function));
    expect(fresh).toBeDefined();
    expect(fresh!.flatDelta).toBe(fresh!.flat);
  });

  it('a truncated base leaves the delta of functions it does not list unknown, not the whole value', () => {
    const short = base.rows.slice(0, 2);
    const rows = withDeltas(cur.rows, short, false);
    const listed = rows.filter((r) => short.some((b) => b.function === r.function));
    expect(listed.length).toBeGreaterThan(0);
    expect(listed.every((r) => r.flatDelta !== null)).toBe(true);
    expect(rows.filter((r) => r.flatDelta === null).length).toBe(rows.length - listed.length);
  });
});

/**
 * Profiles over time on the real series of ../shared/fixtures/profile-series/go1.26 (one process, its
 * block, mutex, allocs and goroutine profiles every 2 s). Every interval's delta and windows of
 * several intervals are held to `go tool pprof -top -base OLD NEW` (testdata/go-top/intervals.json,
 * made by generate.mjs there), with the start snapshot crossing as it does between two engines
 * (exported, then structured-cloned).
 */
import { describe, it, expect, beforeAll } from 'vitest';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { readFixture } from '../../test-support/fixtures.ts';
import { ingestBytes } from '../../ingest/ingest.ts';
import type { ParsedSource } from '../../model/source.ts';
import { epochDiffNs } from '../../model/time.ts';
import {
  exportSnapshotStacks,
  profileSeries,
  seriesCallTree,
  seriesIdentity,
  seriesTopTable,
  seriesWindow,
  subtractOnEndTable,
  SERIES_NEEDS_STACKS,
  type SeriesCandidate,
} from './profile-series.ts';
import type { CallTree, DiffCallTree } from './call-tree.ts';
import { weightedStacksOf } from './stack-sources.ts';
import { mergeWeightedStacks } from './stack-merge.ts';
import { topTable } from './top-table.ts';

interface GoCase {
  id: string;
  files: string[];
  base: string;
  sampleIndex?: string;
  focus?: string;
  sampleType: { type: string };
  total: number;
  rows: { function: string; flat: number; cum: number }[];
}
const goCases = (JSON.parse(readFileSync(fileURLToPath(new URL('./testdata/go-top/intervals.json', import.meta.url)), 'utf8')) as { cases: GoCase[] }).cases;

const DIR = 'profile-series/go1.26';
const KINDS = ['block', 'mutex', 'allocs', 'goroutine'] as const;
const parsed = new Map<string, ParsedSource>();
const src = (rel: string) => parsed.get(rel)!;

beforeAll(async () => {
  for (const k of KINDS) for (let i = 0; i <= 5; i++) parsed.set(`${DIR}/${k}-${i}.pb.gz`, await ingestBytes(readFixture(`${DIR}/${k}-${i}.pb.gz`)));
});

/** A snapshot as another engine receives it (exported, structured-cloned), under a key naming it. */
let sent = 0;
const exported = (rel: string, key: string) => ({ key: `${rel}|${key}|${sent++}`, stacks: structuredClone(exportSnapshotStacks(src(rel), key)) });

describe('series identity and grouping', () => {
  it('names each fixture kind and the one binary', () => {
    for (const k of KINDS) {
      for (let i = 0; i <= 5; i++) {
        const id = seriesIdentity(src(`${DIR}/${k}-${i}.pb.gz`));
        expect(id?.kind, `${k}-${i}`).toBe(k);
        expect(id?.binary).toBe('/tmp/pairs/pairs126 709f9c33f0bb961cf30c4492e90d01c036e1e113');
      }
    }
  });

  it('forms four series of six snapshots in time order (time_nanos), whatever the drop order', () => {
    const cands: SeriesCandidate[] = [];
    const first = src(`${DIR}/block-0.pb.gz`).clock.originEpochNs!;
    for (const k of KINDS) {
      for (const i of [3, 0, 5, 1, 4, 2]) {
        const s = src(`${DIR}/${k}-${i}.pb.gz`);
        cands.push({ id: `${k}${i}`, name: `${k}-${i}.pb.gz`, atNs: epochDiffNs(s.clock.originEpochNs!, first), identity: seriesIdentity(s)! });
      }
    }
    const series = profileSeries(cands);
    expect(series.map((s) => s.kind)).toEqual(['block', 'mutex', 'allocs', 'goroutine']);
    for (const s of series) {
      expect(s.members.map((m) => m.name)).toEqual([0, 1, 2, 3, 4, 5].map((i) => `${s.kind}-${i}.pb.gz`));
      // One snapshot every ~2 s.
      for (let i = 1; i < 6; i++) expect((s.members[i]!.atNs - s.members[i - 1]!.atNs) / 1e9).toBeCloseTo(2, 0);
    }
    expect(series[0]!.label).toBe('block profiles of pairs126 · 6 snapshots');
    // Another host is another process: two series, not one.
    const twoHosts = profileSeries(cands.filter((c) => c.identity.kind === 'block').map((c, i) => ({ ...c, host: i % 2 ? 'web1' : 'web2' })));
    expect(twoHosts.map((s) => s.members.length)).toEqual([3, 3]);
  });

  it('leaves out a single snapshot, CPU-like profiles and empty contention profiles without a name hint', () => {
    const one = src(`${DIR}/mutex-0.pb.gz`);
    expect(profileSeries([{ id: 'a', name: 'm', atNs: 0, identity: seriesIdentity(one)! }])).toEqual([]);
    const empty = { kind: 'contentions' as const, binary: 'b', sampleTypes: 'contentions/count,delay/nanoseconds', cumulativeTotal: 0 };
    expect(profileSeries([{ id: 'a', name: 'x1', atNs: 0, identity: empty }, { id: 'b', name: 'x2', atNs: 1, identity: empty }])).toEqual([]);
    expect(profileSeries([{ id: 'a', name: 'mutex1', atNs: 0, identity: empty }, { id: 'b', name: 'mutex2', atNs: 1, identity: empty }])[0]?.kind).toBe('mutex');
  });

  it('ends a series where a cumulative total falls: another process of the same binary', () => {
    // block-0..2 of the fixture, then block-1 and block-2 again as if a restarted process wrote them later.
    const first = src(`${DIR}/block-0.pb.gz`).clock.originEpochNs!;
    const cand = (i: number, id: string, laterNs = 0): SeriesCandidate => {
      const s = src(`${DIR}/block-${i}.pb.gz`);
      return { id, name: `block-${i}`, atNs: epochDiffNs(s.clock.originEpochNs!, first) + laterNs, identity: seriesIdentity(s)! };
    };
    const totals = [0, 1, 2].map((i) => seriesIdentity(src(`${DIR}/block-${i}.pb.gz`))!.cumulativeTotal!);
    expect(totals[1]! > totals[0]! && totals[2]! > totals[1]!).toBe(true);
    const runs = profileSeries([cand(0, 'a'), cand(1, 'b'), cand(2, 'c'), cand(0, 'd', 60e9), cand(1, 'e', 60e9)]);
    expect(runs.map((s) => s.members.map((m) => m.id))).toEqual([['a', 'b', 'c'], ['d', 'e']]);
    // A goroutine count is a gauge: it may fall without any restart.
    const g = [5, 2, 0].map((i, k) => {
      const s = src(`${DIR}/goroutine-${i}.pb.gz`);
      return { id: `g${k}`, name: `goroutine-${i}`, atNs: k * 1e9, identity: seriesIdentity(s)! };
    });
    expect(profileSeries(g).map((s) => s.members.length)).toEqual([3]);
  });
});

describe('the window a brushed range uses', () => {
  const t = [0, 10, 20, 30];
  it('is the smallest run of whole intervals containing the range', () => {
    expect(seriesWindow(t, { startNs: 12, endNs: 18 })).toEqual({ from: 1, to: 2 }); // inside interval #2
    expect(seriesWindow(t, { startNs: 10, endNs: 20 })).toEqual({ from: 1, to: 2 }); // exactly #2
    expect(seriesWindow(t, { startNs: 5, endNs: 18 })).toEqual({ from: 0, to: 2 }); // #1..#2
    expect(seriesWindow(t, { startNs: 9.9, endNs: 20.1 })).toEqual({ from: 0, to: 3 }); // touches #1 and #3
    expect(seriesWindow(t, { startNs: -50, endNs: 500 })).toEqual({ from: 0, to: 3 }); // clipped to the series
  });
  it('is none outside the series or for an instant', () => {
    expect(seriesWindow(t, { startNs: -5, endNs: 0 })).toBeNull();
    expect(seriesWindow(t, { startNs: 30, endNs: 40 })).toBeNull();
    expect(seriesWindow(t, { startNs: 20, endNs: 20 })).toBeNull();
    expect(seriesWindow([5], { startNs: 0, endNs: 10 })).toBeNull();
  });
});

describe('deltas equal go tool pprof -top -base OLD NEW', () => {
  it('has Go figures for every interval of every kind', () => {
    expect(goCases.length).toBe(40);
  });
  for (const c of goCases) {
    it(c.id, () => {
      const end = src(c.files[0]!);
      const key = c.sampleType.type;
      const q = { profile: key, start: exported(c.base, key), ...(c.focus ? { focus: c.focus } : {}) };
      const table = seriesTopTable(end, q).table;
      const ours = table.rows.map((r) => ({ function: r.function, flat: Math.round(r.flat), cum: Math.round(r.cum) }));
      expect(ours).toEqual(c.rows);
      if (!c.focus) {
        // The flame graph of the same window: its root holds the delta, positive and negative parts alike.
        const tree = seriesCallTree(end, { profile: key, start: exported(c.base, key) }).tree as CallTree;
        const flatSum = c.rows.reduce((a, r) => a + r.flat, 0);
        expect(Math.round(tree.root.value)).toBe(flatSum);
      }
    });
  }
});

describe('the subtraction on the end snapshot\'s own table', () => {
  it('equals the merge of both tables for every pair, and declines when a start stack is gone', () => {
    let declined = 0;
    for (const k of KINDS) {
      for (let a = 0; a < 5; a++) {
        for (let b = a + 1; b <= 5; b++) {
          const end = weightedStacksOf(src(`${DIR}/${k}-${b}.pb.gz`), undefined);
          const start = structuredClone(exportSnapshotStacks(src(`${DIR}/${k}-${a}.pb.gz`), undefined));
          const fast = subtractOnEndTable(end, start);
          const merged = mergeWeightedStacks([
            { input: end, sign: 1 },
            { input: start, sign: -1 },
          ]);
          if (!fast) {
            declined++;
            continue;
          }
          expect(fast.stacks).toBe(end.stacks); // no new table
          expect(topTable(fast).rows, `${k}-${b} − ${k}-${a}`).toEqual(topTable(merged).rows);
          expect(Array.from(fast.weight).reduce((x, w) => x + w, 0)).toBeCloseTo(Array.from(merged.weight).reduce((x, w) => x + w, 0), 3);
        }
      }
    }
    // Cumulative kinds keep every stack; goroutines end, and their stacks go with them.
    expect(declined).toBeGreaterThan(0);
    for (const k of ['block', 'mutex', 'allocs']) expect(subtractOnEndTable(weightedStacksOf(src(`${DIR}/${k}-5.pb.gz`), undefined), exportSnapshotStacks(src(`${DIR}/${k}-0.pb.gz`), undefined))).not.toBeNull();
  });
});

describe('snapshots sent once', () => {
  it('answers by key while the engine holds the stacks, and asks for them once it does not', () => {
    const end = src(`${DIR}/block-4.pb.gz`);
    const first = exported(`${DIR}/block-3.pb.gz`, 'delay');
    const withStacks = seriesTopTable(end, { profile: 'delay', start: first }).table.rows;
    // The same window again, by key only (zoom, search, the top table after the tree).
    expect(seriesTopTable(end, { profile: 'delay', start: { key: first.key } }).table.rows).toEqual(withStacks);
    expect(seriesCallTree(end, { profile: 'delay', start: { key: first.key }, search: 'Lock' }).tree.matched).toBeGreaterThan(0);
    // A key never sent: the engine names what it needs.
    expect(() => seriesTopTable(end, { profile: 'delay', start: { key: 'never-sent' } })).toThrow(`${SERIES_NEEDS_STACKS} never-sent`);
    // Others sent since push the first one out: the host then sends it again.
    for (let i = 0; i < 8; i++) seriesTopTable(src(`${DIR}/block-5.pb.gz`), { profile: 'delay', start: exported(`${DIR}/block-${i % 5}.pb.gz`, 'delay') });
    expect(() => seriesCallTree(end, { profile: 'delay', start: { key: first.key }, compare: { type: 'growth' } })).toThrow(SERIES_NEEDS_STACKS);
  });
});

describe('goroutine growth and baseline diffs', () => {
  it('draws a goroutine window as the end snapshot against the start: growth per stack', () => {
    const end = src(`${DIR}/goroutine-5.pb.gz`);
    const r = seriesCallTree(end, { start: exported(`${DIR}/goroutine-2.pb.gz`, 'goroutine'), compare: { type: 'growth' } });
    expect(r.diff).toBe(true);
    const tree = r.tree as DiffCallTree;
    const go = goCases.find((c) => c.id === 'goroutine-5 --base goroutine-2')!;
    expect(tree.total - tree.baseTotal).toBe(go.rows.reduce((a, x) => a + x.flat, 0));
    // The leaked sender's stack grew by the leak (Go's cum of main.main.func3.1 over the window).
    const leak = go.rows.find((x) => x.function === 'main.main.func3.1')!;
    const find = (n: DiffCallTree['root']): DiffCallTree['root'] | undefined =>
      n.name === 'main.main.func3.1' ? n : (n.children ?? []).map(find).find((x) => x !== undefined);
    const node = find(tree.root)!;
    expect(node.value - (node.baseValue ?? 0)).toBe(leak.cum);
  });

  it('diffs an incident window against a baseline window, each a delta', () => {
    const end = src(`${DIR}/block-4.pb.gz`);
    const r = seriesCallTree(end, {
      profile: 'delay',
      start: exported(`${DIR}/block-3.pb.gz`, 'delay'),
      compare: { type: 'baseline', end: exported(`${DIR}/block-1.pb.gz`, 'delay'), start: exported(`${DIR}/block-0.pb.gz`, 'delay') },
    });
    const tree = r.tree as DiffCallTree;
    const goSum = (id: string) => goCases.find((c) => c.id === id)!.rows.reduce((a, x) => a + x.flat, 0);
    expect(Math.round(tree.total)).toBe(goSum('block-4 --base block-3'));
    expect(Math.round(tree.baseTotal)).toBe(goSum('block-1 --base block-0'));
  });

  it('refuses a start snapshot in another unit', () => {
    const end = src(`${DIR}/block-4.pb.gz`);
    expect(() => seriesTopTable(end, { profile: 'delay', start: exported(`${DIR}/block-3.pb.gz`, 'contentions') })).toThrow(/cannot subtract the start snapshot in count from a profile in nanoseconds/);
  });
});

describe('a threadcreate series (testdata/threadcreate-series, our own program)', () => {
  const here = (f: string) => readFileSync(fileURLToPath(new URL(`./testdata/threadcreate-series/${f}`, import.meta.url)));
  const tcGo = (JSON.parse(here('go-top.json').toString('utf8')) as { cases: GoCase[] }).cases;
  it('forms a series and each window equals go tool pprof -top -base', async () => {
    const tc = await Promise.all([0, 1, 2].map((i) => ingestBytes(here(`threadcreate-${i}.pb.gz`))));
    const ids = tc.map((x) => seriesIdentity(x)!);
    expect(ids.map((x) => [x.kind, x.cumulativeTotal])).toEqual([
      ['threadcreate', 8],
      ['threadcreate', 15],
      ['threadcreate', 21],
    ]);
    const first = tc[0]!.clock.originEpochNs!;
    const series = profileSeries(tc.map((x, i) => ({ id: `t${i}`, name: `threadcreate-${i}`, atNs: epochDiffNs(x.clock.originEpochNs!, first), identity: ids[i]! })));
    expect(series.map((x) => x.members.length)).toEqual([3]);
    for (const [a, b] of [[0, 1], [1, 2], [0, 2]] as const) {
      const want = tcGo.find((c) => c.id === `threadcreate-${b} --base threadcreate-${a}`)!;
      const start = { key: `tc${a}`, stacks: structuredClone(exportSnapshotStacks(tc[a]!, undefined)) };
      const rows = seriesTopTable(tc[b]!, { start }).table.rows.map((r) => ({ function: r.function, flat: r.flat, cum: r.cum }));
      expect(rows).toEqual(want.rows);
    }
  });
});


/**
 * Profiles over time through the host, one engine process per snapshot: the session lists the
 * series, and a brushed axis range is answered with the delta of the intervals it uses — the start
 * snapshot exported by its engine, subtracted in the end snapshot's — equal to Go's
 * `go tool pprof -top -base OLD NEW` (shared/query/stacks/testdata/go-top/intervals.json).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_DIR, ENGINE_WORKER_TS } from '../paths.ts';
import { Host } from './handlers.ts';
import { fixturePath } from '../../shared/test-support/fixtures.ts';
import type { ProfileSeriesInfo } from '../../shared/query/stacks/profile-series.ts';
import type { DiffCallTree } from '../../shared/query/stacks/call-tree.ts';

interface GoCase {
  id: string;
  total: number;
  rows: { function: string; flat: number; cum: number }[];
}
const goCases = (
  JSON.parse(readFileSync(fileURLToPath(new URL('../../shared/query/stacks/testdata/go-top/intervals.json', import.meta.url)), 'utf8')) as { cases: GoCase[] }
).cases;
const goRows = (id: string) => goCases.find((c) => c.id === id)!.rows;
const DIR = 'profile-series/go1.26';

let host: Host;
let block: ProfileSeriesInfo;
let goroutine: ProfileSeriesInfo;
beforeAll(async () => {
  host = new Host({ workerScript: ENGINE_WORKER_TS, demoDir: DEMO_DIR });
  // Dropped out of order: the series orders its snapshots by time_nanos.
  const paths = [4, 1, 5, 0, 3, 2].flatMap((i) => [fixturePath(`${DIR}/block-${i}.pb.gz`), fixturePath(`${DIR}/goroutine-${i}.pb.gz`)]);
  await host.handle('openPaths', { paths });
  await host.store.settled();
  const series = host.store.snapshot().profileSeries ?? [];
  block = series.find((s) => s.kind === 'block')!;
  goroutine = series.find((s) => s.kind === 'goroutine')!;
}, 120_000);
afterAll(() => host?.dispose());

const rowsOf = (rows: { function: string; flat: number; cum: number }[]) => rows.map((r) => ({ function: r.function, flat: Math.round(r.flat), cum: Math.round(r.cum) }));
/** An axis range strictly inside interval k (1-based) of a series. */
const inside = (s: ProfileSeriesInfo, k: number) => {
  const a = s.members[k - 1]!.atNs;
  const b = s.members[k]!.atNs;
  return { startNs: a + (b - a) * 0.25, endNs: a + (b - a) * 0.75 };
};

describe('profile series in a session', () => {
  it('lists one series per kind, snapshots in time order', () => {
    expect(host.store.snapshot().profileSeries?.map((s) => [s.kind, s.members.length])).toEqual([
      ['block', 6],
      ['goroutine', 6],
    ]);
    expect(block.members.map((m) => m.name)).toEqual([0, 1, 2, 3, 4, 5].map((i) => `block-${i}.pb.gz`));
  });

  it('answers a range inside one interval with that interval alone: go tool pprof -top -base', async () => {
    for (const k of [1, 3, 5]) {
      const r = await host.handle('seriesTopTable', { seriesId: block.id, range: inside(block, k), query: { type: 'topTable', profile: 'delay' } });
      expect([r.window.firstInterval, r.window.lastInterval, r.window.from.name, r.window.to.name]).toEqual([k, k, `block-${k - 1}.pb.gz`, `block-${k}.pb.gz`]);
      expect(rowsOf(r.result.table.rows)).toEqual(goRows(`block-${k} --base block-${k - 1}`));
    }
  });

  it('merges the deltas of every interval a range overlaps', async () => {
    // From inside interval 3 to inside interval 5: intervals 3..5, block-5 minus block-2.
    const range = { startNs: inside(block, 3).startNs, endNs: inside(block, 5).endNs };
    const r = await host.handle('seriesTopTable', { seriesId: block.id, range, query: { type: 'topTable', profile: 'delay' } });
    expect([r.window.firstInterval, r.window.lastInterval]).toEqual([3, 5]);
    expect(rowsOf(r.result.table.rows)).toEqual(goRows('block-5 --base block-2'));
    const tree = await host.handle('seriesCallTree', { seriesId: block.id, range, query: { type: 'callTree', profile: 'delay' } });
    expect(tree.result.diff).toBe(false);
    expect(Math.round(tree.result.tree.root.value)).toBe(goRows('block-5 --base block-2').reduce((a, x) => a + x.flat, 0));
  });

  it('draws a goroutine window as growth per stack, and a baseline range as a diff of deltas', async () => {
    const range = { startNs: inside(goroutine, 3).startNs, endNs: inside(goroutine, 5).endNs };
    const g = await host.handle('seriesCallTree', { seriesId: goroutine.id, range, query: { type: 'callTree' } });
    const gt = g.result.tree as DiffCallTree;
    expect(g.result.diff).toBe(true);
    expect(gt.total - gt.baseTotal).toBe(goRows('goroutine-5 --base goroutine-2').reduce((a, x) => a + x.flat, 0));

    const d = await host.handle('seriesCallTree', { seriesId: block.id, range: inside(block, 4), baseline: inside(block, 1), query: { type: 'callTree', profile: 'delay' } });
    const dt = d.result.tree as DiffCallTree;
    expect([d.window.firstInterval, d.baselineWindow?.firstInterval]).toEqual([4, 1]);
    expect(Math.round(dt.total)).toBe(goRows('block-4 --base block-3').reduce((a, x) => a + x.flat, 0));
    expect(Math.round(dt.baseTotal)).toBe(goRows('block-1 --base block-0').reduce((a, x) => a + x.flat, 0));
  });

  it('refuses a range outside the series and an unknown series by name', async () => {
    const before = { startNs: block.members[0]!.atNs - 5e9, endNs: block.members[0]!.atNs - 1e9 };
    await expect(host.handle('seriesTopTable', { seriesId: block.id, range: before, query: { type: 'topTable' } })).rejects.toThrow(/selected range lies outside the block series/);
    await expect(host.handle('seriesTopTable', { seriesId: 'series:nope', range: before, query: { type: 'topTable' } })).rejects.toThrow(/no profile series series:nope/);
    await expect(host.handle('seriesTopTable', { seriesId: block.id, range: { startNs: 0 }, query: { type: 'topTable' } })).rejects.toThrow(/range must be/);
  });

  it('names the profile movers in "what changed": each function delta per second, selection against the baseline intervals', async () => {
    // The leak starts in interval 2 (goroutines parked in chansend); interval 1 pinned as the baseline.
    const sel = inside(goroutine, 2);
    const ids = [...block.members, ...goroutine.members].map((m) => m.id);
    const r = await host.handle('whatChangedAcross', { ids, selection: sel, baseline: [inside(goroutine, 1)], limit: 20 });
    const rows = r.categories.find((c) => c.category === 'profile-delta')?.rows ?? [];
    const flat = (id: string, fn: string) => goRows(id).find((x) => x.function === fn)?.flat ?? 0;
    const at = (s: ProfileSeriesInfo, i: number) => s.members[i]!.atNs;
    const gopark = rows.find((x) => x.key === `${goroutine.id}|runtime.gopark`)!;
    const wantA = flat('goroutine-2 --base goroutine-1', 'runtime.gopark') / ((at(goroutine, 2) - at(goroutine, 1)) / 1e9);
    const wantB = flat('goroutine-1 --base goroutine-0', 'runtime.gopark') / ((at(goroutine, 1) - at(goroutine, 0)) / 1e9);
    expect(wantA).toBeGreaterThan(400); // ~430 goroutines gained per second
    expect(gopark.a!.mean).toBeCloseTo(wantA, 9);
    expect(gopark.b!.mean).toBeCloseTo(wantB, 9);
    expect(gopark.delta).toBeCloseTo(wantA - wantB, 9);
    expect(gopark.unit).toBe('/s');
    expect(rows[0]).toBe(gopark);
    // The row opens the window's end snapshot, whose flame graph shows that growth.
    expect(host.store.snapshot().sources.find((x) => x.id === gopark.sourceId)?.name).toBe('goroutine-2.pb.gz');
    // The block series' contention is steady (each interval within 1 % of the others): no mover there.
    expect(rows.filter((x) => x.key.startsWith(block.id))).toEqual([]);
    const lockA = flat('block-2 --base block-1', 'sync.(*Mutex).Lock') / (at(block, 2) - at(block, 1));
    const lockB = flat('block-1 --base block-0', 'sync.(*Mutex).Lock') / (at(block, 1) - at(block, 0));
    expect(Math.abs(lockA - lockB) / (lockA + lockB)).toBeLessThan(0.05);
  });
});

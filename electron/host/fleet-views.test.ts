/**
 * Views over several hosts' captures through the host (issue 18): a folder per host, each capture in
 * its own engine. The joined heat map equals the parts joined in-process; what-changed rows and
 * findings evidence name the host.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_DIR, ENGINE_WORKER_TS } from '../paths.ts';
import { Host } from './handlers.ts';
import { captureSnapshots, hostCapture } from '../../shared/test-support/fleet-captures.ts';
import { ingestBytes } from '../../shared/ingest/ingest.ts';
import { heatmapView } from '../../shared/query/sockets/heatmap-view.ts';
import { mergeHostHeatmaps } from '../../shared/query/sockets/heatmap-across.ts';
import { restOf } from '../../shared/query/what-changed.ts';

const START = 1_795_500_000_000_000_000n;
const HOSTS = [
  { host: 'edge-a', rel: 'scenarios/conn-leak-go1.27/ss-capture.txt.gz' },
  { host: 'edge-b', rel: 'scenarios/fd-leak-go1.23/ss-capture.txt.gz' },
];
let dir: string;
let host: Host;
const texts: string[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tracedeck-fleet-views-'));
  const paths = HOSTS.map((h, i) => {
    mkdirSync(join(dir, h.host));
    const text = hostCapture({ template: captureSnapshots(h.rel), host: 'vm', startNs: START, intervalNs: 1_000_000_000n, snapshots: 40, phaseNs: BigInt(i) * 400_000_000n });
    texts.push(text);
    const p = join(dir, h.host, 'ss-capture.txt');
    writeFileSync(p, text);
    return p;
  });
  host = new Host({ workerScript: ENGINE_WORKER_TS, demoDir: DEMO_DIR });
  await host.handle('openPaths', { paths });
  await host.store.settled();
}, 60_000);
afterAll(() => {
  host?.dispose();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('several hosts through the host', () => {
  it('heatmapAcross: each engine draws its part, the join equals the in-process one, hosts named by folder', async () => {
    const sources = host.store.snapshot().sources;
    expect(sources.map((s) => s.status)).toEqual(['ready', 'ready']);
    const range = { startNs: Math.min(...sources.map((s) => s.axisStartNs!)), endNs: Math.max(...sources.map((s) => s.axisEndNs!)) };
    const got = await host.handle('heatmapAcross', { ids: sources.map((s) => s.id), range, bins: 80, scope: 'rows', mode: 'state', state: 'CLOSE-WAIT' });
    const parts = await Promise.all(
      sources.map(async (s, i) => {
        const src = await ingestBytes(new TextEncoder().encode(texts[i]!));
        if (src.kind !== 'ss') throw new Error('not ss');
        const view = heatmapView(src.model, { range: { startNs: range.startNs - s.axisShiftNs!, endNs: range.endNs - s.axisShiftNs! }, bins: 80, mode: 'state', state: 'CLOSE-WAIT', total: true, topN: 50, exits: false });
        return { sourceId: s.id, host: HOSTS[i]!.host, shiftNs: s.axisShiftNs!, view };
      }),
    );
    expect(got).toEqual(mergeHostHeatmaps(parts, { scope: 'rows', topN: 20, stateRows: false }));
    expect(got.rows).toEqual(['edge-b', 'edge-a']);
    expect(got.max).toBe(453);
    await expect(host.handle('heatmapAcross', { ids: sources.map((s) => s.id), range, bins: 0, scope: 'rows', mode: 'state' })).rejects.toThrow(/bins must be/);
    await expect(host.handle('heatmapAcross', { ids: ['s99'], range, bins: 10, scope: 'sum', mode: 'state' })).rejects.toThrow(/no ready socket capture/);
  });

  it('what-changed socket rows and findings evidence name the host', async () => {
    const sources = host.store.snapshot().sources;
    const ids = sources.map((s) => s.id);
    const extent = { startNs: Math.min(...sources.map((s) => s.axisStartNs!)), endNs: Math.max(...sources.map((s) => s.axisEndNs!)) };
    const selection = { startNs: extent.startNs + (extent.endNs - extent.startNs) * 0.6, endNs: extent.endNs };
    const wc = await host.handle('whatChangedAcross', { ids, selection, baseline: restOf(extent, selection), limit: 5 });
    const rows = wc.categories.flatMap((c) => c.rows);
    expect(rows.length).toBeGreaterThan(0);
    const byId = new Map(sources.map((s, i) => [s.id, HOSTS[i]!.host]));
    for (const r of rows) expect(r.host).toBe(byId.get(r.sourceId));
    // The CLOSE-WAIT growth is edge-b's.
    const cw = rows.find((r) => r.category === 'socket-state' && r.key === 'CLOSE-WAIT');
    expect(cw?.host).toBe('edge-b');

    const found = await host.handle('findings', { ids });
    const fd = found.findings.find((f) => f.pattern === 'fd-leak');
    expect(fd, found.findings.map((f) => f.pattern).join(',')).toBeDefined();
    expect(fd!.evidence.some((e) => e.sourceName === 'ss-capture.txt on edge-b')).toBe(true);
  });
});

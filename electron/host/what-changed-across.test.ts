/**
 * "What changed" through the host: each source's engine computes its part in its own clock and one
 * engine joins them on the axis. The result must equal the same parts computed and joined
 * in-process, and bad arguments are refused by name.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_DIR, ENGINE_WORKER_TS } from '../paths.ts';
import { Host } from './handlers.ts';
import { fixturePath, readFixture } from '../../shared/test-support/fixtures.ts';
import { ingestBytes } from '../../shared/ingest/ingest.ts';
import { mergeWhatChanged, restOf, whatChangedPart, type WcRange } from '../../shared/query/what-changed.ts';

const SS = 'scenarios/conn-leak-go1.27/ss-capture.txt.gz';
const TRACE = 'scenarios/conn-leak-go1.27/trace.out';

let host: Host;
beforeAll(async () => {
  host = new Host({ workerScript: ENGINE_WORKER_TS, demoDir: DEMO_DIR });
  await host.handle('openPaths', { paths: [fixturePath(SS), fixturePath(TRACE)] });
  await host.store.settled();
});
afterAll(() => host?.dispose());

describe('whatChangedAcross', () => {
  it('joins the ss capture and the trace on the axis exactly as the in-process parts do', async () => {
    const sources = host.store.snapshot().sources;
    expect(sources.map((s) => s.status)).toEqual(['ready', 'ready']);
    // The trace's span on the axis, its middle third selected against the rest of the session.
    const trace = sources.find((s) => s.kind === 'gotrace')!;
    const extent = { startNs: Math.min(...sources.map((s) => s.axisStartNs!)), endNs: Math.max(...sources.map((s) => s.axisEndNs!)) };
    const third = (trace.axisEndNs! - trace.axisStartNs!) / 3;
    const selection = { startNs: trace.axisStartNs! + third, endNs: trace.axisStartNs! + 2 * third };
    const baseline = restOf(extent, selection);
    const got = await host.handle('whatChangedAcross', { ids: sources.map((s) => s.id), selection, baseline, limit: 5 });

    const parts = await Promise.all(
      sources.map(async (s) => {
        const src = await ingestBytes(readFixture(s.kind === 'ss' ? SS : TRACE));
        const toSrc = (r: WcRange) => ({ startNs: r.startNs - s.axisShiftNs!, endNs: r.endNs - s.axisShiftNs! });
        return whatChangedPart(src, s.id, toSrc(selection), baseline.map(toSrc));
      }),
    );
    const shift = new Map(sources.map((s) => [s.id, s.axisShiftNs!]));
    const want = mergeWhatChanged(parts, { limit: 5, axisAt: (p) => (p.dump?.atNs ?? 0) + shift.get(p.sourceId)! });
    expect(got).toEqual(want);
    // Both sources speak: socket rows from the capture, goroutine or blocking rows from the trace.
    const categories = got.categories.map((c) => c.category);
    expect(categories.length).toBeGreaterThanOrEqual(2);
    expect(got.categories.flatMap((c) => c.rows).length).toBeGreaterThan(0);
  });

  it('refuses bad arguments by name', async () => {
    const id = host.store.snapshot().sources[0]!.id;
    const sel = { startNs: 0, endNs: 1 };
    await expect(host.handle('whatChangedAcross', { ids: [], selection: sel, baseline: [] })).rejects.toThrow(/ids must be/);
    await expect(host.handle('whatChangedAcross', { ids: [id], selection: { startNs: 0 }, baseline: [] })).rejects.toThrow(/selection must be/);
    await expect(host.handle('whatChangedAcross', { ids: [id], selection: sel, baseline: [sel, 3] })).rejects.toThrow(/baseline must be/);
    await expect(host.handle('whatChangedAcross', { ids: ['nope'], selection: sel, baseline: [] })).rejects.toThrow(/no ready source/);
  });
});

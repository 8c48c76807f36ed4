/**
 * Findings through the host: each source's engine computes its facts in its own clock, one engine
 * ranks them on the axis. The result must equal the same facts computed and ranked in-process, and
 * a bundle's report.md carries them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { DEMO_DIR, ENGINE_WORKER_TS } from '../paths.ts';
import { Host } from './handlers.ts';
import { fixturePath } from '../../shared/test-support/fixtures.ts';
import { ingestInput } from './ingest-input.ts';
import { findingFacts } from '../../shared/query/findings/facts.ts';
import { diagnose } from '../../shared/query/findings/diagnose.ts';
import { buildReport } from './bundle.ts';

const DIR = fixturePath('scenarios/fd-leak-go1.27');
const FILES = readdirSync(DIR)
  .filter((f) => f !== 'meta.json')
  .map((f) => join(DIR, f));

let host: Host;
beforeAll(async () => {
  host = new Host({ workerScript: ENGINE_WORKER_TS, demoDir: DEMO_DIR });
  await host.handle('openPaths', { paths: FILES });
  await host.store.settled();
});
afterAll(() => host?.dispose());

describe('findings request', () => {
  it('equals the in-process diagnosis of the same sources placed where the session placed them', async () => {
    const sources = host.store.snapshot().sources;
    expect(sources.every((s) => s.status === 'ready')).toBe(true);
    const got = await host.handle('findings', { ids: sources.map((s) => s.id) });
    const parts = [];
    for (const s of sources) {
      const path = (s.origin as { path: string }).path;
      const { source } = await ingestInput({ path });
      const facts = findingFacts(source, { sourceId: s.id, name: s.name, clock: s.clock!.quality });
      if (facts) parts.push({ facts, shiftNs: s.axisShiftNs! });
    }
    expect(got).toEqual(diagnose(parts));
    expect(got.findings[0]!.pattern).toBe('fd-leak');
    // Evidence names session sources, so "Show" can focus them.
    const ids = new Set(sources.map((s) => s.id));
    for (const f of got.findings) for (const e of f.evidence) expect(ids.has(e.source)).toBe(true);
  }, 60_000);

  it('goes into report.md', async () => {
    const snap = host.store.snapshot();
    const { findings } = await host.handle('findings', { ids: snap.sources.map((s) => s.id) });
    const md = buildReport(
      { sources: snap.sources.map((info) => ({ info })), originEpochNs: snap.originEpochNs, ui: { selection: null, annotations: [], views: {} }, images: [], sessionText: '', findings, timeZone: 'UTC' },
      new Map(),
    );
    expect(md).toContain('## Findings');
    expect(md).toContain('### HIGH: fd leak');
    expect(md).toContain('(`fd-leak`)');
    expect(md).toContain(findings[0]!.evidence[0]!.figure.replace(/([\\`*_[\]|<>])/g, '\\$1'));
    expect(md).toContain('`defer conn.Close()`');
  });

  it('follows a live capture as its snapshots arrive (each reload is a new model)', async () => {
    const text = gunzipSync(readFileSync(fixturePath('scenarios/timewait-storm-go1.27/ss-capture.txt.gz')));
    const path = join(mkdtempSync(join(tmpdir(), 'tracedeck-live-')), 'capture.txt');
    writeFileSync(path, text);
    const heads = [...text.toString('latin1').matchAll(/^### ss-snapshot /gm)].map((m) => m.index!);
    const live = new Host({ workerScript: ENGINE_WORKER_TS, demoDir: DEMO_DIR });
    try {
      const id = live.store.addLive('capture.txt', { type: 'ssh', host: 'vm', command: 'ss -tanoip', path });
      const at = async (snapshots: number) => {
        await live.store.reload(id, path, heads[snapshots] ?? text.length);
        const info = live.store.snapshot().sources.find((s) => s.id === id)!;
        return { end: info.axisEndNs!, findings: (await live.handle('findings', { ids: [id] })).findings };
      };
      const early = await at(4);
      expect(early.findings).toEqual([]);
      const mid = await at(20);
      expect(mid.findings[0]!.pattern).toBe('timewait-storm');
      const all = await at(heads.length);
      expect(all.findings[0]!.pattern).toBe('timewait-storm');
      // The panel asks again when the source's extent grows; the figures grow with the capture.
      expect(mid.end).toBeGreaterThan(early.end);
      expect(all.end).toBeGreaterThan(mid.end);
      expect(all.findings[0]!.evidence[0]!.values.max).toBeGreaterThan(mid.findings[0]!.evidence[0]!.values.max!);
    } finally {
      live.dispose();
    }
  }, 60_000);

  it('refuses bad arguments by name', async () => {
    await expect(host.handle('findings', { ids: [] })).rejects.toThrow(/ids must be/);
    await expect(host.handle('findings', { ids: ['nope'] })).rejects.toThrow(/no ready source/);
  });
});

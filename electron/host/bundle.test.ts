import { afterAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SessionUiState, SourceInfo } from '../../shared/bridge.ts';
import { expectedFigures, fixturePath, readFixture } from '../../shared/test-support/fixtures.ts';
import { Host } from './handlers.ts';
import { DEMO_DIR, ENGINE_WORKER_TS } from '../paths.ts';
import { buildReport, bundleSourceNames, formatWallClock } from './bundle.ts';
import { parseSessionFile, resolveSessionSources } from './session-file.ts';
import { readZip } from '../../shared/test-support/zip-reader.ts';

// Opening paths records them as recent: keep that list out of the user's home.
process.env.TRACEDECK_CONFIG_DIR = mkdtempSync(join(tmpdir(), 'tracedeck-config-'));
const tmp = mkdtempSync(join(tmpdir(), 'tracedeck-bundle-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const BLOCK = 'scenarios/conn-leak-go1.27/block.pb.gz';
const SS = 'scenarios/conn-leak-go1.27/ss-capture.txt.gz';
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
// A 1×1 PNG (the bundle copies image bytes as given).
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');

const UI: SessionUiState = {
  // 19:37:20.000 – 19:37:30.500 UTC on 2026-11-22 (the ss capture runs 19:37:19.967 – 19:37:50.233).
  selection: { startEpochNs: '1795376240000000000', endEpochNs: '1795376250500000000' },
  annotations: [{ id: 'a1', startEpochNs: '1795376245000000000', endEpochNs: '1795376246000000000', text: 'pool exhausted' }],
  views: { flame: { profile: 'delay' } },
};

describe('formatWallClock', () => {
  it('prints wall-clock time with the zone and its offset', () => {
    expect(formatWallClock('1795376240000000000', 'UTC')).toBe('2026-11-22 19:37:20.000 UTC (UTC+00:00)');
    expect(formatWallClock('1795376240123456789', 'Europe/Paris')).toBe('2026-11-22 20:37:20.123 Europe/Paris (UTC+01:00)');
    expect(formatWallClock('1795376240123456789', 'America/St_Johns')).toBe('2026-11-22 16:07:20.123 America/St_Johns (UTC-03:30)');
  });
});

describe('bundleSourceNames', () => {
  it('keeps names unique and file-system safe', () => {
    const mk = (id: string, name: string) => ({ id, name }) as SourceInfo;
    const m = bundleSourceNames([mk('a', 'block.pb.gz'), mk('b', 'block.pb.gz'), mk('c', 'my dump?.txt')]);
    expect([...m.values()]).toEqual(['block.pb.gz', 'block-2.pb.gz', 'my_dump_.txt']);
  });
  it('never names a copy . or .. (the folder itself or the bundle above it)', () => {
    const mk = (id: string, name: string) => ({ id, name }) as SourceInfo;
    const m = bundleSourceNames([mk('a', '..'), mk('b', '.'), mk('c', '...'), mk('d', '..'), mk('e', '')]);
    expect([...m.values()]).toEqual(['source..', 'source.', 'source...', 'source-2..', 'source']);
  });
});

describe('buildReport', () => {
  it('names sources of equal names with the folder that tells them apart, in Sources and in findings evidence', () => {
    const mk = (id: string, path: string) =>
      ({ id, name: 'block.pb.gz', kind: 'pprof', format: 'pprof', origin: { type: 'file', path }, status: 'ready', progress: 1, sizeBytes: 10, offsetNs: 0 }) as SourceInfo;
    const sources = [{ info: mk('a', '/inc/web-01/block.pb.gz') }, { info: mk('b', '/inc/web-02/block.pb.gz') }];
    const evidence = { source: 'b', sourceName: 'block.pb.gz', view: 'flame', figure: '12 s blocked', range: { startNs: 0, endNs: 0 } };
    const findings = [{ pattern: 'p', title: 'T', confidence: 'high', summary: 's', evidence: [evidence], next: [] }] as unknown as Parameters<typeof buildReport>[0]['findings'];
    const md = buildReport({ sources, originEpochNs: null, ui: UI, images: [], sessionText: '', findings, timeZone: 'UTC' }, bundleSourceNames(sources.map((s) => s.info)));
    expect(md).toContain('### web-01/block.pb.gz');
    expect(md).toContain('### web-02/block.pb.gz');
    expect(md).toContain('- 12 s blocked — web-02/block.pb.gz, flame view');
  });
});

describe('exportBundle', () => {
  it('writes report.md, images/, sources/ and a session that reopens from the moved folder', async () => {
    const host = new Host({ workerScript: ENGINE_WORKER_TS, demoDir: DEMO_DIR });
    const dir = join(tmp, 'b1');
    try {
      await host.handle('openPaths', { paths: [fixturePath(BLOCK)] });
      // An upload: no path of its own, so the bundle's copy is its file.
      await host.handle('openBytes', { name: 'ss-capture.txt.gz', bytes: readFixture(SS) });
      await host.store.settled();
      const r = await host.handle('exportBundle', { dir, images: [{ name: 'workspace.png', base64: PNG.toString('base64') }], uiState: UI });
      expect(r.dir).toBe(dir);
    } finally {
      host.dispose();
    }
    expect(readFileSync(join(dir, 'images', 'workspace.png'))).toEqual(PNG);
    for (const rel of [BLOCK, SS]) {
      const name = rel.split('/').pop()!;
      expect(sha(readFileSync(join(dir, 'sources', name))), name).toBe(sha(readFixture(rel)));
    }
    const report = readFileSync(join(dir, 'report.md'), 'utf8');
    const exp = expectedFigures();
    expect(report).toContain('## Selected range\n\n2026-11-22 19:37:20.000 UTC (UTC+00:00) – 2026-11-22 19:37:30.500 UTC (UTC+00:00) (10.500 s)');
    expect(report).toContain(`- SHA-256: \`${sha(readFixture(BLOCK))}\``);
    expect(report).toContain(`- size: 4.3 KiB (${readFixture(BLOCK).length.toLocaleString('en-US')} bytes)`);
    expect(report).toContain(`- provenance: file \`${fixturePath(BLOCK)}\``);
    expect(report).toContain('- provenance: uploaded in the browser (copied into sources/)');
    // Key inspect figures, as expected.json has them.
    const eb = exp[BLOCK]!;
    // …in human units, as tables (report-figures.test.ts checks the wording per kind).
    expect(report).toContain(`| samples | ${eb.sampleCount} |`);
    expect((eb.totals as Record<string, number>).delay).toBe(220842387189);
    expect(report).toContain('| totals | contentions 2,240, delay 221 s |');
    expect(report).toContain(`| ${eb.topFlatFunction} |`);
    expect(report).not.toContain('220,842,387,189');
    const es = exp[SS]!;
    expect(report).toContain(`| snapshots | ${es.snapshots} |`);
    expect(report).toContain(`| sockets | ${(es.sockets as number).toLocaleString('en-US')} |`);
    // Capture time of the ss source: its first and last snapshot on the wall clock.
    expect(report).toContain(`- capture time: ${formatWallClock(es.startNs as string, 'UTC')} – ${formatWallClock(es.endNs as string, 'UTC')}`);
    expect(report).toContain('- **2026-11-22 19:37:25.000 UTC (UTC+00:00) – 2026-11-22 19:37:26.000 UTC (UTC+00:00) (1.000 s)** — pool exhausted');
    expect(report).toContain('![workspace.png](images/workspace.png)');

    // Move the bundle: the original path of the upload is gone, sources/ is found next to the session.
    const moved = join(tmp, 'moved');
    renameSync(dir, moved);
    expect(existsSync(dir)).toBe(false);
    const session = parseSessionFile(readFileSync(join(moved, 'session.tracedeck')));
    const res = await resolveSessionSources(session, moved);
    expect(res.problems).toEqual([]);
    expect(res.ready.map((x) => [x.source.name, x.kind === 'path' ? x.path : 'bytes'])).toEqual([
      ['block.pb.gz', fixturePath(BLOCK)],
      ['ss-capture.txt.gz', join(moved, 'sources', 'ss-capture.txt.gz')],
    ]);
    expect(session.ui.selection).toEqual(UI.selection);
  });

  it('writes the same bundle as one .zip (a path, or bytes to download) whose session reopens once unzipped', async () => {
    const host = new Host({ workerScript: ENGINE_WORKER_TS, demoDir: DEMO_DIR });
    const zipPath = join(tmp, 'z1', 'incident 42.zip');
    const images = [{ name: 'workspace.png', base64: PNG.toString('base64') }];
    let download: { zipName?: string; zipBase64?: string };
    try {
      await host.handle('openPaths', { paths: [fixturePath(BLOCK)] });
      await host.handle('openBytes', { name: 'ss-capture.txt.gz', bytes: readFixture(SS) });
      await host.store.settled();
      // A path without .zip gets one.
      expect(await host.handle('exportBundle', { dir: join(tmp, 'z1', 'incident 42'), zip: true, images, uiState: UI })).toEqual({ zipPath });
      download = await host.handle('exportBundle', { zip: true, images, uiState: UI });
    } finally {
      host.dispose();
    }
    const entries = readZip(new Uint8Array(readFileSync(zipPath)));
    const top = 'incident_42';
    expect(entries.map((e) => e.name).sort()).toEqual([`${top}/images/workspace.png`, `${top}/report.md`, `${top}/session.tracedeck`, `${top}/sources/block.pb.gz`, `${top}/sources/ss-capture.txt.gz`]);
    const get = (n: string) => Buffer.from(entries.find((e) => e.name === `${top}/${n}`)!.bytes);
    expect(get('images/workspace.png').equals(PNG)).toBe(true);
    expect(sha(get('sources/block.pb.gz'))).toBe(sha(readFixture(BLOCK)));
    expect(sha(get('sources/ss-capture.txt.gz'))).toBe(sha(readFixture(SS)));
    const report = get('report.md').toString('utf8');
    expect(report).toContain(`| samples | ${expectedFigures()[BLOCK]!.sampleCount} |`);
    expect(report).toContain('pool exhausted');
    // Unzipped anywhere: the upload is found through its path relative to the session file.
    const elsewhere = join(tmp, 'z1-unzipped', top);
    for (const e of entries) {
      const { mkdirSync, writeFileSync } = await import('node:fs');
      const dest = join(tmp, 'z1-unzipped', e.name);
      mkdirSync(join(dest, '..'), { recursive: true });
      writeFileSync(dest, e.bytes);
    }
    const session = parseSessionFile(readFileSync(join(elsewhere, 'session.tracedeck')));
    const res = await resolveSessionSources(session, elsewhere);
    expect(res.problems).toEqual([]);
    expect(res.ready.map((x) => [x.source.name, x.kind === 'path' ? x.path : 'bytes'])).toEqual([
      ['block.pb.gz', fixturePath(BLOCK)],
      ['ss-capture.txt.gz', join(elsewhere, 'sources', 'ss-capture.txt.gz')],
    ]);
    // Without a path (browser mode): the archive comes back to download, the same files inside.
    expect(download!.zipName).toMatch(/^\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d\.zip$/);
    const dl = readZip(new Uint8Array(Buffer.from(download!.zipBase64!, 'base64')));
    const dlTop = download!.zipName!.replace(/\.zip$/, '');
    expect(dl.map((e) => e.name).sort()).toEqual(entries.map((e) => e.name.replace(top, dlTop)).sort());
  });

  it('refuses an image name that would leave images/', async () => {
    const host = new Host({ workerScript: ENGINE_WORKER_TS, demoDir: DEMO_DIR });
    try {
      await expect(host.handle('exportBundle', { dir: join(tmp, 'b2'), images: [{ name: '../evil.png', base64: '' }], uiState: UI })).rejects.toThrow(/images must be/);
    } finally {
      host.dispose();
    }
  });
});

import { afterAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SessionOpened, SessionUiState, SourceInfo } from '../../shared/bridge.ts';
import { fixturePath, listFixtures, readFixture } from '../../shared/test-support/fixtures.ts';
import { Host } from './handlers.ts';
import { DEMO_DIR, ENGINE_WORKER_TS } from '../paths.ts';
import {
  buildSessionFile,
  isSessionBytes,
  parseSessionFile,
  resolveSessionSources,
  serializeSession,
  SessionFileError,
  SESSION_VERSION,
  upgradeSession,
} from './session-file.ts';

// Opening paths records them as recent: keep that list out of the user's home.
process.env.TRACEDECK_CONFIG_DIR = mkdtempSync(join(tmpdir(), 'tracedeck-config-'));
const tmp = mkdtempSync(join(tmpdir(), 'tracedeck-session-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const BLOCK = 'scenarios/conn-leak-go1.27/block.pb.gz';
const SS = 'scenarios/conn-leak-go1.27/ss-capture.txt.gz';
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

function infoFor(id: string, path: string, offsetNs = 0): SourceInfo {
  const bytes = readFileSync(path);
  return {
    id,
    name: path.split('/').pop()!,
    kind: 'pprof',
    format: 'pprof protobuf',
    origin: { type: 'file', path },
    status: 'ready',
    progress: 1,
    sizeBytes: bytes.length,
    sha256: sha(bytes),
    offsetNs,
    clock: { originEpochNs: '1795376267980622478', quality: 'exact', basis: 'pprof time_nanos' },
  };
}

/** A source as the host hands it to buildSessionFile: the file it was read from (here: its origin's path). */
function withPath(info: SourceInfo, bytes?: Uint8Array) {
  return { info, path: info.origin.type === 'file' ? info.origin.path : undefined, ...(bytes ? { bytes } : {}) };
}

const UI: SessionUiState = {
  selection: { startEpochNs: '1795376240000000000', endEpochNs: '1795376250500000000' },
  annotations: [
    { id: 'a1', startEpochNs: '1795376245000000000', text: 'pool exhausted' },
    { id: 'a2', startEpochNs: '1795376246000000000', endEpochNs: '1795376248000000000', text: 'TIME-WAIT climbs' },
  ],
  focusedSource: 'block.pb.gz',
  views: { flame: { profile: 'delay', filters: [{ kind: 'focus', fn: 'runtime.selectgo' }] } },
};

describe('session file', () => {
  it('round-trips path and embedded sources, clocks, offsets and UI state', async () => {
    const a = infoFor('s1', fixturePath(BLOCK), 1.5e9);
    const b = infoFor('s2', fixturePath(SS));
    for (const embed of [false, true]) {
      const f = buildSessionFile({
        sources: [withPath(a, readFixture(BLOCK)), withPath(b, readFixture(SS))],
        embed,
        ui: UI,
        originEpochNs: '1795376239967656062',
        savedAt: new Date('2026-11-22T12:00:00Z'),
      });
      const text = serializeSession(f);
      expect(isSessionBytes(new TextEncoder().encode(text))).toBe(true);
      const back = parseSessionFile(text);
      expect(back['tracedeck-session']).toBe(SESSION_VERSION);
      expect(back.ui).toEqual({ ...UI, viewWindow: null });
      expect(back.sources.map((s) => [s.name, s.sha256, s.offsetNs, s.data.type])).toEqual([
        ['block.pb.gz', a.sha256, 1.5e9, embed ? 'embedded' : 'path'],
        ['ss-capture.txt.gz', b.sha256, 0, embed ? 'embedded' : 'path'],
      ]);
      expect(back.sources[0]!.clock).toEqual(a.clock);
      const r = await resolveSessionSources(back);
      expect(r.problems).toEqual([]);
      expect(r.ready).toHaveLength(2);
      const r0 = r.ready[0]!;
      const bytes = r0.kind === 'bytes' ? r0.bytes : new Uint8Array(readFileSync(r0.path));
      expect(sha(bytes)).toBe(a.sha256);
      expect(Buffer.compare(Buffer.from(bytes), Buffer.from(readFixture(BLOCK)))).toBe(0);
    }
  });

  it('an upload (no path) is embedded even when paths were asked for', () => {
    const up: SourceInfo = { ...infoFor('s1', fixturePath(BLOCK)), origin: { type: 'upload' } };
    const f = buildSessionFile({ sources: [{ info: up, bytes: readFixture(BLOCK) }], embed: false, ui: UI, originEpochNs: null });
    expect(f.sources[0]!.data.type).toBe('embedded');
    expect(() => buildSessionFile({ sources: [{ info: up }], embed: false, ui: UI, originEpochNs: null })).toThrow(/no bytes for block.pb.gz/);
  });

  it('names a file whose hash changed or that is missing, and loads the rest', async () => {
    const changed = join(tmp, 'block.pb.gz');
    const missing = join(tmp, 'gone.pb.gz');
    copyFileSync(fixturePath(BLOCK), changed);
    copyFileSync(fixturePath(BLOCK), missing);
    const f = buildSessionFile({
      sources: [withPath(infoFor('s1', changed)), withPath({ ...infoFor('s2', missing), name: 'gone.pb.gz' }), withPath(infoFor('s3', fixturePath(SS)))],
      embed: false,
      ui: UI,
      originEpochNs: null,
    });
    writeFileSync(changed, Buffer.concat([readFileSync(changed), Buffer.from([0])]));
    rmSync(missing);
    const r = await resolveSessionSources(parseSessionFile(serializeSession(f)));
    expect(r.ready.map((x) => x.source.name)).toEqual(['ss-capture.txt.gz']);
    expect(r.problems).toHaveLength(2);
    expect(r.problems[0]!.file).toBe('block.pb.gz');
    expect(r.problems[0]!.reason).toMatch(/^file changed since the session was saved: SHA-256 of .*block\.pb\.gz is [0-9a-f]{12}…, expected [0-9a-f]{12}…$/);
    expect(r.problems[1]).toEqual({ file: 'gone.pb.gz', reason: `file missing: ${missing} (ENOENT)` });
  });

  it('accepts a live SSH capture that grew after the save (same start), not one that changed', async () => {
    const path = join(tmp, 'live-ss.txt');
    const first = Buffer.from('snapshot 1\n');
    writeFileSync(path, first);
    const info: SourceInfo = {
      ...infoFor('s1', path),
      name: 'host-a ss',
      origin: { type: 'ssh', host: 'host-a', command: 'ss -tanpiOH', path },
    };
    const text = serializeSession(buildSessionFile({ sources: [{ info, path }], embed: false, ui: UI, originEpochNs: null }));
    writeFileSync(path, Buffer.concat([first, Buffer.from('snapshot 2\n')]));
    let r = await resolveSessionSources(parseSessionFile(text));
    expect(r.problems).toEqual([]);
    expect(r.ready[0]).toMatchObject({ kind: 'path', path });
    writeFileSync(path, Buffer.from('snapshot X\nsnapshot 2\n'));
    r = await resolveSessionSources(parseSessionFile(text));
    expect(r.ready).toEqual([]);
    expect(r.problems[0]!.reason).toMatch(/^file changed since the session was saved/);
  });

  it('falls back to relPath next to the session file (a moved bundle)', async () => {
    const info: SourceInfo = { ...infoFor('s1', fixturePath(BLOCK)), origin: { type: 'file', path: join(tmp, 'nowhere', 'block.pb.gz') } };
    const f = buildSessionFile({ sources: [withPath(info)], embed: false, ui: UI, originEpochNs: null, relPathOf: () => 'sources/block.pb.gz' });
    const dir = join(tmp, 'bundle');
    rmSync(dir, { recursive: true, force: true });
    const { mkdirSync } = await import('node:fs');
    mkdirSync(join(dir, 'sources'), { recursive: true });
    copyFileSync(fixturePath(BLOCK), join(dir, 'sources', 'block.pb.gz'));
    const r = await resolveSessionSources(parseSessionFile(serializeSession(f)), dir);
    expect(r.problems).toEqual([]);
    expect(r.ready[0]).toMatchObject({ kind: 'path', path: join(dir, 'sources', 'block.pb.gz') });
  });

  it('upgrades version 1 (axis ns) to version 2 (epoch ns) exactly', () => {
    const v2 = upgradeSession({
      'tracedeck-session': 1,
      originEpochNs: '1795376239967656062',
      files: [{ path: '/data/block.pb.gz', sha256: 'a'.repeat(64), offsetNs: 250 }],
      selection: { startNs: 1_000_000_000, endNs: 2_500_000_000 },
      notes: [{ atNs: 5, text: 'first' }, { atNs: 10, endNs: 20, text: 'second' }],
    });
    expect(v2['tracedeck-session']).toBe(2);
    expect(v2.sources).toEqual([
      { name: 'block.pb.gz', origin: { type: 'file', path: '/data/block.pb.gz' }, sizeBytes: -1, sha256: 'a'.repeat(64), offsetNs: 250, data: { type: 'path', path: '/data/block.pb.gz' } },
    ]);
    expect(v2.ui.selection).toEqual({ startEpochNs: '1795376240967656062', endEpochNs: '1795376242467656062' });
    expect(v2.ui.annotations).toEqual([
      { id: 'v1-1', startEpochNs: '1795376239967656067', text: 'first' },
      { id: 'v1-2', startEpochNs: '1795376239967656072', endEpochNs: '1795376239967656082', text: 'second' },
    ]);
  });

  it('refuses what it cannot read, with the reason', () => {
    expect(() => parseSessionFile('{"tracedeck-session": 2, "sources": [')).toThrow(/not valid JSON/);
    expect(() => parseSessionFile('{"tracedeck-session": 99}')).toThrow(/version 99 is newer/);
    expect(() => parseSessionFile('[1,2]')).toThrow(SessionFileError);
    expect(() => parseSessionFile('{"tracedeck-session": 2, "sources": [{"name": "x", "sha256": "zz", "offsetNs": 0}]}')).toThrow(/x: bad sha256/);
  });

  it('fuzz: truncated, bit-flipped and spliced session files parse or fail with a SessionFileError', () => {
    let seed = 0x7eace;
    const rnd = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
    const v2 = new TextEncoder().encode(
      serializeSession(buildSessionFile({ sources: [withPath(infoFor('s1', fixturePath(BLOCK)))], embed: false, ui: UI, originEpochNs: '1795376239967656062' })),
    );
    const v1 = new TextEncoder().encode(JSON.stringify({ 'tracedeck-session': 1, originEpochNs: '17', files: [{ path: '/x', sha256: 'a'.repeat(64) }], selection: { startNs: 1, endNs: 2 }, notes: [{ atNs: 1, text: 'n' }] }));
    const cases = Number(process.env.FUZZ_CASES) || 400;
    for (let i = 0; i < cases; i++) {
      const src = i % 2 ? v1 : v2;
      let b = src.slice();
      const op = i % 3;
      if (op === 0) b = b.slice(0, Math.floor(rnd() * b.length));
      else if (op === 1) for (let k = 0; k < 1 + Math.floor(rnd() * 8); k++) b[Math.floor(rnd() * b.length)]! ^= 1 << Math.floor(rnd() * 8);
      else {
        const cut = Math.floor(rnd() * b.length);
        const other = i % 4 ? v1 : v2;
        b = new Uint8Array([...b.slice(0, cut), ...other.slice(Math.floor(rnd() * other.length))]);
      }
      try {
        const f = parseSessionFile(b);
        expect(Array.isArray(f.sources), `case ${i}`).toBe(true);
      } catch (e) {
        expect(e, `case ${i}: ${(e as Error).message}`).toBeInstanceOf(SessionFileError);
      }
    }
  });

  it('no real fixture is mistaken for a session file', () => {
    const all = listFixtures();
    expect(all.length).toBeGreaterThan(50);
    for (const rel of all) expect(isSessionBytes(readFixture(rel)), rel).toBe(false);
  });
});

describe('session through the host', () => {
  it('save (paths) → reopen by openBytes: same sources, hashes, offsets; uiState handed back', async () => {
    const h1 = new Host({ workerScript: ENGINE_WORKER_TS, demoDir: DEMO_DIR });
    let saved: { fileName: string; text?: string };
    const offset = 2_000_000_000;
    try {
      await h1.handle('openPaths', { paths: [fixturePath(BLOCK), fixturePath(SS)] });
      await h1.store.settled();
      const s1 = h1.store.snapshot().sources[0]!;
      await h1.handle('setSourceOffset', { id: s1.id, offsetNs: offset });
      saved = await h1.handle('saveSession', { embed: false, uiState: UI });
    } finally {
      h1.dispose();
    }
    expect(saved.fileName).toMatch(/^incident-\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d\.tracedeck$/);
    const h2 = new Host({ workerScript: ENGINE_WORKER_TS, demoDir: DEMO_DIR });
    try {
      const events: SessionOpened[] = [];
      h2.on('sessionOpened', (e) => events.push(e));
      const r = await h2.handle('openBytes', { name: 'x.tracedeck', bytes: new TextEncoder().encode(saved.text!) });
      expect(r.id).toBe('s1');
      await h2.store.settled();
      const srcs = h2.store.snapshot().sources;
      expect(srcs.map((s) => [s.name, s.status, s.sha256, s.sizeBytes])).toEqual([
        ['block.pb.gz', 'ready', sha(readFixture(BLOCK)), statSync(fixturePath(BLOCK)).size],
        ['ss-capture.txt.gz', 'ready', sha(readFixture(SS)), statSync(fixturePath(SS)).size],
      ]);
      expect(srcs[0]!.offsetNs).toBe(offset);
      expect(srcs[0]!.clock?.quality).toBe('manual');
      expect(srcs[1]!.offsetNs).toBe(0);
      expect(events).toHaveLength(1);
      expect(events[0]!.uiState.annotations).toEqual(UI.annotations);
      expect(events[0]!.problems).toEqual([]);
    } finally {
      h2.dispose();
    }
  });
});

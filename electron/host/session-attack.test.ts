/**
 * Crafted session files against the host: a session's origins are descriptive, so nothing they name
 * is ever read, copied or written; only what the user opened in this session (with the same hash)
 * goes into bundles. Bad times and offsets are refused instead of breaking every later export.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SessionUiState } from '../../shared/bridge.ts';
import { fixturePath } from '../../shared/test-support/fixtures.ts';
import { readZip } from '../../shared/test-support/zip-reader.ts';
import { Host } from './handlers.ts';
import { DEMO_DIR, ENGINE_WORKER_TS } from '../paths.ts';
import { parseSessionFile } from './session-file.ts';
import { readSessionFile } from './session-actions.ts';
import { MAX_FILE_BYTES } from './limits.ts';

process.env.TRACEDECK_CONFIG_DIR = mkdtempSync(join(tmpdir(), 'tracedeck-config-'));
const tmp = mkdtempSync(join(tmpdir(), 'tracedeck-attack-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const DUMP = readFileSync(fixturePath('scenarios/conn-leak-go1.27/goroutine-debug2.txt'));
// What the attacker wants: a private key on the victim's machine (they do not know its bytes).
const KEY_DIR = join(tmp, 'home', '.ssh');
mkdirSync(KEY_DIR, { recursive: true });
const KEY = join(KEY_DIR, 'id_ed25519');
const KEY_TEXT = `-----BEGIN OPENSSH PRIVATE KEY-----\n${'b3BlbnNzaC1rZXktdjEAAAAA'.repeat(8)}\n-----END OPENSSH PRIVATE KEY-----\n`;
writeFileSync(KEY, KEY_TEXT, { mode: 0o600 });

const UI: SessionUiState = { selection: null, annotations: [], views: {} };
const HOSTILE_HOST = 'db1`\n# Owned\n<img src=x onerror=alert(1)>';
const HOSTILE_COMMAND = '``ss -tan``\n[click me](http://evil.example/x)';

/** A .tracedeck someone sent: one embedded dump whose origin claims an SSH capture at the key's path. */
function craftedSession(extra: object[] = [], ui: unknown = UI): string {
  return JSON.stringify({
    'tracedeck-session': 2,
    savedAt: '2026-11-22T12:00:00.000Z',
    app: 'TraceDeck',
    originEpochNs: null,
    sources: [
      {
        name: 'goroutines.txt',
        origin: { type: 'ssh', host: HOSTILE_HOST, command: HOSTILE_COMMAND, path: KEY },
        sizeBytes: DUMP.length,
        sha256: sha(DUMP),
        offsetNs: 0,
        data: { type: 'embedded', base64: DUMP.toString('base64') },
      },
      ...extra,
    ],
    ui,
  });
}

/** Every file under a folder, with its bytes. */
function filesUnder(dir: string): { path: string; bytes: Buffer }[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => ({ path: join(d.parentPath, d.name), bytes: readFileSync(join(d.parentPath, d.name)) }));
}

async function withHost(fn: (host: Host) => Promise<void>): Promise<void> {
  const host = new Host({ workerScript: ENGINE_WORKER_TS, demoDir: DEMO_DIR, uploadParentDir: tmp });
  try {
    await fn(host);
  } finally {
    host.dispose();
  }
}

describe('a crafted session file', () => {
  it('whose embedded source claims an SSH origin at a private key: bundles copy the embedded bytes, never the key', async () => {
    const sessionPath = join(tmp, 'incident.tracedeck');
    writeFileSync(sessionPath, craftedSession());
    const dir = join(tmp, 'bundle');
    const zipPath = join(tmp, 'bundle.zip');
    let saved = '';
    await withHost(async (host) => {
      await host.handle('openPaths', { paths: [sessionPath] });
      await host.store.settled();
      const [src] = host.store.snapshot().sources;
      expect(src).toMatchObject({ status: 'ready', kind: 'goroutine-dump', sha256: sha(DUMP) });
      await host.handle('exportBundle', { dir, images: [], uiState: UI });
      await host.handle('exportBundle', { dir: zipPath, zip: true, images: [], uiState: UI });
      saved = (await host.handle('saveSession', { embed: false, uiState: UI })).text!;
    });
    // The folder: the dump's bytes in sources/, the key nowhere.
    const files = filesUnder(dir);
    expect(files.map((f) => f.path.slice(dir.length + 1)).sort()).toEqual(['report.md', 'session.tracedeck', 'sources/goroutines.txt']);
    expect(readFileSync(join(dir, 'sources', 'goroutines.txt')).equals(DUMP)).toBe(true);
    for (const f of files) expect(f.bytes.includes('PRIVATE KEY'), f.path).toBe(false);
    const zip = readZip(new Uint8Array(readFileSync(zipPath)));
    expect(zip.map((e) => e.name).sort()).toEqual(['bundle/report.md', 'bundle/session.tracedeck', 'bundle/sources/goroutines.txt']);
    for (const e of zip) expect(Buffer.from(e.bytes).includes('PRIVATE KEY'), e.name).toBe(false);

    // report.md: the origin's strings are code spans on one line (fenced longer than any backtick run
    // inside, so neither the heading, the HTML nor the link is markdown any more).
    const report = readFileSync(join(dir, 'report.md'), 'utf8');
    const provenance = report.split('\n').filter((l) => l.startsWith('- provenance:'));
    expect(provenance).toEqual(['- provenance: SSH capture from host ``db1` # Owned <img src=x onerror=alert(1)>``, command ``` ``ss -tan`` [click me](http://evil.example/x) ```, file `' + KEY + '`']);
    expect(report.split('\n').some((l) => l.startsWith('# Owned'))).toBe(false);

    // Saving again: the source has no file of its own here, so it is embedded (never "the key's path").
    const back = parseSessionFile(saved);
    expect(back.sources.map((s) => s.data.type)).toEqual(['embedded']);
    expect(saved.includes(`"path": "${KEY}"`) && back.sources.some((s) => s.data.type === 'path' && s.data.path === KEY)).toBe(false);
  });

  it('pointing at local files it does not know the hash of (or climbing out of its folder) restores nothing and copies nothing', async () => {
    const folder = join(tmp, 'mail');
    mkdirSync(folder, { recursive: true });
    const sessionPath = join(folder, 'incident.tracedeck');
    const claims = [
      // A guess at the key's hash: refused (changed file).
      { name: 'guess', origin: { type: 'file', path: KEY }, sizeBytes: 10, sha256: 'a'.repeat(64), offsetNs: 0, data: { type: 'path', path: KEY } },
      // The right hash, but reached through relPath out of the session's folder: never tried.
      {
        name: 'climb',
        origin: { type: 'file', path: '/nonexistent/x' },
        sizeBytes: KEY_TEXT.length,
        sha256: sha(Buffer.from(KEY_TEXT)),
        offsetNs: 0,
        data: { type: 'path', path: '/nonexistent/x', relPath: '../home/.ssh/id_ed25519' },
      },
    ];
    writeFileSync(sessionPath, craftedSession(claims));
    const dir = join(tmp, 'bundle2');
    await withHost(async (host) => {
      const opened = new Promise<{ problems: { file: string; reason: string }[] }>((res) => host.on('sessionOpened', res));
      await host.handle('openPaths', { paths: [sessionPath] });
      const { problems } = await opened;
      expect(problems.map((p) => p.file)).toEqual(['guess', 'climb']);
      expect(problems[0]!.reason).toMatch(/^file changed since the session was saved/);
      expect(problems[1]!.reason).toBe('file missing: /nonexistent/x (ENOENT)');
      await host.store.settled();
      expect(host.store.snapshot().sources.map((s) => s.name)).toEqual(['goroutines.txt']);
      await host.handle('exportBundle', { dir, images: [], uiState: UI });
    });
    for (const f of filesUnder(dir)) expect(f.bytes.includes('PRIVATE KEY'), f.path).toBe(false);
  });

  it('with times no date can show, or an offset of 1e308: refused or dropped, and exports keep working', async () => {
    const far = '9'.repeat(30);
    const sessionPath = join(tmp, 'far.tracedeck');
    writeFileSync(
      sessionPath,
      craftedSession([], {
        selection: { startEpochNs: '1795376240000000000', endEpochNs: far },
        viewWindow: { startEpochNs: '2', endEpochNs: '1' },
        annotations: [
          { id: 'a', startEpochNs: far, text: 'far' },
          { id: 'b', startEpochNs: '1795376245000000000', text: 'kept' },
        ],
        views: {},
      }),
    );
    const badOffset = join(tmp, 'offset.tracedeck');
    writeFileSync(badOffset, craftedSession().replace('"offsetNs":0', '"offsetNs":1e308'));
    const dir = join(tmp, 'bundle3');
    await withHost(async (host) => {
      const opened = new Promise<{ uiState: SessionUiState }>((res) => host.on('sessionOpened', res));
      const errors: string[] = [];
      host.on('error', (e) => errors.push(e.reason));
      await host.handle('openPaths', { paths: [badOffset, sessionPath] });
      expect(errors).toEqual(['goroutines.txt: bad offsetNs (a finite number within a century)']);
      const { uiState } = await opened;
      expect(uiState.selection).toBeNull();
      expect(uiState.viewWindow).toBeNull();
      expect(uiState.annotations.map((a) => a.text)).toEqual(['kept']);
      await host.store.settled();
      const id = host.store.snapshot().sources[0]!.id;
      // The page cannot shift a source out of the dates either, nor hand the host a selection that far.
      await expect(host.handle('setSourceOffset', { id, offsetNs: 1e308 })).rejects.toThrow(/offsetNs must be within a century/);
      await expect(host.handle('setSourceOffset', { id, offsetNs: Number.NaN })).rejects.toThrow(/offsetNs must be a finite number/);
      await expect(host.handle('exportBundle', { dir, images: [], uiState: { ...UI, selection: { startEpochNs: '1', endEpochNs: far } } })).rejects.toThrow(
        /selection.endEpochNs must be an epoch-ns decimal string/,
      );
      await expect(host.handle('saveSession', { embed: true, uiState: { ...UI, selection: { startEpochNs: 'x', endEpochNs: '1' } } })).rejects.toThrow(/selection/);
      expect(await host.handle('setSourceOffset', { id, offsetNs: 3.6e12 })).toEqual({ ok: true });
      const r = await host.handle('exportBundle', { dir, images: [], uiState: { ...UI, selection: uiState.selection, annotations: uiState.annotations } });
      expect(r.dir).toBe(dir);
    });
    expect(readFileSync(join(dir, 'report.md'), 'utf8')).toContain('shifted by 60.00 min');
  });

  it('over the input size limit behind a session header: refused before it is read, the upload deleted', async () => {
    // Sparse: a session's opening line, then 1 GiB of nothing (it takes no disk, reading it would take the memory).
    const big = join(tmp, 'huge.tracedeck');
    writeFileSync(big, '{"tracedeck-session": 2, ');
    truncateSync(big, MAX_FILE_BYTES + 1);
    await withHost(async (host) => {
      await expect(host.openUploadedFile('huge.tracedeck', big, MAX_FILE_BYTES + 1)).rejects.toThrow(/session file is larger than the 1\.0 GiB limit/);
      expect(existsSync(big)).toBe(false);
      // Opened by path: the same reason, named with the file.
      writeFileSync(big, '{"tracedeck-session": 2, ');
      truncateSync(big, MAX_FILE_BYTES + 1);
      const errors: { file: string; reason: string }[] = [];
      host.on('error', (e) => errors.push(e));
      expect(await host.handle('openPaths', { paths: [big] })).toEqual({ ids: [] });
      expect(errors).toEqual([{ file: 'huge.tracedeck', reason: expect.stringMatching(/session file is larger than the 1\.0 GiB limit \(1\.0 GiB\)/) }]);
    });
  });

  it.runIf(process.platform === 'linux')('a session path swapped for a FIFO after it was looked at: refused at once, not waited on', async () => {
    const fifo = join(tmp, 'swapped.tracedeck');
    execFileSync('mkfifo', [fifo]);
    // No writer ever comes: a blocking open would never return, and the test would time out.
    await expect(readSessionFile(fifo)).rejects.toThrow(/session file is not a regular file/);
  });
});

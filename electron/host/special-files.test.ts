/**
 * Special files, for real: a FIFO (mkfifo) with and without a writer, `<(cmd)`, /proc files and
 * /dev/zero, through `tracedeck inspect` (its own process, as a user runs it) and through the host
 * while another source answers queries.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile, execFileSync, spawn } from 'node:child_process';
import { createWriteStream, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { DEMO_DIR, ENGINE_WORKER_TS, PROJECT_ROOT } from '../paths.ts';
import { Host } from './handlers.ts';
import { readInput } from './ingest-input.ts';
import { MAX_FILE_BYTES } from './limits.ts';
import { ENGINE_TEST_HOOKS_ENV, testHookInput } from './engine-test-hooks.ts';
import { fixturePath, readFixture } from '../../shared/test-support/fixtures.ts';
import { ingestBytes } from '../../shared/ingest/ingest.ts';
import { summarize } from '../../shared/query/run-query.ts';

const DUMP = 'scenarios/conn-leak-go1.27/goroutine-debug2.txt';
const PROFILE = 'scenarios/conn-leak-go1.27/block.pb.gz';
const dir = mkdtempSync(join(tmpdir(), 'tracedeck-special-'));
const run = promisify(execFile);
const CLI = join(PROJECT_ROOT, 'bin', 'tracedeck.mjs');
/** Special reads give up after 2 s of silence in these tests (the default is 30 s). */
const env = { ...process.env, TRACEDECK_SPECIAL_READ_S: '2' };
const linux = process.platform === 'linux';

function mkfifo(name: string): string {
  const p = join(dir, name);
  execFileSync('mkfifo', [p]);
  return p;
}

/** Writes `bytes` into a FIFO from a separate process (opening it blocks until a reader comes). */
function feedFifo(path: string, bytes: Uint8Array): Promise<void> {
  return new Promise((resolve, reject) => {
    const w = createWriteStream(path);
    w.on('error', reject);
    w.end(bytes, () => resolve());
  });
}

async function inspect(args: string[], shell = false): Promise<{ rows: { file: string; kind: string; error?: string; format?: string }[] }> {
  const out = shell
    ? await run('bash', ['-c', `node ${CLI} inspect --json ${args.join(' ')}`], { env, cwd: PROJECT_ROOT, timeout: 60_000 }).catch((e: { stdout: string }) => e)
    : await run(process.execPath, [CLI, 'inspect', '--json', ...args], { env, cwd: PROJECT_ROOT, timeout: 60_000 }).catch((e: { stdout: string }) => e);
  return { rows: JSON.parse(out.stdout) };
}

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.runIf(linux)('special files in `tracedeck inspect`', () => {
  it('a FIFO nobody writes to: gives up after the silence limit instead of hanging', async () => {
    const fifo = mkfifo('silent.fifo');
    const { rows } = await inspect([fifo]);
    expect(rows).toEqual([{ file: fifo, kind: 'error', error: 'gave up reading the pipe: no data for 2 s (after 0 bytes)' }]);
  });

  it('a FIFO with a writer: read whole and parsed like the file', async () => {
    const fifo = mkfifo('dump.fifo');
    const feeding = feedFifo(fifo, readFixture(DUMP));
    const [{ rows }] = await Promise.all([inspect([fifo, fixturePath(DUMP)]), feeding]);
    expect(rows[0]!.kind).toBe('goroutine-dump');
    expect({ ...rows[0], file: '' }).toEqual({ ...rows[1], file: '' });
  });

  it('<(cmd) and /proc files are read, not "empty file"', async () => {
    const { rows } = await inspect([`<(cat ${fixturePath(PROFILE)})`], true);
    expect(rows[0]).toMatchObject({ kind: 'pprof' });
    expect(rows[0]!.file).toMatch(/^\/dev\/fd\/\d+$/);
    const proc = await readInput({ path: '/proc/self/status' });
    expect(new TextDecoder().decode(proc.bytes)).toMatch(/^Name:\s/);
  });

  it('a file that exhausts its engine is an error row; the next file is still inspected', async () => {
    const bomb = join(dir, 'oom.bin');
    writeFileSync(bomb, testHookInput('oom'));
    const out = await run(process.execPath, [CLI, 'inspect', '--json', bomb, fixturePath(PROFILE)], {
      env: { ...env, [ENGINE_TEST_HOOKS_ENV]: '1', TRACEDECK_ENGINE_HEAP_MB: '160' },
      cwd: PROJECT_ROOT,
      timeout: 60_000,
    }).catch((e: { stdout: string }) => e);
    const rows = JSON.parse(out.stdout) as { kind: string; error?: string }[];
    expect(rows[0]).toEqual({ file: bomb, kind: 'error', error: 'ran out of memory at 0.2 GB' });
    expect(rows[1]).toMatchObject({ kind: 'pprof', ...summarize(await ingestBytes(readFixture(PROFILE))) });
  });

  it('/dev/zero is cut at the file limit, with the reason', async () => {
    await expect(readInput({ path: '/dev/zero', maxBytes: 1000 })).resolves.toMatchObject({ bytes: new Uint8Array(1000) });
    await expect(readInput({ path: '/dev/zero' })).rejects.toThrow(`character device too large (more than ${MAX_FILE_BYTES / 2 ** 30}.0 GiB read)`);
  });
});

describe.runIf(linux)('a FIFO opened in the host', () => {
  let host: Host;
  let profileId: string;
  beforeAll(async () => {
    process.env.TRACEDECK_SPECIAL_READ_S = '20'; // read by the engine processes started below
    host = new Host({ workerScript: ENGINE_WORKER_TS, demoDir: DEMO_DIR });
    [profileId] = (await host.handle('openPaths', { paths: [fixturePath(PROFILE)] })).ids as [string];
    await host.store.settled();
  });
  afterAll(() => {
    host?.dispose();
    delete process.env.TRACEDECK_SPECIAL_READ_S;
  });

  it('does not block other requests while it waits for a writer, then parses what comes', async () => {
    const fifo = mkfifo('host.fifo');
    const want = summarize(await ingestBytes(readFixture(PROFILE)));
    const [fifoId] = (await host.handle('openPaths', { paths: [fifo] })).ids as [string];
    // The FIFO has no writer yet: the host still answers, the other source still answers.
    for (let i = 0; i < 3; i++) {
      expect(await host.handle('query', { id: profileId, query: { type: 'summary' } })).toEqual({ type: 'summary', figures: want });
      expect(host.store.snapshot().sources.find((s) => s.id === fifoId)?.status).toBe('ingesting');
      await new Promise((r) => setTimeout(r, 200));
    }
    // A writer from another process (as `cat file > fifo` would be).
    const writer = spawn('sh', ['-c', `cat "${fixturePath(PROFILE)}" > "${fifo}"`], { stdio: 'ignore' });
    await new Promise((r) => writer.on('exit', r));
    await host.store.settled();
    expect(await host.handle('query', { id: fifoId, query: { type: 'summary' } })).toEqual({ type: 'summary', figures: want });

    // A bundle cannot read the pipe again (opening it with no writer would block for good): it is
    // left out with the reason, and the bundle is written.
    const out = join(dir, 'bundle');
    const r = await host.handle('exportBundle', { dir: out, images: [], uiState: { selection: null, annotations: [], views: {} } });
    expect(r.dir).toBe(out);
    const report = readFileSync(join(out, 'report.md'), 'utf8');
    expect(report).toContain('is a pipe or device, not a file');
    expect(readdirSync(join(out, 'sources'))).toEqual(['block.pb.gz']);
  });
});

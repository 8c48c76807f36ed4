/**
 * Engine isolation, attacked for real: inputs that make an engine run out of memory, abort, crash or
 * hang are opened next to real sources. Each bad one must become an error saying what happened while
 * the host stays up and the real sources keep answering queries with the figures they had.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { DEMO_DIR, ENGINE_WORKER_TS } from '../paths.ts';
import { Host } from './handlers.ts';
import { configureEngines, describeEngineExit, engineSettings, hostFdPath } from './engine.ts';
import { ENGINE_TEST_HOOKS_ENV, QUERY_HANG_HOOK, runTestHook, testHookInput } from './engine-test-hooks.ts';
import { fixturePath, readFixture } from '../../shared/test-support/fixtures.ts';
import { ingestBytes } from '../../shared/ingest/ingest.ts';
import { summarize } from '../../shared/query/run-query.ts';
import type { SourceInfo } from '../../shared/bridge.ts';

const PROFILE = 'scenarios/conn-leak-go1.27/block.pb.gz';
const SS = 'scenarios/conn-leak-go1.27/ss-capture.txt.gz';
/** Small enough that the memory bombs below reach it in seconds; the real sources fit easily. */
const TEST_HEAP_MB = 160;

const dir = mkdtempSync(join(tmpdir(), 'tracedeck-engine-'));
const saved = { ...engineSettings() };
let host: Host;

/**
 * A pprof protobuf whose string table holds `n` empty strings (2 bytes each): valid framing, every
 * count backed by bytes, and a table that needs 8 bytes of heap per entry in any reader that keeps
 * the strings in a JS array.
 */
function stringTableBomb(n: number): Uint8Array {
  const b = new Uint8Array(2 * n);
  for (let i = 0; i < b.length; i += 2) b[i] = 0x32; // field 6 (string_table), LEN, length 0
  return b;
}

async function waitFor(id: string, pred: (s: SourceInfo) => boolean, ms = 60_000): Promise<SourceInfo> {
  const end = Date.now() + ms;
  for (;;) {
    const s = host.store.snapshot().sources.find((x) => x.id === id);
    if (s && pred(s)) return s;
    if (Date.now() > end) throw new Error(`source ${id} never matched: ${JSON.stringify(s)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The real sources answer with the same figures an in-process parse gives. */
async function realSourcesAnswer(ids: { profile: string; ss: string }) {
  const want = async (rel: string) => summarize(await ingestBytes(readFixture(rel)));
  expect(await host.handle('query', { id: ids.profile, query: { type: 'summary' } })).toEqual({ type: 'summary', figures: await want(PROFILE) });
  expect(await host.handle('query', { id: ids.ss, query: { type: 'summary' } })).toEqual({ type: 'summary', figures: await want(SS) });
}

let real: { profile: string; ss: string };

beforeAll(async () => {
  process.env[ENGINE_TEST_HOOKS_ENV] = '1'; // inherited by the engine processes started below
  configureEngines({ maxHeapMb: TEST_HEAP_MB });
  host = new Host({ workerScript: ENGINE_WORKER_TS, demoDir: DEMO_DIR });
  const [profile, ss] = (await host.handle('openPaths', { paths: [fixturePath(PROFILE), fixturePath(SS)] })).ids;
  real = { profile: profile!, ss: ss! };
  await host.store.settled();
});

afterAll(() => {
  host?.dispose();
  configureEngines(saved);
  delete process.env[ENGINE_TEST_HOOKS_ENV];
  rmSync(dir, { recursive: true, force: true });
});

describe('one bad input ends its own engine only', () => {
  it('a pprof whose string table outgrows the heap: the source says it ran out of memory, the others answer', async () => {
    const path = join(dir, 'strings.pb');
    writeFileSync(path, stringTableBomb(30_000_000)); // 60 MB of file, 240 MB of string table
    const [id] = (await host.handle('openPaths', { paths: [path] })).ids;
    const s = await waitFor(id!, (x) => x.status !== 'ingesting');
    expect(s.status).toBe('error');
    // Today the engine dies at its heap limit; a reader that bounds the table refuses it instead.
    expect(s.error).toMatch(/ran out of memory at 0\.2 GB|string table|too many/);
    await realSourcesAnswer(real);
  });

  it('the same table gzipped is refused as a decompression bomb before any parser runs', async () => {
    const path = join(dir, 'strings.pb.gz');
    writeFileSync(path, gzipSync(stringTableBomb(40_000_000))); // 80 MB in 80 KB: past the bomb floor at 1000:1
    const [id] = (await host.handle('openPaths', { paths: [path] })).ids;
    const s = await waitFor(id!, (x) => x.status !== 'ingesting');
    expect(s.status).toBe('error');
    expect(s.error).toMatch(/decompression bomb/);
  });

  for (const [hook, reason] of [
    ['oom', /^ran out of memory at 0\.2 GB$/],
    ['abort', /^engine crashed \(signal SIGABRT\)$/],
    ['crash', /^engine crashed \(signal SIGSEGV\)$/],
  ] as const) {
    it(`an engine that hits "${hook}" becomes an error with its reason; the host and the other sources go on`, async () => {
      const { id } = await host.handle('openBytes', { name: `${hook}.bin`, bytes: testHookInput(hook) });
      const s = await waitFor(id, (x) => x.status !== 'ingesting');
      expect(s.status).toBe('error');
      expect(s.error).toMatch(reason);
      await realSourcesAnswer(real);
    });
  }

  it('an engine that hangs is given up after the stall limit', async () => {
    configureEngines({ stallMs: 3000 });
    try {
      const { id } = await host.handle('openBytes', { name: 'hang.bin', bytes: testHookInput('hang') });
      const s = await waitFor(id, (x) => x.status !== 'ingesting');
      expect(s).toMatchObject({ status: 'error', error: 'gave up after 3 s without progress' });
    } finally {
      configureEngines({ stallMs: saved.stallMs });
    }
    await realSourcesAnswer(real);
  });

  it('a ready source whose engine is killed becomes an error; its neighbours still answer', async () => {
    const [id] = (await host.handle('openPaths', { paths: [fixturePath(PROFILE)] })).ids;
    await waitFor(id!, (x) => x.status === 'ready');
    const errors: string[] = [];
    const off = host.on('error', (e) => errors.push(e.reason));
    const pid = (host.store as unknown as { entries: Map<string, { engine: { pid: number } }> }).entries.get(id!)!.engine.pid;
    process.kill(pid, 'SIGKILL');
    const s = await waitFor(id!, (x) => x.status === 'error');
    off();
    expect(s.error).toBe('engine crashed (signal SIGKILL)');
    expect(errors).toContain('engine crashed (signal SIGKILL)');
    await expect(host.handle('query', { id: id!, query: { type: 'summary' } })).rejects.toThrow(/not ready \(error\)/);
    await realSourcesAnswer(real);
  });

  it('a query that never returns ends its engine after the query limit; the others answer', async () => {
    configureEngines({ queryMs: 2000 });
    let id: string;
    try {
      [id] = (await host.handle('openPaths', { paths: [fixturePath(PROFILE)] })).ids as [string];
      await waitFor(id, (x) => x.status === 'ready');
    } finally {
      configureEngines({ queryMs: saved.queryMs });
    }
    await expect(host.store.query(id, { type: QUERY_HANG_HOOK } as never)).rejects.toThrow('gave up on a query after 2 s');
    expect((await waitFor(id, (x) => x.status === 'error')).error).toBe('gave up on a query after 2 s');
    await realSourcesAnswer(real);
  });

  it('cancelling an ingest ends its engine and says cancelled', async () => {
    const { id } = await host.handle('openBytes', { name: 'hang.bin', bytes: testHookInput('hang') });
    await new Promise((r) => setTimeout(r, 300));
    expect(await host.handle('cancelIngest', { id })).toEqual({ ok: true });
    const s = await waitFor(id, (x) => x.status !== 'ingesting');
    expect(s.status).toBe('cancelled');
  });
});

describe('engine exit reasons and test hooks', () => {
  it('names out-of-memory, V8 aborts, signals and exit codes', () => {
    const oom = '<--- Last few GCs --->\n\nFATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory\n';
    expect(describeEngineExit({ code: null, signal: 'SIGABRT', stderrTail: oom }, 2048)).toBe('ran out of memory at 2.0 GB');
    expect(describeEngineExit({ code: 1, signal: null, stderrTail: '', reason: 'oom' }, 4096)).toBe('ran out of memory at 4.0 GB');
    expect(describeEngineExit({ code: null, signal: 'SIGTRAP', stderrTail: '#\n# Fatal error in , line 0\n# Fatal JavaScript invalid size error 169220804\n#' }, 2048)).toMatch(/invalid size/);
    expect(describeEngineExit({ code: null, signal: 'SIGABRT', stderrTail: '' }, 2048)).toBe('engine crashed (signal SIGABRT)');
    expect(describeEngineExit({ code: 3, signal: null, stderrTail: 'some log line\n' }, 2048)).toBe('engine crashed (exit code 3)');
    expect(describeEngineExit({ code: 0, signal: null, stderrTail: '' }, 2048)).toBe('engine stopped unexpectedly');
  });

  it('test hooks do nothing unless the environment enables them', () => {
    const was = process.env[ENGINE_TEST_HOOKS_ENV];
    delete process.env[ENGINE_TEST_HOOKS_ENV];
    try {
      expect(() => runTestHook(testHookInput('abort'))).not.toThrow(); // this process is still here
    } finally {
      process.env[ENGINE_TEST_HOOKS_ENV] = was;
    }
  });

  it('reads /dev/fd/N through the host process, since the engine is another process', () => {
    expect(hostFdPath('/tmp/x.pb')).toBe('/tmp/x.pb');
    if (process.platform === 'linux') expect(hostFdPath('/dev/fd/63')).toBe(`/proc/${process.pid}/fd/63`);
  });
});

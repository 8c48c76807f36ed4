import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CollectionInfo, HostKeyPromptInfo, SessionInfo, SourceInfo } from '../../shared/bridge.ts';
import { expectedFigures, readFixture } from '../../shared/test-support/fixtures.ts';
import { DEMO_DIR, ENGINE_WORKER_TS } from '../paths.ts';
import { Host } from './handlers.ts';
import { SessionStore } from './session-store.ts';
import type { CollectionsOptions } from './collections.ts';
import { formatKnownHostsLine } from './ssh/known-hosts.ts';
import { createTestSshd, keygen, pubKeyBlob, sshKeygenFingerprint } from './ssh/test-sshd.ts';
import type { TestSshd } from './ssh/test-sshd.ts';

let sshd: TestSshd;
let work: string;
let seq = 0;

beforeAll(async () => {
  sshd = await createTestSshd();
  await sshd.start();
  work = mkdtempSync(path.join(os.tmpdir(), 'tracedeck-collections-'));
});

afterAll(async () => {
  await sshd?.dispose();
  if (work) rmSync(work, { recursive: true, force: true });
});

/** Polls cond every 50 ms; fails after timeoutMs with what. */
async function until<T>(cond: () => T | undefined | null | false, what: string, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = cond();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; sshd: ${sshd.log().slice(-400)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

interface TestHost {
  host: Host;
  dir: string;
  knownHosts: string;
  session: () => SessionInfo;
  source: (id: string) => SourceInfo | undefined;
  statuses: CollectionInfo[];
  prompts: HostKeyPromptInfo[];
  dispose: () => void;
}

/** A Host with its own capture folder, ssh config (alias `box` → the test sshd) and known_hosts. */
function testHost(knownHostsText = '', maxScheduledFetches?: number, bounds?: CollectionsOptions['bounds']): TestHost {
  const dir = path.join(work, `host${++seq}`);
  const knownHosts = path.join(work, `known_hosts_${seq}`);
  const sshConfig = path.join(work, `ssh_config_${seq}`);
  writeFileSync(knownHosts, knownHostsText);
  writeFileSync(sshConfig, `Host box\n  HostName 127.0.0.1\n  Port ${sshd.port}\n  User ${sshd.user}\n`);
  const host = new Host({
    workerScript: ENGINE_WORKER_TS,
    demoDir: DEMO_DIR,
    ssh: {
      captureDir: dir,
      knownHostsPath: knownHosts,
      sshConfigPath: sshConfig,
      env: { home: work, localUser: sshd.user, sshAuthSock: undefined },
      reloadMinMs: 200,
      backoff: { initialMs: 200, maxMs: 500 },
      maxScheduledFetches,
      bounds,
    },
  });
  let session: SessionInfo = { seq: 0, originEpochNs: null, sources: [] };
  const statuses: CollectionInfo[] = [];
  const prompts: HostKeyPromptInfo[] = [];
  host.on('session', (s) => (session = s));
  host.on('collection', (c) => statuses.push(c));
  host.on('hostKeyPrompt', (p) => prompts.push(p));
  return {
    host,
    dir,
    knownHosts,
    session: () => session,
    source: (id) => session.sources.find((s) => s.id === id),
    statuses,
    prompts,
    dispose: () => host.dispose(),
  };
}

const trusted = () => formatKnownHostsLine('127.0.0.1', sshd.port, pubKeyBlob(sshd.hostKeyPub)) + '\n';
const snapshotsIn = (file: string) => readFileSync(file, 'utf8').split('\n').filter((l) => l.startsWith('### ss-snapshot ')).length;
const snapshotsOf = (s: SourceInfo | undefined) => Number(s?.figures?.snapshots ?? 0);

describe('SSH collections in the session', () => {
  it('a collection creates a live source whose snapshot count grows; stop keeps the file and the source', async () => {
    const t = testHost();
    try {
      // Loopback connections for the capture to see.
      const srv = net.createServer().listen(0, '127.0.0.1');
      await new Promise((r) => srv.once('listening', r));
      const port = (srv.address() as net.AddressInfo).port;
      const conns = await Promise.all([0, 1].map(() => new Promise<net.Socket>((r) => { const s = net.connect(port, '127.0.0.1', () => r(s)); })));

      const { collectionId, sourceId } = await t.host.handle('startCollection', {
        host: 'box',
        keyPath: sshd.clientKey,
        useAgent: false,
        intervalMs: 200,
        filterPorts: [port],
      });
      // The source is there at once, live, before anything arrived.
      expect(t.source(sourceId)).toMatchObject({ live: true, status: 'ingesting', origin: { type: 'ssh', host: '127.0.0.1' } });

      // Unknown host key: asked once, with the fingerprint ssh-keygen prints.
      const prompt = await until(() => t.prompts[0], 'host key prompt');
      expect(prompt).toMatchObject({ collectionId, host: '127.0.0.1', port: sshd.port, keyType: 'ssh-ed25519', fingerprint: sshKeygenFingerprint(sshd.hostKeyPub) });
      expect((await t.host.handle('listCollections', {})).collections[0]?.hostKeyPrompt?.requestId).toBe(prompt.requestId);
      expect(await t.host.handle('answerHostKey', { requestId: prompt.requestId, accept: true })).toEqual({ ok: true });
      expect(await t.host.handle('answerHostKey', { requestId: prompt.requestId, accept: true })).toEqual({ ok: false });

      const first = await until(() => {
        const s = t.source(sourceId);
        return s?.status === 'ready' && snapshotsOf(s) >= 2 && s;
      }, 'a ready live source with 2 snapshots');
      expect(first).toMatchObject({ kind: 'ss', format: 'ss capture', live: true });
      const grown = await until(() => {
        const s = t.source(sourceId);
        return s && snapshotsOf(s) >= snapshotsOf(first) + 3 && s;
      }, 'the snapshot count to grow');
      expect(grown.sizeBytes).toBeGreaterThan(first.sizeBytes);
      expect(Number(grown.axisEndNs)).toBeGreaterThan(Number(first.axisEndNs));
      // The model sees the loopback connections (both ends).
      const last = (grown.figures as { last: Record<string, number> }).last;
      expect(last.ESTAB).toBe(4);

      const info = t.statuses.at(-1)!;
      expect(info).toMatchObject({ collectionId, sourceId, state: 'connected', running: true, remoteHostname: os.hostname(), attempts: 0 });
      expect(info.snapshots).toBeGreaterThanOrEqual(snapshotsOf(grown));
      expect(readFileSync(t.knownHosts, 'utf8')).toContain(`[127.0.0.1]:${sshd.port} ssh-ed25519 `);

      expect(await t.host.handle('stopCollection', { collectionId })).toEqual({ ok: true });
      const done = t.statuses.at(-1)!;
      expect(done).toMatchObject({ state: 'stopped', running: false });
      // The file stays, and the source holds every snapshot of it (the final re-read).
      expect(existsSync(done.capturePath)).toBe(true);
      expect(path.dirname(done.capturePath)).toBe(t.dir);
      const n = snapshotsIn(done.capturePath);
      expect(n).toBe(done.snapshots);
      const kept = t.source(sourceId)!;
      expect(kept).toMatchObject({ status: 'ready', live: false });
      expect(snapshotsOf(kept)).toBe(n);
      const q = await t.host.handle('query', { id: sourceId, query: { type: 'summary' } });
      expect(q.type === 'summary' && q.figures.snapshots).toBe(n);

      // The capture is a source you can reopen.
      const { ids } = await t.host.handle('openPaths', { paths: [done.capturePath] });
      await t.host.store.settled();
      expect(snapshotsOf(t.host.store.snapshot().sources.find((s) => s.id === ids[0]))).toBe(n);

      for (const c of conns) c.destroy();
      srv.close();
    } finally {
      t.dispose();
    }
  });

  it('a disconnect shows as a gap on the timeline, and pprof over the connection becomes a source', async () => {
    const t = testHost(trusted());
    const goroutinePb = Buffer.from(readFixture('scenarios/timewait-storm-go1.27/goroutine.pb.gz'));
    const debug2 = Buffer.from(readFixture('scenarios/timewait-storm-go1.27/goroutine-debug2.txt'));
    const pprofSrv = http.createServer((req, res) => {
      if (req.url === '/debug/pprof/goroutine?debug=0') res.end(goroutinePb);
      else if (req.url === '/debug/pprof/goroutine?debug=2') res.end(debug2);
      else res.writeHead(404).end('404 page not found\n');
    });
    await new Promise<void>((r) => pprofSrv.listen(0, '127.0.0.1', r));
    const pprofPort = (pprofSrv.address() as net.AddressInfo).port;
    try {
      const { collectionId, sourceId } = await t.host.handle('startCollection', { host: 'box', keyPath: sshd.clientKey, intervalMs: 200 });
      await until(() => snapshotsOf(t.source(sourceId)) >= 2, '2 snapshots');
      expect(t.prompts).toEqual([]); // known host: nobody asked

      // pprof over SSH: protobuf, and a debug=2 text dump placed at its fetch time.
      const expected = expectedFigures();
      const { sourceId: pb } = await t.host.handle('fetchPprofOverSsh', { collectionId, kind: 'goroutine', port: pprofPort });
      const { sourceId: txt } = await t.host.handle('fetchPprofOverSsh', { collectionId, kind: 'goroutine', port: pprofPort, debug: 2 });
      await expect(t.host.handle('fetchPprofOverSsh', { collectionId, kind: 'mutex', port: pprofPort })).rejects.toThrow(/HTTP 404/);
      await t.host.store.settled();
      const pbSrc = t.host.store.snapshot().sources.find((s) => s.id === pb)!;
      expect(pbSrc).toMatchObject({ kind: 'pprof', status: 'ready', origin: { type: 'ssh', command: `GET http://127.0.0.1:${pprofPort}/debug/pprof/goroutine?debug=0` } });
      expect(pbSrc.figures?.totals).toEqual(expected['scenarios/timewait-storm-go1.27/goroutine.pb.gz']!.totals);
      expect(existsSync(`${(pbSrc.origin as { path: string }).path}.provenance.json`)).toBe(true);
      const txtSrc = t.host.store.snapshot().sources.find((s) => s.id === txt)!;
      expect(txtSrc).toMatchObject({ kind: 'goroutine-dump', status: 'ready', clock: { quality: 'manual' } });
      expect(txtSrc.figures?.goroutines).toBe(expected['scenarios/timewait-storm-go1.27/goroutine-debug2.txt']!.goroutines);

      // Kill the server mid-capture: a gap is written, the collection reconnects when it returns.
      const before = snapshotsOf(t.source(sourceId));
      await sshd.kill();
      await until(() => t.statuses.some((s) => s.state === 'reconnecting'), 'reconnecting');
      await expect(t.host.handle('fetchPprofOverSsh', { collectionId, kind: 'goroutine', port: pprofPort })).rejects.toThrow(/not connected/);
      await sshd.start();
      await until(() => t.statuses.at(-1)?.state === 'connected', 'reconnected');
      await until(() => snapshotsOf(t.source(sourceId)) >= before + 3, 'snapshots after the reconnect');
      const tr = await t.host.handle('query', { id: sourceId, query: { type: 'track' } });
      if (tr.type !== 'track' || tr.track.kind !== 'series') throw new Error('expected a series track');
      expect(tr.track.bands.map((b) => [b.label, b.startNs.length])).toEqual([['collection gap', 1]]);
      // The band lasts from the drop to the first snapshot after the reconnect (≥ one backoff delay).
      const gap = tr.track.bands[0]!;
      expect(gap.endNs[0]! - gap.startNs[0]!).toBeGreaterThanOrEqual(200e6);
      await t.host.handle('cancelCollection', { collectionId });
      expect(t.statuses.at(-1)).toMatchObject({ state: 'stopped', running: false });
      expect(readFileSync(t.statuses.at(-1)!.capturePath, 'utf8')).toMatch(/^### gap \d+ \S+ /m);
    } finally {
      pprofSrv.close();
      t.dispose();
    }
  });

  it('pprof at an interval over the connection: sources on schedule, never overlapping, failures reported, ends with the collection; origin names the ss run', async () => {
    const t = testHost(trusted(), 3);
    const rel = 'scenarios/timewait-storm-go1.27/';
    const expected = expectedFigures();
    const bodies: Record<string, Buffer> = {
      '/debug/pprof/goroutine?debug=0': Buffer.from(readFixture(`${rel}goroutine.pb.gz`)),
      '/debug/pprof/goroutine?debug=2': Buffer.from(readFixture(`${rel}goroutine-debug2.txt`)),
      '/debug/pprof/profile?seconds=1': Buffer.from(readFixture(`${rel}cpu.pb.gz`)),
    };
    // A Go-like pprof listener: logs each request's start and end; answers 500 while `failing`.
    const log: { url: string; start: number; end: number }[] = [];
    let failing = false;
    let open = 0;
    let maxOpen = 0;
    const pprofSrv = http.createServer((req, res) => {
      const entry = { url: req.url ?? '', start: Date.now(), end: 0 };
      log.push(entry);
      maxOpen = Math.max(maxOpen, ++open);
      const reply = () => {
        open--;
        entry.end = Date.now();
        const body = bodies[entry.url];
        if (failing) res.writeHead(500).end('Could not enable CPU profiling: cpu profiling already in use\n');
        else if (body) res.end(body);
        else res.writeHead(404).end('404 page not found\n');
      };
      // A CPU profile takes its seconds, and a bit more: longer than the schedule's interval.
      if (entry.url.startsWith('/debug/pprof/profile')) setTimeout(reply, 1300);
      else reply();
    });
    await new Promise<void>((r) => pprofSrv.listen(0, '127.0.0.1', r));
    const port = (pprofSrv.address() as net.AddressInfo).port;
    const sched = () => t.statuses.at(-1)?.pprofSchedule;
    const sources = (kind: string) => t.host.store.snapshot().sources.filter((s) => s.origin.type === 'ssh' && s.kind === kind);
    sshd.denyProcessColumn(true);
    try {
      const { collectionId, sourceId } = await t.host.handle('startCollection', {
        host: 'box',
        keyPath: sshd.clientKey,
        intervalMs: 200,
        pprofSchedule: { kind: 'goroutine', port, everyS: 1 },
      });
      // Fetched once connected, then every second; the third fetch ends the schedule (maxScheduledFetches 3).
      await until(() => sched()?.ended, 'the schedule to end after 3 fetches');
      expect(sched()).toMatchObject({ kind: 'goroutine', port, everyS: 1, fetched: 3, failed: 0, fetching: false });
      expect(sched()?.ended).toMatch(/after 3 fetches/);
      const starts = log.map((l) => l.start);
      expect(log.map((l) => l.url)).toEqual(Array(3).fill('/debug/pprof/goroutine?debug=0'));
      // Server-side arrival times: the interval is kept locally, so one arrival can come late by the
      // forward's setup on a busy machine (823 ms seen for 1 s): bounds loose enough to mean "spaced by
      // the schedule, not back to back, not skipped" without timing the machine.
      expect(starts[1]! - starts[0]!).toBeGreaterThanOrEqual(500);
      expect(starts[2]! - starts[1]!).toBeGreaterThanOrEqual(500);
      expect(starts[2]! - starts[0]!).toBeLessThan(10_000);
      await t.host.store.settled();
      const pbs = sources('pprof');
      expect(new Set(pbs.map((s) => s.name)).size).toBe(3);
      for (const s of pbs) {
        expect(s).toMatchObject({ status: 'ready', origin: { command: `GET http://127.0.0.1:${port}/debug/pprof/goroutine?debug=0` } });
        expect(s.figures?.totals).toEqual(expected[`${rel}goroutine.pb.gz`]!.totals);
      }
      // `ss -tanoip` was refused: the capture's origin names what actually ran.
      const info = t.statuses.at(-1)!;
      expect(info.command).toBe('ss -tanoi');
      expect(t.source(sourceId)?.origin).toMatchObject({ type: 'ssh', command: 'ss -tanoi', path: info.capturePath });

      // A new schedule (debug=2 goroutine dumps) whose fetches fail: counted and said, the collection goes on.
      failing = true;
      const snaps = info.snapshots;
      expect(await t.host.handle('setPprofSchedule', { collectionId, schedule: { kind: 'goroutine', port, everyS: 1, debug: 2 } })).toEqual({ ok: true });
      await until(() => (sched()?.failed ?? 0) >= 2, '2 failed fetches');
      expect(sched()).toMatchObject({ debug: 2, fetched: 0, lastError: expect.stringMatching(/HTTP 500 .*cpu profiling already in use/) });
      expect(t.statuses.at(-1)).toMatchObject({ state: 'connected', running: true });
      expect(t.statuses.at(-1)!.snapshots).toBeGreaterThan(snaps);
      expect(log.filter((l) => l.url.endsWith('debug=0'))).toHaveLength(3); // the ended schedule fetched no more
      failing = false;
      await until(() => (sched()?.fetched ?? 0) >= 1, 'a debug=2 dump after the failures');
      await t.host.store.settled();
      const [dump] = sources('goroutine-dump');
      // A text dump has no clock of its own: placed at its fetch time.
      expect(dump).toMatchObject({ status: 'ready', clock: { quality: 'manual' } });
      expect(dump?.figures?.goroutines).toBe(expected[`${rel}goroutine-debug2.txt`]!.goroutines);

      // A CPU profile longer than the interval: the next fetch waits for it (Go serves one at a time).
      const before = log.length;
      await t.host.handle('setPprofSchedule', { collectionId, schedule: { kind: 'profile', port, everyS: 1, seconds: 1 } });
      await until(() => (sched()?.fetched ?? 0) >= 2, '2 CPU profiles');
      const cpu = log.slice(before).filter((l) => l.url === '/debug/pprof/profile?seconds=1');
      expect(cpu.length).toBeGreaterThanOrEqual(2);
      expect(cpu[1]!.start).toBeGreaterThanOrEqual(cpu[0]!.end);
      expect(maxOpen).toBe(1);

      // Stop: the fetch in flight is dropped, and nothing is fetched afterwards.
      await until(() => sched()?.fetching, 'a CPU profile in flight');
      // By provenance: a source still being parsed has no kind yet.
      const fetchedCpu = () => t.host.store.snapshot().sources.filter((s) => s.origin.type === 'ssh' && s.origin.command.endsWith('/profile?seconds=1')).length;
      const cpuSources = fetchedCpu();
      expect(cpuSources).toBeGreaterThanOrEqual(2);
      await t.host.handle('stopCollection', { collectionId });
      expect(t.statuses.at(-1)).toMatchObject({ state: 'stopped', running: false, pprofSchedule: { fetching: false } });
      const requests = log.length;
      await new Promise((r) => setTimeout(r, 1600));
      expect(log.length).toBe(requests);
      await t.host.store.settled();
      expect(fetchedCpu()).toBe(cpuSources);
      expect(await t.host.handle('setPprofSchedule', { collectionId, schedule: null })).toEqual({ ok: false });
    } finally {
      sshd.denyProcessColumn(false);
      pprofSrv.close();
      t.dispose();
    }
  });

  it('a capture reaching the file limit stops with a notice; the live source keeps every snapshot of the file', async () => {
    const limit = 40_000;
    const t = testHost(trusted(), undefined, { maxCaptureBytes: limit });
    try {
      const { collectionId, sourceId } = await t.host.handle('startCollection', { host: 'box', keyPath: sshd.clientKey, intervalMs: 100, filterPorts: [sshd.port] });
      const done = await until(() => t.statuses.find((s) => s.collectionId === collectionId && !s.running && s.seq > 0), 'the collection to stop by itself', 30_000);
      await t.host.store.settled();
      expect(done).toMatchObject({ state: 'stopped', limit: expect.stringContaining('the capture reached 39 KiB, the most TraceDeck opens') });
      expect(done.limit).toContain('collection stopped');
      expect(done.snapshots).toBeGreaterThan(2);
      // The file stays under the limit and the source is not frozen behind it: it holds every snapshot.
      const size = readFileSync(done.capturePath).length;
      expect(size).toBeLessThanOrEqual(limit);
      expect(snapshotsIn(done.capturePath)).toBe(done.snapshots);
      await until(() => t.source(sourceId)?.live === false, 'the source to finish');
      expect(snapshotsOf(t.source(sourceId))).toBe(done.snapshots);
    } finally {
      t.dispose();
    }
  });

  it('a changed host key is refused with the collector message; the source says why', async () => {
    const other = path.join(work, `other_host_key_${++seq}`);
    keygen(other);
    const t = testHost(formatKnownHostsLine('127.0.0.1', sshd.port, pubKeyBlob(`${other}.pub`)) + '\n');
    try {
      const { collectionId, sourceId } = await t.host.handle('startCollection', { host: '127.0.0.1', port: sshd.port, keyPath: sshd.clientKey });
      const failed = await until(() => t.statuses.find((s) => s.collectionId === collectionId && !s.running), 'the collection to end');
      expect(failed.state).toBe('error');
      expect(failed.message).toMatch(/REMOTE HOST KEY HAS CHANGED/);
      expect(t.prompts).toEqual([]);
      await t.host.handle('stopCollection', { collectionId });
      expect(t.source(sourceId)).toMatchObject({ status: 'error', live: false });
      expect(t.source(sourceId)?.error).toMatch(/REMOTE HOST KEY HAS CHANGED/);
    } finally {
      t.dispose();
    }
  });

  it('validates SSH requests strictly and never takes a password', async () => {
    const t = testHost();
    try {
      const bad: Array<[string, unknown, RegExp]> = [
        ['startCollection', { host: 'box', password: 'hunter2' }, /passwords are not accepted/],
        ['startCollection', { host: 'box', passphrase: 'x' }, /passwords are not accepted/],
        ['startCollection', { host: '-oProxyCommand=x' }, /host must be/],
        ['startCollection', { host: 'a b' }, /host must be/],
        ['startCollection', { host: 'box', port: 0 }, /port/],
        ['startCollection', { host: 'box', intervalMs: 10 }, /intervalMs/],
        ['startCollection', { host: 'box', filterPorts: [80, 'x'] }, /filterPorts/],
        ['startCollection', { host: 'box', pid: 1.5 }, /pid/],
        ['startCollection', { host: 'box', extra: 1 }, /unknown field extra/],
        ['answerHostKey', { requestId: 'k1', accept: 'yes' }, /accept/],
        ['fetchPprofOverSsh', { collectionId: 'c1', kind: 'cmdline', port: 6060 }, /kind must be/],
        ['fetchPprofOverSsh', { collectionId: 'c1', kind: 'block', port: 6060, debug: 2 }, /debug/],
        ['fetchPprofOverSsh', { collectionId: 'c1', kind: 'goroutine', port: 6060, seconds: 5, debug: 1 }, /seconds/],
        ['stopCollection', { collectionId: '../x' }, /collectionId/],
        ['startCollection', { host: 'box', pprofSchedule: { kind: 'goroutine', port: 6060 } }, /everyS/],
        ['startCollection', { host: 'box', pprofSchedule: { kind: 'goroutine', port: 6060, everyS: 0.5 } }, /everyS/],
        ['startCollection', { host: 'box', pprofSchedule: { kind: 'goroutine', port: 6060, everyS: 5, cmd: 'x' } }, /unknown pprofSchedule field cmd/],
        ['startCollection', { host: 'box', pprofSchedule: { kind: 'cmdline', port: 6060, everyS: 5 } }, /kind must be/],
        ['startCollection', { host: 'box', pprofSchedule: { kind: 'mutex', port: 6060, everyS: 5, debug: 2 } }, /debug/],
        ['startCollection', { host: 'box', pprofSchedule: { kind: 'profile', port: 6060, everyS: 10 } }, /at least the profile's 30 s/],
        ['startCollection', { host: 'box', pprofSchedule: { kind: 'trace', port: 6060, everyS: 5, seconds: 6 } }, /at least the trace's 6 s/],
        ['startCollection', { host: 'box', pprofSchedule: 'goroutine' }, /must be an object/],
        ['setPprofSchedule', { collectionId: 'c1' }, /schedule required/],
        ['setPprofSchedule', { collectionId: 'c1', schedule: { kind: 'heap', port: 70000, everyS: 5 } }, /port/],
      ];
      for (const [name, arg, msg] of bad) {
        await expect(t.host.handle(name as 'startCollection', arg), `${name} ${JSON.stringify(arg)}`).rejects.toThrow(msg);
      }
      expect(await t.host.handle('stopCollection', { collectionId: 'c99' })).toEqual({ ok: false });
      expect(await t.host.handle('setPprofSchedule', { collectionId: 'c99', schedule: { kind: 'goroutine', port: 6060, everyS: 10, debug: 2 } })).toEqual({ ok: false });
    } finally {
      t.dispose();
    }
  });
});

describe('SessionStore.reload', () => {
  it('keeps the previous model when a parse fails, and reads only whole snapshots', async () => {
    const rel = 'scenarios/timewait-storm-go1.27/ss-capture.txt.gz';
    const want = expectedFigures()[rel]!;
    const text = gunzipSync(readFixture(rel));
    const file = path.join(work, `reload_${++seq}.txt`);
    let session: SessionInfo = { seq: 0, originEpochNs: null, sources: [] };
    const store = new SessionStore({ workerScript: ENGINE_WORKER_TS, onChange: (s) => (session = s), onError: () => {} });
    const src = () => session.sources.find((s) => s.id === id)!;
    const id = store.addLive('capture.txt', { type: 'ssh', host: 'vm', command: 'ss -tanoip', path: file });
    try {
      // Only the first two snapshots, although the file already holds a third one.
      const starts: number[] = [];
      for (let i = text.indexOf('### ss-snapshot '); i >= 0; i = text.indexOf('### ss-snapshot ', i + 1)) starts.push(i);
      expect(starts.length).toBe(want.snapshots);
      writeFileSync(file, text.subarray(0, starts[3]));
      await store.reload(id, file, starts[2]);
      expect(src()).toMatchObject({ status: 'ready', kind: 'ss', sizeBytes: starts[2] });
      expect(src().figures?.snapshots).toBe(2);

      // Junk: the reload fails, and the source keeps answering from its previous model.
      writeFileSync(file, Buffer.from([0x00, 0xff, 0x13, 0x37, 0x42, 0x00, 0x01]));
      await expect(store.reload(id, file)).rejects.toThrow();
      expect(src()).toMatchObject({ status: 'ready', sizeBytes: starts[2] });
      const q = await store.query(id, { type: 'summary' });
      expect(q.type === 'summary' && q.figures.snapshots).toBe(2);

      // The whole capture: every expected figure.
      writeFileSync(file, text);
      await store.reload(id, file);
      for (const k of ['snapshots', 'sockets', 'startNs', 'endNs', 'first', 'last', 'topPeers']) expect(src().figures?.[k], k).toEqual(want[k]);
      store.endLive(id);
      expect(src()).toMatchObject({ live: false, status: 'ready' });
    } finally {
      store.dispose();
    }
  });
});

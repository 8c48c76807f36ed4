/**
 * The pprof endpoints beyond plain snapshots, fetched over a real sshd from a Go-free HTTP server
 * that answers like net/http/pprof with what Go 1.27 really answered (testdata/go-pprof-kinds, with
 * Go's own figures): block/mutex deltas (`seconds=N`, answered after N s and stamped with the time
 * of the SECOND snapshot), the goroutine leak profile, a trace, and a custom path (an application's
 * flight-recorder handler answering an execution trace).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import http from 'node:http';
import type net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SourceInfo } from '../../shared/bridge.ts';
import { epochDiffNs } from '../../shared/model/time.ts';
import { readFixture } from '../../shared/test-support/fixtures.ts';
import { DEMO_DIR, ENGINE_WORKER_TS } from '../paths.ts';
import { Host } from './handlers.ts';
import { formatKnownHostsLine } from './ssh/known-hosts.ts';
import { createTestSshd, pubKeyBlob } from './ssh/test-sshd.ts';
import type { TestSshd } from './ssh/test-sshd.ts';

let sshd: TestSshd;
let work: string;

beforeAll(async () => {
  sshd = await createTestSshd();
  await sshd.start();
  work = mkdtempSync(path.join(os.tmpdir(), 'tracedeck-pprof-kinds-'));
});

afterAll(async () => {
  await sshd?.dispose();
  if (work) rmSync(work, { recursive: true, force: true });
});

const REL = 'scenarios/conn-leak-go1.27/';
const GO_DATA = fileURLToPath(new URL('./testdata/go-pprof-kinds/', import.meta.url));
interface GoTop {
  file: string;
  total: number;
  rows: { function: string; flat: number; cum: number }[];
}
const GO_TOP = (JSON.parse(readFileSync(path.join(GO_DATA, 'go-top.json'), 'utf8')) as { cases: GoTop[] }).cases;
const goData = (file: string) => readFileSync(path.join(GO_DATA, file));

describe('pprof kinds over an SSH collection', () => {
  it('block/mutex deltas placed at the request, goroutineleak, and a custom flight-recorder path', async () => {
    const knownHosts = path.join(work, 'known_hosts');
    const sshConfig = path.join(work, 'ssh_config');
    writeFileSync(knownHosts, formatKnownHostsLine('127.0.0.1', sshd.port, pubKeyBlob(sshd.hostKeyPub)) + '\n');
    writeFileSync(sshConfig, `Host box\n  HostName 127.0.0.1\n  Port ${sshd.port}\n  User ${sshd.user}\n`);
    const host = new Host({
      workerScript: ENGINE_WORKER_TS,
      demoDir: DEMO_DIR,
      ssh: { captureDir: path.join(work, 'captures'), knownHostsPath: knownHosts, sshConfigPath: sshConfig, env: { home: work, localUser: sshd.user, sshAuthSock: undefined } },
    });
    const block = goData('block-delta.pb.gz');
    const mutex = goData('mutex-delta.pb.gz');
    const leaks = goData('goroutineleak.pb.gz');
    const trace = Buffer.from(readFixture(`${REL}trace.out`));
    const seen: string[] = [];
    // Like net/http/pprof: a delta answers after its seconds; seconds with debug is a 400.
    const pprofSrv = http.createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://x');
      seen.push(req.url ?? '');
      const sec = Number(url.searchParams.get('seconds') ?? 0);
      const answer = (body: Buffer) => setTimeout(() => res.end(body), sec * 1000);
      if (sec > 0 && url.searchParams.get('debug')) res.writeHead(400).end('seconds and debug params are incompatible\n');
      else if (url.pathname === '/debug/pprof/block') answer(block);
      else if (url.pathname === '/debug/pprof/mutex') answer(mutex);
      else if (url.pathname === '/debug/pprof/goroutineleak') answer(leaks);
      else if (url.pathname === '/debug/pprof/trace') answer(trace);
      else if (url.pathname === '/debug/flightrecorder') res.end(trace);
      else res.writeHead(404).end('Unknown profile\n');
    });
    await new Promise<void>((r) => pprofSrv.listen(0, '127.0.0.1', r));
    const port = (pprofSrv.address() as net.AddressInfo).port;
    const source = (id: string): SourceInfo => host.store.snapshot().sources.find((s) => s.id === id)!;
    try {
      let state = '';
      host.on('collection', (c) => (state = c.state));
      const { collectionId } = await host.handle('startCollection', { host: 'box', keyPath: sshd.clientKey, intervalMs: 500 });
      for (let i = 0; state !== 'connected'; i++) {
        if (i > 300) throw new Error(`never connected (${state}): ${sshd.log().slice(-300)}`);
        await new Promise((r) => setTimeout(r, 50));
      }
      /** A source's top rows and total as the app's top table computes them, rounded as pprof prints. */
      const top = async (id: string, profile?: string) => {
        const r = await host.handle('query', { id, query: { type: 'topTable', ...(profile ? { profile } : {}), limit: 100_000 } });
        if (r.type !== 'topTable') throw new Error('expected a top table');
        return { total: r.table.total, rows: r.table.rows.map((x) => ({ function: x.function, flat: x.flat, cum: x.cum })) };
      };
      const goTop = (file: string) => {
        const c = GO_TOP.find((x) => x.file === file)!;
        return { total: c.total, rows: c.rows };
      };

      const { sourceId: b } = await host.handle('fetchPprofOverSsh', { collectionId, kind: 'block', port, seconds: 1 });
      const { sourceId: m } = await host.handle('fetchPprofOverSsh', { collectionId, kind: 'mutex', port, seconds: 2 });
      const { sourceId: leak } = await host.handle('fetchPprofOverSsh', { collectionId, kind: 'goroutineleak', port });
      const { sourceId: fr } = await host.handle('fetchPprofOverSsh', { collectionId, kind: 'custom', port, path: '/debug/flightrecorder' });
      const { sourceId: tr } = await host.handle('fetchPprofOverSsh', { collectionId, kind: 'trace', port, seconds: 1 });
      await host.store.settled();
      expect(seen.slice(0, 5)).toEqual(['/debug/pprof/block?seconds=1', '/debug/pprof/mutex?seconds=2', '/debug/pprof/goroutineleak?debug=0', '/debug/flightrecorder', '/debug/pprof/trace?seconds=1']);
      expect(source(tr)).toMatchObject({ kind: 'gotrace', status: 'ready' });
      expect(path.basename((source(tr).origin as { path: string }).path)).toMatch(/-trace-\d+\.trace\.out$/);

      for (const [id, kind, seconds] of [[b, 'block', 1], [m, 'mutex', 2]] as const) {
        const src = source(id);
        expect(src).toMatchObject({ kind: 'pprof', status: 'ready', clock: { quality: 'manual', basis: expect.stringContaining(`delta over ${seconds} s`) } });
        expect(await top(id, 'delay')).toEqual(goTop(`${kind}-delta.pb.gz`));
        const file = (src.origin as { path: string }).path;
        expect(path.basename(file)).toMatch(new RegExp(`-${kind}-delta${seconds}s-\\d+\\.pb\\.gz$`));
        // The interval starts when the request was sent, not at Go's stamp (the second snapshot).
        const prov = JSON.parse(readFileSync(`${file}.provenance.json`, 'utf8')) as { startedAtEpochNs: string; endedAtEpochNs: string };
        expect(Number(BigInt(prov.endedAtEpochNs) - BigInt(prov.startedAtEpochNs)) / 1e9).toBeGreaterThanOrEqual(seconds);
        const startNs = epochDiffNs(src.clock!.originEpochNs!, prov.startedAtEpochNs) + src.offsetNs;
        expect(Math.abs(startNs)).toBeLessThan(1e3);
      }
      expect(source(leak)).toMatchObject({ kind: 'pprof', status: 'ready' });
      expect(path.basename((source(leak).origin as { path: string }).path)).toMatch(/-goroutineleak-\d+\.pb\.gz$/);
      expect(await top(leak)).toEqual(goTop('goroutineleak.pb.gz'));
      expect(source(fr)).toMatchObject({ kind: 'gotrace', status: 'ready', origin: { command: `GET http://127.0.0.1:${port}/debug/flightrecorder` } });
      expect(path.basename((source(fr).origin as { path: string }).path)).toMatch(/-custom-\d+\.trace\.out$/);

      // What Go refuses, and paths that would leave the endpoint, are refused before anything is sent.
      const count = seen.length;
      for (const [arg, why] of [
        [{ kind: 'block', seconds: 1, debug: 1 }, /needs debug 0/],
        [{ kind: 'profile', debug: 1 }, /debug is not for profile/],
        [{ kind: 'custom', path: '/debug/../etc/passwd' }, /'\.\.'/],
        [{ kind: 'custom', path: '/x HTTP/1.1\r\nHost: evil' }, /printable ASCII/],
        [{ kind: 'custom' }, /path required/],
        [{ kind: 'block', path: '/debug/pprof/block' }, /custom endpoint only/],
      ] as const) {
        await expect(host.handle('fetchPprofOverSsh', { collectionId, port, ...arg } as never)).rejects.toThrow(why);
      }
      expect(seen.length).toBe(count);
      await host.handle('cancelCollection', { collectionId });
    } finally {
      pprofSrv.close();
      host.dispose();
    }
  });
});

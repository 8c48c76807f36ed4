/**
 * A fleet collection against three real sshd instances on distinct loopback addresses (127.0.0.2,
 * .3, .4), named by an ssh-config pattern: one source per host, one host's sshd killed and restarted
 * mid-capture (that host alone reconnects, with one gap; nothing received is lost anywhere), pprof
 * fetched from every connected host over its own connection.
 */
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CollectionInfo, SessionInfo, SourceInfo } from '../../shared/bridge.ts';
import { expectedFigures, readFixture } from '../../shared/test-support/fixtures.ts';
import { DEMO_DIR, ENGINE_WORKER_TS } from '../paths.ts';
import { Host } from './handlers.ts';
import { formatKnownHostsLine } from './ssh/known-hosts.ts';
import { createTestSshd, pubKeyBlob } from './ssh/test-sshd.ts';
import type { TestSshd } from './ssh/test-sshd.ts';

let servers: TestSshd[] = [];
let work: string;

beforeAll(async () => {
  servers = await Promise.all(['127.0.0.2', '127.0.0.3', '127.0.0.4'].map((address) => createTestSshd({ address })));
  await Promise.all(servers.map((s) => s.start()));
  // One client key for the fleet, as with a shared deploy key.
  for (const s of servers.slice(1)) appendFileSync(path.join(s.dir, 'authorized_keys'), readFileSync(`${servers[0]!.clientKey}.pub`));
  work = mkdtempSync(path.join(os.tmpdir(), 'tracedeck-fleet-'));
});

afterAll(async () => {
  await Promise.all(servers.map((s) => s.dispose()));
  if (work) rmSync(work, { recursive: true, force: true });
});

async function until<T>(cond: () => T | undefined | null | false, what: string, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = cond();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const snapshotsOf = (s: SourceInfo | undefined) => Number(s?.figures?.snapshots ?? 0);
const lines = (file: string, prefix: string) => readFileSync(file, 'utf8').split('\n').filter((l) => l.startsWith(prefix));

describe('fleet collection', () => {
  it('one source per host of an ssh-config pattern; a restarted host reconnects alone with one gap; pprof per host', async () => {
    const names = ['fleet-a', 'fleet-b', 'fleet-c'];
    const sshConfig = path.join(work, 'ssh_config');
    writeFileSync(
      sshConfig,
      servers.map((s, i) => `Host ${names[i]}\n  HostName ${s.address}\n  Port ${s.port}\n`).join('') + `Host fleet-*\n  User ${servers[0]!.user}\nHost other\n  HostName 127.0.0.9\n`,
    );
    const knownHosts = path.join(work, 'known_hosts');
    writeFileSync(knownHosts, servers.map((s) => formatKnownHostsLine(s.address, s.port, pubKeyBlob(s.hostKeyPub)) + '\n').join(''));
    const host = new Host({
      workerScript: ENGINE_WORKER_TS,
      demoDir: DEMO_DIR,
      ssh: {
        captureDir: path.join(work, 'captures'),
        knownHostsPath: knownHosts,
        sshConfigPath: sshConfig,
        env: { home: work, localUser: servers[0]!.user, sshAuthSock: undefined },
        reloadMinMs: 200,
        backoff: { initialMs: 200, maxMs: 400 },
      },
    });
    let session: SessionInfo = { seq: 0, originEpochNs: null, sources: [] };
    const statuses: CollectionInfo[] = [];
    host.on('session', (s) => (session = s));
    host.on('collection', (c) => statuses.push(c));
    const latest = (id: string) => statuses.filter((s) => s.collectionId === id).at(-1);
    const source = (id: string) => session.sources.find((s) => s.id === id);

    const goroutinePb = Buffer.from(readFixture('scenarios/timewait-storm-go1.27/goroutine.pb.gz'));
    const pprofSrv = http.createServer((req, res) => (req.url === '/debug/pprof/goroutine?debug=0' ? res.end(goroutinePb) : res.writeHead(404).end()));
    await new Promise<void>((r) => pprofSrv.listen(0, '127.0.0.1', r));
    const pprofPort = (pprofSrv.address() as net.AddressInfo).port;
    try {
      await expect(host.handle('startFleetCollection', { hosts: ['nomatch-*'], keyPath: servers[0]!.clientKey })).rejects.toThrow(/"nomatch-\*" matches no Host name/);
      const { fleetId, collections, failed } = await host.handle('startFleetCollection', {
        hosts: ['fleet-*'],
        keyPath: servers[0]!.clientKey,
        useAgent: false,
        intervalMs: 200,
      });
      expect(failed).toEqual([]);
      expect(collections.map((c) => c.host)).toEqual(names);
      expect(new Set(collections.map((c) => c.sourceId)).size).toBe(3);
      for (const c of collections) {
        await until(() => snapshotsOf(source(c.sourceId)) >= 2, `2 snapshots from ${c.host}`);
        expect(latest(c.collectionId)).toMatchObject({ fleetId, state: 'connected', target: expect.stringContaining(servers[names.indexOf(c.host)]!.address) });
      }
      const [a, b, c] = collections as [typeof collections[0], typeof collections[0], typeof collections[0]];
      // One collection: its hosts' live sources carry the same fleet (the timeline groups their lanes
      // under it, lane-groups.ts), named as asked, each still naming its own host.
      const origins = collections.map((m) => source(m.sourceId)!.origin);
      expect(origins.map((o) => (o.type === 'ssh' ? [o.host, o.fleet?.name] : null))).toEqual(servers.map((s) => [s.address, 'fleet-*']));
      const keys = new Set(origins.map((o) => (o.type === 'ssh' ? o.fleet?.key : undefined)));
      expect(keys.size).toBe(1);
      expect([...keys][0]).toMatch(/\/f\d+$/);

      // fleet-b's server dies: it alone goes to reconnecting; the others keep collecting.
      await servers[1]!.kill();
      await until(() => latest(b.collectionId)?.state === 'reconnecting', 'fleet-b reconnecting');
      const aBefore = latest(a.collectionId)!.snapshots;
      const cBefore = latest(c.collectionId)!.snapshots;
      await until(() => latest(a.collectionId)!.snapshots >= aBefore + 2 && latest(c.collectionId)!.snapshots >= cBefore + 2, 'a and c go on');
      expect([a, c].map((m) => latest(m.collectionId)!.state)).toEqual(['connected', 'connected']);

      // pprof from the whole fleet while b is down: a source per connected host, b says why not.
      const { results } = await host.handle('fetchPprofFleet', { fleetId, kind: 'goroutine', port: pprofPort });
      expect(results.map((r) => [r.host, r.sourceId !== undefined, r.error ?? ''])).toEqual([
        ['fleet-a', true, ''],
        ['fleet-b', false, expect.stringContaining('fleet-b is not connected')],
        ['fleet-c', true, ''],
      ]);
      await host.store.settled();
      const totals = expectedFigures()['scenarios/timewait-storm-go1.27/goroutine.pb.gz']!.totals;
      for (const r of results.filter((x) => x.sourceId)) expect(host.store.snapshot().sources.find((s) => s.id === r.sourceId)?.figures?.totals).toEqual(totals);
      // The fetched profiles belong to the same collection as the captures (one lane group).
      for (const r of results.filter((x) => x.sourceId)) {
        const o = host.store.snapshot().sources.find((s) => s.id === r.sourceId)!.origin;
        expect(o.type === 'ssh' ? o.fleet?.key : undefined).toBe([...keys][0]);
      }

      await servers[1]!.start();
      await until(() => latest(b.collectionId)?.state === 'connected', 'fleet-b reconnected');
      const bAfter = latest(b.collectionId)!.snapshots;
      await until(() => latest(b.collectionId)!.snapshots >= bAfter + 2, 'fleet-b collects again');

      expect(await host.handle('stopFleet', { fleetId })).toEqual({ ok: true });
      expect(collections.map((m) => latest(m.collectionId)).map((s) => [s?.state, s?.running])).toEqual([
        ['stopped', false],
        ['stopped', false],
        ['stopped', false],
      ]);
      await host.store.settled();
      // Nothing received is lost: every source holds every snapshot of its file; only b has a gap.
      for (const m of collections) {
        const info = latest(m.collectionId)!;
        const headers = lines(info.capturePath, '### ss-snapshot ').length;
        expect(headers).toBe(info.snapshots);
        expect(snapshotsOf(host.store.snapshot().sources.find((s) => s.id === m.sourceId))).toBe(headers);
        expect(lines(info.capturePath, '### gap ')).toHaveLength(m === b ? 1 : 0);
      }
      expect(await host.handle('stopFleet', { fleetId: 'f999' })).toEqual({ ok: false });
    } finally {
      pprofSrv.close();
      host.dispose();
    }
  });

  it('validates fleet requests', async () => {
    const host = new Host({ workerScript: ENGINE_WORKER_TS, demoDir: DEMO_DIR });
    try {
      await expect(host.handle('startFleetCollection', { hosts: [] })).rejects.toThrow(/hosts must be 1\.\.200/);
      await expect(host.handle('startFleetCollection', { hosts: ['-oProxyCommand=x'] })).rejects.toThrow(/hosts must be/);
      await expect(host.handle('startFleetCollection', { hosts: ['a'], password: 'x' } as never)).rejects.toThrow(/passwords are not accepted/);
      await expect(host.handle('startFleetCollection', { hosts: ['a'], jump: 'gw;rm' })).rejects.toThrow(/jump must be/);
      await expect(host.handle('stopFleet', { fleetId: 'f1', cancel: 'yes' } as never)).rejects.toThrow(/cancel must be a boolean/);
      await expect(host.handle('fetchPprofFleet', { fleetId: 'f1', kind: 'nope', port: 1 } as never)).rejects.toThrow(/kind must be one of/);
    } finally {
      host.dispose();
    }
  });
});

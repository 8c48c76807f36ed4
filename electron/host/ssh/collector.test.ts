import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SshCollector, ssCommand } from './collector.ts';
import type { CollectorStatus, SshCollectorOptions } from './collector.ts';
import { SshConnectError, openSshConnection } from './connection.ts';
import type { HostKeyPrompt } from './connection.ts';
import { loadSshTarget } from './ssh-config.ts';
import { formatKnownHostsLine } from './known-hosts.ts';
import { createTestSshd, keygen, pubKeyBlob, sshKeygenFingerprint } from './test-sshd.ts';
import { ingestBytes } from '../../../shared/ingest/ingest.ts';
import { summarize } from '../../../shared/query/run-query.ts';
import type { TestSshd } from './test-sshd.ts';

let sshd: TestSshd;
let work: string;
let seq = 0;

beforeAll(async () => {
  sshd = await createTestSshd();
  await sshd.start();
  work = mkdtempSync(path.join(os.tmpdir(), 'tracedeck-collector-'));
});

afterAll(async () => {
  await sshd?.dispose();
  if (work) rmSync(work, { recursive: true, force: true });
});

/** A known_hosts file that already trusts the test server. */
function trustedKnownHosts(): string {
  const file = path.join(work, `known_hosts_${++seq}`);
  writeFileSync(file, formatKnownHostsLine('127.0.0.1', sshd.port, pubKeyBlob(sshd.hostKeyPub)) + '\n');
  return file;
}

interface Run {
  collector: SshCollector;
  events: CollectorStatus[];
  capturePath: string;
  /** Resolves with the first event (seen so far or later) matching pred; rejects after timeoutMs. */
  waitFor(pred: (s: CollectorStatus) => boolean, timeoutMs?: number, what?: string): Promise<CollectorStatus>;
}

function run(over: Partial<SshCollectorOptions> = {}): Run {
  const capturePath = path.join(work, `capture_${++seq}.txt`);
  const collector = new SshCollector({
    target: sshd.target(),
    capturePath,
    intervalMs: 200,
    knownHostsPath: over.knownHostsPath ?? trustedKnownHosts(),
    backoff: { initialMs: 200, maxMs: 1000 },
    ...over,
  });
  const events: CollectorStatus[] = [];
  const waiters: Array<{ pred: (s: CollectorStatus) => boolean; resolve: (s: CollectorStatus) => void }> = [];
  collector.on('status', (s) => {
    events.push(s);
    for (const w of [...waiters]) {
      if (w.pred(s)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(s);
      }
    }
  });
  return {
    collector,
    events,
    capturePath,
    waitFor(pred, timeoutMs = 10_000, what = 'event') {
      const seen = events.find(pred);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const t = setTimeout(() => {
          const i = waiters.indexOf(w);
          if (i >= 0) waiters.splice(i, 1);
          reject(new Error(`timed out waiting for ${what}; events: ${JSON.stringify(events.slice(-8))}; sshd: ${sshd.log().slice(-500)}`));
        }, timeoutMs);
        const w = {
          pred,
          resolve: (s: CollectorStatus) => {
            clearTimeout(t);
            resolve(s);
          },
        };
        waiters.push(w);
      });
    },
  };
}

const HEADER = /^### ss-snapshot (\d+) (\S+)$/;

/** Splits a capture into snapshots: header fields + body lines. */
function snapshotsOf(text: string): Array<{ epochNs: string; host: string; lines: string[] }> {
  const out: Array<{ epochNs: string; host: string; lines: string[] }> = [];
  for (const line of text.split('\n')) {
    const m = HEADER.exec(line);
    if (m) out.push({ epochNs: m[1] ?? '', host: m[2] ?? '', lines: [] });
    else if (line.startsWith('### ')) out.push({ epochNs: '', host: '', lines: [line] });
    else out[out.length - 1]?.lines.push(line);
  }
  return out.filter((s) => s.epochNs !== '');
}

function listen(): Promise<net.Server> {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => resolve(srv));
  });
}

function connect(port: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1', () => resolve(s));
    s.once('error', reject);
  });
}

const isSnapshot = (n: number) => (s: CollectorStatus) => s.type === 'snapshot' && s.count >= n;

describe('ssCommand', () => {
  it('builds only fixed command lines from validated ports', () => {
    expect(ssCommand(true)).toBe('ss -tanoip');
    expect(ssCommand(false, [8080])).toBe(`ss -tanoi '( sport = :8080 or dport = :8080 )'`);
    expect(ssCommand(true, [1, 2])).toBe(`ss -tanoip '( sport = :1 or dport = :1 or sport = :2 or dport = :2 )'`);
    expect(() => ssCommand(true, [0])).toThrow(/invalid port/);
    expect(() => ssCommand(true, [Number('1; rm -rf /')])).toThrow(/invalid port/);
    expect(() => new SshCollector({ target: sshd.target(), capturePath: '/dev/null', pid: -1 })).toThrow(/invalid pid/);
  });
});

describe('SshCollector against a real sshd', () => {
  it('captures framed snapshots while loopback connections open and close, with fd counts', async () => {
    const srv = await listen();
    const srvPort = (srv.address() as net.AddressInfo).port;
    const accepted: net.Socket[] = [];
    srv.on('connection', (s) => accepted.push(s));
    const clients = await Promise.all([connect(srvPort), connect(srvPort), connect(srvPort)]);
    const clientPorts = clients.map((c) => c.localPort);

    const t0 = BigInt(Date.now()) * 1_000_000n;
    const r = run({ filterPorts: [srvPort], pid: process.pid });
    await r.collector.start();
    const connected = await r.waitFor((s) => s.type === 'connected', 10_000, 'connected');
    await r.waitFor(isSnapshot(3), 10_000, '3 snapshots');
    const whileOpen = r.collector.snapshotCount;
    for (const c of clients) c.destroy();
    for (const s of accepted) s.destroy();
    await r.waitFor(isSnapshot(whileOpen + 3), 10_000, '3 more snapshots');
    await r.collector.stop();
    const t1 = BigInt(Date.now()) * 1_000_000n;
    srv.close();

    expect(connected).toMatchObject({ type: 'connected', hostname: os.hostname(), processColumn: true });
    expect(r.events.at(-1)).toEqual({ type: 'stopped', snapshots: r.collector.snapshotCount, cancelled: false });
    expect(r.events.some((e) => e.type === 'error' || e.type === 'disconnected')).toBe(false);

    const text = readFileSync(r.capturePath, 'utf8');
    const snaps = snapshotsOf(text);
    const headerLines = text.split('\n').filter((l) => l.startsWith('### ss-snapshot '));
    expect(headerLines.length).toBe(r.collector.snapshotCount);
    expect(snaps.length).toBe(r.collector.snapshotCount);
    // Header times: local clock, increasing, inside the test's window, about intervalMs apart.
    const times = snaps.map((s) => BigInt(s.epochNs));
    for (let i = 0; i < times.length; i++) {
      expect(times[i]! >= t0 && times[i]! <= t1).toBe(true);
      if (i > 0) expect(Number(times[i]! - times[i - 1]!) / 1e6).toBeGreaterThanOrEqual(150);
    }
    expect(snaps.every((s) => s.host === os.hostname())).toBe(true);
    // Snapshot events report exactly the headers written.
    const eventTimes = r.events.flatMap((e) => (e.type === 'snapshot' ? [e.epochNs] : []));
    expect(eventTimes).toEqual(snaps.map((s) => s.epochNs));

    const estabWith = (lines: string[], port: number) =>
      lines.filter((l) => l.startsWith('ESTAB') && l.includes(`127.0.0.1:${port} `)).length;
    for (const s of snaps.slice(0, whileOpen)) {
      expect(s.lines[0]).toMatch(/^State\s+Recv-Q\s+Send-Q/); // ss's own header line, raw
      // Each connection is seen from both ends: 3 client sockets + 3 accepted sockets.
      expect(estabWith(s.lines, srvPort)).toBe(6);
      for (const p of clientPorts) expect(estabWith(s.lines, p!)).toBe(2);
      expect(s.lines.some((l) => l.includes(`pid=${process.pid},`))).toBe(true); // -p column
    }
    const last = snaps.at(-1)!;
    expect(estabWith(last.lines, srvPort)).toBe(0);
    expect(last.lines.some((l) => l.startsWith('TIME-WAIT'))).toBe(true);
    expect(last.lines.some((l) => l.startsWith('LISTEN') === false && l.includes(`:${srvPort}`))).toBe(true);

    // fd counts of this very process, one per tick, framed as `### fd-count <ns> <host> <pid> <n>`.
    const fdLines = text.split('\n').filter((l) => l.startsWith('### fd-count '));
    expect(fdLines.length).toBe(r.collector.snapshotCount);
    const nowFds = readdirSync(`/proc/${process.pid}/fd`).length;
    for (const l of fdLines) {
      const m = /^### fd-count (\d+) (\S+) (\d+) (\d+)$/.exec(l);
      expect(m?.[3]).toBe(String(process.pid));
      expect(Math.abs(Number(m?.[4]) - nowFds)).toBeLessThan(40);
    }
  });

  it('a wrong key ends in one auth error, not retried', async () => {
    const r = run({ target: sshd.target({ identityFiles: [sshd.wrongKey] }) });
    await r.collector.start();
    await r.waitFor((s) => s.type === 'stopped', 10_000, 'stopped');
    const errors = r.events.filter((e) => e.type === 'error');
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ kind: 'auth' });
    expect((errors[0] as { message: string }).message).toMatch(/authentication failed/);
    expect(r.events.filter((e) => e.type === 'reconnecting' || e.type === 'connecting')).toHaveLength(1);
    expect(readFileSync(r.capturePath, 'utf8')).toBe('');
  });

  it('refuses a changed host key with a message naming the known_hosts line', async () => {
    const other = path.join(work, 'impostor_ed25519');
    keygen(other);
    const kh = path.join(work, 'known_hosts_changed');
    const khText = `# comment\n${formatKnownHostsLine('127.0.0.1', sshd.port, pubKeyBlob(`${other}.pub`))}\n`;
    writeFileSync(kh, khText);
    let asked = 0;
    const r = run({
      knownHostsPath: kh,
      confirmHostKey: async () => {
        asked++;
        return true;
      },
    });
    await r.collector.start();
    await r.waitFor((s) => s.type === 'stopped', 10_000, 'stopped');
    const errors = r.events.filter((e) => e.type === 'error');
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ kind: 'host-key' });
    const msg = (errors[0] as { message: string }).message;
    expect(msg).toContain('HOST KEY HAS CHANGED');
    expect(msg).toContain(`${kh} line 2`);
    expect(msg).toContain(sshKeygenFingerprint(sshd.hostKeyPub));
    expect(asked).toBe(0);
    expect(r.events.some((e) => e.type === 'reconnecting')).toBe(false);
    expect(readFileSync(kh, 'utf8')).toBe(khText); // never rewritten
  });

  it('asks once about an unknown host key with ssh-keygen\'s fingerprint, records it, and a declined key is refused', async () => {
    const kh = path.join(work, 'known_hosts_new');
    const prompts: HostKeyPrompt[] = [];
    const r = run({
      knownHostsPath: kh,
      maxSnapshots: 2,
      confirmHostKey: async (p) => {
        prompts.push(p);
        return true;
      },
    });
    await r.collector.start();
    await r.waitFor((s) => s.type === 'stopped', 10_000, 'stopped');
    expect(prompts).toEqual([
      { host: '127.0.0.1', port: sshd.port, keyType: 'ssh-ed25519', fingerprint: sshKeygenFingerprint(sshd.hostKeyPub), knownKeyTypes: [] },
    ]);
    expect(r.collector.snapshotCount).toBe(2);
    // OpenSSH's own tool finds the line we appended.
    const found = execFileSync('ssh-keygen', ['-F', `[127.0.0.1]:${sshd.port}`, '-f', kh], { encoding: 'utf8' });
    expect(found).toContain(pubKeyBlob(sshd.hostKeyPub).toString('base64'));

    // A second collection with the same known_hosts does not ask again.
    const again = run({ knownHostsPath: kh, maxSnapshots: 1, confirmHostKey: async (p) => (prompts.push(p), true) });
    await again.collector.start();
    await again.waitFor((s) => s.type === 'stopped', 10_000, 'stopped');
    expect(prompts).toHaveLength(1);
    expect(again.collector.snapshotCount).toBe(1);

    // Declined → refused, nothing recorded, not retried.
    const kh2 = path.join(work, 'known_hosts_declined');
    const declined = run({ knownHostsPath: kh2, confirmHostKey: async () => false });
    await declined.collector.start();
    await declined.waitFor((s) => s.type === 'stopped', 10_000, 'stopped');
    expect(declined.events.filter((e) => e.type === 'error')).toEqual([
      expect.objectContaining({ kind: 'host-key', message: expect.stringMatching(/was not accepted/) }),
    ]);
    expect(() => readFileSync(kh2)).toThrow(/ENOENT/);
  });

  it('keeps every received snapshot when sshd dies, writes a gap, and reconnects when it is back', async () => {
    const r = run({ filterPorts: [sshd.port] });
    await r.collector.start();
    await r.waitFor(isSnapshot(3), 10_000, '3 snapshots');
    await sshd.kill();
    const disc = await r.waitFor((s) => s.type === 'disconnected', 10_000, 'disconnected');
    const beforeKill = r.events.flatMap((e) => (e.type === 'snapshot' ? [e.epochNs] : []));
    // While sshd is down the collector keeps trying with growing delays.
    await r.waitFor((s) => s.type === 'reconnecting' && s.attempt >= 2, 10_000, 'second reconnect attempt');
    const fileWhileDown = readFileSync(r.capturePath, 'utf8');
    await sshd.start();
    const nConnected = () => r.events.filter((e) => e.type === 'connected').length;
    await r.waitFor((s) => s.type === 'connected' && nConnected() === 2, 10_000, 'reconnected');
    await r.waitFor(isSnapshot(beforeKill.length + 2), 10_000, '2 snapshots after reconnect');
    await r.collector.stop();

    expect(disc.type === 'disconnected' && disc.reason.length > 0).toBe(true);
    // Nothing received before the drop was lost: on disk already while the server was down.
    // (A snapshot whose output had arrived but whose exit status had not is kept too, without an event.)
    const downSnaps = snapshotsOf(fileWhileDown).map((s) => s.epochNs);
    expect(downSnaps.slice(0, beforeKill.length)).toEqual(beforeKill);
    expect(downSnaps.length - beforeKill.length).toBeLessThanOrEqual(1);
    const gapLines = fileWhileDown.split('\n').filter((l) => l.startsWith('### gap '));
    expect(gapLines).toHaveLength(1);
    expect(gapLines[0]).toMatch(new RegExp(`^### gap \\d+ ${os.hostname().replace(/\./g, '\\.')} \\S.*$`));
    const reconnects = r.events.filter((e) => e.type === 'reconnecting') as Array<{ attempt: number; delayMs: number }>;
    expect(reconnects.slice(0, 3).map((e) => e.delayMs)).toEqual([200, 400, 800].slice(0, Math.min(3, reconnects.length)));

    const text = readFileSync(r.capturePath, 'utf8');
    const lines = text.split('\n');
    const gapAt = lines.findIndex((l) => l.startsWith('### gap '));
    const headersBefore = lines.slice(0, gapAt).filter((l) => l.startsWith('### ss-snapshot ')).length;
    const headersAfter = lines.slice(gapAt).filter((l) => l.startsWith('### ss-snapshot ')).length;
    expect(headersBefore).toBe(downSnaps.length);
    expect(headersAfter).toBe(r.collector.snapshotCount - beforeKill.length);
    expect(headersAfter).toBeGreaterThanOrEqual(2);
    expect(Number(lines[gapAt]!.split(' ')[2])).toBeGreaterThan(Number(beforeKill.at(-1)));
    // Every complete snapshot keeps ss's raw header line.
    for (const s of snapshotsOf(text)) expect(s.lines[0]).toMatch(/^State\s+Recv-Q/);
  });

  it('cancel() while retrying an unreachable host stops at once', async () => {
    const r = run({ target: sshd.target({ port: 1 }), backoff: { initialMs: 5000, maxMs: 5000 } });
    await r.collector.start();
    await r.waitFor((s) => s.type === 'reconnecting', 10_000, 'reconnecting');
    const t = Date.now();
    await r.collector.cancel();
    expect(Date.now() - t).toBeLessThan(1000);
    expect(r.events.at(-1)).toEqual({ type: 'stopped', snapshots: 0, cancelled: true });
    expect(r.events.some((e) => e.type === 'error')).toBe(false);
  });

  it('resolves an ssh config alias and authenticates through ssh-agent; a passphrase key is a clear config error', async () => {
    const sock = path.join(work, 'agent.sock');
    const agent = spawn('ssh-agent', ['-D', '-a', sock], { stdio: 'ignore' });
    try {
      for (let i = 0; i < 100 && !existsSync(sock); i++) await new Promise((r) => setTimeout(r, 20));
      execFileSync('ssh-add', [sshd.clientKey], { env: { ...process.env, SSH_AUTH_SOCK: sock }, stdio: 'ignore' });
      const cfg = path.join(work, 'ssh_config');
      writeFileSync(cfg, `Host testbox\n  HostName 127.0.0.1\n  Port ${sshd.port}\n  User ${sshd.user}\n  IdentityFile ~/missing_key\n`);
      const target = await loadSshTarget({ host: 'testbox' }, cfg, { home: work, localUser: 'nobody', sshAuthSock: sock });
      expect(target).toMatchObject({ host: '127.0.0.1', port: sshd.port, agentSocket: sock, identityFiles: [path.join(work, 'missing_key')] });
      const r = run({ target, maxSnapshots: 1 });
      await r.collector.start();
      await r.waitFor((s) => s.type === 'stopped', 10_000, 'stopped');
      expect(r.collector.snapshotCount).toBe(1);
      expect(r.events.some((e) => e.type === 'error')).toBe(false);
    } finally {
      agent.kill('SIGKILL');
    }

    const locked = path.join(work, 'locked_ed25519');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', 'secret', '-C', '', '-f', locked], { stdio: 'ignore' });
    const err = await openSshConnection(sshd.target({ identityFiles: [locked] }), { knownHostsPath: trustedKnownHosts() }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SshConnectError);
    expect(err).toMatchObject({ kind: 'config', fatal: true });
    expect((err as Error).message).toContain('passphrase-protected; add it to ssh-agent');
  });

  it('falls back to ss -tanoi when ss -p fails on the host', async () => {
    sshd.denyProcessColumn(true);
    try {
      const r = run({ maxSnapshots: 2, filterPorts: [sshd.port] });
      await r.collector.start();
      await r.waitFor((s) => s.type === 'stopped', 10_000, 'stopped');
      expect(r.events.find((e) => e.type === 'connected')).toMatchObject({
        processColumn: false,
        ssCommand: `ss -tanoi '( sport = :${sshd.port} or dport = :${sshd.port} )'`,
      });
      const warning = r.events.find((e) => e.type === 'warning');
      expect(warning).toMatchObject({ message: expect.stringContaining('Operation not permitted') });
      const snaps = snapshotsOf(readFileSync(r.capturePath, 'utf8'));
      expect(snaps).toHaveLength(2);
      for (const s of snaps) {
        expect(s.lines.some((l) => l.startsWith('ESTAB'))).toBe(true);
        expect(s.lines.some((l) => l.includes('users:('))).toBe(false);
      }
    } finally {
      sshd.denyProcessColumn(false);
    }
  });
});

/** Polls until fn() is true or timeoutMs passed; returns the last value. */
async function eventually(fn: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!fn() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  return fn();
}

describe('SshCollector stays bounded against a hostile host (real sshd, fake ss on its PATH)', () => {
  it('a flooding ss is cut at the per-snapshot cap, memory stays bounded, the server process ends, and 3 cuts in a row stop the collection', async () => {
    const cap = 4 * 1024 * 1024;
    const r = run({ maxSnapshotBytes: cap, maxCutsInARow: 3 });
    // Memory of this process, sampled while the host floods: JS heap + Buffers held outside it.
    const mem = () => {
      const m = process.memoryUsage();
      return m.heapUsed + m.arrayBuffers;
    };
    await r.collector.start();
    await r.waitFor(isSnapshot(1), 10_000, 'first real snapshot');
    global.gc?.();
    const base = mem();
    let peak = base;
    const sampler = setInterval(() => (peak = Math.max(peak, mem())), 10);
    sshd.setSsMode('flood');
    try {
      await r.waitFor((s) => s.type === 'stopped', 60_000, 'stopped after 3 cuts');
    } finally {
      clearInterval(sampler);
      sshd.setSsMode('real');
    }
    const dropped = r.events.filter((e) => e.type === 'snapshot-dropped');
    expect(dropped).toHaveLength(3);
    for (const d of dropped) {
      expect(d).toMatchObject({ reason: 'cut', message: expect.stringContaining('ss printed more than 4 MiB') });
      expect((d as { bytes: number }).bytes).toBeLessThanOrEqual(cap);
    }
    const errors = r.events.filter((e) => e.type === 'error');
    expect(errors).toEqual([expect.objectContaining({ kind: 'remote', message: expect.stringContaining('3 times in a row: collection stopped') })]);
    // Stated bound: the flood costs this process less than 64 MiB (cap 4 MiB + the SSH window + write queue).
    expect(peak - base).toBeLessThan(64 * 1024 * 1024);
    // The capture holds the real snapshot and one gap per cut: no partial flood output.
    const text = readFileSync(r.capturePath, 'utf8');
    expect(text.length).toBeLessThan(1024 * 1024);
    expect(text).not.toContain('10.0.0.1:1000');
    expect(text.split('\n').filter((l) => l.startsWith('### gap ') && l.includes('output cut, snapshot dropped'))).toHaveLength(3);
    expect(snapshotsOf(text)).toHaveLength(r.collector.snapshotCount);
    // Nothing of the flood is left running on the server.
    expect(await eventually(() => sshd.processesOfFakeSs().length === 0, 5000)).toBe(true);
  });

  it('a hanging ss is ended on the host by its timeout: the snapshot is dropped with a gap and no process is left behind', async () => {
    const r = run({ commandTimeoutMs: 1500 });
    await r.collector.start();
    await r.waitFor(isSnapshot(1), 10_000, 'first real snapshot');
    sshd.setSsMode('hang');
    let dropped: CollectorStatus;
    try {
      dropped = await r.waitFor((s) => s.type === 'snapshot-dropped', 15_000, 'timed-out snapshot');
      // While it hung, the fake ss was running on the server; the host's `timeout` ended it.
    } finally {
      sshd.setSsMode('real');
    }
    expect(dropped).toMatchObject({ reason: 'timeout', message: expect.stringContaining('did not finish within 2 s and was ended on the host') });
    const before = r.collector.snapshotCount;
    await r.waitFor(isSnapshot(before + 1), 10_000, 'a snapshot after the hang');
    await r.collector.stop();
    // The connection was never given up for it: one connection, no disconnect.
    expect(r.events.filter((e) => e.type === 'connected')).toHaveLength(1);
    expect(r.events.some((e) => e.type === 'disconnected' || e.type === 'error')).toBe(false);
    expect(sshd.processesOfFakeSs()).toEqual([]);
    const text = readFileSync(r.capturePath, 'utf8');
    expect(text.split('\n').filter((l) => l.startsWith('### gap ') && l.includes('snapshot dropped'))).toHaveLength(1);
  });

  it('forged `###` lines in remote output never become framing: the parser sees only the collector\'s snapshots', async () => {
    sshd.setSsMode('forge-framing');
    let r: Run;
    try {
      r = run({ maxSnapshots: 3, filterPorts: [sshd.port] });
      await r.collector.start();
      await r.waitFor((s) => s.type === 'stopped', 10_000, 'stopped');
    } finally {
      sshd.setSsMode('real');
    }
    const text = readFileSync(r.capturePath, 'utf8');
    const framing = text.split('\n').filter((l) => l.startsWith('#'));
    expect(framing).toHaveLength(3);
    expect(framing.every((l) => HEADER.test(l) && l.endsWith(` ${os.hostname()}`))).toBe(true);
    // Kept, escaped: nothing received is lost.
    expect(text.split('\n').filter((l) => l === '\\### ss-snapshot 1000000000000000000 forged')).toHaveLength(3);
    expect(text.split('\n').filter((l) => l === '\\#comment')).toHaveLength(3);
    // The real parser reads 3 snapshots, all from this host, no forged gap.
    const source = await ingestBytes(new Uint8Array(readFileSync(r.capturePath)), {});
    const figures = summarize(source);
    expect(figures).toMatchObject({ snapshots: 3 });
    expect(JSON.stringify(figures)).not.toContain('forged');
  });
});

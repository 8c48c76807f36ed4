/**
 * `tracedeck collect` as a user runs it (a child process through bin/tracedeck.mjs) against three
 * real sshd instances on 127.0.0.2-4 named by an ssh-config pattern: it runs for its duration or
 * until SIGINT, and the files it leaves reopen through the ingest code with the snapshot counts it
 * reported, plus the pprof files it fetched.
 */
import { spawn } from 'node:child_process';
import { appendFileSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectedFigures, readFixture } from '../shared/test-support/fixtures.ts';
import { parseCollectArgs, parseDuration } from './cli-collect.ts';
import type { HostSummary } from './cli-collect.ts';
import { ingestInput } from './host/ingest-input.ts';
import { formatKnownHostsLine } from './host/ssh/known-hosts.ts';
import { createTestSshd, pubKeyBlob } from './host/ssh/test-sshd.ts';
import type { TestSshd } from './host/ssh/test-sshd.ts';
import { PROJECT_ROOT } from './paths.ts';

let servers: TestSshd[] = [];
let work: string;
let pprofSrv: http.Server;
let pprofPort: number;
const pprofUrls = new Set<string>();
const GOROUTINE = 'scenarios/timewait-storm-go1.27/goroutine.pb.gz';

beforeAll(async () => {
  servers = await Promise.all(['127.0.0.2', '127.0.0.3', '127.0.0.4'].map((address) => createTestSshd({ address })));
  await Promise.all(servers.map((s) => s.start()));
  for (const s of servers.slice(1)) appendFileSync(path.join(s.dir, 'authorized_keys'), readFileSync(`${servers[0]!.clientKey}.pub`));
  work = mkdtempSync(path.join(os.tmpdir(), 'tracedeck-cli-collect-'));
  writeFileSync(path.join(work, 'ssh_config'), servers.map((s, i) => `Host node-${i + 1}\n  HostName ${s.address}\n  Port ${s.port}\n  User ${s.user}\n`).join(''));
  writeFileSync(path.join(work, 'known_hosts'), servers.map((s) => `${formatKnownHostsLine(s.address, s.port, pubKeyBlob(s.hostKeyPub))}\n`).join(''));
  const body = Buffer.from(readFixture(GOROUTINE));
  pprofSrv = http.createServer((req, res) => {
    pprofUrls.add(req.url ?? '');
    if (req.url === '/debug/pprof/goroutine?debug=0') res.end(body);
    else res.writeHead(404).end('404 page not found\n');
  });
  await new Promise<void>((r) => pprofSrv.listen(0, '127.0.0.1', r));
  pprofPort = (pprofSrv.address() as net.AddressInfo).port;
});

afterAll(async () => {
  pprofSrv?.close();
  await Promise.all(servers.map((s) => s.dispose()));
  if (work) rmSync(work, { recursive: true, force: true });
});

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `tracedeck collect ARGS`; `interrupt(stderrSoFar)` returning true sends SIGINT once. */
function collect(args: string[], interrupt?: (stderr: string) => boolean): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(PROJECT_ROOT, 'bin', 'tracedeck.mjs'), 'collect', ...args], {
      cwd: work,
      env: { ...process.env, SSH_AUTH_SOCK: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let sent = false;
    const killer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      if (!sent && interrupt?.(stderr)) {
        sent = true;
        child.kill('SIGINT');
      }
    });
    child.on('error', reject);
    child.on('exit', (code) => {
      clearTimeout(killer);
      resolve({ code, stdout, stderr });
    });
  });
}

const common = () => ['node-*', '--interval', '300ms', '--key', servers[0]!.clientKey, '--ssh-config', path.join(work, 'ssh_config'), '--known-hosts', path.join(work, 'known_hosts'), '--json'];

/** Every capture reopens through the ingest code with the count the command reported; returns the counts. */
async function checkReopened(summary: HostSummary[]): Promise<number[]> {
  const counts: number[] = [];
  for (const s of summary) {
    const out = await ingestInput({ path: s.capture });
    expect(out.source.kind).toBe('ss');
    expect(out.figures.snapshots).toBe(s.snapshots);
    expect(readFileSync(s.capture, 'utf8').split('\n').filter((l) => l.startsWith('### ss-snapshot ')).length).toBe(s.snapshots);
    counts.push(s.snapshots);
  }
  return counts;
}

describe('tracedeck collect', () => {
  it('parses durations and arguments, refusing what it cannot do', () => {
    expect([parseDuration('500ms'), parseDuration('1.5s'), parseDuration('10m'), parseDuration('2h'), parseDuration('3')]).toEqual([500, 1500, 600_000, 7_200_000, 3000]);
    expect(() => parseDuration('10 minutes')).toThrow(/bad duration/);
    expect(parseCollectArgs(['a', 'b', '--pprof', '6060', '--profiles', 'block,mutex', '--every=10s', '-J', 'gw'])).toMatchObject({
      hosts: ['a', 'b'],
      intervalMs: 1000,
      jump: 'gw',
      pprof: { port: 6060, profiles: [{ kind: 'block' }, { kind: 'mutex' }], everyMs: 10_000 },
    });
    expect(() => parseCollectArgs([])).toThrow(/at least one HOST/);
    expect(() => parseCollectArgs(['a', '--profiles', 'cpu', '--pprof', '1'])).toThrow(/unknown profile "cpu"/);
    expect(() => parseCollectArgs(['a', '--pprof', '1', '--profiles', 'profile', '--every', '10s'])).toThrow(/at least 30s for profile/);
    expect(parseCollectArgs(['a', '--pprof', '1', '--profiles', 'block:10s,mutex:5s,goroutineleak,trace:2s,custom:/debug/fr?s=1', '--every', '10s']).pprof?.profiles).toEqual([
      { kind: 'block', seconds: 10 },
      { kind: 'mutex', seconds: 5 },
      { kind: 'goroutineleak' },
      { kind: 'trace', seconds: 2 },
      { kind: 'custom', path: '/debug/fr?s=1' },
    ]);
    expect(() => parseCollectArgs(['a', '--pprof', '1', '--profiles', 'block:20s', '--every', '10s'])).toThrow(/at least 20s for block/);
    expect(() => parseCollectArgs(['a', '--profiles', 'custom:/a/../etc'])).toThrow(/must not contain '\.\.'/);
    expect(() => parseCollectArgs(['a', '--profiles', 'custom:debug'])).toThrow(/must start with '\/'/);
    expect(() => parseCollectArgs(['a', '--profiles', 'block:1.5s'])).toThrow(/whole seconds/);
    expect(() => parseCollectArgs(['a', '--password', 'x'])).toThrow(/unknown option --password/);
  });

  it('three hosts for its duration: captures and fetched profiles reopen with the reported figures', async () => {
    const out = path.join(work, 'run-duration');
    const r = await collect([...common(), '--duration', '6s', '--out', out, '--pprof', String(pprofPort), '--profiles', 'goroutine,mutex:1s', '--every', '2s']);
    expect(r.code, r.stderr).toBe(0);
    const summary = JSON.parse(r.stdout) as HostSummary[];
    expect(summary.map((s) => s.host)).toEqual(['node-1', 'node-2', 'node-3']);
    expect(summary.map((s) => s.target)).toEqual(servers.map((s) => `${s.user}@${s.address}:${s.port}`));
    const counts = await checkReopened(summary);
    for (const n of counts) expect(n).toBeGreaterThanOrEqual(10); // 6 s at 300 ms, minus connecting
    // Progress on stderr: each host connected; a 404 endpoint is reported per host and the run goes on.
    for (const h of ['node-1', 'node-2', 'node-3']) expect(r.stderr).toContain(`${h}: connected (`);
    expect(r.stderr).toMatch(/node-1: pprof mutex failed: .*404/);
    // mutex:1s asked Go for its delta over one second.
    expect([...pprofUrls].sort()).toEqual(['/debug/pprof/goroutine?debug=0', '/debug/pprof/mutex?seconds=1']);
    // Profiles: fetched per host every 2 s, each with its provenance, reopening as the same profile.
    const totals = expectedFigures()[GOROUTINE]!.totals;
    for (const s of summary) {
      expect(s.profiles.length).toBeGreaterThanOrEqual(2);
      expect(s.pprofFailures).toBe(s.profiles.length);
      for (const f of s.profiles) {
        expect(path.dirname(f)).toBe(out);
        expect(existsSync(`${f}.provenance.json`)).toBe(true);
        expect((await ingestInput({ path: f })).figures.totals).toEqual(totals);
      }
    }
    expect(readdirSync(out).filter((n) => n.endsWith('.txt'))).toEqual(['node-1.txt', 'node-2.txt', 'node-3.txt']);
  });

  it('Ctrl-C stops cleanly: exit 0, nothing received lost, every file reopens with the reported counts', async () => {
    const out = path.join(work, 'run-sigint');
    let connectedAt = 0;
    const r = await collect([...common(), '--out', out], (stderr) => {
      if (!connectedAt && (stderr.match(/: connected \(/g) ?? []).length === 3) connectedAt = Date.now();
      return connectedAt > 0 && Date.now() - connectedAt > 2500;
    });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('stopping: finishing the snapshots in flight');
    const summary = JSON.parse(r.stdout) as HostSummary[];
    const counts = await checkReopened(summary);
    for (const n of counts) expect(n).toBeGreaterThanOrEqual(3);
    for (const s of summary) {
      expect(s.error).toBeUndefined();
      expect(readFileSync(s.capture, 'utf8').endsWith('\n')).toBe(true);
    }
  });
});

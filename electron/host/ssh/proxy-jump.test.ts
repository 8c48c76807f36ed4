/**
 * ProxyJump against real sshd instances on distinct loopback addresses: the target (127.0.0.3) is
 * reached through a jump host (127.0.0.2), or a chain of two (127.0.0.2 → 127.0.0.4). The target's
 * own `ss` capture proves the path: its SSH connection comes from the jump host's sshd, never from
 * this process.
 */
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_DIR, ENGINE_WORKER_TS } from '../../paths.ts';
import { Host } from '../handlers.ts';
import type { CollectionInfo } from '../../../shared/bridge.ts';
import { SshCollector } from './collector.ts';
import type { CollectorStatus } from './collector.ts';
import type { HostKeyPrompt } from './connection.ts';
import { formatKnownHostsLine } from './known-hosts.ts';
import { loadSshTarget } from './ssh-config.ts';
import type { SshTarget } from './ssh-config.ts';
import { createTestSshd, keygen, pubKeyBlob, sshKeygenFingerprint } from './test-sshd.ts';
import type { TestSshd } from './test-sshd.ts';

let bastion: TestSshd;
let inner: TestSshd;
let target: TestSshd;
let work: string;
let sshConfig: string;
let seq = 0;

beforeAll(async () => {
  [bastion, inner, target] = await Promise.all([
    createTestSshd({ address: '127.0.0.2' }),
    createTestSshd({ address: '127.0.0.4' }),
    createTestSshd({ address: '127.0.0.3' }),
  ]);
  await Promise.all([bastion.start(), inner.start(), target.start()]);
  work = mkdtempSync(path.join(os.tmpdir(), 'tracedeck-jump-'));
  // The hops in the config take their own keys; a -J hop takes the caller's (the target's) key, so the bastion accepts that one too.
  appendFileSync(path.join(bastion.dir, 'authorized_keys'), readFileSync(`${target.clientKey}.pub`));
  sshConfig = path.join(work, 'ssh_config');
  writeFileSync(
    sshConfig,
    [
      'Host bastion',
      `  HostName ${bastion.address}`,
      `  Port ${bastion.port}`,
      `  IdentityFile ${bastion.clientKey}`,
      'Host inner',
      `  HostName ${inner.address}`,
      `  Port ${inner.port}`,
      `  IdentityFile ${inner.clientKey}`,
      'Host target deep',
      `  HostName ${target.address}`,
      `  Port ${target.port}`,
      'Match originalhost deep',
      '  ProxyJump bastion,inner',
      'Host target',
      '  ProxyJump bastion',
      '',
    ].join('\n'),
  );
});

afterAll(async () => {
  await Promise.all([bastion, inner, target].map((s) => s?.dispose()));
  if (work) rmSync(work, { recursive: true, force: true });
});

const line = (s: TestSshd, pub = s.hostKeyPub) => formatKnownHostsLine(s.address, s.port, pubKeyBlob(pub));

function knownHosts(lines: string[]): string {
  const file = path.join(work, `known_hosts_${++seq}`);
  writeFileSync(file, lines.map((l) => `${l}\n`).join(''));
  return file;
}

async function resolve(host: string, jump?: string, port?: number): Promise<SshTarget> {
  return loadSshTarget({ host, port, keyFile: target.clientKey, useAgent: false, ...(jump ? { jump } : {}) }, sshConfig, {
    home: work,
    localUser: target.user,
    sshAuthSock: undefined,
  });
}

/** Runs a collector to its end; returns its events and capture text. */
async function collect(t: SshTarget, kh: string, over: { maxSnapshots?: number; confirmHostKey?: (p: HostKeyPrompt) => Promise<boolean> } = {}) {
  const capturePath = path.join(work, `capture_${++seq}.txt`);
  const collector = new SshCollector({
    target: t,
    capturePath,
    intervalMs: 100,
    knownHostsPath: kh,
    filterPorts: [target.port],
    maxSnapshots: over.maxSnapshots ?? 2,
    backoff: { initialMs: 200, maxMs: 200 },
    confirmHostKey: over.confirmHostKey,
  });
  const events: CollectorStatus[] = [];
  const stopped = new Promise<void>((r) => collector.on('status', (s) => (events.push(s), s.type === 'stopped' && r())));
  await collector.start();
  await Promise.race([stopped, new Promise((_r, rej) => setTimeout(() => rej(new Error(`no stop: ${JSON.stringify(events)}`)), 20_000))]);
  return { events, text: readFileSync(capturePath, 'utf8'), collector };
}

/** Client-side sockets to the target's sshd in a capture: the `users:(…)` of lines whose peer is the target. */
function clientsOfTarget(text: string): string[] {
  const peer = `${target.address}:${target.port}`;
  return text.split('\n').filter((l) => l.startsWith('ESTAB') && l.split(/\s+/)[4] === peer);
}

describe('ProxyJump through real sshd instances', () => {
  it('reaches the target through the bastion: host keys of both hops checked, the target sees the bastion\'s sshd as its client', async () => {
    const t = await resolve('target');
    expect(t.jumps?.map((j) => `${j.host}:${j.port}`)).toEqual([`${bastion.address}:${bastion.port}`]);
    const { events, text, collector } = await collect(t, knownHosts([line(bastion), line(target)]));
    expect(events.filter((e) => e.type === 'error')).toEqual([]);
    expect(collector.snapshotCount).toBe(2);
    const clients = clientsOfTarget(text);
    expect(clients.length).toBeGreaterThanOrEqual(2);
    // Every client of the target's sshd in the capture is an sshd (the jump host's), none is this process.
    expect(clients.every((l) => /users:\(\("sshd",pid=\d+/.test(l))).toBe(true);
    expect(text).not.toContain(`pid=${process.pid},`);
  });

  it('-J user@host:port entries, and a chain of two jump hosts', async () => {
    // Not in the config at all: the target by address, the jump as `ssh -J user@host:port` takes it.
    const viaJ = await resolve(target.address, `${bastion.user}@${bastion.address}:${bastion.port}`, target.port);
    expect(viaJ.jumps).toEqual([expect.objectContaining({ host: bastion.address, port: bastion.port, user: bastion.user, identityFiles: [target.clientKey] })]);
    const r1 = await collect(viaJ, knownHosts([line(bastion), line(target)]), { maxSnapshots: 1 });
    expect(r1.events.filter((e) => e.type === 'error')).toEqual([]);
    expect(r1.collector.snapshotCount).toBe(1);

    const deep = await resolve('deep');
    expect(deep.jumps?.map((j) => j.host)).toEqual([bastion.address, inner.address]);
    const r2 = await collect(deep, knownHosts([line(bastion), line(inner), line(target)]), { maxSnapshots: 1 });
    expect(r2.events.filter((e) => e.type === 'error')).toEqual([]);
    expect(r2.collector.snapshotCount).toBe(1);
    expect(clientsOfTarget(r2.text).every((l) => /users:\(\("sshd"/.test(l))).toBe(true);
  });

  it('a changed host key at the second hop is refused, not retried, and known_hosts is untouched', async () => {
    const impostor = path.join(work, 'impostor_ed25519');
    keygen(impostor);
    const kh = knownHosts([line(bastion), line(target, `${impostor}.pub`)]);
    const before = readFileSync(kh, 'utf8');
    let asked = 0;
    const { events, text } = await collect(await resolve('target'), kh, { confirmHostKey: async () => (asked++, true) });
    const errors = events.filter((e) => e.type === 'error');
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ kind: 'host-key' });
    const msg = (errors[0] as { message: string }).message;
    expect(msg).toContain(`REMOTE HOST KEY HAS CHANGED for [${target.address}]:${target.port}`);
    expect(msg).toContain(sshKeygenFingerprint(target.hostKeyPub));
    expect(asked).toBe(0);
    expect(events.some((e) => e.type === 'reconnecting')).toBe(false);
    expect(text).toBe('');
    expect(readFileSync(kh, 'utf8')).toBe(before);

    // At the first hop: the message names the jump host.
    const kh2 = knownHosts([line(bastion, `${impostor}.pub`), line(target)]);
    const first = await collect(await resolve('target'), kh2);
    expect(first.events.filter((e) => e.type === 'error')).toEqual([
      expect.objectContaining({ kind: 'host-key', message: expect.stringMatching(new RegExp(`^jump host bastion: REMOTE HOST KEY HAS CHANGED for \\[${bastion.address.replace(/\./g, '\\.')}\\]:${bastion.port}`)) }),
    ]);
  });

  it('an unknown key at each hop is asked about once, for that hop', async () => {
    const prompts: HostKeyPrompt[] = [];
    const kh = knownHosts([]);
    const { events, collector } = await collect(await resolve('target'), kh, { maxSnapshots: 1, confirmHostKey: async (p) => (prompts.push(p), true) });
    expect(events.filter((e) => e.type === 'error')).toEqual([]);
    expect(collector.snapshotCount).toBe(1);
    expect(prompts.map((p) => [p.host, p.port, p.fingerprint])).toEqual([
      [bastion.address, bastion.port, sshKeygenFingerprint(bastion.hostKeyPub)],
      [target.address, target.port, sshKeygenFingerprint(target.hostKeyPub)],
    ]);
    expect(readFileSync(kh, 'utf8')).toBe([line(bastion), line(target)].map((l) => `${l}\n`).join(''));
  });

  it('startCollection with a jump list (as the form sends it) reaches the target through the bastion', async () => {
    const kh = knownHosts([line(bastion), line(target)]);
    const host = new Host({
      workerScript: ENGINE_WORKER_TS,
      demoDir: DEMO_DIR,
      ssh: { captureDir: path.join(work, 'host-captures'), knownHostsPath: kh, sshConfigPath: sshConfig, env: { home: work, localUser: target.user, sshAuthSock: undefined }, reloadMinMs: 200 },
    });
    const statuses: CollectionInfo[] = [];
    host.on('collection', (c) => statuses.push(c));
    try {
      const { collectionId } = await host.handle('startCollection', {
        host: target.address,
        port: target.port,
        jump: `${bastion.user}@${bastion.address}:${bastion.port}`,
        keyPath: target.clientKey,
        useAgent: false,
        intervalMs: 200,
      });
      const deadline = Date.now() + 15_000;
      while (!statuses.some((c) => c.snapshots >= 2) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      const last = statuses.at(-1)!;
      expect(last).toMatchObject({ state: 'connected', target: `${target.user}@${target.address}:${target.port} via ${bastion.address}` });
      expect(last.snapshots).toBeGreaterThanOrEqual(2);
      await host.handle('stopCollection', { collectionId });
    } finally {
      host.dispose();
    }
  });
});

import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  HostKeyError,
  addKnownHost,
  checkHostKey,
  checkHostKeyFile,
  fingerprintSha256,
  formatKnownHostsLine,
  hostKeyAlgorithmsPreferring,
  keyTypeOfBlob,
  parseKnownHosts,
} from './known-hosts.ts';
import { keygen, pubKeyBlob, sshKeygenFingerprint } from './test-sshd.ts';

let dir: string;
const keys: Record<string, { pub: string; blob: Buffer; line: string }> = {};

beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'tracedeck-kh-'));
  for (const [name, type] of [
    ['ed', 'ed25519'],
    ['ed2', 'ed25519'],
    ['ec', 'ecdsa'],
    ['rsa', 'rsa'],
  ] as const) {
    const f = path.join(dir, name);
    keygen(f, type);
    const pub = `${f}.pub`;
    const [kt, b64] = readFileSync(pub, 'utf8').trim().split(/\s+/);
    keys[name] = { pub, blob: pubKeyBlob(pub), line: `${kt} ${b64}` };
  }
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const k = (name: string) => keys[name]!;

describe('fingerprints', () => {
  it('equal ssh-keygen -lf for ed25519, ecdsa and rsa keys', () => {
    for (const name of ['ed', 'ec', 'rsa']) {
      expect(fingerprintSha256(k(name).blob)).toBe(sshKeygenFingerprint(k(name).pub));
    }
    expect(keyTypeOfBlob(k('ed').blob)).toBe('ssh-ed25519');
    expect(keyTypeOfBlob(k('ec').blob)).toBe('ecdsa-sha2-nistp256');
    expect(keyTypeOfBlob(k('rsa').blob)).toBe('ssh-rsa');
    expect(() => keyTypeOfBlob(new Uint8Array([0, 0, 0, 99, 1]))).toThrow(/bad type/);
  });
});

describe('checkHostKey', () => {
  it('matches plain names, [host]:port, comma lists, wildcards, and reports the line', () => {
    const text = [
      '# header comment',
      `other.example ${k('ed2').line}`,
      `web1,10.0.0.1,[10.0.0.1]:2222 ${k('ed').line} comment here`,
      `*.corp,!secret.corp ${k('ec').line}`,
      '',
    ].join('\n');
    expect(checkHostKey(text, 'web1', 22, k('ed').blob)).toMatchObject({ status: 'match', line: 3, lookupName: 'web1' });
    expect(checkHostKey(text, '10.0.0.1', 2222, k('ed').blob)).toMatchObject({ status: 'match', line: 3, lookupName: '[10.0.0.1]:2222' });
    // Same host, other port: a different lookup name, so unknown.
    expect(checkHostKey(text, '10.0.0.1', 2200, k('ed').blob).status).toBe('unknown');
    expect(checkHostKey(text, 'a.corp', 22, k('ec').blob)).toMatchObject({ status: 'match', line: 4 });
    expect(checkHostKey(text, 'secret.corp', 22, k('ec').blob).status).toBe('unknown');
    const changed = checkHostKey(text, 'web1', 22, k('ed2').blob);
    expect(changed).toMatchObject({ status: 'mismatch', line: 3, keyType: 'ssh-ed25519', fingerprint: sshKeygenFingerprint(k('ed2').pub) });
    // Known only under another key type: unknown, but the known types are reported.
    expect(checkHostKey(text, 'web1', 22, k('rsa').blob)).toMatchObject({ status: 'unknown', knownKeyTypes: ['ssh-ed25519'] });
  });

  it('matches names hashed by ssh-keygen -H (HMAC-SHA1), and the hashed lines we write', () => {
    const file = path.join(dir, 'kh_hashed');
    writeFileSync(file, `web1 ${k('ed').line}\n[10.0.0.1]:2222 ${k('ec').line}\n`);
    execFileSync('ssh-keygen', ['-H', '-f', file], { stdio: 'ignore' });
    const text = readFileSync(file, 'utf8');
    expect(text).not.toContain('web1');
    expect(parseKnownHosts(text).every((e) => e.hashed !== null)).toBe(true);
    expect(checkHostKey(text, 'web1', 22, k('ed').blob)).toMatchObject({ status: 'match', line: 1 });
    expect(checkHostKey(text, '10.0.0.1', 2222, k('ec').blob)).toMatchObject({ status: 'match', line: 2 });
    expect(checkHostKey(text, 'web1', 22, k('ed2').blob)).toMatchObject({ status: 'mismatch', line: 1 });
    expect(checkHostKey(text, 'web2', 22, k('ed').blob).status).toBe('unknown');

    const ours = formatKnownHostsLine('db', 2022, k('rsa').blob, { hash: true });
    expect(ours).toMatch(/^\|1\|[A-Za-z0-9+/=]{28}\|[A-Za-z0-9+/=]{28} ssh-rsa /);
    expect(checkHostKey(ours, 'db', 2022, k('rsa').blob).status).toBe('match');
    const f2 = path.join(dir, 'kh_ours');
    writeFileSync(f2, ours + '\n');
    expect(execFileSync('ssh-keygen', ['-F', '[db]:2022', '-f', f2], { encoding: 'utf8' })).toContain('ssh-rsa');
  });

  it('treats @revoked as a refusal and ignores @cert-authority and unknown markers', () => {
    const text = [
      `@revoked * ${k('ed2').line}`,
      `@cert-authority web1 ${k('ec').line}`,
      `@bogus web1 ${k('rsa').line}`,
      `web1 ${k('ed').line}`,
    ].join('\n');
    expect(checkHostKey(text, 'web1', 22, k('ed2').blob)).toMatchObject({ status: 'mismatch', revoked: true, line: 1 });
    expect(checkHostKey(text, 'web1', 22, k('ec').blob)).toMatchObject({ status: 'unknown', knownKeyTypes: ['ssh-ed25519'] });
    expect(checkHostKey(text, 'web1', 22, k('rsa').blob).status).toBe('unknown');
    expect(checkHostKey(text, 'web1', 22, k('ed').blob)).toMatchObject({ status: 'match', line: 4 });
    const err = new HostKeyError('revoked', checkHostKey(text, 'web1', 22, k('ed2').blob), '/kh');
    expect(err.message).toContain('@revoked at /kh line 1');
  });

  it('skips malformed lines without throwing', () => {
    const text = ['garbage', 'host ssh-ed25519', '|1|bad|hash ssh-ed25519 AAAA', '|1|x ssh-ed25519 AAAA', `web1 ${k('ed').line}`].join('\n');
    expect(parseKnownHosts(text).map((e) => e.line)).toEqual([5]);
    expect(checkHostKey(text, 'web1', 22, k('ed').blob).status).toBe('match');
  });
});

describe('known_hosts files', () => {
  it('appends accepted keys (creating the file, keeping an unterminated last line intact) and OpenSSH finds them', async () => {
    const file = path.join(dir, 'sub', 'known_hosts');
    expect((await checkHostKeyFile(file, 'h', 22, k('ed').blob)).status).toBe('unknown');
    await addKnownHost(file, 'h', 22, k('ed').blob);
    expect((await checkHostKeyFile(file, 'h', 22, k('ed').blob)).status).toBe('match');
    writeFileSync(file, readFileSync(file, 'utf8') + `# no newline at end`);
    await addKnownHost(file, '127.0.0.1', 2222, k('ec').blob);
    const lines = readFileSync(file, 'utf8').split('\n');
    expect(lines).toEqual([`h ${k('ed').line}`, '# no newline at end', `[127.0.0.1]:2222 ${k('ec').line}`, '']);
    expect(execFileSync('ssh-keygen', ['-F', '[127.0.0.1]:2222', '-f', file], { encoding: 'utf8' })).toContain('ecdsa-sha2-nistp256');
  });

  it('orders host-key algorithms so a known type is negotiated first', () => {
    expect(hostKeyAlgorithmsPreferring([])).toBeUndefined();
    expect(hostKeyAlgorithmsPreferring(['ssh-rsa'])?.slice(0, 3)).toEqual(['rsa-sha2-512', 'rsa-sha2-256', 'ssh-ed25519']);
    expect(hostKeyAlgorithmsPreferring(['ecdsa-sha2-nistp256'])?.[0]).toBe('ecdsa-sha2-nistp256');
  });
});

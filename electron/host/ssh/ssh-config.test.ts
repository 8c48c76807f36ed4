import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  loadSshConfig,
  loadSshTarget,
  lookupHost,
  matchPattern,
  matchPatternList,
  parseSshConfig,
  resolveSshTarget,
} from './ssh-config.ts';
import type { SshEnv } from './ssh-config.ts';

const env: SshEnv = { home: '/home/ana', localUser: 'ana', sshAuthSock: '/tmp/agent.sock' };

const CONFIG = `
# global defaults come last in a real file; this one is first on purpose
ServerAliveInterval 7

Host prod-*  !prod-legacy
    HostName %h.internal.example.com
    User deploy
    IdentityFile ~/.ssh/prod_ed25519
    Port 2200

Host prod-db?
    Port 2201
    User dbadmin
    IdentityFile %d/.ssh/db_%r_%h

Host bastion
  HostName=10.0.0.5
  Port = 2022
  IdentityFile "~/.ssh/my key"
  IdentitiesOnly yes
  ProxyJump jump.example.com

Match host foo exec "true"
  User matched

Host *
    User fallback
    IdentityAgent none
    UserKnownHostsFile ~/.ssh/known_hosts_work
`;

describe('ssh config patterns', () => {
  it('matches * and ? like ssh, case-insensitively', () => {
    expect(matchPattern('prod-web', 'prod-*')).toBe(true);
    expect(matchPattern('prod-', 'prod-*')).toBe(true);
    expect(matchPattern('PROD-web', 'prod-*')).toBe(true);
    expect(matchPattern('prod-db1', 'prod-db?')).toBe(true);
    expect(matchPattern('prod-db12', 'prod-db?')).toBe(false);
    expect(matchPattern('a.b.c', '*.c')).toBe(true);
    expect(matchPattern('abcabd', '*abd')).toBe(true);
    expect(matchPattern('x', '')).toBe(false);
    expect(matchPattern('', '*')).toBe(true);
    expect(matchPatternList('prod-legacy', ['prod-*', '!prod-legacy'])).toBe(false);
    expect(matchPatternList('prod-web', ['prod-*', '!prod-legacy'])).toBe(true);
    expect(matchPatternList('x', ['!y'])).toBe(false); // negation alone never matches
  });
});

describe('resolveSshTarget', () => {
  const cfg = parseSshConfig(CONFIG);

  it('applies the first value per option and accumulates IdentityFile, with token expansion', () => {
    const t = resolveSshTarget({ host: 'prod-db1' }, cfg, env);
    expect(t).toMatchObject({
      alias: 'prod-db1',
      host: 'prod-db1.internal.example.com',
      port: 2200, // `Host prod-*` comes first, so its Port wins over `Host prod-db?`
      user: 'deploy',
      agentSocket: undefined, // IdentityAgent none from `Host *`
      knownHostsFile: '/home/ana/.ssh/known_hosts_work',
      keepaliveIntervalMs: 7000,
    });
    expect(t.identityFiles).toEqual([
      '/home/ana/.ssh/prod_ed25519',
      '/home/ana/.ssh/db_deploy_prod-db1.internal.example.com',
    ]);
  });

  it('honours negated patterns and falls through to Host *', () => {
    const t = resolveSshTarget({ host: 'prod-legacy' }, cfg, env);
    expect(t).toMatchObject({ host: 'prod-legacy', port: 22, user: 'fallback' });
    expect(t.identityFiles).toEqual(['/home/ana/.ssh/id_ed25519', '/home/ana/.ssh/id_ecdsa', '/home/ana/.ssh/id_rsa']);
  });

  it('parses key=value, quoted values, and warns about what it does not support', () => {
    const t = resolveSshTarget({ host: 'bastion' }, cfg, env);
    expect(t).toMatchObject({ host: '10.0.0.5', port: 2022, user: 'fallback', agentSocket: undefined });
    expect(t.identityFiles).toEqual(['/home/ana/.ssh/my key']);
    expect(t.warnings.some((w) => /ProxyJump is not supported/.test(w))).toBe(true);
    expect(t.warnings.some((w) => /Match blocks are not evaluated/.test(w))).toBe(true);
    // The Match block's User is never applied.
    expect(resolveSshTarget({ host: 'foo' }, cfg, env).user).toBe('fallback');
  });

  it('explicit settings beat the file; user@host; agent from SSH_AUTH_SOCK unless a key is given', () => {
    const plain = parseSshConfig('Host db\n  User cfguser\n  Port 2000\n');
    const t = resolveSshTarget({ host: 'root@db', port: 2222 }, plain, env);
    expect(t).toMatchObject({ host: 'db', port: 2222, user: 'root', agentSocket: '/tmp/agent.sock', explicitKeyFile: false });
    const k = resolveSshTarget({ host: 'db', user: 'x', keyFile: '/keys/id' }, plain, env);
    expect(k).toMatchObject({ user: 'x', port: 2000, identityFiles: ['/keys/id'], agentSocket: undefined, explicitKeyFile: true });
    expect(resolveSshTarget({ host: 'db', useAgent: false }, plain, env).agentSocket).toBeUndefined();
    expect(resolveSshTarget({ host: 'other' }, plain, { ...env, sshAuthSock: undefined }).agentSocket).toBeUndefined();
    expect(() => resolveSshTarget({ host: 'bad host' }, plain, env)).toThrow(/invalid host/);
    expect(() => resolveSshTarget({ host: 'db', port: 70000 }, plain, env)).toThrow(/invalid port/);
  });

  it('lookupHost reports bad values and unparsable lines instead of using them', () => {
    const c = parseSshConfig('Port banana\n!!!\nHost a\n  Port 99999\n');
    const o = lookupHost(c, 'a');
    expect(o.port).toBeUndefined();
    expect(o.warnings).toEqual(['line 2: cannot parse "!!!"', 'line 1: bad Port "banana"']);
  });
});

describe('loadSshConfig', () => {
  it('reads a file and treats a missing one as empty', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'tracedeck-sshcfg-'));
    try {
      const file = path.join(dir, 'config');
      writeFileSync(file, 'Host box\n  HostName 192.0.2.7\n  User ops\n  IdentityFile ~/k\n');
      const t = await loadSshTarget({ host: 'box' }, file, env);
      expect(t).toMatchObject({ host: '192.0.2.7', user: 'ops', identityFiles: ['/home/ana/k'] });
      expect(await loadSshConfig(path.join(dir, 'nope'))).toEqual({ blocks: [], warnings: [] });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

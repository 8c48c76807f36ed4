import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
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

  it('parses key=value, quoted values, follows ProxyJump, and refuses Match exec', () => {
    const t = resolveSshTarget({ host: 'bastion' }, cfg, env);
    expect(t).toMatchObject({ host: '10.0.0.5', port: 2022, user: 'fallback', agentSocket: undefined });
    expect(t.identityFiles).toEqual(['/home/ana/.ssh/my key']);
    expect(t.jumps).toEqual([expect.objectContaining({ alias: 'jump.example.com', host: 'jump.example.com', port: 22, user: 'fallback', jumps: [] })]);
    expect(t.warnings).toContain('line 23: Match exec runs a shell command: refused, its block never applies');
    // The Match exec block's User is never applied.
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

describe('Match blocks', () => {
  const c = parseSshConfig(`
Host web
  HostName web.internal
Match host *.internal user deploy
  Port 2201
Match originalhost web !localuser root
  IdentityFile ~/.ssh/web_key
Match host web.internal
  User deploy
Match user deploy
  ServerAliveInterval 9
Match localuser ana all
  ConnectTimeout 4
Match canonical host x
  User never
`);

  it('tests HostName and User as obtained so far, the typed name, the local user, and negation', () => {
    // `Match host … user deploy` comes before User is set: only an explicit user makes it apply.
    const plain = resolveSshTarget({ host: 'web' }, c, env);
    expect(plain).toMatchObject({ host: 'web.internal', port: 22, user: 'deploy', keepaliveIntervalMs: 9000, connectTimeoutMs: 4000 });
    expect(plain.identityFiles).toEqual(['/home/ana/.ssh/web_key']);
    expect(resolveSshTarget({ host: 'deploy@web' }, c, env).port).toBe(2201);
    // As root locally, the negated localuser criterion fails: no web_key; other hosts match nothing host-based.
    expect(resolveSshTarget({ host: 'web' }, c, { ...env, localUser: 'root' }).identityFiles).toEqual(['/home/ana/.ssh/id_ed25519', '/home/ana/.ssh/id_ecdsa', '/home/ana/.ssh/id_rsa']);
    expect(resolveSshTarget({ host: 'db' }, c, env)).toMatchObject({ host: 'db', user: 'ana', connectTimeoutMs: 4000 });
    expect(plain.warnings).toEqual(['line 14: Match canonical is not evaluated: its block never applies']);
  });
});

describe('ProxyJump and -J', () => {
  const c = parseSshConfig(`
Host target
  HostName 10.1.0.7
  ProxyJump ops@bastion:2222,inner
Host bastion
  HostName bastion.example.com
  IdentityFile ~/.ssh/bastion_key
  ProxyJump edge
Host inner
  ProxyJump ignored-because-not-first
Host loop1
  ProxyJump loop2
Host loop2
  ProxyJump loop1
Host legacy
  ProxyCommand ssh -W %h:%p gw
  ProxyJump never-used
  LocalCommand echo hi
`);

  it('flattens a chain: the first hop\'s own ProxyJump first, each hop resolved through the config', () => {
    const t = resolveSshTarget({ host: 'target', keyFile: '/keys/id' }, c, env);
    expect(t.jumps?.map((j) => `${j.user}@${j.host}:${j.port}`)).toEqual(['ana@edge:22', 'ops@bastion.example.com:2222', 'ana@inner:22']);
    // A bastion with its own IdentityFile uses it; others take the caller's key.
    expect(t.jumps?.map((j) => j.identityFiles)).toEqual([['/keys/id'], ['/home/ana/.ssh/bastion_key'], ['/keys/id']]);
    expect(t.jumps?.every((j) => (j.jumps ?? []).length === 0)).toBe(true);
    expect(t).toMatchObject({ host: '10.1.0.7', identityFiles: ['/keys/id'] });
  });

  it('-J beats the config; user@host:port, [v6]:port and ssh:// entries; none turns it off', () => {
    const t = resolveSshTarget({ host: 'target', jump: 'me@[::1]:2200,ssh://x@h2:23' }, c, env);
    expect(t.jumps?.map((j) => `${j.user}@${j.host}:${j.port}`)).toEqual(['me@::1:2200', 'x@h2:23']);
    expect(resolveSshTarget({ host: 'target', jump: 'none' }, c, env).jumps).toEqual([]);
    expect(() => resolveSshTarget({ host: 'target', jump: 'a,,b' }, c, env)).toThrow(/invalid jump host list/);
    expect(() => resolveSshTarget({ host: 'target', jump: 'h:99999' }, c, env)).toThrow(/invalid port in jump host/);
    expect(() => resolveSshTarget({ host: 'target', jump: '-oProxyCommand=x' }, c, env)).toThrow(/invalid jump host/);
  });

  it('a loop in the config is an error; ProxyCommand and LocalCommand are refused and never run', () => {
    expect(() => resolveSshTarget({ host: 'loop1' }, c, env)).toThrow(/longer than 8 hops/);
    const t = resolveSshTarget({ host: 'legacy' }, c, env);
    expect(t.jumps).toEqual([]); // ProxyCommand came first: ProxyJump is not obtained
    expect(t.warnings).toEqual([
      'line 16: ProxyCommand runs a shell command: refused (connecting without it; ProxyJump is supported)',
      'line 18: LocalCommand runs a shell command: refused, never run',
    ]);
  });
});

describe('loadSshConfig', () => {
  it('reads Include files (globs, relative to ~/.ssh, inside a Host block only when it applies)', async () => {
    const home = mkdtempSync(path.join(os.tmpdir(), 'tracedeck-sshinc-'));
    try {
      mkdirSync(path.join(home, '.ssh', 'conf.d'), { recursive: true });
      writeFileSync(path.join(home, '.ssh', 'conf.d', '10-fleet.conf'), 'Host web-*\n  User fleet\n  ProxyJump gw\n');
      writeFileSync(path.join(home, '.ssh', 'conf.d', '20-db.conf'), 'Host db\n  Port 5022\nInclude nested.conf\n');
      writeFileSync(path.join(home, '.ssh', 'nested.conf'), 'Host db\n  User dba\n');
      writeFileSync(path.join(home, '.ssh', 'only-staging.conf'), 'Port 7022\n!!!\n');
      const file = path.join(home, '.ssh', 'config');
      writeFileSync(file, 'Include conf.d/*.conf ~/.ssh/missing.conf\nHost *.staging\n  Include only-staging.conf\n  User stager\n');
      const e = { ...env, home };
      expect(await loadSshTarget({ host: 'web-1' }, file, e)).toMatchObject({ user: 'fleet', jumps: [expect.objectContaining({ host: 'gw' })] });
      expect(await loadSshTarget({ host: 'db' }, file, e)).toMatchObject({ port: 5022, user: 'dba' });
      const staging = await loadSshTarget({ host: 'a.staging' }, file, e);
      expect(staging).toMatchObject({ port: 7022, user: 'stager' });
      expect(staging.warnings).toEqual([`${path.join(home, '.ssh', 'only-staging.conf')} line 2: cannot parse "!!!"`]);
      expect(await loadSshTarget({ host: 'web-1' }, file, e)).toMatchObject({ port: 22, warnings: [] });
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });


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

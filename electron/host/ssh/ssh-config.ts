/**
 * Connection settings for the SSH collector: what the user typed (an alias, maybe `user@alias`)
 * resolved through ~/.ssh/config the way `ssh` does it.
 *
 * Supported keywords: Host (patterns with `*`, `?`, `!` negation; several per line), HostName (`%h`,
 * `%%`), Port, User, IdentityFile (`~`, `%d %u %h %r %p %l %%`; cumulative, as in ssh),
 * IdentityAgent, IdentitiesOnly, UserKnownHostsFile, ConnectTimeout, ServerAliveInterval,
 * ServerAliveCountMax. For every other option the first obtained value wins, as in ssh.
 * Not supported (reported as warnings, never silently used): Match (its block is skipped, except
 * `Match all`), Include, ProxyJump, ProxyCommand.
 */
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

/** One `Host` block (or the implicit block before the first `Host`). */
export interface SshConfigBlock {
  /** Patterns of the `Host` line; `['*']` for the implicit leading block. null: a `Match` block we do not evaluate. */
  patterns: string[] | null;
  /** Keyword (lower-cased) → argument lists, in file order (a keyword may repeat). */
  options: Array<{ key: string; args: string[]; line: number }>;
  line: number;
}

export interface ParsedSshConfig {
  blocks: SshConfigBlock[];
  warnings: string[];
}

/** Options that apply to one alias after first-match-wins (IdentityFile accumulates). */
export interface SshHostOptions {
  hostName?: string;
  port?: number;
  user?: string;
  identityFiles: string[];
  identityAgent?: string;
  identitiesOnly?: boolean;
  userKnownHostsFile?: string;
  connectTimeoutSec?: number;
  serverAliveIntervalSec?: number;
  serverAliveCountMax?: number;
  warnings: string[];
}

/** What the caller asks for; explicit fields beat the config file, as ssh's command line does. */
export interface SshTargetInput {
  /** An alias from ~/.ssh/config, a hostname or an IP; `user@host` is accepted. */
  host: string;
  port?: number;
  user?: string;
  /** Use this private key file instead of the config's IdentityFile entries. */
  keyFile?: string;
  /** false: never use ssh-agent even if SSH_AUTH_SOCK is set. Default true. */
  useAgent?: boolean;
}

export interface SshEnv {
  home: string;
  localUser: string;
  /** SSH_AUTH_SOCK of the environment, if any. */
  sshAuthSock?: string | undefined;
}

/** Fully resolved settings the connection code uses. */
export interface SshTarget {
  /** The name the user typed (after stripping `user@`); what Host patterns were matched against. */
  alias: string;
  /** The host to connect to (HostName, or the alias) and to look up in known_hosts. */
  host: string;
  port: number;
  user: string;
  /** Private key files to try, in order (explicit keyFile only, when given). */
  identityFiles: string[];
  /** True when identityFiles is the caller's keyFile: a missing file is then an error, not skipped. */
  explicitKeyFile: boolean;
  /** ssh-agent socket to try first, or undefined for none. */
  agentSocket: string | undefined;
  /** known_hosts path from the config (UserKnownHostsFile), if set. */
  knownHostsFile: string | undefined;
  connectTimeoutMs: number | undefined;
  keepaliveIntervalMs: number | undefined;
  keepaliveCountMax: number | undefined;
  warnings: string[];
}

const DEFAULT_IDENTITY_FILES = ['~/.ssh/id_ed25519', '~/.ssh/id_ecdsa', '~/.ssh/id_rsa'];

/** Splits an argument string into words; double quotes group words (ssh's argv_split, simplified). */
function splitArgs(s: string): string[] {
  const out: string[] = [];
  let cur = '';
  let inWord = false;
  let quoted = false;
  for (const ch of s) {
    if (quoted) {
      if (ch === '"') quoted = false;
      else cur += ch;
      continue;
    }
    if (ch === '"') {
      quoted = true;
      inWord = true;
    } else if (ch === ' ' || ch === '\t') {
      if (inWord) out.push(cur);
      cur = '';
      inWord = false;
    } else {
      cur += ch;
      inWord = true;
    }
  }
  if (inWord) out.push(cur);
  return out;
}

/** Pure parse of ssh_config text into blocks. Never throws. */
export function parseSshConfig(text: string): ParsedSshConfig {
  const blocks: SshConfigBlock[] = [{ patterns: ['*'], options: [], line: 0 }];
  const warnings: string[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const lineNo = i + 1;
    const raw = (lines[i] ?? '').trim();
    if (raw === '' || raw.startsWith('#')) continue;
    // `Keyword value`, `Keyword=value` or `Keyword = value`.
    const m = /^([A-Za-z][A-Za-z0-9]*)\s*(?:=\s*|\s+)(.*)$/.exec(raw);
    if (!m) {
      warnings.push(`line ${lineNo}: cannot parse "${raw}"`);
      continue;
    }
    const key = (m[1] ?? '').toLowerCase();
    const args = splitArgs(m[2] ?? '');
    if (key === 'host') {
      blocks.push({ patterns: args, options: [], line: lineNo });
    } else if (key === 'match') {
      const all = args.length === 1 && args[0]?.toLowerCase() === 'all';
      if (!all) warnings.push(`line ${lineNo}: Match blocks are not evaluated; its options are ignored`);
      blocks.push({ patterns: all ? ['*'] : null, options: [], line: lineNo });
    } else {
      const cur = blocks[blocks.length - 1];
      if (cur) cur.options.push({ key, args, line: lineNo });
    }
  }
  return { blocks, warnings };
}

/** ssh wildcard match: `*` any run, `?` one character; case-insensitive as ssh lowercases host names. */
export function matchPattern(name: string, pattern: string): boolean {
  const s = name.toLowerCase();
  const p = pattern.toLowerCase();
  // Iterative glob with single backtrack point; linear-ish and no regex injection.
  let si = 0;
  let pi = 0;
  let starP = -1;
  let starS = 0;
  while (si < s.length) {
    const pc = p[pi];
    if (pc === '?' || (pc !== undefined && pc !== '*' && pc === s[si])) {
      si++;
      pi++;
    } else if (pc === '*') {
      starP = pi++;
      starS = si;
    } else if (starP >= 0) {
      pi = starP + 1;
      si = ++starS;
    } else {
      return false;
    }
  }
  while (p[pi] === '*') pi++;
  return pi === p.length;
}

/** A pattern list matches when some positive pattern matches and no `!negated` one does. */
export function matchPatternList(name: string, patterns: readonly string[]): boolean {
  let matched = false;
  for (const pat of patterns) {
    if (pat.startsWith('!')) {
      if (matchPattern(name, pat.slice(1))) return false;
    } else if (matchPattern(name, pat)) {
      matched = true;
    }
  }
  return matched;
}

const UNSUPPORTED = new Map([
  ['include', 'Include is not supported; put the host in the main config file'],
  ['proxyjump', 'ProxyJump is not supported; connect to a host reachable directly'],
  ['proxycommand', 'ProxyCommand is not supported; connect to a host reachable directly'],
]);

/** Options for one alias: the first value obtained for each keyword wins; IdentityFile accumulates. */
export function lookupHost(config: ParsedSshConfig, alias: string): SshHostOptions {
  const out: SshHostOptions = { identityFiles: [], warnings: [...config.warnings] };
  const seen = new Set<string>();
  for (const block of config.blocks) {
    if (block.patterns === null || !matchPatternList(alias, block.patterns)) continue;
    for (const { key, args, line } of block.options) {
      const first = args[0];
      if (first === undefined) continue;
      const unsupported = UNSUPPORTED.get(key);
      if (unsupported) {
        if (!(key === 'proxyjump' || key === 'proxycommand') || first.toLowerCase() !== 'none') {
          out.warnings.push(`line ${line}: ${unsupported}`);
        }
        continue;
      }
      if (key === 'identityfile') {
        out.identityFiles.push(first);
        continue;
      }
      if (seen.has(key)) continue;
      seen.add(key);
      switch (key) {
        case 'hostname':
          out.hostName = first;
          break;
        case 'port': {
          const n = Number(first);
          if (Number.isInteger(n) && n > 0 && n < 65536) out.port = n;
          else out.warnings.push(`line ${line}: bad Port "${first}"`);
          break;
        }
        case 'user':
          out.user = first;
          break;
        case 'identityagent':
          out.identityAgent = first;
          break;
        case 'identitiesonly':
          out.identitiesOnly = first.toLowerCase() === 'yes';
          break;
        case 'userknownhostsfile':
          out.userKnownHostsFile = first;
          break;
        case 'connecttimeout':
          if (Number(first) > 0) out.connectTimeoutSec = Number(first);
          break;
        case 'serveraliveinterval':
          if (Number(first) >= 0) out.serverAliveIntervalSec = Number(first);
          break;
        case 'serveralivecountmax':
          if (Number(first) > 0) out.serverAliveCountMax = Number(first);
          break;
        default:
          break; // options we do not use are ignored, as they do not change where we connect
      }
    }
  }
  return out;
}

interface Tokens {
  home: string;
  localUser: string;
  host: string;
  remoteUser: string;
  port: number;
  alias: string;
}

/** Expands `~` and ssh's `%` tokens in a path-like value. */
export function expandPath(value: string, t: Tokens): string {
  let v = value;
  if (v === '~') v = t.home;
  else if (v.startsWith('~/')) v = t.home + v.slice(1);
  return v.replace(/%([%dhrupnlC])/g, (_m, c: string) => {
    switch (c) {
      case '%':
        return '%';
      case 'd':
        return t.home;
      case 'h':
        return t.host;
      case 'r':
        return t.remoteUser;
      case 'u':
        return t.localUser;
      case 'p':
        return String(t.port);
      case 'n':
        return t.alias;
      case 'l':
        return os.hostname();
      default:
        return `%${c}`;
    }
  });
}

/** Pure: combines the caller's input, the config's options for the alias and the environment. */
export function resolveSshTarget(input: SshTargetInput, config: ParsedSshConfig, env: SshEnv): SshTarget {
  let alias = input.host.trim();
  let userFromHost: string | undefined;
  const at = alias.lastIndexOf('@');
  if (at > 0) {
    userFromHost = alias.slice(0, at);
    alias = alias.slice(at + 1);
  }
  if (alias === '' || /[\s/\\]/.test(alias)) throw new Error(`invalid host "${input.host}"`);
  const opts = lookupHost(config, alias);
  const host = opts.hostName ? opts.hostName.replace(/%([%h])/g, (_m, c: string) => (c === '%' ? '%' : alias)) : alias;
  const port = input.port ?? opts.port ?? 22;
  if (!Number.isInteger(port) || port <= 0 || port > 65535) throw new Error(`invalid port ${port}`);
  const user = input.user ?? userFromHost ?? opts.user ?? env.localUser;
  const tokens: Tokens = { home: env.home, localUser: env.localUser, host, remoteUser: user, port, alias };

  const files = input.keyFile
    ? [input.keyFile]
    : opts.identityFiles.length > 0
      ? opts.identityFiles
      : DEFAULT_IDENTITY_FILES;
  const identityFiles = files.map((f) => path.resolve(env.home, expandPath(f, tokens)));

  let agentSocket: string | undefined = env.sshAuthSock || undefined;
  if (opts.identityAgent !== undefined) {
    const ia = opts.identityAgent;
    if (ia.toLowerCase() === 'none') agentSocket = undefined;
    else if (ia !== 'SSH_AUTH_SOCK') agentSocket = expandPath(ia, tokens);
  }
  // An explicit key file or IdentitiesOnly means "this key", so the agent's keys are not offered.
  if (input.useAgent === false || input.keyFile !== undefined || opts.identitiesOnly) agentSocket = undefined;

  return {
    alias,
    host,
    port,
    user,
    identityFiles,
    explicitKeyFile: input.keyFile !== undefined,
    agentSocket,
    knownHostsFile: opts.userKnownHostsFile ? expandPath(opts.userKnownHostsFile, tokens) : undefined,
    connectTimeoutMs: opts.connectTimeoutSec !== undefined ? opts.connectTimeoutSec * 1000 : undefined,
    keepaliveIntervalMs: opts.serverAliveIntervalSec !== undefined ? opts.serverAliveIntervalSec * 1000 : undefined,
    keepaliveCountMax: opts.serverAliveCountMax,
    warnings: opts.warnings,
  };
}

/** The process environment as SshEnv. */
export function processSshEnv(): SshEnv {
  return {
    home: os.homedir(),
    localUser: process.env.USER || os.userInfo().username,
    sshAuthSock: process.env.SSH_AUTH_SOCK,
  };
}

/** Reads and parses an ssh config file; a missing file is an empty config. */
export async function loadSshConfig(filePath: string = path.join(os.homedir(), '.ssh', 'config')): Promise<ParsedSshConfig> {
  try {
    return parseSshConfig(await readFile(filePath, 'utf8'));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { blocks: [], warnings: [] };
    throw err;
  }
}

/** Loader + resolver in one call (tests pass a temp config path and env). */
export async function loadSshTarget(
  input: SshTargetInput,
  configPath?: string,
  env: SshEnv = processSshEnv(),
): Promise<SshTarget> {
  return resolveSshTarget(input, await loadSshConfig(configPath), env);
}

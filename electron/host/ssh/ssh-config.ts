/**
 * Connection settings for the SSH collector: what the user typed (an alias, maybe `user@alias`)
 * resolved through ~/.ssh/config the way `ssh` does it.
 *
 * Supported keywords: Host (patterns with `*`, `?`, `!` negation; several per line), Match (`all`,
 * `host`, `originalhost`, `user`, `localuser`, each negatable with `!`, pattern lists with commas),
 * Include (globs; relative paths from ~/.ssh; nested up to 16 deep, inside a Host/Match block only
 * when that block applies), HostName (`%h`, `%%`), Port, User, IdentityFile (`~`, `%d %u %h %r %p %l
 * %%`; cumulative, as in ssh), IdentityAgent, IdentitiesOnly, UserKnownHostsFile, ConnectTimeout,
 * ServerAliveInterval, ServerAliveCountMax, ProxyJump (chains, `[user@]host[:port]` entries; each
 * hop resolved through this config too, the first hop's own ProxyJump included). For every other
 * option the first obtained value wins, as in ssh.
 * Refused (reported as warnings, never run): ProxyCommand, LocalCommand and `Match exec` run shell
 * commands on this machine; a `Match exec` block (and one with a criterion we do not evaluate) never
 * applies.
 */
import { readFile, readdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

/** One criterion of a `Match` line; `patterns` is the comma list it takes (empty for `all`). */
export interface MatchCriterion {
  negate: boolean;
  kind: 'all' | 'host' | 'originalhost' | 'user' | 'localuser';
  patterns: string[];
}

/** One `Host` or `Match` block (or the implicit block before the first of them). */
export interface SshConfigBlock {
  /** Patterns of the `Host` line; `['*']` for the implicit leading block; null for a `Match` block. */
  patterns: string[] | null;
  /** A `Match` block's criteria (all must hold). */
  match?: MatchCriterion[];
  /** Set when a `Match` block can never apply here (`exec`, or a criterion we do not evaluate). */
  refused?: string;
  /** Keyword (lower-cased) → argument lists, in file order (a keyword may repeat). `Include` carries its loaded files. */
  options: Array<{ key: string; args: string[]; line: number; included?: ParsedSshConfig[] }>;
  line: number;
}

export interface ParsedSshConfig {
  blocks: SshConfigBlock[];
  warnings: string[];
  /** The file it was read from (names included files in warnings). */
  file?: string;
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
  /** ProxyJump as written (`none` included). */
  proxyJump?: string;
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
  /** Jump hosts as `ssh -J` takes them (`[user@]host[:port]`, comma-separated, or `none`); beats the config's ProxyJump. */
  jump?: string;
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
  /**
   * Hosts to pass through, in order (ProxyJump): the first is connected to directly, each next one
   * (and finally this target) through a forwarded channel of the one before. Each hop's host key is
   * checked on its own. Hops have no jumps of their own (already flattened here).
   */
  jumps?: SshTarget[];
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

const MATCH_KINDS = new Set<MatchCriterion['kind']>(['all', 'host', 'originalhost', 'user', 'localuser']);

/** A `Match` line's criteria, or why the block can never apply. */
function parseMatch(args: string[]): { criteria: MatchCriterion[] } | { refused: string } {
  const criteria: MatchCriterion[] = [];
  for (let i = 0; i < args.length; i++) {
    const word = args[i] ?? '';
    const negate = word.startsWith('!');
    const kind = (negate ? word.slice(1) : word).toLowerCase();
    if (kind === 'exec') return { refused: 'Match exec runs a shell command: refused, its block never applies' };
    if (!MATCH_KINDS.has(kind as MatchCriterion['kind'])) return { refused: `Match ${kind} is not evaluated: its block never applies` };
    if (kind === 'all') {
      criteria.push({ negate, kind: 'all', patterns: [] });
      continue;
    }
    const list = args[++i];
    if (list === undefined) return { refused: `Match ${kind} needs an argument: its block never applies` };
    criteria.push({ negate, kind: kind as MatchCriterion['kind'], patterns: list.split(',').filter((p) => p !== '') });
  }
  if (criteria.length === 0) return { refused: 'Match without criteria: its block never applies' };
  return { criteria };
}

/** Pure parse of ssh_config text into blocks (Include lines are kept; loadSshConfig reads their files). Never throws. */
export function parseSshConfig(text: string, file?: string): ParsedSshConfig {
  const blocks: SshConfigBlock[] = [{ patterns: ['*'], options: [], line: 0 }];
  const warnings: string[] = [];
  const where = (n: number) => (file ? `${file} line ${n}` : `line ${n}`);
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const lineNo = i + 1;
    const raw = (lines[i] ?? '').trim();
    if (raw === '' || raw.startsWith('#')) continue;
    // `Keyword value`, `Keyword=value` or `Keyword = value`.
    const m = /^([A-Za-z][A-Za-z0-9]*)\s*(?:=\s*|\s+)(.*)$/.exec(raw);
    if (!m) {
      warnings.push(`${where(lineNo)}: cannot parse "${raw}"`);
      continue;
    }
    const key = (m[1] ?? '').toLowerCase();
    const args = splitArgs(m[2] ?? '');
    if (key === 'host') {
      blocks.push({ patterns: args, options: [], line: lineNo });
    } else if (key === 'match') {
      const parsed = parseMatch(args);
      if ('refused' in parsed) {
        warnings.push(`${where(lineNo)}: ${parsed.refused}`);
        blocks.push({ patterns: null, refused: parsed.refused, options: [], line: lineNo });
      } else {
        blocks.push({ patterns: null, match: parsed.criteria, options: [], line: lineNo });
      }
    } else {
      const cur = blocks[blocks.length - 1];
      if (cur) cur.options.push({ key, args, line: lineNo });
    }
  }
  return { blocks, warnings, ...(file ? { file } : {}) };
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

/** Keywords that run shell commands on this machine: never run, always said. */
const REFUSED = new Map([
  ['proxycommand', 'ProxyCommand runs a shell command: refused (connecting without it; ProxyJump is supported)'],
  ['localcommand', 'LocalCommand runs a shell command: refused, never run'],
]);

/** Who is being looked up: what `Match` criteria test. */
export interface LookupContext {
  /** The remote user given explicitly (user@host, or the caller's user), before the config's User. */
  user?: string;
  /** This machine's user (the default remote user, and `Match localuser`). */
  localUser?: string;
}

const MAX_INCLUDE_DEPTH = 16;

/**
 * Options for one alias: the first value obtained for each keyword wins; IdentityFile accumulates.
 * `Match host` tests the HostName obtained so far (else the alias), `Match user` the user so far, as
 * ssh does in its single pass.
 */
export function lookupHost(config: ParsedSshConfig, alias: string, ctx: LookupContext = {}): SshHostOptions {
  const out: SshHostOptions = { identityFiles: [], warnings: [] };
  const seen = new Set<string>();
  const localUser = ctx.localUser ?? os.userInfo().username;

  const matches = (c: MatchCriterion): boolean => {
    switch (c.kind) {
      case 'all':
        return true;
      case 'host':
        return matchPatternList(out.hostName ? out.hostName.replace(/%h/g, alias) : alias, c.patterns);
      case 'originalhost':
        return matchPatternList(alias, c.patterns);
      case 'user':
        return matchPatternList(ctx.user ?? out.user ?? localUser, c.patterns);
      case 'localuser':
        return matchPatternList(localUser, c.patterns);
    }
  };
  const applies = (block: SshConfigBlock): boolean => {
    if (block.patterns !== null) return matchPatternList(alias, block.patterns);
    if (!block.match) return false;
    return block.match.every((c) => matches(c) !== c.negate);
  };

  const walk = (cfg: ParsedSshConfig, depth: number) => {
    out.warnings.push(...cfg.warnings);
    const where = (n: number) => (cfg.file && depth > 0 ? `${cfg.file} line ${n}` : `line ${n}`);
    for (const block of cfg.blocks) {
      if (!applies(block)) continue;
      for (const { key, args, line, included } of block.options) {
        const first = args[0];
        if (first === undefined) continue;
        if (key === 'include') {
          if (depth + 1 > MAX_INCLUDE_DEPTH) out.warnings.push(`${where(line)}: Include nested more than ${MAX_INCLUDE_DEPTH} deep: not read`);
          else for (const inc of included ?? []) walk(inc, depth + 1);
          continue;
        }
        const refused = REFUSED.get(key);
        if (refused) {
          if (first.toLowerCase() !== 'none') out.warnings.push(`${where(line)}: ${refused}`);
          // ProxyCommand and ProxyJump exclude each other: the first obtained wins, as in ssh.
          if (key === 'proxycommand') seen.add('proxy');
          continue;
        }
        if (key === 'proxyjump') {
          if (!seen.has('proxy')) out.proxyJump = args.join(',');
          seen.add('proxy');
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
            else out.warnings.push(`${where(line)}: bad Port "${first}"`);
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
  };
  walk(config, 0);
  return out;
}

/** One `-J` / ProxyJump entry. */
export interface JumpHop {
  user?: string;
  host: string;
  port?: number;
}

/** Parses `[user@]host[:port]` entries (comma-separated; `ssh://` URIs and `[v6]:port` accepted) as `ssh -J` does. */
export function parseJumpSpec(spec: string): JumpHop[] {
  const hops: JumpHop[] = [];
  for (const raw of spec.split(',')) {
    let item = raw.trim();
    if (item.toLowerCase().startsWith('ssh://')) item = item.slice(6).replace(/\/$/, '');
    if (item === '') throw new Error(`invalid jump host list "${spec}"`);
    let user: string | undefined;
    const at = item.lastIndexOf('@');
    if (at >= 0) {
      user = item.slice(0, at);
      item = item.slice(at + 1);
      if (user === '') throw new Error(`invalid jump host "${raw.trim()}": empty user`);
    }
    let host = item;
    let portText: string | undefined;
    const v6 = /^\[([^\]]+)\](?::(.*))?$/.exec(item);
    if (v6) {
      host = v6[1] ?? '';
      portText = v6[2];
    } else if (item.split(':').length === 2) {
      [host, portText] = item.split(':') as [string, string];
    }
    if (host === '' || host.startsWith('-') || /[\s/\\]/.test(host)) throw new Error(`invalid jump host "${raw.trim()}"`);
    let port: number | undefined;
    if (portText !== undefined) {
      port = Number(portText);
      if (!Number.isInteger(port) || port <= 0 || port > 65535) throw new Error(`invalid port in jump host "${raw.trim()}"`);
    }
    hops.push({ host, ...(user !== undefined ? { user } : {}), ...(port !== undefined ? { port } : {}) });
  }
  return hops;
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

/** The literal host names of a config's Host lines (no wildcards, no negations), includes included, in file order. */
export function configHostNames(config: ParsedSshConfig): string[] {
  const out: string[] = [];
  const walk = (cfg: ParsedSshConfig) => {
    for (const block of cfg.blocks) {
      if (block.line > 0 && block.patterns) for (const p of block.patterns) if (!/[*?!]/.test(p) && !out.includes(p)) out.push(p);
      for (const opt of block.options) for (const inc of opt.included ?? []) walk(inc);
    }
  };
  walk(config);
  return out;
}

/**
 * A fleet's host list: entries with `*` or `?` stand for every Host name of the config they match
 * (a `user@` prefix carries over); others stay as typed. Duplicates are dropped. Throws when a
 * pattern matches no Host name, naming it.
 */
export function expandHostPatterns(entries: readonly string[], config: ParsedSshConfig): string[] {
  const names = configHostNames(config);
  const out: string[] = [];
  for (const entry of entries) {
    const at = entry.lastIndexOf('@');
    const user = at > 0 ? entry.slice(0, at + 1) : '';
    const host = entry.slice(user.length);
    if (!/[*?]/.test(host)) {
      if (!out.includes(entry)) out.push(entry);
      continue;
    }
    const matched = names.filter((n) => matchPattern(n, host));
    if (matched.length === 0) throw new Error(`"${host}" matches no Host name in the ssh config`);
    for (const n of matched) if (!out.includes(user + n)) out.push(user + n);
  }
  return out;
}

/** At most this many hops in a flattened ProxyJump chain (a loop in the config ends here). */
const MAX_JUMPS = 8;

/** Pure: combines the caller's input, the config's options for the alias and the environment. */
export function resolveSshTarget(input: SshTargetInput, config: ParsedSshConfig, env: SshEnv): SshTarget {
  return resolveHop(input, config, env, 0, false);
}

/**
 * One hop. For a jump host (`jumpHop`), the caller's key file is a fallback: the hop's own
 * IdentityFile entries win when the config has some (a bastion often takes another key).
 */
function resolveHop(input: SshTargetInput, config: ParsedSshConfig, env: SshEnv, depth: number, jumpHop: boolean): SshTarget {
  let alias = input.host.trim();
  let userFromHost: string | undefined;
  const at = alias.lastIndexOf('@');
  if (at > 0) {
    userFromHost = alias.slice(0, at);
    alias = alias.slice(at + 1);
  }
  if (alias === '' || /[\s/\\]/.test(alias)) throw new Error(`invalid host "${input.host}"`);
  const opts = lookupHost(config, alias, { user: input.user ?? userFromHost, localUser: env.localUser });
  const host = opts.hostName ? opts.hostName.replace(/%([%h])/g, (_m, c: string) => (c === '%' ? '%' : alias)) : alias;
  const port = input.port ?? opts.port ?? 22;
  if (!Number.isInteger(port) || port <= 0 || port > 65535) throw new Error(`invalid port ${port}`);
  const user = input.user ?? userFromHost ?? opts.user ?? env.localUser;
  const tokens: Tokens = { home: env.home, localUser: env.localUser, host, remoteUser: user, port, alias };

  const keyFile = jumpHop && opts.identityFiles.length > 0 ? undefined : input.keyFile;
  const files = keyFile ? [keyFile] : opts.identityFiles.length > 0 ? opts.identityFiles : DEFAULT_IDENTITY_FILES;
  const identityFiles = files.map((f) => path.resolve(env.home, expandPath(f, tokens)));

  let agentSocket: string | undefined = env.sshAuthSock || undefined;
  if (opts.identityAgent !== undefined) {
    const ia = opts.identityAgent;
    if (ia.toLowerCase() === 'none') agentSocket = undefined;
    else if (ia !== 'SSH_AUTH_SOCK') agentSocket = expandPath(ia, tokens);
  }
  // An explicit key file or IdentitiesOnly means "this key", so the agent's keys are not offered.
  if (input.useAgent === false || keyFile !== undefined || opts.identitiesOnly) agentSocket = undefined;

  // ProxyJump: each hop resolved through the same config; only the first hop's own ProxyJump
  // applies (ssh reaches hop n+1 through hop n, so later hops' ProxyJump would be ignored there too).
  const jumps: SshTarget[] = [];
  const spec = input.jump ?? opts.proxyJump;
  if (spec !== undefined && spec.trim().toLowerCase() !== 'none') {
    if (depth >= MAX_JUMPS) throw new Error(`ProxyJump chain for ${alias} is longer than ${MAX_JUMPS} hops (a loop in the ssh config?)`);
    const hops = parseJumpSpec(spec);
    hops.forEach((h, i) => {
      const hop = resolveHop(
        { host: h.host, user: h.user, port: h.port, keyFile: input.keyFile, useAgent: input.useAgent, jump: i === 0 ? undefined : 'none' },
        config,
        env,
        depth + 1,
        true,
      );
      jumps.push(...(hop.jumps ?? []), { ...hop, jumps: [] });
    });
    if (jumps.length > MAX_JUMPS) {
      throw new Error(`ProxyJump chain for ${alias} is longer than ${MAX_JUMPS} hops (a loop in the ssh config?)`);
    }
  }

  return {
    alias,
    host,
    port,
    user,
    identityFiles,
    explicitKeyFile: keyFile !== undefined,
    agentSocket,
    knownHostsFile: opts.userKnownHostsFile ? expandPath(opts.userKnownHostsFile, tokens) : undefined,
    connectTimeoutMs: opts.connectTimeoutSec !== undefined ? opts.connectTimeoutSec * 1000 : undefined,
    keepaliveIntervalMs: opts.serverAliveIntervalSec !== undefined ? opts.serverAliveIntervalSec * 1000 : undefined,
    keepaliveCountMax: opts.serverAliveCountMax,
    jumps,
    warnings: [...new Set([...opts.warnings, ...jumps.flatMap((j) => j.warnings)])],
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

/** Paths matching a glob (`*`, `?` in any component), sorted as glob(3) sorts them. */
async function expandGlob(pattern: string): Promise<string[]> {
  if (!/[*?]/.test(pattern)) return [pattern];
  const parts = pattern.split('/');
  let bases = [parts[0] === '' ? '/' : (parts[0] ?? '')];
  for (const part of parts.slice(1)) {
    if (part === '') continue;
    const next: string[] = [];
    for (const base of bases) {
      if (!/[*?]/.test(part)) {
        next.push(path.join(base, part));
        continue;
      }
      let names: string[];
      try {
        names = await readdir(base);
      } catch {
        continue;
      }
      for (const n of names.sort()) if (!(n.startsWith('.') && !part.startsWith('.')) && matchPattern(n, part)) next.push(path.join(base, n));
    }
    bases = next;
  }
  return bases;
}

/** Reads `Include`d files into the parsed config (recursively, up to MAX_INCLUDE_DEPTH). */
async function loadIncludes(cfg: ParsedSshConfig, home: string, depth: number): Promise<void> {
  for (const block of cfg.blocks) {
    for (const opt of block.options) {
      if (opt.key !== 'include') continue;
      opt.included = [];
      if (depth >= MAX_INCLUDE_DEPTH) continue; // lookupHost says so when the block applies
      for (const arg of opt.args) {
        // As ssh does for the user's config: `~` is home, a relative path is under ~/.ssh.
        const expanded = arg === '~' ? home : arg.startsWith('~/') ? path.join(home, arg.slice(2)) : arg;
        const abs = path.isAbsolute(expanded) ? expanded : path.join(home, '.ssh', expanded);
        for (const file of await expandGlob(abs)) {
          let text: string;
          try {
            text = await readFile(file, 'utf8');
          } catch (err) {
            const code = (err as NodeJS.ErrnoException).code;
            // ssh skips a missing include silently; anything else is worth saying.
            if (code !== 'ENOENT') cfg.warnings.push(`Include ${file}: ${code ?? String(err)}`);
            continue;
          }
          const inc = parseSshConfig(text, file);
          await loadIncludes(inc, home, depth + 1);
          opt.included.push(inc);
        }
      }
    }
  }
}

/** Reads and parses an ssh config file with its Includes; a missing file is an empty config. */
export async function loadSshConfig(filePath: string = path.join(os.homedir(), '.ssh', 'config'), home: string = os.homedir()): Promise<ParsedSshConfig> {
  let cfg: ParsedSshConfig;
  try {
    cfg = parseSshConfig(await readFile(filePath, 'utf8'));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { blocks: [], warnings: [] };
    throw err;
  }
  await loadIncludes(cfg, home, 0);
  return cfg;
}

/** Loader + resolver in one call (tests pass a temp config path and env). */
export async function loadSshTarget(
  input: SshTargetInput,
  configPath?: string,
  env: SshEnv = processSshEnv(),
): Promise<SshTarget> {
  return resolveSshTarget(input, await loadSshConfig(configPath, env.home), env);
}

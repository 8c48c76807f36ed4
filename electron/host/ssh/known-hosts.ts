/**
 * known_hosts checking as OpenSSH does it: plain names, `[host]:port`, comma lists with `*`, `?` and
 * `!negation`, hashed `|1|salt|hash` names (HMAC-SHA1 of the looked-up name keyed by the salt), and
 * the `@revoked` marker. `@cert-authority` lines are ignored (we do not accept host certificates).
 *
 * A key is compared by its wire-format blob. Same host + same key type + different key is a
 * mismatch (the key changed); a host known only under other key types is 'unknown' with
 * `knownKeyTypes` filled in, and the connection asks the server for a known type first (see
 * hostKeyAlgorithmsPreferring) so that a downgrade to a new key type cannot slip past the check.
 */
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { appendFile, mkdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { matchPatternList } from './ssh-config.ts';

export type HostKeyStatus = 'match' | 'mismatch' | 'unknown';

export interface KnownHostsEntry {
  /** 1-based line number in the file. */
  line: number;
  marker: 'revoked' | 'cert-authority' | null;
  /** Plain patterns, or null when the host field is hashed. */
  patterns: string[] | null;
  hashed: { salt: Buffer; hash: Buffer } | null;
  keyType: string;
  key: Buffer;
}

export interface HostKeyCheck {
  status: HostKeyStatus;
  /** The name looked up: `host` for port 22, `[host]:port` otherwise. */
  lookupName: string;
  keyType: string;
  /** `SHA256:…` exactly as `ssh-keygen -lf` prints it. */
  fingerprint: string;
  /** The known_hosts line that matched, or (for a mismatch) the line holding the other key. */
  line?: number;
  /** A mismatch because the presented key is listed as @revoked. */
  revoked?: boolean;
  /** Key types this host is known under (for an 'unknown' result: a hint that something changed). */
  knownKeyTypes: string[];
}

/** The name OpenSSH records and looks up for a host and port. */
export function hostKeyLookupName(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`;
}

/** `SHA256:` + unpadded base64 of the SHA-256 of the key blob (ssh-keygen -l's format). */
export function fingerprintSha256(blob: Uint8Array): string {
  return 'SHA256:' + createHash('sha256').update(blob).digest('base64').replace(/=+$/, '');
}

/** The key type name at the start of an SSH wire-format public key blob. */
export function keyTypeOfBlob(blob: Uint8Array): string {
  if (blob.length < 4) throw new Error('host key blob too short');
  const len = ((blob[0] ?? 0) << 24) | ((blob[1] ?? 0) << 16) | ((blob[2] ?? 0) << 8) | (blob[3] ?? 0);
  if (len <= 0 || len > 64 || 4 + len > blob.length) throw new Error('host key blob has a bad type field');
  return Buffer.from(blob.subarray(4, 4 + len)).toString('latin1');
}

/** Pure parse; lines that do not parse are skipped, as ssh skips them. */
export function parseKnownHosts(text: string): KnownHostsEntry[] {
  const out: KnownHostsEntry[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const raw = (lines[i] ?? '').trim();
    if (raw === '' || raw.startsWith('#')) continue;
    const fields = raw.split(/[ \t]+/);
    let marker: KnownHostsEntry['marker'] = null;
    if (fields[0]?.startsWith('@')) {
      const m = fields.shift();
      if (m === '@revoked') marker = 'revoked';
      else if (m === '@cert-authority') marker = 'cert-authority';
      else continue; // unknown marker: ssh ignores the line
    }
    const [hosts, keyType, keyB64] = fields;
    if (!hosts || !keyType || !keyB64) continue;
    const key = Buffer.from(keyB64, 'base64');
    if (key.length === 0) continue;
    let patterns: string[] | null = null;
    let hashed: KnownHostsEntry['hashed'] = null;
    if (hosts.startsWith('|1|')) {
      const parts = hosts.slice(3).split('|');
      if (parts.length !== 2) continue;
      const salt = Buffer.from(parts[0] ?? '', 'base64');
      const hash = Buffer.from(parts[1] ?? '', 'base64');
      if (salt.length !== 20 || hash.length !== 20) continue;
      hashed = { salt, hash };
    } else {
      patterns = hosts.split(',').filter((p) => p !== '');
    }
    out.push({ line: i + 1, marker, patterns, hashed, keyType, key });
  }
  return out;
}

function entryMatchesHost(e: KnownHostsEntry, lookupName: string): boolean {
  if (e.hashed) {
    const h = createHmac('sha1', e.hashed.salt).update(lookupName).digest();
    return h.equals(e.hashed.hash);
  }
  return e.patterns !== null && matchPatternList(lookupName, e.patterns);
}

/** Pure check of a presented host key against known_hosts text. */
export function checkHostKey(knownHostsText: string, host: string, port: number, blob: Uint8Array): HostKeyCheck {
  const lookupName = hostKeyLookupName(host, port);
  const keyType = keyTypeOfBlob(blob);
  const fingerprint = fingerprintSha256(blob);
  const presented = Buffer.from(blob);
  const entries = parseKnownHosts(knownHostsText).filter(
    (e) => e.marker !== 'cert-authority' && entryMatchesHost(e, lookupName),
  );
  const base = { lookupName, keyType, fingerprint };
  const revoked = entries.find((e) => e.marker === 'revoked' && e.key.equals(presented));
  const knownKeyTypes = [...new Set(entries.filter((e) => e.marker === null).map((e) => e.keyType))];
  if (revoked) return { ...base, status: 'mismatch', line: revoked.line, revoked: true, knownKeyTypes };
  const match = entries.find((e) => e.marker === null && e.key.equals(presented));
  if (match) return { ...base, status: 'match', line: match.line, knownKeyTypes };
  const other = entries.find((e) => e.marker === null && e.keyType === keyType);
  if (other) return { ...base, status: 'mismatch', line: other.line, knownKeyTypes };
  return { ...base, status: 'unknown', knownKeyTypes };
}

async function readOrEmpty(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return '';
    throw err;
  }
}

/** checkHostKey against a file; a missing file knows no hosts. */
export async function checkHostKeyFile(file: string, host: string, port: number, blob: Uint8Array): Promise<HostKeyCheck> {
  return checkHostKey(await readOrEmpty(file), host, port, blob);
}

/** Key types known for host:port in the file (to ask the server for one of those first). */
export async function knownKeyTypesForHost(file: string, host: string, port: number): Promise<string[]> {
  const lookupName = hostKeyLookupName(host, port);
  const entries = parseKnownHosts(await readOrEmpty(file));
  return [...new Set(entries.filter((e) => e.marker === null && entryMatchesHost(e, lookupName)).map((e) => e.keyType))];
}

/** ssh2 host-key algorithm names to offer for known key types, in ssh2's default preference. */
const ALGOS_BY_KEY_TYPE: Record<string, string[]> = {
  'ssh-ed25519': ['ssh-ed25519'],
  'ecdsa-sha2-nistp256': ['ecdsa-sha2-nistp256'],
  'ecdsa-sha2-nistp384': ['ecdsa-sha2-nistp384'],
  'ecdsa-sha2-nistp521': ['ecdsa-sha2-nistp521'],
  'ssh-rsa': ['rsa-sha2-512', 'rsa-sha2-256'],
};
const DEFAULT_ALGOS = [
  'ssh-ed25519',
  'ecdsa-sha2-nistp256',
  'ecdsa-sha2-nistp384',
  'ecdsa-sha2-nistp521',
  'rsa-sha2-512',
  'rsa-sha2-256',
];

/** Host-key algorithm list with the known types first (as OpenSSH orders them), or undefined for ssh2's default. */
export function hostKeyAlgorithmsPreferring(knownTypes: readonly string[]): string[] | undefined {
  const first = knownTypes.flatMap((t) => ALGOS_BY_KEY_TYPE[t] ?? []);
  if (first.length === 0) return undefined;
  return [...new Set([...first, ...DEFAULT_ALGOS])];
}

/** One known_hosts line (no newline). `hash: true` writes a `|1|salt|hash` name, as HashKnownHosts does. */
export function formatKnownHostsLine(host: string, port: number, blob: Uint8Array, opts: { hash?: boolean; salt?: Buffer } = {}): string {
  const lookupName = hostKeyLookupName(host, port);
  let name = lookupName;
  if (opts.hash) {
    const salt = opts.salt ?? randomBytes(20);
    const h = createHmac('sha1', salt).update(lookupName).digest();
    name = `|1|${salt.toString('base64')}|${h.toString('base64')}`;
  }
  return `${name} ${keyTypeOfBlob(blob)} ${Buffer.from(blob).toString('base64')}`;
}

/** Appends an accepted key (creating the file 0600 and its folder 0700 if needed). */
export async function addKnownHost(file: string, host: string, port: number, blob: Uint8Array, opts: { hash?: boolean } = {}): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  let prefix = '';
  try {
    const st = await stat(file);
    if (st.size > 0) {
      const text = await readFile(file, 'utf8');
      if (!text.endsWith('\n')) prefix = '\n'; // never glue our line onto an unterminated last line
    }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  await appendFile(file, `${prefix}${formatKnownHostsLine(host, port, blob, opts)}\n`, { mode: 0o600 });
}

/** Thrown when the host key is refused; `kind` tells why. Never retried. */
export class HostKeyError extends Error {
  readonly kind: 'changed' | 'revoked' | 'declined';
  readonly check: HostKeyCheck;
  readonly knownHostsPath: string;
  constructor(kind: 'changed' | 'revoked' | 'declined', check: HostKeyCheck, knownHostsPath: string) {
    super(hostKeyErrorMessage(kind, check, knownHostsPath));
    this.name = 'HostKeyError';
    this.kind = kind;
    this.check = check;
    this.knownHostsPath = knownHostsPath;
  }
}

function hostKeyErrorMessage(kind: HostKeyError['kind'], c: HostKeyCheck, file: string): string {
  const where = `${file} line ${c.line ?? '?'}`;
  switch (kind) {
    case 'changed':
      return (
        `REMOTE HOST KEY HAS CHANGED for ${c.lookupName}: the server presented ${c.keyType} ${c.fingerprint}, ` +
        `but ${where} holds a different ${c.keyType} key. Someone could be intercepting the connection, ` +
        `or the host was reinstalled. Connection refused; if the change is expected, remove ${where} and connect again.`
      );
    case 'revoked':
      return `Host key ${c.keyType} ${c.fingerprint} of ${c.lookupName} is marked @revoked at ${where}. Connection refused.`;
    case 'declined':
      return `Host key ${c.keyType} ${c.fingerprint} of ${c.lookupName} was not accepted. Connection refused.`;
  }
}

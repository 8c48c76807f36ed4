/**
 * Opens one authenticated ssh2 connection: agent first, then the identity files (as ssh orders
 * them); the host key checked against known_hosts before any credential is sent, an unknown key
 * confirmed by the caller (once) and appended, a changed or revoked key refused.
 */
import { readFile, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import ssh2 from 'ssh2';
import type { AuthMethod, Client, ConnectConfig } from 'ssh2';
import type { SshTarget } from './ssh-config.ts';
import {
  HostKeyError,
  addKnownHost,
  checkHostKeyFile,
  hostKeyAlgorithmsPreferring,
  knownKeyTypesForHost,
} from './known-hosts.ts';

export interface HostKeyPrompt {
  host: string;
  port: number;
  keyType: string;
  /** `SHA256:…` as `ssh-keygen -lf` prints it. */
  fingerprint: string;
  /** Key types known_hosts already holds for this host (non-empty means: the host changed key type). */
  knownKeyTypes: string[];
}

/** Asked when the host is not in known_hosts; true accepts (and records) the key. */
export type ConfirmHostKey = (prompt: HostKeyPrompt) => Promise<boolean>;

export type SshErrorKind = 'auth' | 'host-key' | 'config' | 'network' | 'timeout' | 'cancelled';

/** A connection failure; `fatal` ones (auth, host key, config) must not be retried. */
export class SshConnectError extends Error {
  readonly kind: SshErrorKind;
  readonly fatal: boolean;
  constructor(kind: SshErrorKind, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SshConnectError';
    this.kind = kind;
    this.fatal = kind === 'auth' || kind === 'host-key' || kind === 'config';
  }
}

export interface ConnectOptions {
  /** Default: the config's UserKnownHostsFile, else ~/.ssh/known_hosts. */
  knownHostsPath?: string;
  /** Without it, unknown host keys are refused. */
  confirmHostKey?: ConfirmHostKey;
  /** Write accepted keys with hashed names (HashKnownHosts yes). Default false. */
  hashKnownHosts?: boolean;
  /**
   * Keys accepted in this session (lookup name → blob, base64): a collector shares one map across
   * reconnects so the user is asked once even if known_hosts could not be written.
   */
  acceptedKeys?: Map<string, string>;
  /** Handshake + auth timeout, not counting time spent in confirmHostKey. Default 15 s. */
  connectTimeoutMs?: number;
  /** SSH-level keepalive so a silently dead peer is noticed. Default 5 s × 3. */
  keepaliveIntervalMs?: number;
  keepaliveCountMax?: number;
  signal?: AbortSignal;
  /** Non-fatal notes (unreadable key files, agent errors, known_hosts write failure). */
  onWarning?: (message: string) => void;
}

// ssh2 is CommonJS: Node's ESM loader cannot see its named exports, so take them off the default.
const { Client: SshClient, utils } = ssh2;

export function defaultKnownHostsPath(target?: SshTarget): string {
  return target?.knownHostsFile ?? path.join(os.homedir(), '.ssh', 'known_hosts');
}

async function buildAuthList(target: SshTarget, warn: (m: string) => void): Promise<AuthMethod[]> {
  const list: AuthMethod[] = [];
  if (target.agentSocket) {
    try {
      await stat(target.agentSocket);
      list.push({ type: 'agent', username: target.user, agent: target.agentSocket } as AuthMethod);
    } catch {
      warn(`ssh-agent socket ${target.agentSocket} not found; not using the agent`);
    }
  }
  for (const file of target.identityFiles) {
    let data: Buffer;
    try {
      data = await readFile(file);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (target.explicitKeyFile) throw new SshConnectError('config', `cannot read key file ${file}: ${code ?? String(err)}`);
      if (code !== 'ENOENT') warn(`cannot read key file ${file}: ${code ?? String(err)}`);
      continue;
    }
    const parsed = utils.parseKey(data);
    const key = Array.isArray(parsed) ? parsed[0] : parsed;
    if (key === undefined || key instanceof Error || !key.isPrivateKey()) {
      const why = key instanceof Error ? key.message : 'not a private key';
      const msg = /encrypted|passphrase/i.test(why)
        ? `key file ${file} is passphrase-protected; add it to ssh-agent (ssh-add) instead`
        : `key file ${file} cannot be used: ${why}`;
      if (target.explicitKeyFile) throw new SshConnectError('config', msg);
      warn(msg);
      continue;
    }
    list.push({ type: 'publickey', username: target.user, key } as AuthMethod);
  }
  if (list.length === 0) {
    throw new SshConnectError(
      'config',
      `no usable credentials for ${target.user}@${target.host}: no ssh-agent (SSH_AUTH_SOCK) and no readable key file (${target.identityFiles.join(', ')})`,
    );
  }
  return list;
}

/**
 * Connects and authenticates, through the target's jump hosts when it has some (ProxyJump): the
 * first hop directly, each next hop over a `direct-tcpip` channel of the one before (ssh2's
 * forwardOut, handed to the next Client as its `sock`). Every hop is a full SSH connection with its
 * own host-key check against known_hosts and its own credentials; nothing is decrypted on a jump
 * host. Closing the returned client closes the hops; a hop going away closes the client.
 * Rejects with SshConnectError (naming the hop that failed).
 */
export async function openSshConnection(target: SshTarget, opts: ConnectOptions = {}): Promise<Client> {
  const hops = [...(target.jumps ?? []), target];
  const opened: Client[] = [];
  try {
    for (const [i, hop] of hops.entries()) {
      const prev = opened[i - 1];
      const via = prev ? (hops[i - 1] as SshTarget) : undefined;
      const sock = prev && via ? await forwardThrough(prev, via, hop) : undefined;
      opened.push(await connectHop(hop, opts, sock, i < hops.length - 1 ? `jump host ${hop.alias}` : undefined));
    }
  } catch (err) {
    for (const c of opened.reverse()) c.destroy();
    throw err;
  }
  const client = opened[opened.length - 1] as Client;
  const jumps = opened.slice(0, -1);
  if (jumps.length > 0) {
    client.once('close', () => {
      for (const j of [...jumps].reverse()) j.destroy();
    });
    for (const j of jumps) {
      j.on('error', () => {}); // a hop's late error shows as the client's close
      j.once('close', () => client.destroy());
    }
  }
  return client;
}

/** A `direct-tcpip` channel from `via` to hop's host:port: the next hop's transport. */
function forwardThrough(via: Client, viaTarget: SshTarget, hop: SshTarget): Promise<NonNullable<ConnectConfig['sock']>> {
  return new Promise((resolve, reject) => {
    via.forwardOut('127.0.0.1', 0, hop.host, hop.port, (err, stream) => {
      if (err) {
        return reject(
          new SshConnectError('network', `jump host ${viaTarget.alias} could not reach ${hop.host}:${hop.port}: ${err.message}`, { cause: err }),
        );
      }
      resolve(stream as unknown as NonNullable<ConnectConfig['sock']>);
    });
  });
}

/** One SSH connection (to a jump host when `hopLabel` is set), over `sock` when given. */
async function connectHop(target: SshTarget, opts: ConnectOptions, sock: ConnectConfig['sock'] | undefined, hopLabel: string | undefined): Promise<Client> {
  try {
    return await connectOne(target, opts, sock);
  } catch (err) {
    if (hopLabel && err instanceof SshConnectError && err.kind !== 'cancelled') {
      throw new SshConnectError(err.kind, `${hopLabel}: ${err.message}`, { cause: err });
    }
    throw err;
  }
}

async function connectOne(target: SshTarget, opts: ConnectOptions, sock: ConnectConfig['sock'] | undefined): Promise<Client> {
  const warn = opts.onWarning ?? (() => {});
  const knownHostsPath = opts.knownHostsPath ?? defaultKnownHostsPath(target);
  if (opts.signal?.aborted) throw new SshConnectError('cancelled', 'cancelled');
  const authHandler = await buildAuthList(target, warn);
  const serverHostKey = hostKeyAlgorithmsPreferring(await knownKeyTypesForHost(knownHostsPath, target.host, target.port));
  const timeoutMs = opts.connectTimeoutMs ?? target.connectTimeoutMs ?? 15_000;

  return new Promise<Client>((resolve, reject) => {
    const client = new SshClient();
    let settled = false;
    let hostKeyError: HostKeyError | undefined;
    let timer: NodeJS.Timeout | undefined;

    const finish = (err: SshConnectError | null) => {
      if (settled) return;
      settled = true;
      if (timer) clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onAbort);
      if (err) {
        client.removeAllListeners('ready');
        client.on('error', () => {}); // late errors of a discarded client must not crash the process
        client.destroy();
        reject(err);
      } else {
        resolve(client);
      }
    };
    const armTimer = () => {
      timer = setTimeout(
        () => finish(new SshConnectError('timeout', `timed out after ${timeoutMs} ms connecting to ${target.host}:${target.port}`)),
        timeoutMs,
      );
    };
    const onAbort = () => finish(new SshConnectError('cancelled', 'cancelled'));
    opts.signal?.addEventListener('abort', onAbort, { once: true });

    const hostVerifier = (key: Buffer, verify: (ok: boolean) => void): void => {
      void (async () => {
        const check = await checkHostKeyFile(knownHostsPath, target.host, target.port, key);
        if (check.status === 'match') return verify(true);
        if (check.status === 'mismatch') {
          hostKeyError = new HostKeyError(check.revoked ? 'revoked' : 'changed', check, knownHostsPath);
          return verify(false);
        }
        const b64 = key.toString('base64');
        if (opts.acceptedKeys?.get(check.lookupName) === b64) return verify(true);
        if (!opts.confirmHostKey) {
          hostKeyError = new HostKeyError('declined', check, knownHostsPath);
          hostKeyError.message += ` ${check.lookupName} is not in ${knownHostsPath} and nobody was asked to confirm it.`;
          return verify(false);
        }
        // The user may take a while to decide: that time does not count against the timeout.
        if (timer) clearTimeout(timer);
        let ok = false;
        try {
          ok = await opts.confirmHostKey({
            host: target.host,
            port: target.port,
            keyType: check.keyType,
            fingerprint: check.fingerprint,
            knownKeyTypes: check.knownKeyTypes,
          });
        } catch (err) {
          warn(`host key confirmation failed: ${String(err)}`);
        }
        if (settled) return;
        armTimer();
        if (!ok) {
          hostKeyError = new HostKeyError('declined', check, knownHostsPath);
          return verify(false);
        }
        opts.acceptedKeys?.set(check.lookupName, b64);
        try {
          await addKnownHost(knownHostsPath, target.host, target.port, key, { hash: opts.hashKnownHosts ?? false });
        } catch (err) {
          warn(`accepted host key could not be saved to ${knownHostsPath}: ${String(err)}`);
        }
        verify(true);
      })().catch((err: unknown) => {
        warn(`host key check failed: ${String(err)}`);
        verify(false);
      });
    };

    client.on('ready', () => finish(null));
    client.on('error', (err: Error & { level?: string }) => {
      if (err.level === 'agent') {
        warn(`ssh-agent: ${err.message}`);
        return;
      }
      if (hostKeyError) return finish(new SshConnectError('host-key', hostKeyError.message, { cause: hostKeyError }));
      if (err.level === 'client-authentication') {
        return finish(new SshConnectError('auth', `authentication failed for ${target.user}@${target.host}:${target.port}: ${err.message}`, { cause: err }));
      }
      if (err.level === 'client-timeout') return finish(new SshConnectError('timeout', err.message, { cause: err }));
      finish(new SshConnectError('network', `${target.host}:${target.port}: ${err.message}`, { cause: err }));
    });
    client.on('close', () => {
      if (hostKeyError) return finish(new SshConnectError('host-key', hostKeyError.message, { cause: hostKeyError }));
      finish(new SshConnectError('network', `connection to ${target.host}:${target.port} closed during handshake`));
    });

    const cfg: ConnectConfig = {
      host: target.host,
      port: target.port,
      username: target.user,
      authHandler,
      hostVerifier: hostVerifier as ConnectConfig['hostVerifier'],
      readyTimeout: 0, // our own timer, paused while the user confirms a host key
      keepaliveInterval: opts.keepaliveIntervalMs ?? target.keepaliveIntervalMs ?? 5_000,
      keepaliveCountMax: opts.keepaliveCountMax ?? target.keepaliveCountMax ?? 3,
      ...(sock ? { sock } : {}),
    };
    if (serverHostKey) cfg.algorithms = { serverHostKey: serverHostKey as never };
    armTimer();
    try {
      client.connect(cfg);
    } catch (err) {
      finish(new SshConnectError('config', `cannot connect: ${String(err)}`, { cause: err }));
    }
  });
}

export interface ExecResult {
  code: number | null;
  signal: string | null;
  stderr: string;
  /** stdout passed maxStdoutBytes: the rest was not read and the channel was closed. */
  cut: boolean;
}

/** stderr kept per command (enough for an error message; a chatty command cannot grow it). */
const MAX_STDERR_CHARS = 4096;

/**
 * Runs one fixed command; stdout chunks go to onStdout as they arrive, up to maxStdoutBytes (the
 * chunk that passes it is handed over only up to the cap, then the channel is closed and the result
 * is `cut`). Rejects when the channel cannot be opened, the connection drops, or timeoutMs passes.
 *
 * Closing a channel does not end a remote command that is not writing (sshd waits for it): the
 * caller wraps commands in `timeout` (see collector.ts) so that the host ends them by itself.
 */
export function execStreaming(
  client: Client,
  command: string,
  onStdout: (chunk: Buffer) => void,
  timeoutMs: number,
  maxStdoutBytes = Infinity,
): Promise<ExecResult> {
  return new Promise<ExecResult>((resolve, reject) => {
    let done = false;
    let stderr = '';
    let code: number | null = null;
    let signal: string | null = null;
    let received = 0;
    let channel: { close(): void } | undefined;
    const closeChannel = () => {
      try {
        channel?.close();
      } catch {
        // the connection is already gone
      }
    };
    const timer = setTimeout(() => fail(new Error(`command timed out after ${timeoutMs} ms: ${command}`)), timeoutMs);
    const fail = (err: Error) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      closeChannel();
      reject(err);
    };
    client.exec(command, (err, stream) => {
      if (err) return fail(err);
      channel = stream;
      if (done) {
        closeChannel();
        return;
      }
      stream.on('data', (chunk: Buffer) => {
        if (done) return;
        const room = maxStdoutBytes - received;
        received += chunk.length;
        if (chunk.length <= room) return onStdout(chunk);
        if (room > 0) onStdout(chunk.subarray(0, room));
        done = true;
        clearTimeout(timer);
        closeChannel();
        resolve({ code: null, signal: null, stderr, cut: true });
      });
      stream.stderr.on('data', (chunk: Buffer) => {
        if (stderr.length < MAX_STDERR_CHARS) stderr += chunk.toString('utf8').slice(0, MAX_STDERR_CHARS - stderr.length);
      });
      stream.on('exit', (c: number | null, s?: string) => {
        code = c;
        signal = s ?? null;
      });
      stream.on('error', (e: Error) => fail(e));
      stream.on('close', () => {
        if (done) return;
        if (code === null && signal === null) return fail(new Error(`connection lost while running: ${command}`));
        done = true;
        clearTimeout(timer);
        resolve({ code, signal, stderr, cut: false });
      });
    });
  });
}

/** Runs a fixed command and collects stdout (at most maxStdoutBytes of it). */
export async function execCollect(client: Client, command: string, timeoutMs: number, maxStdoutBytes = 64 * 1024): Promise<ExecResult & { stdout: string }> {
  const chunks: Buffer[] = [];
  const r = await execStreaming(client, command, (c) => chunks.push(c), timeoutMs, maxStdoutBytes);
  return { ...r, stdout: Buffer.concat(chunks).toString('utf8') };
}

/**
 * Live `ss` socket capture over SSH into a file, in the framing the ss parser reads:
 *
 *   ### ss-snapshot <epoch-ns> <hostname>\n<raw ss output>
 *   ### fd-count <epoch-ns> <hostname> <pid> <count>
 *   ### gap <epoch-ns> <hostname> <reason>
 *
 * Time: epoch nanoseconds from the LOCAL clock at the moment the command is sent (just before the
 * exec channel is requested; one network round trip before ss actually runs). It is Date.now()
 * (ms) taken once per connection, extended by process.hrtime.bigint() for sub-ms resolution and
 * monotonic order within the connection; see EpochClock.
 *
 * Durability: every stdout chunk is appended to the file as it arrives (writes queued in order on
 * one file handle) and the file is fsync'ed after each snapshot, so a crash or disconnect loses
 * nothing already received. A snapshot's header is written with its first received byte, so a
 * command cut off before any output leaves no empty snapshot behind.
 *
 * A `### gap` line is written when a connection drops (once per drop, however many reconnect
 * attempts follow): nothing was observed from its time until the next `### ss-snapshot`. The
 * snapshot just before a gap may be cut short (its output is kept as received).
 *
 * `useProcessColumn`: `ss -p` is tried once per connection; only an error (non-zero exit or
 * stderr output) switches to `ss -tanoi`. A non-root user's `ss -p` does not fail, it just shows
 * `users:(…)` for that user's own processes only.
 *
 * Only fixed commands run: `hostname`, `ss -tanoip` / `ss -tanoi` (with an optional port filter
 * built from validated integers) and `ls /proc/<pid>/fd | wc -l` (pid validated as an integer).
 */
import { EventEmitter } from 'node:events';
import { open } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import type { Client } from 'ssh2';
import type { EpochNsString } from '../../../shared/model/time.ts';
import type { SshTarget } from './ssh-config.ts';
import {
  SshConnectError,
  execCollect,
  execStreaming,
  openSshConnection,
} from './connection.ts';
import type { ConfirmHostKey, SshErrorKind } from './connection.ts';
import { EpochClock } from './epoch-clock.ts';
import { fetchPprof, savePprofResult } from './pprof-over-ssh.ts';
import type { PprofRequest, PprofResult } from './pprof-over-ssh.ts';

export type CollectorStatus =
  | { type: 'connecting'; attempt: number }
  | { type: 'connected'; hostname: string; ssCommand: string; processColumn: boolean }
  | { type: 'snapshot'; count: number; epochNs: EpochNsString; bytes: number; exitCode: number | null }
  | { type: 'fd-count'; pid: number; count: number; epochNs: EpochNsString }
  | { type: 'disconnected'; reason: string }
  | { type: 'reconnecting'; attempt: number; delayMs: number }
  | { type: 'warning'; message: string }
  | { type: 'stopped'; snapshots: number; cancelled: boolean }
  | { type: 'error'; kind: SshErrorKind | 'io' | 'remote'; message: string };

export interface SshCollectorOptions {
  /** Resolved settings (see loadSshTarget in ssh-config.ts). */
  target: SshTarget;
  /** File the capture is appended to (created if missing). */
  capturePath: string;
  /** Time between the starts of two snapshots. Default 1000, minimum 50. */
  intervalMs?: number;
  /** Also count /proc/PID/fd entries each tick. */
  pid?: number;
  /** Try `ss -p` (process column); falls back to no -p when it fails. Default true. */
  useProcessColumn?: boolean;
  /** Only sockets with one of these local or peer ports (ss's own filter). */
  filterPorts?: number[];
  confirmHostKey?: ConfirmHostKey;
  /** Default: the target's UserKnownHostsFile, else ~/.ssh/known_hosts. */
  knownHostsPath?: string;
  hashKnownHosts?: boolean;
  /** Reconnect delays: initialMs doubling up to maxMs. Default 500 → 30000. */
  backoff?: { initialMs?: number; maxMs?: number };
  /** Stop by itself after this many snapshots. */
  maxSnapshots?: number;
  /** A single remote command taking longer than this counts as a dead connection. Default max(15 s, 5 × interval). */
  commandTimeoutMs?: number;
  connectTimeoutMs?: number;
  keepaliveIntervalMs?: number;
  keepaliveCountMax?: number;
}

type State = 'idle' | 'running' | 'stopped';

function validPort(p: number): boolean {
  return Number.isInteger(p) && p > 0 && p < 65536;
}

/** The fixed ss command line. Ports are validated integers, so nothing user-typed reaches the shell. */
export function ssCommand(processColumn: boolean, filterPorts: readonly number[] = []): string {
  const base = processColumn ? 'ss -tanoip' : 'ss -tanoi';
  if (filterPorts.length === 0) return base;
  for (const p of filterPorts) if (!validPort(p)) throw new Error(`invalid port in filter: ${p}`);
  const terms = filterPorts.map((p) => `sport = :${p} or dport = :${p}`).join(' or ');
  return `${base} '( ${terms} )'`;
}

function oneLine(s: string): string {
  return s.replace(/\s+/g, ' ').trim() || 'unknown';
}

const NL = 0x0a;

/** The capture file could not be written: retrying the connection would not help. */
class CaptureWriteError extends Error {}

/** Collects `ss` snapshots from one host into capturePath until stopped. */
export class SshCollector extends EventEmitter<{ status: [CollectorStatus] }> {
  private readonly opts: SshCollectorOptions;
  private readonly intervalMs: number;
  private readonly acceptedKeys = new Map<string, string>();
  private state: State = 'idle';
  private file: FileHandle | undefined;
  private writeChain: Promise<void> = Promise.resolve();
  private writeError: Error | undefined;
  private endsWithNewline = true;
  private client: Client | undefined;
  private hostname: string;
  private snapshots = 0;
  private stopRequested = false;
  private fdWarned = false;
  private cancelled = false;
  /** Aborted by stop()/cancel(): wakes sleeps and the connection attempt. */
  private readonly stopAbort = new AbortController();
  private loopDone: Promise<void> = Promise.resolve();

  constructor(opts: SshCollectorOptions) {
    super();
    this.opts = opts;
    this.intervalMs = Math.max(50, opts.intervalMs ?? 1000);
    this.hostname = opts.target.host;
    if (opts.pid !== undefined && !(Number.isInteger(opts.pid) && opts.pid > 0)) throw new Error(`invalid pid ${opts.pid}`);
    ssCommand(true, opts.filterPorts); // validates the ports up front
  }

  get snapshotCount(): number {
    return this.snapshots;
  }

  get connected(): boolean {
    return this.client !== undefined;
  }

  /** Opens the capture file and starts collecting in the background. */
  async start(): Promise<void> {
    if (this.state !== 'idle') throw new Error('collector already started');
    this.state = 'running';
    this.file = await open(this.opts.capturePath, 'a');
    const st = await this.file.stat();
    if (st.size > 0) {
      // Appending to an existing capture: make sure our first header starts on its own line.
      const last = Buffer.alloc(1);
      await this.file.read(last, 0, 1, st.size - 1);
      this.endsWithNewline = last[0] === NL;
    }
    this.loopDone = this.loop().catch((err: unknown) => {
      this.emitStatus({ type: 'error', kind: 'io', message: String(err) });
    });
  }

  /** Finishes the snapshot in flight, then disconnects and closes the file. */
  async stop(): Promise<void> {
    this.stopRequested = true;
    this.stopAbort.abort();
    await this.loopDone;
  }

  /** Stops at once: the command in flight is dropped (what it already sent stays in the file). */
  async cancel(): Promise<void> {
    this.cancelled = true;
    this.stopRequested = true;
    this.stopAbort.abort();
    this.client?.destroy();
    await this.loopDone;
  }

  /** Fetches a Go pprof endpoint over the current connection (see pprof-over-ssh.ts). */
  async fetchPprof(req: PprofRequest): Promise<PprofResult> {
    if (!this.client) throw new Error('not connected');
    return fetchPprof(this.client, req, { hostLabel: this.hostname });
  }

  /** fetchPprof + write into folder; returns the file path. */
  async fetchPprofToFolder(req: PprofRequest, folder: string): Promise<string> {
    return savePprofResult(await this.fetchPprof(req), folder);
  }

  private emitStatus(s: CollectorStatus): void {
    this.emit('status', s);
  }

  private write(buf: Buffer): void {
    if (buf.length === 0) return;
    this.endsWithNewline = buf[buf.length - 1] === NL;
    const fh = this.file;
    if (!fh) return;
    this.writeChain = this.writeChain.then(async () => {
      if (this.writeError) return;
      try {
        let off = 0;
        while (off < buf.length) off += (await fh.write(buf, off)).bytesWritten;
      } catch (err) {
        this.writeError = err as Error;
      }
    });
  }

  /** Writes a `###` line, first ending any unterminated line so the header starts a line. */
  private writeLine(line: string): void {
    this.write(Buffer.from(`${this.endsWithNewline ? '' : '\n'}${line}\n`, 'utf8'));
  }

  private async flush(): Promise<void> {
    const fh = this.file;
    this.writeChain = this.writeChain.then(async () => {
      if (this.writeError || !fh) return;
      try {
        await fh.sync();
      } catch (err) {
        this.writeError = err as Error;
      }
    });
    await this.writeChain;
    if (this.writeError) throw new CaptureWriteError(`cannot write ${this.opts.capturePath}: ${this.writeError.message}`);
  }

  private sleep(ms: number, extra?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const signals = [this.stopAbort.signal, ...(extra ? [extra] : [])];
      if (signals.some((s) => s.aborted)) return resolve();
      const done = () => {
        clearTimeout(t);
        for (const s of signals) s.removeEventListener('abort', done);
        resolve();
      };
      const t = setTimeout(done, ms);
      for (const s of signals) s.addEventListener('abort', done, { once: true });
    });
  }

  private backoffDelay(attempt: number): number {
    const initial = this.opts.backoff?.initialMs ?? 500;
    const max = this.opts.backoff?.maxMs ?? 30_000;
    return Math.min(max, initial * 2 ** Math.min(attempt - 1, 30));
  }

  private async loop(): Promise<void> {
    let attempt = 0;
    let fatal = false;
    try {
      while (!this.stopRequested) {
        this.emitStatus({ type: 'connecting', attempt });
        let client: Client;
        try {
          client = await openSshConnection(this.opts.target, {
            knownHostsPath: this.opts.knownHostsPath,
            confirmHostKey: this.opts.confirmHostKey,
            hashKnownHosts: this.opts.hashKnownHosts,
            acceptedKeys: this.acceptedKeys,
            connectTimeoutMs: this.opts.connectTimeoutMs,
            keepaliveIntervalMs: this.opts.keepaliveIntervalMs,
            keepaliveCountMax: this.opts.keepaliveCountMax,
            signal: this.stopAbort.signal,
            onWarning: (message) => this.emitStatus({ type: 'warning', message }),
          });
        } catch (err) {
          const e = err instanceof SshConnectError ? err : new SshConnectError('network', String(err));
          if (e.kind === 'cancelled' || this.stopRequested) break;
          if (e.fatal) {
            fatal = true;
            this.emitStatus({ type: 'error', kind: e.kind, message: e.message });
            break;
          }
          attempt++;
          const delayMs = this.backoffDelay(attempt);
          this.emitStatus({ type: 'reconnecting', attempt, delayMs });
          await this.sleep(delayMs);
          continue;
        }
        attempt = 0;
        const reason = await this.session(client);
        if (reason === null) break; // stopped or finished
        if (reason.kind !== 'drop') {
          fatal = true;
          this.emitStatus({ type: 'error', kind: reason.kind, message: reason.message });
          break;
        }
        this.writeLine(`### gap ${new EpochClock().nowNs()} ${this.hostname} ${oneLine(reason.message)}`);
        try {
          await this.flush();
        } catch (err) {
          fatal = true;
          this.emitStatus({ type: 'error', kind: 'io', message: (err as Error).message });
          break;
        }
        this.emitStatus({ type: 'disconnected', reason: reason.message });
        if (this.stopRequested) break;
        attempt = 1;
        const delayMs = this.backoffDelay(attempt);
        this.emitStatus({ type: 'reconnecting', attempt, delayMs });
        await this.sleep(delayMs);
      }
    } finally {
      this.client?.destroy();
      this.client = undefined;
      let ioError: string | undefined;
      try {
        if (!this.endsWithNewline) this.write(Buffer.from('\n'));
        await this.flush();
      } catch (err) {
        ioError = (err as Error).message;
      }
      await this.file?.close().catch(() => {});
      this.file = undefined;
      this.state = 'stopped';
      if (ioError && !fatal) this.emitStatus({ type: 'error', kind: 'io', message: ioError });
      this.emitStatus({ type: 'stopped', snapshots: this.snapshots, cancelled: this.cancelled });
    }
  }

  /**
   * One connected session: ticks until stopped (→ null), the connection drops (→ the reason, to
   * be retried), or something that retrying cannot fix happens (→ 'remote': no usable ss; 'io': the
   * capture file cannot be written).
   */
  private async session(client: Client): Promise<null | { kind: 'drop' | 'remote' | 'io'; message: string }> {
    this.client = client;
    this.fdWarned = false;
    const lost = new AbortController();
    let lostReason = 'connection closed';
    const onClose = () => {
      lost.abort();
    };
    const onError = (err: Error) => {
      lostReason = err.message;
    };
    client.on('error', onError);
    client.on('close', onClose);
    const timeout = this.opts.commandTimeoutMs ?? Math.max(15_000, 5 * this.intervalMs);
    try {
      const clock = new EpochClock();
      const host = await execCollect(client, 'hostname', timeout);
      const name = host.stdout.trim().split(/\s+/)[0];
      if (name) this.hostname = name;

      const cmd = await this.chooseSsCommand(client, timeout);
      if ('error' in cmd) return { kind: 'remote', message: cmd.error };
      this.emitStatus({ type: 'connected', hostname: this.hostname, ssCommand: cmd.command, processColumn: cmd.processColumn });

      while (!this.stopRequested && !lost.signal.aborted) {
        const tickStart = Date.now();
        await this.snapshot(client, cmd.command, clock, timeout);
        if (this.opts.pid !== undefined) await this.fdCount(client, this.opts.pid, clock, timeout);
        if (this.opts.maxSnapshots !== undefined && this.snapshots >= this.opts.maxSnapshots) this.stopRequested = true;
        if (this.stopRequested) break;
        await this.sleep(Math.max(0, tickStart + this.intervalMs - Date.now()), lost.signal);
      }
      if (lost.signal.aborted && !this.stopRequested) return { kind: 'drop', message: lostReason };
      return null;
    } catch (err) {
      if (err instanceof CaptureWriteError) return { kind: 'io', message: err.message };
      if (this.stopRequested) return null;
      try {
        await this.flush();
      } catch (e) {
        return { kind: 'io', message: (e as Error).message };
      }
      return { kind: 'drop', message: lost.signal.aborted ? lostReason : (err as Error).message };
    } finally {
      client.off('close', onClose);
      client.removeListener('error', onError);
      client.on('error', () => {}); // late errors after we let go of the client
      this.client = undefined;
      client.end();
      client.destroy();
    }
  }

  private async chooseSsCommand(client: Client, timeout: number): Promise<{ command: string; processColumn: boolean } | { error: string }> {
    if (this.opts.useProcessColumn !== false) {
      const command = ssCommand(true, this.opts.filterPorts);
      const r = await execCollect(client, command, timeout);
      if (r.code === 0 && r.stderr.trim() === '') return { command, processColumn: true };
      this.emitStatus({ type: 'warning', message: `\`${command}\` failed (${oneLine(r.stderr) || `exit ${r.code}`}); capturing without the process column` });
    }
    const command = ssCommand(false, this.opts.filterPorts);
    const r = await execCollect(client, command, timeout);
    if (r.code === 0) return { command, processColumn: false };
    const hint = r.code === 127 ? ' (ss not installed? it is in the iproute2 package)' : '';
    return { error: `\`${command}\` failed on ${this.hostname}: ${oneLine(r.stderr) || `exit ${r.code}`}${hint}` };
  }

  private async snapshot(client: Client, command: string, clock: EpochClock, timeout: number): Promise<void> {
    const epochNs = clock.nowNs();
    let bytes = 0;
    const header = () => this.writeLine(`### ss-snapshot ${epochNs} ${this.hostname}`);
    let result;
    try {
      result = await execStreaming(
        client,
        command,
        (chunk) => {
          if (bytes === 0) header();
          bytes += chunk.length;
          this.write(chunk);
        },
        timeout,
      );
    } catch (err) {
      await this.flush(); // keep what arrived before the drop (a write failure takes precedence)
      throw err;
    }
    if (bytes === 0) header();
    await this.flush();
    this.snapshots++;
    if (result.code !== 0) {
      this.emitStatus({ type: 'warning', message: `ss exited with ${result.code}: ${oneLine(result.stderr)}` });
    }
    this.emitStatus({ type: 'snapshot', count: this.snapshots, epochNs, bytes, exitCode: result.code });
  }

  private async fdCount(client: Client, pid: number, clock: EpochClock, timeout: number): Promise<void> {
    const epochNs = clock.nowNs();
    const r = await execCollect(client, `ls /proc/${pid}/fd | wc -l`, timeout);
    const count = Number(r.stdout.trim());
    if (r.stderr.trim() !== '' || !Number.isInteger(count)) {
      // Once per connection: a gone or foreign process would otherwise warn on every tick.
      if (!this.fdWarned) this.emitStatus({ type: 'warning', message: `cannot count fds of pid ${pid}: ${oneLine(r.stderr) || 'no output'}` });
      this.fdWarned = true;
      return;
    }
    this.writeLine(`### fd-count ${epochNs} ${this.hostname} ${pid} ${count}`);
    await this.flush();
    this.emitStatus({ type: 'fd-count', pid, count, epochNs });
  }
}

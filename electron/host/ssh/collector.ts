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
 *
 * Bounded, whatever the host does:
 *  - each command runs under `timeout -s KILL <s>` on the host (when the host has coreutils'
 *    `timeout`), so a stuck command ends there by itself: closing an SSH channel does not end a
 *    command that is not writing, and a timed-out `ss` would otherwise stay behind on the server;
 *  - one snapshot's output is cut at maxSnapshotBytes: the channel is closed (a writing command then
 *    dies of SIGPIPE), the partial snapshot is taken back out of the file and a `### gap` says why,
 *    so a flooding host costs at most that much per tick, and maxCutsInARow cuts stop the collection;
 *  - remote lines starting with `#` are escaped (capture-framing.ts): only the collector writes `###`;
 *  - the file never grows past maxCaptureBytes (the most TraceDeck opens): reaching it stops the
 *    collection with a `capture-full` status rather than leaving a capture nobody can reopen.
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
import type { ConfirmHostKey, ExecResult, SshErrorKind } from './connection.ts';
import { EpochClock } from './epoch-clock.ts';
import { RemoteOutputEscaper } from './capture-framing.ts';
import { MAX_FILE_BYTES } from '../limits.ts';
import { fetchPprof, savePprofResult } from './pprof-over-ssh.ts';
import type { PprofRequest, PprofResult } from './pprof-over-ssh.ts';

export type CollectorStatus =
  | { type: 'connecting'; attempt: number }
  | { type: 'connected'; hostname: string; ssCommand: string; processColumn: boolean }
  | { type: 'snapshot'; count: number; epochNs: EpochNsString; bytes: number; exitCode: number | null }
  | { type: 'fd-count'; pid: number; count: number; epochNs: EpochNsString }
  /** A snapshot was taken back out of the capture (a `### gap` marks its time): output cut at the cap, or ss ended by its timeout. */
  | { type: 'snapshot-dropped'; epochNs: EpochNsString; reason: 'cut' | 'timeout'; bytes: number; message: string }
  /** The capture reached maxCaptureBytes: the collection stops (everything in the file stays readable). */
  | { type: 'capture-full'; bytes: number; limitBytes: number; message: string }
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
  /**
   * A remote command is ended on the host after this long (`timeout -s KILL`); without an answer
   * COMMAND_GRACE_MS later the connection counts as dead. Default max(15 s, 5 × interval).
   */
  commandTimeoutMs?: number;
  /** One snapshot's output is cut past this many bytes (the snapshot is dropped). Default 64 MiB. */
  maxSnapshotBytes?: number;
  /** The collection stops after this many cut snapshots in a row. Default 3. */
  maxCutsInARow?: number;
  /** The capture file stays at most this large; reaching it stops the collection. Default MAX_FILE_BYTES. */
  maxCaptureBytes?: number;
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
const MIB = 1024 * 1024;
export const DEFAULT_MAX_SNAPSHOT_BYTES = 64 * MIB;
/** Output cap of the small commands (hostname, the fd count, the `ss -p` probe whose output is not kept). */
const SMALL_OUTPUT_BYTES = 64 * 1024;
/** How long after the host's own timeout a silent command means a dead connection. */
const COMMAND_GRACE_MS = 5000;
/** Room kept for `###` lines when checking the capture's size limit. */
const FRAMING_RESERVE = 4096;

function mib(n: number): string {
  if (n >= 1024 * MIB) return `${(n / (1024 * MIB)).toFixed(1)} GiB`;
  return n >= MIB ? `${Math.round((n / MIB) * 10) / 10} MiB` : `${Math.round(n / 1024)} KiB`;
}

/**
 * `timeout -s KILL` ended the command: it KILLs its whole process group, itself included, so the
 * channel reports the signal (or exit 137 / 124 through a shell). A KILL from elsewhere, e.g. the
 * OOM killer, reads the same.
 */
function endedByTimeout(r: ExecResult): boolean {
  return r.code === 137 || r.code === 124 || r.signal === 'KILL' || r.signal === 'SIGKILL';
}

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
  /** The capture's size once every queued write is done. */
  private position = 0;
  private readonly escaper = new RemoteOutputEscaper();
  /** The host has `timeout` (found out per connection). */
  private remoteTimeout = true;
  private cutsInARow = 0;
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
    this.position = st.size;
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
    this.position += buf.length;
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

  /** Takes everything after pos back out of the file (a dropped snapshot). */
  private truncateTo(pos: number, endsWithNewline: boolean): void {
    this.position = pos;
    this.endsWithNewline = endsWithNewline;
    const fh = this.file;
    this.writeChain = this.writeChain.then(async () => {
      if (this.writeError || !fh) return;
      try {
        await fh.truncate(pos);
      } catch (err) {
        this.writeError = err as Error;
      }
    });
  }

  /** The command as sent: under the host's `timeout` when it has one. */
  private bounded(command: string, timeoutMs: number): string {
    return this.remoteTimeout ? `timeout -s KILL ${Math.max(1, Math.ceil(timeoutMs / 1000))} ${command}` : command;
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
      this.remoteTimeout = true;
      let host = await execCollect(client, this.bounded('hostname', timeout), timeout + COMMAND_GRACE_MS);
      if (host.code === 127 && !/failed to run command/.test(host.stderr)) {
        // No coreutils `timeout` on the host: run the commands bare (a stuck one then ends only with the connection).
        this.remoteTimeout = false;
        this.emitStatus({ type: 'warning', message: `no \`timeout\` command on ${this.hostname}: a stuck remote command cannot be ended on the host` });
        host = await execCollect(client, 'hostname', timeout);
      }
      const name = host.stdout.trim().split(/\s+/)[0];
      if (name) this.hostname = name;

      const cmd = await this.chooseSsCommand(client, timeout);
      if ('error' in cmd) return { kind: 'remote', message: cmd.error };
      this.emitStatus({ type: 'connected', hostname: this.hostname, ssCommand: cmd.command, processColumn: cmd.processColumn });

      while (!this.stopRequested && !lost.signal.aborted) {
        const tickStart = Date.now();
        const outcome = await this.snapshot(client, cmd.command, clock, timeout);
        if (outcome) return outcome;
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
      // Only its exit status matters: a probe cut at the cap did run (and printed plenty).
      const r = await execStreaming(client, this.bounded(command, timeout), () => {}, timeout + COMMAND_GRACE_MS, SMALL_OUTPUT_BYTES);
      if (r.cut || (r.code === 0 && r.stderr.trim() === '')) return { command, processColumn: true };
      this.emitStatus({ type: 'warning', message: `\`${command}\` failed (${this.failureText(r, timeout)}); capturing without the process column` });
    }
    const command = ssCommand(false, this.opts.filterPorts);
    const r = await execStreaming(client, this.bounded(command, timeout), () => {}, timeout + COMMAND_GRACE_MS, SMALL_OUTPUT_BYTES);
    if (r.cut || r.code === 0) return { command, processColumn: false };
    const hint = r.code === 127 ? ' (ss not installed? it is in the iproute2 package)' : '';
    return { error: `\`${command}\` failed on ${this.hostname}: ${this.failureText(r, timeout)}${hint}` };
  }

  /** Why a command failed, for messages: its stderr, or how it ended. */
  private failureText(r: ExecResult, timeoutMs: number): string {
    if (this.remoteTimeout && endedByTimeout(r)) return `did not finish within ${Math.ceil(timeoutMs / 1000)} s and was ended on the host`;
    return oneLine(r.stderr) || `exit ${r.code ?? r.signal}`;
  }

  /**
   * One ss snapshot, streamed into the file as it arrives. A snapshot cut at the cap, ended by the
   * host's timeout or by a dropped connection is taken back out of the file (a partial socket list would read as a dip) and a
   * `### gap` line says why. Returns a reason to end the session, or null to go on.
   */
  private async snapshot(client: Client, command: string, clock: EpochClock, timeout: number): Promise<{ kind: 'remote'; message: string } | null> {
    const epochNs = clock.nowNs();
    const startPos = this.position;
    const startNl = this.endsWithNewline;
    const maxSnapshot = this.opts.maxSnapshotBytes ?? DEFAULT_MAX_SNAPSHOT_BYTES;
    const maxCapture = this.opts.maxCaptureBytes ?? MAX_FILE_BYTES;
    // Escaping can at most double the bytes (a line of only `#`): keep the file under its limit even then.
    const captureRoom = Math.floor((maxCapture - startPos - FRAMING_RESERVE) / 2);
    if (captureRoom <= 0) return this.captureFull(maxCapture);
    let bytes = 0;
    const header = () => this.writeLine(`### ss-snapshot ${epochNs} ${this.hostname}`);
    this.escaper.reset();
    let result: ExecResult;
    try {
      result = await execStreaming(
        client,
        this.bounded(command, timeout),
        (chunk) => {
          if (bytes === 0) header();
          bytes += chunk.length;
          this.write(this.escaper.escape(chunk));
        },
        timeout + COMMAND_GRACE_MS,
        Math.min(maxSnapshot, captureRoom),
      );
    } catch (err) {
      // A drop mid-snapshot leaves a partial socket list, which would read as a dip (and as one more
      // snapshot than was received whole): take it back out, as a cut one is; the disconnect's gap
      // line follows. A write failure takes precedence (truncateTo does nothing then).
      this.truncateTo(startPos, startNl);
      await this.flush();
      throw err;
    }
    if (result.cut && captureRoom < maxSnapshot) {
      this.truncateTo(startPos, startNl);
      await this.flush();
      return this.captureFull(maxCapture);
    }
    const timedOut = !result.cut && this.remoteTimeout && endedByTimeout(result);
    if (result.cut || timedOut) {
      const message = result.cut
        ? `ss printed more than ${mib(maxSnapshot)} on ${this.hostname}: output cut, snapshot dropped`
        : `ss ${this.failureText(result, timeout)} on ${this.hostname}: snapshot dropped`;
      this.truncateTo(startPos, startNl);
      this.writeLine(`### gap ${epochNs} ${this.hostname} ${message}`);
      await this.flush();
      this.emitStatus({ type: 'snapshot-dropped', epochNs, reason: result.cut ? 'cut' : 'timeout', bytes, message });
      this.cutsInARow = result.cut ? this.cutsInARow + 1 : 0;
      const maxCuts = this.opts.maxCutsInARow ?? 3;
      if (this.cutsInARow >= maxCuts) {
        return { kind: 'remote', message: `${message}, ${maxCuts} times in a row: collection stopped (a port filter captures less)` };
      }
      return null;
    }
    this.cutsInARow = 0;
    if (bytes === 0) header();
    await this.flush();
    this.snapshots++;
    if (result.code !== 0) {
      this.emitStatus({ type: 'warning', message: `ss exited with ${result.code ?? result.signal}: ${oneLine(result.stderr)}` });
    }
    this.emitStatus({ type: 'snapshot', count: this.snapshots, epochNs, bytes, exitCode: result.code });
    return null;
  }

  /** The capture reached its size limit: say so and stop (what is in the file stays readable). */
  private captureFull(limitBytes: number): null {
    const message = `the capture reached ${mib(limitBytes)}, the most TraceDeck opens: collection stopped (everything received is kept; start a new collection to go on)`;
    this.emitStatus({ type: 'capture-full', bytes: this.position, limitBytes, message });
    this.stopRequested = true;
    return null;
  }

  private async fdCount(client: Client, pid: number, clock: EpochClock, timeout: number): Promise<void> {
    const epochNs = clock.nowNs();
    const r = await execCollect(client, this.bounded(`ls /proc/${pid}/fd | wc -l`, timeout), timeout + COMMAND_GRACE_MS);
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

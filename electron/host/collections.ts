/**
 * Live collections over SSH, wired into the session: each collection runs an SshCollector that
 * appends `ss` snapshots to a capture file, and that file is a LIVE 'ss' source which is re-read as
 * it grows (so the heat map and the timeline grow as you watch). pprof fetched over the same
 * connection becomes a source of its own, saved beside the capture with its provenance.
 *
 * Settings for tests and unusual setups (host options win over the environment):
 *   captureDir      TRACEDECK_CAPTURE_DIR    default: <tmp>/tracedeck-captures/<session start>/
 *   knownHostsPath  TRACEDECK_KNOWN_HOSTS    default: the ssh config's UserKnownHostsFile, else ~/.ssh/known_hosts
 *   sshConfigPath   TRACEDECK_SSH_CONFIG     default: ~/.ssh/config
 * Passwords are never asked for or stored: ssh-agent or a key file only.
 */
import { existsSync, statSync } from 'node:fs';
import { mkdir, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type {
  CollectionInfo,
  HostKeyPromptInfo,
  RequestArg,
  SourceId,
  StartCollectionArgs,
} from '../../shared/bridge.ts';
import type { SessionStore } from './session-store.ts';
import { SshCollector, ssCommand } from './ssh/collector.ts';
import type { CollectorStatus } from './ssh/collector.ts';
import type { HostKeyPrompt } from './ssh/connection.ts';
import { savePprofResult } from './ssh/pprof-over-ssh.ts';
import { loadSshTarget, processSshEnv } from './ssh/ssh-config.ts';
import type { SshEnv } from './ssh/ssh-config.ts';

export interface CollectionsOptions {
  store: SessionStore;
  onStatus: (c: CollectionInfo) => void;
  onHostKeyPrompt: (p: HostKeyPromptInfo) => void;
  captureDir?: string;
  knownHostsPath?: string;
  sshConfigPath?: string;
  /** Environment for resolving targets (home, local user, agent socket). Default: this process's. */
  env?: SshEnv;
  /** At least this long between two re-reads of a capture (default 1000 ms; longer when parsing is slow). */
  reloadMinMs?: number;
  /** An unanswered host-key question is declined after this long (default 5 minutes). */
  hostKeyTimeoutMs?: number;
  /** Reconnect backoff (default 500 ms doubling to 30 s). */
  backoff?: { initialMs?: number; maxMs?: number };
}

interface Collection {
  info: CollectionInfo;
  collector: SshCollector;
  folder: string;
  /** File size at the end of the last complete snapshot (or fd-count / gap line). */
  completeBytes: number;
  /** Bytes the source's model was last built from, and the last size a reload was tried at. */
  loadedBytes: number;
  triedBytes: number;
  reloading: Promise<void> | null;
  reloadTimer: ReturnType<typeof setTimeout> | null;
  lastReloadAt: number;
  lastReloadMs: number;
  /** Resolves once the collector stopped and the final re-read is done. */
  finished: Promise<void>;
  markFinished: () => void;
}

interface PendingPrompt {
  collectionId: string;
  resolve: (ok: boolean) => void;
  timer: ReturnType<typeof setTimeout>;
}

/** `2026-11-22T12:00:00.123Z` → `20261122T120000Z`. */
function stamp(d: Date): string {
  return d.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
}

function safeName(s: string): string {
  return s.replace(/[^A-Za-z0-9._-]/g, '_').replace(/^\.+/, '_').slice(0, 80) || 'host';
}

export class Collections {
  private readonly collections = new Map<string, Collection>();
  private readonly prompts = new Map<string, PendingPrompt>();
  private nextId = 1;
  private nextPrompt = 1;
  private readonly sessionStamp = stamp(new Date());

  constructor(private readonly opts: CollectionsOptions) {}

  private get captureDir(): string {
    return this.opts.captureDir ?? process.env.TRACEDECK_CAPTURE_DIR ?? path.join(os.tmpdir(), 'tracedeck-captures', this.sessionStamp);
  }

  list(): CollectionInfo[] {
    return [...this.collections.values()].map((c) => ({ ...c.info }));
  }

  /** Resolves the target, creates the live source and starts collecting; connection happens in the background. */
  async start(args: StartCollectionArgs): Promise<{ collectionId: string; sourceId: SourceId }> {
    const target = await loadSshTarget(
      { host: args.host, port: args.port, user: args.user, keyFile: args.keyPath, useAgent: args.useAgent },
      this.opts.sshConfigPath ?? process.env.TRACEDECK_SSH_CONFIG,
      this.opts.env ?? processSshEnv(),
    );
    const folder = this.captureDir;
    await mkdir(folder, { recursive: true });
    const base = `${safeName(target.host)}-${stamp(new Date())}`;
    let capturePath = path.join(folder, `${base}.txt`);
    for (let i = 2; existsSync(capturePath); i++) capturePath = path.join(folder, `${base}-${i}.txt`);

    const collectionId = `c${this.nextId++}`;
    const collector = new SshCollector({
      target,
      capturePath,
      intervalMs: args.intervalMs,
      pid: args.pid,
      filterPorts: args.filterPorts,
      knownHostsPath: this.opts.knownHostsPath ?? process.env.TRACEDECK_KNOWN_HOSTS ?? undefined,
      confirmHostKey: (p) => this.askHostKey(collectionId, p),
      backoff: this.opts.backoff,
    });
    const sourceId = this.opts.store.addLive(path.basename(capturePath), {
      type: 'ssh',
      host: target.host,
      command: ssCommand(true, args.filterPorts),
      path: capturePath,
    });
    let markFinished!: () => void;
    const finished = new Promise<void>((r) => (markFinished = r));
    const c: Collection = {
      info: {
        collectionId,
        sourceId,
        host: args.host,
        target: `${target.user}@${target.host}:${target.port}`,
        capturePath,
        state: 'connecting',
        snapshots: 0,
        attempts: 0,
        running: true,
        ...(target.warnings.length ? { message: target.warnings.join('; ') } : {}),
      },
      collector,
      folder,
      completeBytes: 0,
      loadedBytes: 0,
      triedBytes: 0,
      reloading: null,
      reloadTimer: null,
      lastReloadAt: 0,
      lastReloadMs: 0,
      finished,
      markFinished,
    };
    this.collections.set(collectionId, c);
    collector.on('status', (s) => this.onCollectorStatus(c, s));
    try {
      await collector.start();
    } catch (err) {
      this.collections.delete(collectionId);
      this.opts.store.remove(sourceId);
      throw new Error(`cannot write the capture file ${capturePath}: ${(err as Error).message}`);
    }
    this.emit(c);
    return { collectionId, sourceId };
  }

  /** Finishes the snapshot in flight and disconnects; the capture file and its source stay. */
  async stop(collectionId: string): Promise<boolean> {
    return this.end(collectionId, false);
  }

  /** Stops at once; what was already received stays in the file and the source. */
  async cancel(collectionId: string): Promise<boolean> {
    return this.end(collectionId, true);
  }

  private async end(collectionId: string, cancel: boolean): Promise<boolean> {
    const c = this.collections.get(collectionId);
    if (!c) return false;
    this.declinePrompts(collectionId);
    if (c.info.running) await (cancel ? c.collector.cancel() : c.collector.stop());
    await c.finished;
    return true;
  }

  answerHostKey(requestId: string, accept: boolean): boolean {
    const p = this.prompts.get(requestId);
    if (!p) return false;
    this.settlePrompt(requestId, accept);
    return true;
  }

  /** The user removed the live source: stop feeding it (the file stays on disk). */
  sourceRemoved(sourceId: SourceId): void {
    for (const c of this.collections.values()) {
      if (c.info.sourceId === sourceId && c.info.running) void this.cancel(c.info.collectionId);
    }
  }

  /** The collection feeding a live source, if any. */
  collectionOf(sourceId: SourceId): string | undefined {
    for (const c of this.collections.values()) if (c.info.sourceId === sourceId && c.info.running) return c.info.collectionId;
    return undefined;
  }

  /** Fetches a pprof endpoint over the collection's connection into the capture folder; opens it as a source. */
  async fetchPprof(a: RequestArg<'fetchPprofOverSsh'>): Promise<{ sourceId: SourceId }> {
    const c = this.collections.get(a.collectionId);
    if (!c) throw new Error(`no collection ${a.collectionId}`);
    if (!c.info.running || !c.collector.connected) throw new Error(`${c.info.host} is not connected (${c.info.state})`);
    const result = await c.collector.fetchPprof({ kind: a.kind, port: a.port, seconds: a.seconds, debug: a.debug });
    const file = await savePprofResult(result, c.folder);
    const size = (await stat(file)).size;
    const prov = result.provenance;
    const sourceId = this.opts.store.add(path.basename(file), { path: file }, { type: 'ssh', host: prov.host, command: `GET ${prov.url}`, path: file }, size);
    // Text dumps carry no timestamp of their own: place them at the moment they were fetched.
    if ((a.debug ?? 0) > 0) this.opts.store.placeAt(sourceId, prov.startedAtEpochNs, `fetched over SSH from ${prov.host}`);
    return { sourceId };
  }

  /** Cancels every collection (app closing); captures are already on disk. */
  async dispose(): Promise<void> {
    await Promise.all([...this.collections.keys()].map((id) => this.cancel(id)));
  }

  private emit(c: Collection) {
    this.opts.onStatus({ ...c.info });
  }

  private askHostKey(collectionId: string, p: HostKeyPrompt): Promise<boolean> {
    const c = this.collections.get(collectionId);
    if (!c || !c.info.running) return Promise.resolve(false);
    const requestId = `k${this.nextPrompt++}`;
    const info: HostKeyPromptInfo = {
      requestId,
      collectionId,
      host: p.host,
      port: p.port,
      keyType: p.keyType,
      fingerprint: p.fingerprint,
      knownKeyTypes: p.knownKeyTypes,
    };
    return new Promise<boolean>((resolve) => {
      const timeoutMs = this.opts.hostKeyTimeoutMs ?? 5 * 60_000;
      const timer = setTimeout(() => this.settlePrompt(requestId, false), timeoutMs);
      this.prompts.set(requestId, { collectionId, resolve, timer });
      c.info.hostKeyPrompt = info;
      this.opts.onHostKeyPrompt(info);
      this.emit(c);
    });
  }

  private settlePrompt(requestId: string, accept: boolean) {
    const p = this.prompts.get(requestId);
    if (!p) return;
    this.prompts.delete(requestId);
    clearTimeout(p.timer);
    const c = this.collections.get(p.collectionId);
    if (c && c.info.hostKeyPrompt?.requestId === requestId) {
      delete c.info.hostKeyPrompt;
      this.emit(c);
    }
    p.resolve(accept);
  }

  private declinePrompts(collectionId: string) {
    for (const [id, p] of this.prompts) if (p.collectionId === collectionId) this.settlePrompt(id, false);
  }

  /** The file's current size: called right after the collector flushed a complete record. */
  private markComplete(c: Collection) {
    try {
      c.completeBytes = statSync(c.info.capturePath).size;
    } catch {
      // The file vanished under us; the collector reports the write error.
    }
  }

  private onCollectorStatus(c: Collection, s: CollectorStatus) {
    const i = c.info;
    switch (s.type) {
      case 'connecting':
        if (i.state !== 'reconnecting') i.state = 'connecting';
        break;
      case 'connected':
        Object.assign(i, { state: 'connected', remoteHostname: s.hostname, command: s.ssCommand, attempts: 0 });
        break;
      case 'snapshot':
        i.snapshots = s.count;
        this.markComplete(c);
        this.scheduleReload(c);
        break;
      case 'fd-count':
        this.markComplete(c);
        break;
      case 'disconnected':
        Object.assign(i, { state: 'disconnected', message: `disconnected: ${s.reason}` });
        this.markComplete(c); // the gap line
        this.scheduleReload(c);
        break;
      case 'reconnecting':
        Object.assign(i, { state: 'reconnecting', attempts: s.attempt });
        break;
      case 'warning':
        i.message = s.message;
        break;
      case 'error':
        Object.assign(i, { state: 'error', message: s.message });
        break;
      case 'stopped':
        i.running = false;
        if (i.state !== 'error') i.state = 'stopped';
        this.declinePrompts(i.collectionId);
        void this.finish(c);
        break;
    }
    this.emit(c);
  }

  /** Last re-read of the whole file, then the source is no longer live. */
  private async finish(c: Collection) {
    if (c.reloadTimer) clearTimeout(c.reloadTimer);
    c.reloadTimer = null;
    await c.reloading;
    this.markComplete(c);
    if (c.completeBytes > c.loadedBytes) await this.reload(c);
    this.opts.store.endLive(c.info.sourceId, c.info.state === 'error' && c.info.message ? c.info.message : 'no snapshot was received');
    c.markFinished();
  }

  /** Re-reads the capture at most every reloadMinMs, and never more often than twice its parse time. */
  private scheduleReload(c: Collection) {
    if (c.reloadTimer || c.reloading || !c.info.running) return;
    const gap = Math.max(this.opts.reloadMinMs ?? 1000, 2 * c.lastReloadMs);
    const wait = Math.max(0, c.lastReloadAt + gap - Date.now());
    c.reloadTimer = setTimeout(() => {
      c.reloadTimer = null;
      void this.reload(c).then(() => {
        if (c.completeBytes > c.triedBytes) this.scheduleReload(c);
      });
    }, wait);
  }

  private reload(c: Collection): Promise<void> {
    const run = async () => {
      const bytes = c.completeBytes;
      // Before the first snapshot the file can hold only a gap line: nothing to show yet.
      if (c.info.snapshots === 0 || bytes === 0 || bytes === c.triedBytes) return;
      if (!this.opts.store.has(c.info.sourceId)) return;
      c.triedBytes = bytes;
      const t0 = Date.now();
      try {
        await this.opts.store.reload(c.info.sourceId, c.info.capturePath, bytes);
        c.loadedBytes = bytes;
      } catch (err) {
        // The previous model stays on screen; say why the new data is not shown yet.
        c.info.message = `capture could not be re-read (showing the previous data): ${(err as Error).message}`;
        this.emit(c);
      } finally {
        c.lastReloadAt = Date.now();
        c.lastReloadMs = c.lastReloadAt - t0;
      }
    };
    const p = run().finally(() => {
      if (c.reloading === p) c.reloading = null;
    });
    c.reloading = p;
    return p;
  }
}

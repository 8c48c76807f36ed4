/**
 * Live collections over SSH, wired into the session: each collection runs an SshCollector that
 * appends `ss` snapshots to a capture file, and that file is a LIVE 'ss' source which is re-read as
 * it grows (so the heat map and the timeline grow as you watch). pprof fetched over the same
 * connection becomes a source of its own, saved beside the capture with its provenance: on demand, or
 * on a schedule ("every N s fetch KIND") that runs while connected, never overlaps itself, reports
 * failures without stopping anything, and ends with the collection.
 *
 * Settings for tests and unusual setups (host options win over the environment):
 *   captureDir      TRACEDECK_CAPTURE_DIR    default: <tmp>/tracedeck-captures/<session start>/
 *   knownHostsPath  TRACEDECK_KNOWN_HOSTS    default: the ssh config's UserKnownHostsFile, else ~/.ssh/known_hosts
 *   sshConfigPath   TRACEDECK_SSH_CONFIG     default: ~/.ssh/config
 * Passwords are never asked for or stored: ssh-agent or a key file only.
 */
import { statSync } from 'node:fs';
import { mkdir, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type {
  CollectionInfo,
  HostKeyPromptInfo,
  PprofSchedule,
  PprofScheduleState,
  RequestArg,
  SourceId,
  SourceOrigin,
  StartCollectionArgs,
  StartFleetCollectionArgs,
  FleetMember,
  FleetPprofResult,
} from '../../shared/bridge.ts';
import type { SessionStore } from './session-store.ts';
import { reserveFile } from './reserve-file.ts';
import { SshCollector, ssCommand } from './ssh/collector.ts';
import type { CollectorStatus, SshCollectorOptions } from './ssh/collector.ts';
import type { HostKeyPrompt } from './ssh/connection.ts';
import { pprofDeltaSeconds, savePprofResult } from './ssh/pprof-over-ssh.ts';
import type { PprofRequest } from './ssh/pprof-over-ssh.ts';
import { expandHostPatterns, loadSshConfig, loadSshTarget, processSshEnv } from './ssh/ssh-config.ts';
import type { SshEnv } from './ssh/ssh-config.ts';

/** Fleet pprof fetches running at once (each answer is held whole until it is written). */
const FLEET_FETCHES_AT_ONCE = 4;

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
  /**
   * A pprof schedule ends by itself after this many fetches (default 50): each fetch is a source
   * with an engine worker of its own, so an unattended schedule must not grow the session forever.
   */
  maxScheduledFetches?: number;
  /** The collector's bounds (per-snapshot output cap, capture size limit, command timeout); defaults in collector.ts. */
  bounds?: Pick<SshCollectorOptions, 'maxSnapshotBytes' | 'maxCaptureBytes' | 'maxCutsInARow' | 'commandTimeoutMs'>;
}

/** A running pprof schedule: its state (mirrored into CollectionInfo) and its timer / fetch in flight. */
interface ScheduleRun {
  state: PprofScheduleState;
  timer: ReturnType<typeof setTimeout> | null;
  /** The fetch in flight: aborted when the schedule is replaced or cleared, or the collection ends. */
  abort: AbortController | null;
  inFlight: Promise<void> | null;
  /** Date.now() at the start of the last fetch; 0 before the first. */
  lastStartAt: number;
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
  schedule: ScheduleRun | null;
  /** The live source's provenance; `command` becomes the ss command lines run so far, in order. */
  origin: Extract<SourceOrigin, { type: 'ssh' }>;
  commands: string[];
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

/** A snapshot for listeners (the schedule state keeps changing after it was reported), stamped with its order. */
function copyInfo(i: CollectionInfo, seq: number): CollectionInfo {
  return i.pprofSchedule ? { ...i, seq, pprofSchedule: { ...i.pprofSchedule } } : { ...i, seq };
}

export class Collections {
  private readonly collections = new Map<string, Collection>();
  private readonly prompts = new Map<string, PendingPrompt>();
  private nextId = 1;
  private nextFleet = 1;
  /** fleetId → its collections' ids, in host order. */
  private readonly fleets = new Map<string, string[]>();
  private nextPrompt = 1;
  private reportSeq = 0;
  private readonly sessionStamp = stamp(new Date());

  constructor(private readonly opts: CollectionsOptions) {}

  private get captureDir(): string {
    return this.opts.captureDir ?? process.env.TRACEDECK_CAPTURE_DIR ?? path.join(os.tmpdir(), 'tracedeck-captures', this.sessionStamp);
  }

  list(): CollectionInfo[] {
    return [...this.collections.values()].map((c) => copyInfo(c.info, ++this.reportSeq));
  }

  /**
   * One collection per host (patterns expanded over the ssh config), each its own connection,
   * capture file and live source, tagged with one fleetId. A host that cannot even start (bad alias,
   * bad jump list) is reported in `failed`; connection failures and reconnects then happen per host.
   */
  async startFleet(args: StartFleetCollectionArgs): Promise<{ fleetId: string; collections: FleetMember[]; failed: Array<{ host: string; error: string }> }> {
    const { hosts: entries, ...common } = args;
    const env = this.opts.env ?? processSshEnv();
    const config = await loadSshConfig(this.opts.sshConfigPath ?? process.env.TRACEDECK_SSH_CONFIG ?? undefined, env.home);
    const hosts = expandHostPatterns(entries, config);
    if (hosts.length > 200) throw new Error(`${hosts.length} hosts: at most 200 per fleet`);
    const fleetId = `f${this.nextFleet++}`;
    const ids: string[] = [];
    this.fleets.set(fleetId, ids);
    // Its sources' lanes group under the collection (not per host); the key outlives this process's ids.
    const fleet = { id: fleetId, key: `${this.sessionStamp}/${fleetId}`, name: entries.join(' ') };
    const settled = await Promise.allSettled(hosts.map((host) => this.start({ ...common, host }, fleet)));
    const collections: FleetMember[] = [];
    const failed: Array<{ host: string; error: string }> = [];
    settled.forEach((r, i) => {
      const host = hosts[i] as string;
      if (r.status === 'fulfilled') {
        collections.push({ host, ...r.value });
        ids.push(r.value.collectionId);
      } else {
        failed.push({ host, error: (r.reason as Error).message });
      }
    });
    return { fleetId, collections, failed };
  }

  /** Stops (or cancels) every collection of a fleet. */
  async stopFleet(fleetId: string, cancel = false): Promise<boolean> {
    const ids = this.fleets.get(fleetId);
    if (!ids) return false;
    await Promise.all(ids.map((id) => this.end(id, cancel)));
    return true;
  }

  /** The same pprof fetch from every host of a fleet, each over its own connection, in parallel. */
  async fetchPprofFleet(a: RequestArg<'fetchPprofFleet'>): Promise<{ results: FleetPprofResult[] }> {
    const ids = this.fleets.get(a.fleetId);
    if (!ids) throw new Error(`no fleet ${a.fleetId}`);
    const members = ids.flatMap((id) => this.collections.get(id) ?? []);
    // A few hosts at a time: each answer is held whole until written (up to the file limit), so
    // 200 hosts at once could hold 200 of them.
    const results: FleetPprofResult[] = new Array(members.length);
    let next = 0;
    const worker = async () => {
      for (let i = next++; i < members.length; i = next++) {
        const c = members[i]!;
        const base = { collectionId: c.info.collectionId, host: c.info.host };
        try {
          results[i] = { ...base, sourceId: await this.fetchToSource(c, { kind: a.kind, port: a.port, seconds: a.seconds, debug: a.debug, path: a.path }) };
        } catch (err) {
          results[i] = { ...base, error: (err as Error).message };
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(FLEET_FETCHES_AT_ONCE, members.length) }, worker));
    return { results };
  }

  /** Resolves the target, creates the live source and starts collecting; connection happens in the background. */
  async start(args: StartCollectionArgs, fleet?: { id: string; key: string; name: string }): Promise<{ collectionId: string; sourceId: SourceId }> {
    const fleetId = fleet?.id;
    const target = await loadSshTarget(
      { host: args.host, port: args.port, user: args.user, keyFile: args.keyPath, useAgent: args.useAgent, jump: args.jump },
      this.opts.sshConfigPath ?? process.env.TRACEDECK_SSH_CONFIG,
      this.opts.env ?? processSshEnv(),
    );
    const folder = this.captureDir;
    await mkdir(folder, { recursive: true });
    // Named as the user knows the host (a fleet of aliases stays readable in the sources list).
    const base = `${safeName(target.alias)}-${stamp(new Date())}`;
    const capturePath = reserveFile(folder, base);

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
      ...this.opts.bounds,
    });
    const origin: SourceOrigin & { type: 'ssh' } = {
      type: 'ssh',
      host: target.host,
      command: ssCommand(true, args.filterPorts),
      path: capturePath,
      ...(fleet ? { fleet: { key: fleet.key, name: fleet.name } } : {}),
    };
    const sourceId = this.opts.store.addLive(path.basename(capturePath), origin);
    let markFinished!: () => void;
    const finished = new Promise<void>((r) => (markFinished = r));
    const c: Collection = {
      info: {
        collectionId,
        seq: 0,
        sourceId,
        host: args.host,
        target: `${target.user}@${target.host}:${target.port}${target.jumps?.length ? ` via ${target.jumps.map((j) => j.alias).join(' → ')}` : ''}`,
        capturePath,
        state: 'connecting',
        snapshots: 0,
        attempts: 0,
        running: true,
        ...(fleetId ? { fleetId } : {}),
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
      schedule: null,
      origin,
      commands: [],
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
    // Its first fetch waits for the connection (the 'connected' status arms it).
    if (args.pprofSchedule) this.setSchedule(c, args.pprofSchedule);
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
    await this.endSchedule(c);
    if (c.info.running) await (cancel ? c.collector.cancel() : c.collector.stop());
    await c.finished;
    return true;
  }

  /** Sets (replacing any) or clears a running collection's interval pprof fetch. */
  setPprofSchedule(collectionId: string, schedule: PprofSchedule | null): boolean {
    const c = this.collections.get(collectionId);
    if (!c || !c.info.running) return false;
    if (schedule) this.setSchedule(c, schedule);
    else {
      void this.endSchedule(c);
      delete c.info.pprofSchedule;
    }
    this.emit(c);
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
    return { sourceId: await this.fetchToSource(c, { kind: a.kind, port: a.port, seconds: a.seconds, debug: a.debug, path: a.path }) };
  }

  /** One pprof fetch over c's connection, saved beside the capture and opened as a source. */
  private async fetchToSource(c: Collection, req: PprofRequest): Promise<SourceId> {
    if (!c.info.running || !c.collector.connected) throw new Error(`${c.info.host} is not connected (${c.info.state})`);
    const result = await c.collector.fetchPprof(req);
    if (req.signal?.aborted) throw new Error('cancelled');
    const file = await savePprofResult(result, c.folder);
    const size = (await stat(file)).size;
    const prov = result.provenance;
    // A fleet member's profiles belong to its collection too (their lanes group under it).
    const fleet = c.origin.fleet ? { fleet: c.origin.fleet } : {};
    const sourceId = this.opts.store.add(path.basename(file), { path: file }, { type: 'ssh', host: prov.host, command: `GET ${prov.url}`, path: file, ...fleet }, size);
    // Text dumps carry no timestamp of their own: place them at the moment they were fetched.
    if ((req.debug ?? 0) > 0) this.opts.store.placeAt(sourceId, prov.startedAtEpochNs, `fetched over SSH from ${prov.host}`);
    // Go stamps a seconds=N delta with the time of its SECOND snapshot, so its time_nanos would put
    // the interval N s late: it began when the request reached the server, i.e. when we sent it.
    const delta = pprofDeltaSeconds(prov);
    if (delta > 0) this.opts.store.placeAt(sourceId, prov.startedAtEpochNs, `delta over ${delta} s fetched over SSH from ${prov.host}, placed at the request`);
    return sourceId;
  }

  private setSchedule(c: Collection, s: PprofSchedule) {
    void this.endSchedule(c);
    const state: PprofScheduleState = { ...s, fetched: 0, failed: 0, fetching: false };
    c.schedule = { state, timer: null, abort: null, inFlight: null, lastStartAt: 0 };
    c.info.pprofSchedule = state;
    this.armSchedule(c);
  }

  /** Stops c's schedule (its fetch in flight is aborted); resolves once that fetch settled. */
  private async endSchedule(c: Collection): Promise<void> {
    const run = c.schedule;
    if (!run) return;
    c.schedule = null;
    if (run.timer) clearTimeout(run.timer);
    run.timer = null;
    run.abort?.abort();
    await run.inFlight;
  }

  /** Times the next fetch: everyS after the last one started (at once the first time). */
  private armSchedule(c: Collection) {
    const run = c.schedule;
    if (!run || run.timer || run.inFlight || run.state.ended || !c.info.running) return;
    const wait = run.lastStartAt === 0 ? 0 : Math.max(0, run.lastStartAt + run.state.everyS * 1000 - Date.now());
    run.timer = setTimeout(() => {
      run.timer = null;
      this.runScheduled(c, run);
    }, wait);
  }

  private runScheduled(c: Collection, run: ScheduleRun) {
    // Not connected (yet, or between reconnects): the 'connected' status re-arms the schedule.
    if (c.schedule !== run || !c.info.running || !c.collector.connected) return;
    const st = run.state;
    const abort = new AbortController();
    run.abort = abort;
    run.lastStartAt = Date.now();
    st.fetching = true;
    this.emit(c);
    const req: PprofRequest = { kind: st.kind, port: st.port, seconds: st.seconds, debug: st.debug, path: st.path, signal: abort.signal };
    const p = this.fetchToSource(c, req).then(
      () => {
        st.fetched++;
      },
      (err: Error) => {
        if (abort.signal.aborted) return; // replaced, cleared or the collection ended: not a failure
        st.failed++;
        st.lastError = err.message;
      },
    );
    run.inFlight = p.finally(() => {
      run.inFlight = null;
      run.abort = null;
      st.fetching = false;
      const max = this.opts.maxScheduledFetches ?? 50;
      if (st.fetched >= max && !st.ended) st.ended = `ended after ${max} fetches (each is a source); set it again to go on`;
      if (c.schedule === run) {
        this.emit(c);
        this.armSchedule(c);
      }
    });
  }

  /** Cancels every collection (app closing); captures are already on disk. */
  async dispose(): Promise<void> {
    await Promise.all([...this.collections.keys()].map((id) => this.cancel(id)));
  }

  private emit(c: Collection) {
    this.opts.onStatus(copyInfo(c.info, ++this.reportSeq));
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
        // The source says what actually ran (`ss -tanoi` once -p was refused).
        if (!c.commands.includes(s.ssCommand)) {
          c.commands.push(s.ssCommand);
          this.opts.store.setOrigin(i.sourceId, { ...c.origin, command: c.commands.join(', then ') });
        }
        this.armSchedule(c);
        break;
      case 'snapshot':
        i.snapshots = s.count;
        this.markComplete(c);
        this.scheduleReload(c);
        break;
      case 'fd-count':
        this.markComplete(c);
        break;
      case 'snapshot-dropped':
        i.droppedSnapshots = (i.droppedSnapshots ?? 0) + 1;
        i.message = s.message;
        this.markComplete(c); // the gap line
        this.scheduleReload(c);
        break;
      case 'capture-full':
        i.limit = s.message;
        i.message = s.message;
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
        if (i.pprofSchedule) i.pprofSchedule.fetching = false;
        void this.endSchedule(c);
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

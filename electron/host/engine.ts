/**
 * Host side of an engine: start one engine process on one input, await readiness, route queries to
 * it. Each source has its own process (engine-process.ts, or Electron's utilityProcess), so an abort,
 * out-of-memory or hang in one parse turns that source into an error saying what happened and leaves
 * the host and every other source running.
 */
import type { SourceQuery, QueryResult } from '../../shared/query/query-types.ts';
import type { EngineExit, EngineProcess, EngineSpawner, FromEngine, SourceHeader, ToEngine } from './engine-protocol.ts';
import { forkEngine } from './engine-process.ts';
import type { IngestInput } from './ingest-input.ts';
import { ENGINE_HEAP_MB, ENGINE_QUERY_MS, ENGINE_STALL_MS } from './limits.ts';

export interface Engine {
  readonly ready: Promise<SourceHeader>;
  /**
   * Resolves with a reason if the engine ends after it was ready (crash, out of memory, a query that
   * never finished); never settles once disposed.
   */
  readonly lost: Promise<string>;
  /** The engine's process id (diagnostics and tests). */
  readonly pid: number | undefined;
  query(q: SourceQuery): Promise<QueryResult>;
  /** Parses the (grown) file again in this engine; on failure the previous model stays and this rejects. */
  reload(path: string, maxBytes?: number): Promise<SourceHeader>;
  /** Ends the engine process (cancels a running ingest; frees the model). */
  dispose(): void;
}

export class EngineFailed extends Error {}

export interface EngineSettings {
  spawner: EngineSpawner;
  maxHeapMb: number;
  /** An ingest or reparse with no progress for this long is given up. */
  stallMs: number;
  /** An engine with queries waiting that answers none for this long is ended. */
  queryMs: number;
}

const settings: EngineSettings = { spawner: forkEngine, maxHeapMb: ENGINE_HEAP_MB, stallMs: ENGINE_STALL_MS, queryMs: ENGINE_QUERY_MS };

/**
 * Sets how engines start and what bounds them, for engines started from now on. Electron passes a
 * utilityProcess spawner (it cannot be imported here: this file also runs in the CLI and browser mode).
 */
export function configureEngines(s: Partial<EngineSettings>): void {
  Object.assign(settings, s);
  disposeSpareWorkers();
}

export function engineSettings(): Readonly<EngineSettings> {
  return settings;
}

/** The user-facing reason for an engine's end, from its exit status and V8's last words on stderr. */
export function describeEngineExit(e: EngineExit, maxHeapMb: number): string {
  const tail = e.stderrTail;
  if (e.reason === 'oom' || /heap out of memory|Reached heap limit|Allocation failed - process out of memory/i.test(tail)) {
    return `ran out of memory at ${(maxHeapMb / 1024).toFixed(1)} GB`;
  }
  if (/invalid size error/i.test(tail)) return 'engine aborted: a table grew past the size V8 allows ("invalid size")';
  const fatal = /FATAL ERROR: ([^\n]+)|# Fatal error[^\n]*\n#\s*([^\n]+)|^(cannot start the engine: [^\n]+)/m.exec(tail);
  if (fatal) return `engine aborted: ${(fatal[1] ?? fatal[2] ?? fatal[3] ?? '').trim()}`;
  if (e.signal) return `engine crashed (signal ${e.signal})`;
  if (e.reason && e.reason !== 'clean-exit') return `engine crashed (${e.reason}${e.code ? `, exit code ${e.code}` : ''})`;
  if (e.code) return `engine crashed (exit code ${e.code})`;
  return 'engine stopped unexpectedly';
}

/**
 * A started engine process and what it said before anyone listened: its 'hello' (sends wait for it)
 * and, for a spare that died unused, its exit.
 */
class EngineLink {
  private listening = false;
  private queued: ToEngine[] = [];
  exit: EngineExit | null = null;
  private onMessage: ((m: FromEngine) => void) | null = null;
  private onExit: ((e: EngineExit) => void) | null = null;

  constructor(
    readonly proc: EngineProcess,
    readonly maxHeapMb: number,
  ) {
    proc.onMessage((m) => {
      if (m.type === 'hello') {
        this.listening = true;
        for (const q of this.queued.splice(0)) proc.send(q);
      }
      this.onMessage?.(m);
    });
    proc.onExit((e) => {
      this.exit = e;
      this.onExit?.(e);
    });
  }

  attach(onMessage: (m: FromEngine) => void, onExit: (e: EngineExit) => void): void {
    this.onMessage = onMessage;
    this.onExit = onExit;
    const exit = this.exit;
    if (exit) queueMicrotask(() => onExit(exit));
  }

  send(m: ToEngine): void {
    if (this.listening) this.proc.send(m);
    else this.queued.push(m);
  }
}

/**
 * One process started ahead of need per entry script: booting one (and, from source, compiling the
 * parsers under tsx) takes 0.1–0.6 s, which would otherwise delay every file's first paint. A spare
 * does not keep the host alive until it is taken.
 */
const spares = new Map<string, EngineLink>();

function spawnLink(script: string): EngineLink {
  return new EngineLink(settings.spawner(script, { maxHeapMb: settings.maxHeapMb }), settings.maxHeapMb);
}

function startSpare(script: string): void {
  const link = spawnLink(script);
  link.proc.setRef(false);
  link.attach(
    () => {},
    () => {
      if (spares.get(script) === link) spares.delete(script);
    },
  );
  spares.set(script, link);
}

function takeLink(script: string, keepSpare: boolean): EngineLink {
  const spare = spares.get(script);
  spares.delete(script);
  if (keepSpare) startSpare(script);
  if (spare && !spare.exit) {
    spare.proc.setRef(true);
    return spare;
  }
  return spawnLink(script);
}

/** Starts the spare for a script now (at host start), so even the first file opens without the boot delay. */
export function prewarmEngine(workerScript: string): void {
  if (!spares.has(workerScript)) startSpare(workerScript);
}

/** Ends the spare processes (when the host shuts down). */
export function disposeSpareWorkers(): void {
  for (const link of spares.values()) link.proc.kill();
  spares.clear();
}

/**
 * `/dev/fd/N` (what `<(cmd)` expands to) names a descriptor of the process that opens it: the engine
 * reads the host's descriptor through /proc/<host pid>/fd/N instead of its own.
 */
export function hostFdPath(path: string): string {
  const m = /^\/(?:dev\/fd|proc\/self\/fd)\/(\d+)$/.exec(path);
  return m && process.platform === 'linux' ? `/proc/${process.pid}/fd/${m[1]}` : path;
}

type Waiter<T> = { resolve: (v: T) => void; reject: (e: Error) => void };

/**
 * `workerScript`: the engine entry, the .ts file under tsx (CLI, browser mode, tests) or a built .mjs/.cjs.
 * `spare: false`: start no spare for the next engine (a one-shot command such as `inspect`, where a
 * spare would only boot beside the parse on a busy machine, then be killed).
 */
export function startEngine(workerScript: string, input: IngestInput, onProgress: (f: number) => void, opts: { spare?: boolean } = {}): Engine {
  const link = takeLink(workerScript, opts.spare ?? true);
  const { stallMs, queryMs } = settings;
  let nextReq = 1;
  const pending = new Map<number, Waiter<QueryResult>>();
  const reloads = new Map<number, Waiter<SourceHeader>>();
  let settle!: Waiter<SourceHeader>;
  const ready = new Promise<SourceHeader>((resolve, reject) => (settle = { resolve, reject }));
  ready.catch(() => {});
  let isReady = false;
  let markLost!: (reason: string) => void;
  const lost = new Promise<string>((resolve) => (markLost = resolve));
  let ended = false;
  let disposed = false;

  // Watchdog over parsing (the first ingest and live reparses): each progress report rearms it.
  let stallTimer: ReturnType<typeof setTimeout> | null = null;
  const armStall = () => {
    if (stallTimer) clearTimeout(stallTimer);
    stallTimer = setTimeout(() => end(`gave up after ${Math.round(stallMs / 1000)} s without progress`), stallMs);
  };
  const disarmStall = () => {
    if (stallTimer) clearTimeout(stallTimer);
    stallTimer = null;
  };
  // Watchdog over queries: the engine answers one at a time, so it must answer something every queryMs
  // while any are waiting (a queue behind a slow but finishing query is not a hang).
  let queryTimer: ReturnType<typeof setTimeout> | null = null;
  const armQueries = () => {
    if (queryTimer) clearTimeout(queryTimer);
    queryTimer = pending.size ? setTimeout(() => end(`gave up on a query after ${Math.round(queryMs / 1000)} s`), queryMs) : null;
  };

  /** The engine is gone (or being ended): every waiter learns why, once. */
  const end = (reason: string) => {
    if (ended) return;
    ended = true;
    disarmStall();
    if (queryTimer) clearTimeout(queryTimer);
    link.proc.kill();
    settle.reject(new EngineFailed(reason));
    for (const p of pending.values()) p.reject(new Error(reason));
    for (const r of reloads.values()) r.reject(new EngineFailed(reason));
    pending.clear();
    reloads.clear();
    if (isReady && !disposed) markLost(reason);
  };

  link.attach(
    (m) => {
      switch (m.type) {
        case 'progress':
          armStall();
          onProgress(m.fraction);
          break;
        case 'ready':
          disarmStall();
          isReady = true;
          settle.resolve(m.header);
          break;
        case 'failed':
          // The parse failed cleanly: nothing more to ask this engine.
          end(m.reason);
          break;
        case 'result':
        case 'queryFailed': {
          const p = pending.get(m.reqId);
          if (!p) break;
          pending.delete(m.reqId);
          armQueries();
          if (m.type === 'result') p.resolve(m.result);
          else p.reject(new Error(m.reason));
          break;
        }
        case 'reloaded':
        case 'reloadFailed': {
          const r = reloads.get(m.reqId);
          if (!r) break;
          reloads.delete(m.reqId);
          if (reloads.size === 0) disarmStall();
          if (m.type === 'reloaded') r.resolve(m.header);
          else r.reject(new EngineFailed(m.reason));
          break;
        }
      }
    },
    (exit) => end(describeEngineExit(exit, link.maxHeapMb)),
  );

  const open: ToEngine =
    'path' in input ? { type: 'open', path: hostFdPath(input.path), maxBytes: input.maxBytes, figuresOnly: input.figuresOnly } : { type: 'open', bytes: input.bytes, mtimeMs: input.mtimeMs };
  link.send(open);
  armStall();

  return {
    ready,
    lost,
    pid: link.proc.pid,
    query(query) {
      return new Promise((resolve, reject) => {
        if (disposed) return reject(new Error('source was removed'));
        if (ended) return reject(new Error('engine is gone'));
        const reqId = nextReq++;
        pending.set(reqId, { resolve, reject });
        if (pending.size === 1) armQueries();
        link.send({ type: 'query', reqId, query });
      });
    },
    reload(path, maxBytes) {
      return new Promise((resolve, reject) => {
        if (disposed) return reject(new Error('source was removed'));
        if (ended) return reject(new EngineFailed('engine is gone'));
        const reqId = nextReq++;
        reloads.set(reqId, { resolve, reject });
        armStall();
        link.send({ type: 'reload', reqId, path: hostFdPath(path), maxBytes });
      });
    },
    dispose() {
      if (disposed) return;
      disposed = true;
      end('cancelled');
    },
  };
}

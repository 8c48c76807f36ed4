/** Host side of an engine worker: start it on one input, await readiness, route queries to it. */
import { Worker } from 'node:worker_threads';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { SourceQuery, QueryResult } from '../../shared/query/query-types.ts';
import type { FromEngine, SourceHeader, ToEngine } from './engine-protocol.ts';
import type { IngestInput } from './ingest-input.ts';

export interface Engine {
  readonly ready: Promise<SourceHeader>;
  query(q: SourceQuery): Promise<QueryResult>;
  /** Parses the (grown) file again in this worker; on failure the previous model stays and this rejects. */
  reload(path: string, maxBytes?: number): Promise<SourceHeader>;
  /** Stops the worker (cancels a running ingest; frees the model). */
  dispose(): void;
}

export class EngineFailed extends Error {}

/**
 * Runs a .ts worker under tsx (source checkouts). Resolved through a variable, not inline in
 * `new Worker(new URL(…))`, so bundlers do not try to bundle it as a web worker; the Electron build
 * passes a built .cjs worker instead and never loads it.
 */
const TSX_BOOTSTRAP = fileURLToPath(new URL('./engine-worker-bootstrap.mjs', import.meta.url));

function spawnWorker(workerScript: string): Worker {
  return workerScript.endsWith('.ts')
    ? new Worker(TSX_BOOTSTRAP, { workerData: { entry: pathToFileURL(workerScript).href } })
    : new Worker(workerScript);
}

/**
 * One worker started ahead of need per script: booting a worker (and, from source, compiling the
 * parsers under tsx) takes 0.2–0.6 s, which would otherwise delay every file's first paint. A spare
 * does not keep the process alive (unref) until it is taken.
 */
const spares = new Map<string, Worker>();

function takeWorker(workerScript: string): Worker {
  const spare = spares.get(workerScript);
  spares.delete(workerScript);
  const refill = spawnWorker(workerScript);
  refill.unref();
  refill.once('exit', () => {
    if (spares.get(workerScript) === refill) spares.delete(workerScript);
  });
  refill.on('error', () => {});
  spares.set(workerScript, refill);
  if (spare) {
    spare.ref();
    return spare;
  }
  return spawnWorker(workerScript);
}

/** Starts the spare for a script now (at host start), so even the first file opens without the boot delay. */
export function prewarmEngine(workerScript: string): void {
  if (spares.has(workerScript)) return;
  const w = spawnWorker(workerScript);
  w.unref();
  w.on('error', () => {});
  w.once('exit', () => {
    if (spares.get(workerScript) === w) spares.delete(workerScript);
  });
  spares.set(workerScript, w);
}

/** Stops the spare workers (when the host shuts down). */
export function disposeSpareWorkers(): void {
  for (const w of spares.values()) void w.terminate();
  spares.clear();
}

/** Where the worker entry lives: the .ts file under tsx (CLI, browser mode, tests) or a built .js/.cjs. */
export function startEngine(workerScript: string, input: IngestInput, onProgress: (f: number) => void): Engine {
  const worker = takeWorker(workerScript);
  let nextReq = 1;
  const pending = new Map<number, { resolve: (r: QueryResult) => void; reject: (e: Error) => void }>();
  const reloads = new Map<number, { resolve: (h: SourceHeader) => void; reject: (e: Error) => void }>();
  let settle!: { resolve: (h: SourceHeader) => void; reject: (e: Error) => void };
  const ready = new Promise<SourceHeader>((resolve, reject) => (settle = { resolve, reject }));
  ready.catch(() => {});
  let disposed = false;

  worker.on('message', (m: FromEngine) => {
    switch (m.type) {
      case 'progress':
        onProgress(m.fraction);
        break;
      case 'ready':
        settle.resolve(m.header);
        break;
      case 'failed':
        settle.reject(new EngineFailed(m.reason));
        void worker.terminate();
        break;
      case 'result':
        pending.get(m.reqId)?.resolve(m.result);
        pending.delete(m.reqId);
        break;
      case 'queryFailed':
        pending.get(m.reqId)?.reject(new Error(m.reason));
        pending.delete(m.reqId);
        break;
      case 'reloaded':
        reloads.get(m.reqId)?.resolve(m.header);
        reloads.delete(m.reqId);
        break;
      case 'reloadFailed':
        reloads.get(m.reqId)?.reject(new EngineFailed(m.reason));
        reloads.delete(m.reqId);
        break;
    }
  });
  const fail = (reason: string) => {
    settle.reject(new EngineFailed(reason));
    for (const p of [...pending.values(), ...reloads.values()]) p.reject(new Error(reason));
    pending.clear();
    reloads.clear();
  };
  worker.on('error', (e) => fail(`engine crashed: ${e.message}`));
  worker.on('exit', (code) => {
    if (!disposed) fail(code === 0 ? 'engine stopped' : `engine exited with code ${code} (out of memory?)`);
  });

  const open: ToEngine =
    'path' in input ? { type: 'open', path: input.path, maxBytes: input.maxBytes } : { type: 'open', bytes: input.bytes, mtimeMs: input.mtimeMs };
  worker.postMessage(open);

  return {
    ready,
    query(query) {
      return new Promise((resolve, reject) => {
        if (disposed) return reject(new Error('source was removed'));
        const reqId = nextReq++;
        pending.set(reqId, { resolve, reject });
        worker.postMessage({ type: 'query', reqId, query } satisfies ToEngine);
      });
    },
    reload(path, maxBytes) {
      return new Promise((resolve, reject) => {
        if (disposed) return reject(new Error('source was removed'));
        const reqId = nextReq++;
        reloads.set(reqId, { resolve, reject });
        worker.postMessage({ type: 'reload', reqId, path, maxBytes } satisfies ToEngine);
      });
    },
    dispose() {
      if (disposed) return;
      disposed = true;
      fail('cancelled');
      void worker.terminate();
    },
  };
}

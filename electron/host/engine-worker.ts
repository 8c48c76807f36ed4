/**
 * Engine process: parses one source, then keeps its model and answers queries about it. Runs as its
 * own process (Node child_process in the CLI and browser mode, Electron's utilityProcess in the app),
 * so whatever one input does to it (an abort, out-of-memory, a hang) ends this source alone. Cancelling
 * an ingest ends the process.
 */
import type { ParsedSource } from '../../shared/model/source.ts';
import type { SourceQuery } from '../../shared/query/query-types.ts';
import { runQuery } from '../../shared/query/run-query.ts';
import { stackIndexWarmUps } from '../../shared/query/stacks/stack-sources.ts';
import { noteCaptureGrowth } from '../../shared/query/sockets/socket-series.ts';
import { extendPlacementFingerprint, placementFingerprint, type PlacementFingerprint } from '../../shared/query/placement/fingerprint.ts';
import { seriesIdentity } from '../../shared/query/stacks/profile-series.ts';
import { traceWarmUps } from '../../shared/query/trace/trace-warm-ups.ts';
import { ingestInput, reasonOf } from './ingest-input.ts';
import { traceFiguresFile } from './trace-figures-file.ts';
import type { FromEngine, ToEngine } from './engine-protocol.ts';
import { runQueryTestHook, runTestHook } from './engine-test-hooks.ts';

/** The channel to the host: Electron's process.parentPort in a utility process, else Node's IPC channel. */
interface ParentPortLike {
  on(event: 'message', fn: (e: { data: unknown }) => void): void;
  postMessage(m: unknown): void;
}
const parentPort = (process as unknown as { parentPort?: ParentPortLike }).parentPort;
const post: (m: FromEngine) => void = parentPort
  ? (m) => parentPort.postMessage(m)
  : (m) => {
      if (process.connected) process.send!(m);
    };
function onHostMessage(fn: (m: ToEngine) => void): void {
  if (parentPort) parentPort.on('message', (e) => fn(e.data as ToEngine));
  else if (process.send) process.on('message', (m) => fn(m as ToEngine));
  else throw new Error('engine-worker must run as an engine process (started by electron/host/engine.ts)');
}
// A Node engine whose host went away has no one to answer.
if (!parentPort) process.on('disconnect', () => process.exit(0));

let source: ParsedSource | null = null;
/** The source's placement print as last sent (a live capture's grows with it). */
let lastPrint: PlacementFingerprint | null = null;
/** When the last query came or was answered (idle work waits for a quiet spell after it). */
let lastQueryAt = 0;

let lastProgressAt = 0;
let lastFraction = -1;
function progress(f: number) {
  const now = Date.now();
  if (f - lastFraction >= 0.01 && now - lastProgressAt >= 80) {
    lastProgressAt = now;
    lastFraction = f;
    post({ type: 'progress', fraction: Math.min(1, Math.max(0, f)) });
  }
}

onHostMessage(async (m: ToEngine) => {
  if (m.type === 'open') {
    try {
      const figuresOnly = m.figuresOnly === true && m.path !== undefined ? await traceFiguresFile(m.path) : null;
      if (figuresOnly) {
        const { figures, sizeBytes, format, partial, warnings } = figuresOnly;
        const durationNs = figures.durationNs as number;
        // No model and no clock were read: this engine answers no query (inspect only wants figures).
        const clock = { originEpochNs: null, quality: 'estimated' as const, basis: 'not read (figures only)' };
        post({ type: 'ready', header: { kind: 'gotrace', format, clock, startNs: 0, endNs: durationNs, partial, warnings, figures, sizeBytes, sha256: '', figuresOnly: true } });
        return;
      }
      const input = m.path !== undefined ? { path: m.path, maxBytes: m.maxBytes } : { bytes: m.bytes ?? new Uint8Array(), mtimeMs: m.mtimeMs };
      const out = await ingestInput(input, progress, runTestHook);
      source = out.source;
      const { model: _model, ...rest } = out.source;
      lastPrint = placementFingerprint(out.source);
      post({ type: 'ready', header: { ...rest, figures: out.figures, sizeBytes: out.sizeBytes, sha256: out.sha256, fingerprint: lastPrint, seriesIdentity: seriesIdentity(out.source) } });
      if (source.kind === 'gotrace') runWhenQuiet(source, traceWarmUps(source.model));
    } catch (e) {
      post({ type: 'failed', reason: reasonOf(e) });
    }
  } else if (m.type === 'reload') {
    try {
      const out = await ingestInput({ path: m.path, maxBytes: m.maxBytes });
      // Counts built over the capture so far are extended by the new snapshots, not built again.
      if (source?.kind === 'ss' && out.source.kind === 'ss') noteCaptureGrowth(source.model, out.source.model);
      source = out.source; // swapped only on success: a failed parse keeps the previous model
      const { model: _model, ...rest } = out.source;
      // A grown capture's print is the previous one plus its new snapshots' (not the whole capture
      // again), and only the new part crosses to the host, which holds the rest.
      const prev = lastPrint;
      lastPrint = extendPlacementFingerprint(prev, out.source);
      const before = prev?.type === 'sockets' ? prev.snapshots : null;
      const from = before ? before.length : -1;
      const extended = before !== null && from > 0 && lastPrint?.type === 'sockets' && lastPrint.snapshots.length >= from && lastPrint.snapshots[from - 1] === before[from - 1];
      const print =
        extended && lastPrint?.type === 'sockets'
          ? { fingerprintTail: { from, snapshots: lastPrint.snapshots.slice(from), summary: lastPrint.summary } }
          : { fingerprint: lastPrint };
      post({ type: 'reloaded', reqId: m.reqId, header: { ...rest, figures: out.figures, sizeBytes: out.sizeBytes, sha256: out.sha256, ...print, seriesIdentity: seriesIdentity(out.source) } });
    } catch (e) {
      post({ type: 'reloadFailed', reqId: m.reqId, reason: reasonOf(e) });
    }
  } else if (m.type === 'query') {
    lastQueryAt = performance.now();
    try {
      if (!source) throw new Error('source is not ready');
      runQueryTestHook(m.query);
      post({ type: 'result', reqId: m.reqId, result: runQuery(source, m.query) });
      warmStackIndexes(source, m.query);
    } catch (e) {
      post({ type: 'queryFailed', reqId: m.reqId, reason: reasonOf(e) });
    }
    lastQueryAt = performance.now();
  }
});

/**
 * After a profile's first plain flame graph, builds the indexes its filtered top tables and
 * bottom-up tree reuse (stackIndexWarmUps) while the user looks at it. Short slices run between
 * queries; a long step waits until no query has come for IDLE_MS, so a user clicking through the
 * graph is answered first. A query arriving during a step waits for it, never the window.
 */
const IDLE_MS = 300;
const warmed = new WeakMap<ParsedSource, Set<string>>();
function warmStackIndexes(src: ParsedSource, q: SourceQuery): void {
  if (q.type !== 'callTree' || q.inverted || q.focus || q.ignore || q.hide || q.range || q.rootPath?.length) return;
  let done = warmed.get(src);
  if (!done) warmed.set(src, (done = new Set()));
  const key = q.profile ?? '';
  if (done.has(key)) return;
  done.add(key);
  const steps = stackIndexWarmUps(src, q);
  const next = () => {
    const step = steps[0];
    if (!step || source !== src) return;
    const quiet = performance.now() - lastQueryAt;
    if (step.slices === 'long' && quiet < IDLE_MS) return void setTimeout(next, IDLE_MS - quiet);
    try {
      if (!step.run()) steps.shift();
    } catch {
      steps.shift(); // a failing query reports itself when the user asks for it
    }
    setTimeout(next, 0);
  };
  setTimeout(next, 100);
}

/**
 * Runs a trace's whole-trace walks (trace-warm-ups.ts) one at a time, each once no query has come for
 * IDLE_MS: the views' own queries are answered first, and what they leave undone is ready before the
 * first brush asks for it.
 */
function runWhenQuiet(src: ParsedSource, steps: (() => void)[]): void {
  const next = () => {
    const step = steps[0];
    if (!step || source !== src) return;
    const quiet = performance.now() - lastQueryAt;
    if (quiet < IDLE_MS) return void setTimeout(next, IDLE_MS - quiet);
    steps.shift();
    try {
      step();
    } catch {
      // a failing walk reports itself when a query asks for it
    }
    setTimeout(next, 0);
  };
  setTimeout(next, IDLE_MS);
}

post({ type: 'hello' });

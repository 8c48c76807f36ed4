/**
 * `tracedeck inspect`'s figures of a Go execution trace file without its model (the app's engines
 * build the model; inspect prints figures only):
 *  - `traceFiguresSplit` (the CLI's own process): a big new-format trace in two parts at once, each
 *    in a worker thread (figures-part-worker.ts) — the file up to a generation start past half of it,
 *    and the rest from there —, joined here (parallel-figures.ts) when the later part began where the
 *    first ended. This thread only waits: the CLI's other engines are never kept waiting by it.
 *  - `traceFiguresFile` (an engine process): one pass, for any trace the split does not read.
 * Both answer null when the file is not a regular file with a Go trace header, or (one pass) its
 * transitions come out of time order (a damaged trace): the caller ingests it as usual.
 */
import { closeSync, constants, existsSync, fstatSync, openSync, readSync, statSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import type { ByteSource } from '../../shared/ingest/byte-source.ts';
import { IngestError } from '../../shared/ingest/errors.ts';
import { traceHeaderMinor } from '../../shared/ingest/gotrace/v2/decode.ts';
import { traceSummaryFigures } from '../../shared/query/trace/trace-summary.ts';
import type { FiguresPartJob, FromPartWorker } from './figures-part-worker.ts';
import { ENGINE_HEAP_MB, ENGINE_STALL_MS, oldTraceRefusal, traceSplitMinBytes } from './limits.ts';
import { figuresInParts, FIRST_SHARE, generationStarts, splitPoint, traceFiguresOnePass, type FirstPart, type LaterDecoded } from './parallel-figures.ts';
import type { TraceFigures } from './trace-figures.ts';


export interface TraceFiguresOutcome {
  format: string;
  figures: Record<string, unknown>;
  partial: boolean;
  warnings: string[];
  sizeBytes: number;
}

/** How trace figures were read in this thread (tests and diagnostics). */
export const traceFiguresReads = { split: 0, joined: 0, onePass: 0 };

interface OpenTrace {
  fd: number;
  size: number;
  minor: number;
}

/**
 * `path` opened for reading when it is a regular file with a Go trace header, else null. Only a
 * regular file is opened: opening a FIFO would take its writer's one stream from the usual ingest,
 * which reads it. Opened without blocking all the same, and checked as opened: a path swapped for a
 * FIFO meanwhile is not waited on.
 */
function openTrace(path: string): OpenTrace | null {
  if (/^\/(proc|sys)\//.test(path)) return null;
  let fd: number;
  try {
    if (!statSync(path).isFile()) return null;
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch {
    return null; // the usual ingest names the reason
  }
  try {
    const st = fstatSync(fd);
    if (st.isFile() && st.size >= 16) {
      const head = new Uint8Array(16);
      const minor = readSync(fd, head, 0, 16, 0) === 16 ? traceHeaderMinor(head) : null;
      if (minor !== null && minor >= 11) return { fd, size: st.size, minor };
    }
  } catch {
    // unreadable: the usual ingest says why
  }
  closeSync(fd);
  return null;
}

function outcome(minor: number, sizeBytes: number, figures: TraceFigures): TraceFiguresOutcome {
  const { warnings, ...counts } = figures;
  const format = `go 1.${minor} trace`;
  return { format, figures: { ...traceSummaryFigures(format, counts) }, partial: counts.partial, warnings, sizeBytes };
}

/** The trace's figures in one pass in this thread (an engine process's). */
export async function traceFiguresFile(path: string): Promise<TraceFiguresOutcome | null> {
  const t = openTrace(path);
  if (t === null) return null;
  try {
    if (t.minor < 22) {
      const refusal = oldTraceRefusal(t.size);
      if (refusal !== null) throw new IngestError(refusal);
    }
    let at = 0;
    const src: ByteSource = {
      size: t.size,
      read(into) {
        const n = readSync(t.fd, into, 0, into.length, at);
        at += n;
        return n;
      },
    };
    traceFiguresReads.onePass++;
    const figures = traceFiguresOnePass(src);
    // Transitions out of time order (a damaged trace): the usual ingest reads it through the model.
    return figures === null ? null : outcome(t.minor, t.size, figures);
  } finally {
    closeSync(t.fd);
  }
}

export interface TraceSplitOptions {
  /** The part worker's script (dist/engine-worker/figures-part-worker.mjs); no split without it. */
  partWorker: string | null;
  /** Files smaller than this are not split (default limits.ts traceSplitMinBytes, 16 MB). */
  splitMinBytes?: number;
  /** A part that reads no generation for this long is given up, as an engine is (default ENGINE_STALL_MS). */
  stallMs?: number;
}

/**
 * A new-format trace's figures from two worker threads at once, or null when there is no split worth
 * making (small, old format, no worker script, no generation start near the middle) or the parts did
 * not join (a part failed, declined or ran out of memory): then an engine reads it in one pass.
 */
export async function traceFiguresSplit(path: string, opts: TraceSplitOptions): Promise<TraceFiguresOutcome | null> {
  const script = opts.partWorker;
  if (script === null || !existsSync(script)) return null;
  const t = openTrace(path);
  if (t === null) return null;
  const workers: Worker[] = [];
  try {
    if (t.minor < 22 || t.size < (opts.splitMinBytes ?? traceSplitMinBytes())) return null;
    const readAt = (into: Uint8Array, off: number) => readSync(t.fd, into, 0, into.length, off);
    const starts = generationStarts(readAt, t.size, t.minor, t.size * FIRST_SHARE);
    const at = splitPoint(starts, t.size);
    if (at === null) return null;
    traceFiguresReads.split++;
    // Both threads read the descriptor opened here: a path swapped meanwhile is never followed.
    const job = { fd: t.fd, size: t.size, split: at, gensBefore: starts.indexOf(at) + 1 };
    const stallMs = opts.stallMs ?? ENGINE_STALL_MS;
    const first = partInWorker<FirstPart>(script, { ...job, part: 'first' }, workers, stallMs);
    const later = partInWorker<LaterDecoded>(script, { ...job, part: 'later' }, workers, stallMs);
    const firstPart = await first;
    if (firstPart === null) return null;
    const figures = await figuresInParts(firstPart, { decoded: () => later, cancel: () => {} });
    if (figures === null) return null;
    traceFiguresReads.joined++;
    return outcome(t.minor, t.size, figures);
  } catch {
    // Whatever broke the split (a fault, an allocation refused): an engine reads the file alone and
    // says what is wrong with it, if anything is.
    return null;
  } finally {
    // The threads are gone before the descriptor they read is closed.
    await Promise.all(workers.map((w) => w.terminate()));
    closeSync(t.fd);
  }
}

/**
 * A part decoded in a worker thread; null when it failed, the worker could not start or ended, or it
 * read no generation for `stallMs` (a crafted trace must not keep inspect waiting: an engine, with its
 * own watchdog, then reads the file).
 */
function partInWorker<T>(script: string, job: FiguresPartJob, workers: Worker[], stallMs: number): Promise<T | null> {
  return new Promise<T | null>((resolve) => {
    let stall: ReturnType<typeof setTimeout> | null = null;
    const done = (v: T | null) => {
      if (stall !== null) clearTimeout(stall);
      resolve(v);
    };
    const arm = () => {
      if (stall !== null) clearTimeout(stall);
      stall = setTimeout(() => done(null), stallMs);
    };
    try {
      // A part's heap is an engine process's: a part that exhausts it ends the split only (an engine then reads the file).
      const w = new Worker(script, { workerData: job, resourceLimits: { maxOldGenerationSizeMb: ENGINE_HEAP_MB } });
      workers.push(w);
      arm();
      w.on('message', (m: FromPartWorker) => {
        if (m.type === 'progress') arm();
        else done(m.type === 'decoded' ? (m.decoded as T) : null);
      });
      w.on('error', () => done(null));
      w.on('exit', () => done(null));
    } catch {
      done(null);
    }
  });
}

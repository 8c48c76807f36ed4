/**
 * `tracedeck inspect`'s figures of a Go execution trace file without its model (the app's engines
 * build the model; inspect prints figures only): one pass over the file, or for a big new-format
 * trace two parts at once — the part after a generation start past half the file in a worker thread
 * (figures-part-worker.ts), the first part here — joined when the later part began where the first
 * ended, else read again in one pass (parallel-figures.ts).
 * Null when the file is not a regular file with a Go trace header: the caller ingests it as usual.
 */
import { closeSync, constants, existsSync, fstatSync, openSync, readSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { ByteSource } from '../../shared/ingest/byte-source.ts';
import { IngestError } from '../../shared/ingest/errors.ts';
import { traceHeaderMinor } from '../../shared/ingest/gotrace/v2/decode.ts';
import { traceSummaryFigures } from '../../shared/query/trace/trace-summary.ts';
import type { FiguresPartJob, ToPartWorker } from './figures-part-worker.ts';
import { oldTraceRefusal } from './limits.ts';
import { decodeFirstPart, figuresInParts, FIRST_SHARE, generationStarts, splitPoint, traceFiguresOnePass, type LaterDecoded, type LaterPartApi } from './parallel-figures.ts';
import type { BlockingTotals, FirstCloses, PartWindows, TraceFigures } from './trace-figures.ts';

/** Below this a second thread costs more than it saves. */
const SPLIT_MIN_BYTES = 16 << 20;

/** The bundled worker beside the bundled engine (dist/engine-worker/); absent when run from source. */
function defaultPartWorker(): string | null {
  try {
    return fileURLToPath(new URL('./figures-part-worker.mjs', import.meta.url));
  } catch {
    return null; // a build without a file URL for this module (CommonJS): one pass
  }
}

export interface TraceFiguresOutcome {
  format: string;
  figures: Record<string, unknown>;
  partial: boolean;
  warnings: string[];
  sizeBytes: number;
}

/** How trace figures were read in this thread (tests and diagnostics). */
export const traceFiguresReads = { split: 0, joined: 0, onePass: 0 };

export interface TraceFiguresOptions {
  /** The part worker's script (default: the bundle beside this one); no split when it is absent. */
  partWorker?: string;
  /** Files smaller than this are read in one pass (default 16 MB). */
  splitMinBytes?: number;
}

export async function traceFiguresFile(path: string, opts: TraceFiguresOptions = {}): Promise<TraceFiguresOutcome | null> {
  const partWorker = opts.partWorker ?? defaultPartWorker();
  if (/^\/(proc|sys)\//.test(path)) return null;
  let fd: number;
  try {
    // Only a regular file is opened here: opening a FIFO would take its writer's one stream from
    // the usual ingest, which reads it. Opened without blocking all the same, and checked as opened
    // below: a path swapped for a FIFO meanwhile is not waited on.
    if (!statSync(path).isFile()) return null;
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch {
    return null; // the usual ingest names the reason
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile() || st.size < 16) return null;
    const head = new Uint8Array(16);
    const minor = readSync(fd, head, 0, 16, 0) === 16 ? traceHeaderMinor(head) : null;
    if (minor === null || minor < 11) return null;
    if (minor < 22) {
      const refusal = oldTraceRefusal(st.size);
      if (refusal !== null) throw new IngestError(refusal);
    }
    const readAt = (into: Uint8Array, off: number) => readSync(fd, into, 0, into.length, off);
    const from = (start: number): ByteSource => {
      let at = start;
      return {
        size: st.size,
        read(into) {
          const n = readAt(into, at);
          at += n;
          return n;
        },
      };
    };
    let figures: TraceFigures | null = null;
    const split = minor >= 22 && st.size >= (opts.splitMinBytes ?? SPLIT_MIN_BYTES) && partWorker !== null && existsSync(partWorker) ? splitAt(readAt, st.size, minor) : null;
    if (split !== null) {
      traceFiguresReads.split++;
      // The worker reads the descriptor opened here: a path swapped meanwhile is never followed.
      const later = workerLaterPart(partWorker!, { fd, size: st.size, split: split.at, gensBefore: split.gensBefore });
      try {
        figures = await figuresInParts(decodeFirstPart(from(0), split.at), later);
      } catch {
        // Whatever broke the split read (a fault, an allocation refused): one pass reads the file
        // alone and says what is wrong with it, if anything is.
        figures = null;
      } finally {
        await later.cancel(); // the thread is gone before the descriptor it reads is closed
      }
    }
    if (figures !== null) traceFiguresReads.joined++;
    else {
      traceFiguresReads.onePass++;
      figures = traceFiguresOnePass(from(0));
    }
    const { warnings, ...counts } = figures;
    const format = `go 1.${minor} trace`;
    return { format, figures: { ...traceSummaryFigures(format, counts) }, partial: counts.partial, warnings, sizeBytes: st.size };
  } finally {
    closeSync(fd);
  }
}

function splitAt(readAt: (into: Uint8Array, off: number) => number, size: number, minor: number): { at: number; gensBefore: number } | null {
  const starts = generationStarts(readAt, size, minor, size * FIRST_SHARE);
  const at = splitPoint(starts, size);
  // A later part over 4 GiB could count 2^32 events (FiguresRows keeps their indexes in 32 bits).
  if (at === null || size - at >= 2 ** 32) return null;
  return { at, gensBefore: starts.indexOf(at) + 1 };
}

/**
 * The later part in a worker thread (figures-part-worker.ts). A worker that cannot start, fails or
 * ends answers null to `decoded` (the figures are then read in one pass); later questions are asked
 * only after it decoded.
 */
function workerLaterPart(script: string, job: FiguresPartJob): LaterPartApi {
  type Reply = { type: 'decoded'; decoded: LaterDecoded } | { type: 'failed' } | { type: 'windows'; windows: PartWindows } | { type: 'walked'; totals: BlockingTotals; firstClose: FirstCloses };
  const waiting: ((m: Reply | null) => void)[] = [];
  const replies: (Reply | null)[] = [];
  let gone = false;
  const deliver = (m: Reply | null) => {
    const w = waiting.shift();
    if (w) w(m);
    else replies.push(m);
  };
  const next = () => new Promise<Reply | null>((resolve) => {
    if (replies.length > 0) resolve(replies.shift()!);
    else if (gone) resolve(null);
    else waiting.push(resolve);
  });
  let w: Worker | null = null;
  try {
    w = new Worker(script, { workerData: job });
    w.on('message', (m: Reply) => deliver(m));
    const end = () => {
      gone = true;
      for (const f of waiting.splice(0)) f(null);
    };
    w.on('error', end);
    w.on('exit', end);
  } catch {
    gone = true;
  }
  const ask = async <T extends Reply['type']>(m: ToPartWorker, type: T): Promise<Extract<Reply, { type: T }>> => {
    w!.postMessage(m);
    const r = await next();
    if (r === null || r.type !== type) throw new Error('the trace-figures worker stopped');
    return r as Extract<Reply, { type: T }>;
  };
  return {
    decoded: async () => {
      const r = await next();
      return r !== null && r.type === 'decoded' ? r.decoded : null;
    },
    windows: async (base, lastTs) => (await ask({ type: 'windows', base, lastTs }, 'windows')).windows,
    walk: async (lo, hi) => {
      const r = await ask({ type: 'walk', lo, hi }, 'walked');
      return { totals: r.totals, firstClose: r.firstClose };
    },
    cancel: async () => {
      await w?.terminate();
    },
  };
}

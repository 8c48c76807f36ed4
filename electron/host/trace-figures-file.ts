/**
 * `tracedeck inspect`'s figures of a Go execution trace file without its model (the app's engines
 * build the model; inspect prints figures only): one pass over the file, or for a big new-format
 * trace two parts at once — the part after a generation start near the middle in a worker thread
 * (figures-part-worker.ts), the first part here — joined when the later part began where the first
 * ended, else read again in one pass (shared/ingest/gotrace/parallel-figures.ts).
 * Null when the file is not a regular file with a Go trace header: the caller ingests it as usual.
 */
import { closeSync, existsSync, fstatSync, openSync, readSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { ByteSource } from '../../shared/ingest/byte-source.ts';
import { decodeFirstPart, generationStarts, joinFigureParts, splitPoint, traceFiguresOnePass } from './parallel-figures.ts';
import type { TraceFigures } from './trace-figures.ts';
import { traceHeaderMinor } from '../../shared/ingest/gotrace/v2/decode.ts';
import type { FiguresPart } from './trace-figures.ts';
import { StackTableBuilder } from '../../shared/model/stacks.ts';
import type { FiguresPartJob } from './figures-part-worker.ts';
import { oldTraceRefusal } from './limits.ts';
import { IngestError } from '../../shared/ingest/errors.ts';

/** Below this a second thread costs more than it saves. */
const SPLIT_MIN_BYTES = 16 << 20;

/** The bundled worker beside the bundled engine (dist/engine-worker/); absent when run from source. */
const PART_WORKER = fileURLToPath(new URL('./figures-part-worker.mjs', import.meta.url));

export interface TraceFiguresOutcome {
  format: string;
  figures: Record<string, unknown>;
  partial: boolean;
  warnings: string[];
  sizeBytes: number;
}

export async function traceFiguresFile(path: string, opts: { split?: boolean } = {}): Promise<TraceFiguresOutcome | null> {
  if (/^\/(proc|sys)\//.test(path)) return null;
  let fd: number;
  try {
    fd = openSync(path, 'r');
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
    const split = minor >= 22 && st.size >= SPLIT_MIN_BYTES && opts.split !== false && existsSync(PART_WORKER) ? splitAt(readAt, st.size, minor) : null;
    if (split !== null) {
      const later = laterPart({ path, size: st.size, split: split.at, gensBefore: split.gensBefore });
      const first = decodeFirstPart(from(0), split.at, new StackTableBuilder());
      const part = await later;
      if (part !== null) figures = joinFigureParts(first, part);
    }
    figures ??= traceFiguresOnePass(from(0));
    const { warnings, goMinor, partial, ...rest } = figures;
    return {
      format: `go 1.${minor} trace`,
      // The keys and order of summarizeTrace (shared/query/trace/trace-summary.ts).
      figures: {
        format: `go 1.${minor} trace`,
        goVersion: `go1.${goMinor}`,
        durationNs: rest.durationNs,
        goroutines: rest.goroutines,
        gcCount: rest.gcCount,
        procs: rest.procs,
        cpuSamples: rest.cpuSamples,
        partial,
        blockingNs: rest.blockingNs,
      },
      partial,
      warnings,
      sizeBytes: st.size,
    };
  } finally {
    closeSync(fd);
  }
}

function splitAt(readAt: (into: Uint8Array, off: number) => number, size: number, minor: number): { at: number; gensBefore: number } | null {
  const starts = generationStarts(readAt, size, minor);
  const at = splitPoint(starts, size);
  return at === null ? null : { at, gensBefore: starts.indexOf(at) + 1 };
}

/** The later part from a worker thread, or null when it could not be read there (one pass then). */
function laterPart(job: FiguresPartJob): Promise<FiguresPart | null> {
  return new Promise((resolve) => {
    let w: Worker;
    try {
      w = new Worker(PART_WORKER, { workerData: job });
    } catch {
      return resolve(null);
    }
    let done = false;
    const finish = (p: FiguresPart | null) => {
      if (done) return;
      done = true;
      resolve(p);
      void w.terminate();
    };
    w.on('message', (m: { part?: FiguresPart; error?: string }) => finish(m.part ?? null));
    w.on('error', () => finish(null));
    w.on('exit', () => finish(null));
  });
}

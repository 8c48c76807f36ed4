/**
 * Worker thread of trace-figures-file.ts traceFiguresSplit: decodes one part of a new-format trace —
 * the first (from the start up to a generation start) or the later (from there to the end) — into its
 * figures and walk summary, and posts them (parallel-figures.ts FirstPart / LaterDecoded: per
 * goroutine, never per transition). Bundled on its own (electron/worker-build.ts), so a thread loads
 * the decoder only.
 */
import { readSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import type { ByteSource } from '../../shared/ingest/byte-source.ts';
import { decodeFirstPart, LaterPart, type FirstPart, type LaterDecoded } from './parallel-figures.ts';

export interface FiguresPartJob {
  part: 'first' | 'later';
  /** The file, opened by the thread that started this one (threads share descriptors): never opened again by path. */
  fd: number;
  size: number;
  split: number;
  gensBefore: number;
}

export type FromPartWorker = { type: 'decoded'; decoded: FirstPart | LaterDecoded } | { type: 'failed'; reason: string } | { type: 'progress' };

const job = workerData as FiguresPartJob;
const port = parentPort!;
const fd = job.fd;
// A generation read: the starting thread's watchdog hears that this part is still moving.
const opts = { onProgress: () => port.postMessage({ type: 'progress' } satisfies FromPartWorker) };

/** The typed arrays' buffers in `obj` (one level down): moved to the other thread, not copied. */
function buffersIn(...objs: object[]): ArrayBuffer[] {
  const out: ArrayBuffer[] = [];
  for (const o of objs) for (const v of Object.values(o)) if (ArrayBuffer.isView(v)) out.push(v.buffer as ArrayBuffer);
  return out;
}

try {
  if (job.part === 'first') {
    let at = 0;
    const src: ByteSource = {
      size: job.size,
      read(into) {
        const n = readSync(fd, into, 0, into.length, at);
        at += n;
        return n;
      },
    };
    const first = decodeFirstPart(src, job.split, opts);
    port.postMessage({ type: 'decoded', decoded: first } satisfies FromPartWorker, buffersIn(first.walk, first.goStatuses, first.procStatuses));
  } else {
    // The file's 16-byte header, then its bytes from the split: a trace that starts at that generation.
    let at = 0;
    const src: ByteSource = {
      size: 16 + job.size - job.split,
      read(into) {
        const off = at < 16 ? at : job.split + at - 16;
        const want = at < 16 ? Math.min(into.length, 16 - at) : into.length;
        const n = readSync(fd, into, 0, want, off);
        at += n;
        return n;
      },
    };
    const { decoded } = new LaterPart(src, job.split, job.gensBefore, opts);
    port.postMessage({ type: 'decoded', decoded } satisfies FromPartWorker, buffersIn(decoded.walk, decoded.first));
  }
} catch (e) {
  port.postMessage({ type: 'failed', reason: e instanceof Error ? e.message : String(e) } satisfies FromPartWorker);
}

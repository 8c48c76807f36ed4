/**
 * Worker thread of trace-figures-file.ts: decodes the later part of a new-format trace (from a
 * generation start to the end) into figure rows, which stay here, and answers the first part's
 * questions about them (parallel-figures.ts LaterPartApi): what it decoded, its goroutine windows,
 * its walk. Bundled on its own (electron/worker-build.ts), so a thread loads the decoder only.
 */
import { readSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import type { ByteSource } from '../../shared/ingest/byte-source.ts';
import { LaterPart } from './parallel-figures.ts';

export interface FiguresPartJob {
  /** The file, opened by the engine thread (threads share descriptors): never opened again by path. */
  fd: number;
  size: number;
  split: number;
  gensBefore: number;
}

export type ToPartWorker = { type: 'windows'; base: number; lastTs: number } | { type: 'walk'; lo: Float64Array; hi: Float64Array };

const job = workerData as FiguresPartJob;
const port = parentPort!;
let part: LaterPart | null = null;
const fd = job.fd;
try {
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
  part = new LaterPart(src, job.split, job.gensBefore);
  port.postMessage({ type: 'decoded', decoded: part.decoded });
} catch (e) {
  port.postMessage({ type: 'failed', reason: e instanceof Error ? e.message : String(e) });
}

port.on('message', (m: ToPartWorker) => {
  if (part === null) return;
  if (m.type === 'windows') {
    const w = part.windows(m.base, m.lastTs);
    port.postMessage({ type: 'windows', windows: w }, [w.ids.buffer, w.reset.buffer, w.run.buffer, w.end.buffer] as ArrayBuffer[]);
  } else if (m.type === 'walk') {
    const r = part.walk(m.lo, m.hi);
    port.postMessage({ type: 'walked', ...r });
    part = null;
  }
});

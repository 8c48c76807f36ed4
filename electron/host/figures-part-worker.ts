/**
 * Worker thread of trace-figures-file.ts: decodes the later part of a new-format trace (from a
 * generation start to the end) into figure rows (shared/ingest/gotrace/parallel-figures.ts) and posts
 * them back, typed arrays moved rather than copied. Bundled on its own (electron/worker-build.ts) so a
 * thread loads the decoder only.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import type { ByteSource } from '../../shared/ingest/byte-source.ts';
import { decodeLaterPart } from './parallel-figures.ts';
import { StackTableBuilder } from '../../shared/model/stacks.ts';

export interface FiguresPartJob {
  path: string;
  size: number;
  split: number;
  gensBefore: number;
}

const job = workerData as FiguresPartJob;
const fd = openSync(job.path, 'r');
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
  const part = decodeLaterPart(src, job.split, job.gensBefore, new StackTableBuilder());
  parentPort!.postMessage({ part }, [part.t.buffer, part.idx.buffer, part.g.buffer, part.from.buffer, part.to.buffer, part.cls.buffer] as ArrayBuffer[]);
} catch (e) {
  parentPort!.postMessage({ error: e instanceof Error ? e.message : String(e) });
} finally {
  closeSync(fd);
}

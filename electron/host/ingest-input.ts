/**
 * Reads one input (a path or bytes), checks its size, hashes it and runs the shared ingest entry
 * point. Used inside engine processes and by the CLI's `inspect` (same code, same results).
 *
 * A path is stat'ed first. Regular files are read at their stat size. Anything else that can be read
 * (a FIFO, `<(cmd)`, a character device, a /proc or /sys file whose size reads as 0) is streamed with
 * the size limit and a timeout on silence, never a blocking open or read on the event loop.
 */
import { createHash } from 'node:crypto';
import { constants, createReadStream, open as openFd } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { Socket } from 'node:net';
import type { Readable } from 'node:stream';
import type { ParsedSource } from '../../shared/model/source.ts';
import { ingestBytes } from '../../shared/ingest/ingest.ts';
import { IngestError } from '../../shared/ingest/errors.ts';
import { summarize } from '../../shared/query/run-query.ts';

import { MAX_FILE_BYTES, SPECIAL_FILE_READ_MS } from './limits.ts';

/** `maxBytes`: read only the file's first bytes (a capture still being written: whole snapshots only). */
export type IngestInput = { path: string; maxBytes?: number } | { bytes: Uint8Array; mtimeMs?: number };

export interface IngestOutcome {
  source: ParsedSource;
  figures: Record<string, unknown>;
  sizeBytes: number;
  sha256: string;
}

export function formatSize(n: number): string {
  return n >= 2 ** 30 ? `${(n / 2 ** 30).toFixed(1)} GiB` : `${(n / 2 ** 20).toFixed(1)} MiB`;
}

const tooLarge = (what: string) => new IngestError(`${what}; the limit is ${formatSize(MAX_FILE_BYTES)}`);

export async function readInput(input: IngestInput): Promise<{ bytes: Uint8Array; mtimeMs?: number }> {
  if ('bytes' in input) {
    if (input.bytes.length > MAX_FILE_BYTES) throw tooLarge(`file too large (${formatSize(input.bytes.length)})`);
    return input;
  }
  let st;
  try {
    st = await stat(input.path);
  } catch (e) {
    throw new IngestError(`cannot read file: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  if (st.isDirectory()) throw new IngestError('is a directory');
  if (st.isSocket()) throw new IngestError('is a socket (not a file that can be read)');
  // /proc and /sys files report size 0 (or a page) whatever they hold: stream those as well.
  const special = !st.isFile() || st.size === 0 || /^\/(proc|sys)\//.test(input.path);
  if (special) {
    const kind = st.isFIFO() ? 'pipe' : st.isCharacterDevice() ? 'character device' : st.isBlockDevice() ? 'block device' : 'file';
    return { bytes: await readSpecial(input.path, kind, st.isFIFO(), input.maxBytes), mtimeMs: st.mtimeMs };
  }
  const size = Math.min(st.size, input.maxBytes ?? Infinity);
  if (size > MAX_FILE_BYTES) throw tooLarge(`file too large (${formatSize(size)})`);
  const fh = await open(input.path, 'r');
  try {
    const bytes = new Uint8Array(size);
    let off = 0;
    while (off < size) {
      const { bytesRead } = await fh.read(bytes, off, size - off, off);
      if (bytesRead === 0) break;
      off += bytesRead;
    }
    return { bytes: bytes.subarray(0, off), mtimeMs: st.mtimeMs };
  } finally {
    await fh.close();
  }
}

/**
 * Streams a file whose size stat cannot tell. A FIFO is opened non-blocking and read through the event
 * loop (a blocking open would wait for a writer forever); the read gives up after SPECIAL_FILE_READ_MS
 * without data, and refuses more than the file limit (`maxBytes`, when given, just stops there).
 */
async function readSpecial(path: string, kind: string, fifo: boolean, maxBytes?: number): Promise<Uint8Array> {
  let stream: Readable;
  if (fifo && constants.O_NONBLOCK !== undefined) {
    const fd = await new Promise<number>((resolve, reject) =>
      openFd(path, constants.O_RDONLY | constants.O_NONBLOCK, (e, fd) => (e ? reject(new IngestError(`cannot read ${kind}: ${e.code ?? e.message}`)) : resolve(fd))),
    );
    stream = new Socket({ fd, readable: true, writable: false });
  } else {
    stream = createReadStream(path, { highWaterMark: 1 << 20 });
  }
  const limit = Math.min(maxBytes ?? Infinity, MAX_FILE_BYTES);
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    await new Promise<void>((resolve, reject) => {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const finish = (e?: Error) => {
        clearTimeout(timer);
        stream.destroy(); // no more 'data' after the outcome is known
        if (e) reject(e);
        else resolve();
      };
      const quiet = () => {
        clearTimeout(timer);
        timer = setTimeout(
          () => finish(new IngestError(`gave up reading the ${kind}: no data for ${Math.round(SPECIAL_FILE_READ_MS / 1000)} s (after ${total} bytes)`)),
          SPECIAL_FILE_READ_MS,
        );
      };
      quiet();
      stream.on('data', (c: Buffer) => {
        quiet();
        const room = limit - total;
        if (c.length >= room && limit === maxBytes) {
          chunks.push(c.subarray(0, room));
          total += room;
          return finish();
        }
        total += c.length;
        if (total > MAX_FILE_BYTES) return finish(tooLarge(`${kind} too large (more than ${formatSize(MAX_FILE_BYTES)} read)`));
        chunks.push(c);
      });
      stream.on('end', () => finish());
      stream.on('error', (e: NodeJS.ErrnoException) => finish(new IngestError(`cannot read ${kind}: ${e.code ?? e.message}`)));
    });
  } finally {
    stream.destroy();
  }
  const out = new Uint8Array(total);
  let o = 0;
  for (const c of chunks) {
    out.set(c, o);
    o += c.length;
  }
  return out;
}

/** Hashes and parses what readInput gave. */
export async function ingestRead(read: { bytes: Uint8Array; mtimeMs?: number }, onProgress?: (f: number) => void): Promise<IngestOutcome> {
  const { bytes, mtimeMs } = read;
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const source = await ingestBytes(bytes, { onProgress, mtimeMs });
  return { source, figures: summarize(source), sizeBytes: bytes.length, sha256 };
}

export async function ingestInput(input: IngestInput, onProgress?: (f: number) => void): Promise<IngestOutcome> {
  return ingestRead(await readInput(input), onProgress);
}

/** The reason text for any failure (IngestError's message names the offset when known). */
export function reasonOf(e: unknown): string {
  if (e instanceof IngestError) return e.message;
  if (e instanceof Error) return `internal error: ${e.message}`;
  return String(e);
}

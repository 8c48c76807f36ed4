/**
 * Reads one input (a path or bytes), checks its size, hashes it and runs the shared ingest entry
 * point. Used inside engine processes (and in-process by the CLI's `top` and `diagnose`).
 *
 * A path is stat'ed first. A new-format Go trace is parsed while it is read in chunks (any size);
 * other regular files are read whole at their stat size, up to MAX_FILE_BYTES. Anything else that can be read
 * (a FIFO, `<(cmd)`, a character device, a /proc or /sys file whose size reads as 0) is streamed with
 * the size limit and a timeout on silence, never a blocking open or read on the event loop.
 */
import { createHash, type Hash } from 'node:crypto';
import { constants, createReadStream, open as openFd, readSync } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { Socket } from 'node:net';
import type { Readable } from 'node:stream';
import type { ParsedSource } from '../../shared/model/source.ts';
import { ingestBytes } from '../../shared/ingest/ingest.ts';
import type { ByteSource } from '../../shared/ingest/byte-source.ts';
import { parseTraceSource } from '../../shared/ingest/gotrace/parse-trace.ts';
import { traceHeaderMinor } from '../../shared/ingest/gotrace/v2/decode.ts';
import { IngestError } from '../../shared/ingest/errors.ts';
import { summarize } from '../../shared/query/run-query.ts';
import { CaptureAppender } from '../../shared/ingest/ss/append-capture.ts';

import { MAX_FILE_BYTES, oldTraceRefusal, SPECIAL_FILE_READ_MS } from './limits.ts';

/** `maxBytes`: read only the file's first bytes (a capture still being written: whole snapshots only). */
/**
 * `figuresOnly`: the caller wants the figures (tracedeck inspect), not a model to query: a trace's are
 * computed without building one (trace-figures-file.ts); the engine then answers no query.
 */
export type IngestInput = { path: string; maxBytes?: number; figuresOnly?: boolean } | { bytes: Uint8Array; mtimeMs?: number };

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

/**
 * Reads and parses one input. `beforeParse` sees the bytes first (the engine's test hooks); a live
 * capture that only grew is parsed by its new part (not passed to it).
 */
export async function ingestInput(input: IngestInput, onProgress?: (f: number) => void, beforeParse?: (bytes: Uint8Array) => void): Promise<IngestOutcome> {
  // A live capture (read up to maxBytes) grows by its new snapshots when it can.
  const liveInput = 'path' in input && input.maxBytes !== undefined ? input : null;
  if (liveInput) {
    const grown = await appendLive(liveInput.path, liveInput.maxBytes!);
    if (grown) return grown;
  } else if ('path' in input) {
    const streamed = await ingestTraceFile(input.path, onProgress);
    if (streamed) return streamed;
  }
  const { bytes, mtimeMs } = await readInput(input);
  beforeParse?.(bytes);
  const hash = createHash('sha256').update(bytes);
  const sha256 = hash.copy().digest('hex');
  const source = await ingestBytes(bytes, { onProgress, mtimeMs });
  if (liveInput) {
    liveCaptureReads.whole++;
    await rememberLive(liveInput.path, bytes, hash, source);
  }
  return { source, figures: summarize(source), sizeBytes: bytes.length, sha256 };
}

/**
 * A Go execution trace file is parsed as it is read, in chunks (shared/ingest/byte-source.ts), hashed
 * on the way. A new-format (go 1.22+) trace never needs a buffer for the whole file, so there is no
 * size limit; an old-format one is ordered as a whole, so the parser reads it into one buffer of the
 * file's size (up to 4 GiB), past the 1 GiB whole-file limit of other inputs.
 * Reads are synchronous: engines are processes of their own, and the parser is synchronous anyway.
 * Null when the path is not a regular file starting with a `go 1.11+ trace` header: read it whole.
 */
async function ingestTraceFile(path: string, onProgress?: (f: number) => void): Promise<IngestOutcome | null> {
  let st;
  try {
    st = await stat(path);
  } catch {
    return null; // readInput names the reason
  }
  if (!st.isFile() || st.size < 16 || /^\/(proc|sys)\//.test(path)) return null;
  const fh = await open(path, 'r');
  try {
    const head = new Uint8Array(16);
    const { bytesRead } = await fh.read(head, 0, 16, 0);
    const minor = bytesRead === 16 ? traceHeaderMinor(head) : null;
    if (minor === null || minor < 11) return null;
    const refusal = minor < 22 ? oldTraceRefusal(st.size) : null;
    if (refusal !== null) throw new IngestError(refusal);
    const hash = createHash('sha256');
    let at = 0;
    const src: ByteSource = {
      size: st.size,
      read(into) {
        const n = readSync(fh.fd, into, 0, into.length, at);
        hash.update(into.subarray(0, n));
        at += n;
        return n;
      },
    };
    const source = parseTraceSource(src, { onProgress, mtimeMs: st.mtimeMs });
    // A damaged trace stops being read early; the hash is of the whole file all the same.
    const rest = new Uint8Array(1 << 20);
    for (let n; (n = readSync(fh.fd, rest, 0, rest.length, at)) > 0; at += n) hash.update(rest.subarray(0, n));
    return { source, figures: summarize(source), sizeBytes: at, sha256: hash.digest('hex') };
  } finally {
    await fh.close();
  }
}

/**
 * The live capture read last (an engine worker holds one source): what was read of it, so the next
 * read parses only the appended part (CaptureAppender) instead of the whole file every refresh.
 */
interface LiveCapture {
  path: string;
  dev: number;
  ino: number;
  bytes: number;
  /** The last bytes read: must still be there (the file was appended to, not rewritten). */
  tail: Uint8Array;
  appender: CaptureAppender;
  /** SHA-256 over the bytes read so far, continued with each appended part. */
  hash: Hash;
}
let live: LiveCapture | null = null;
const TAIL_BYTES = 256;
/** How live captures were read in this thread (for tests and diagnostics). */
export const liveCaptureReads = { whole: 0, appended: 0 };

async function rememberLive(path: string, bytes: Uint8Array, hash: Hash, source: IngestOutcome['source']): Promise<void> {
  live = null;
  const appender = CaptureAppender.from(source);
  if (!appender) return;
  const st = await stat(path);
  live = { path, dev: st.dev, ino: st.ino, bytes: bytes.length, tail: bytes.slice(Math.max(0, bytes.length - TAIL_BYTES)), appender, hash };
}

/** The capture grown by the bytes appended since the last read, or null: read it whole. */
async function appendLive(path: string, maxBytes: number): Promise<IngestOutcome | null> {
  const prev = live;
  if (!prev || prev.path !== path || maxBytes <= prev.bytes || maxBytes > MAX_FILE_BYTES) return null;
  let st;
  try {
    st = await stat(path);
  } catch {
    return null;
  }
  if (st.dev !== prev.dev || st.ino !== prev.ino || st.size < maxBytes) return null;
  const from = prev.bytes - prev.tail.length;
  const chunk = new Uint8Array(maxBytes - from);
  const fh = await open(path, 'r');
  try {
    let off = 0;
    while (off < chunk.length) {
      const { bytesRead } = await fh.read(chunk, off, chunk.length - off, from + off);
      if (bytesRead === 0) return null;
      off += bytesRead;
    }
  } finally {
    await fh.close();
  }
  if (!Buffer.from(chunk.buffer, chunk.byteOffset, prev.tail.length).equals(prev.tail)) return null;
  const added = chunk.subarray(prev.tail.length);
  let delta;
  try {
    delta = await ingestBytes(added, {});
  } catch {
    return null; // the whole read says what is wrong, with offsets in the file
  }
  const source = prev.appender.append(delta);
  if (!source) return null;
  prev.hash.update(added);
  prev.bytes = maxBytes;
  liveCaptureReads.appended++;
  prev.tail = added.slice(Math.max(0, added.length - TAIL_BYTES));
  return { source, figures: summarize(source), sizeBytes: maxBytes, sha256: prev.hash.copy().digest('hex') };
}

/** The reason text for any failure (IngestError's message names the offset when known). */
export function reasonOf(e: unknown): string {
  if (e instanceof IngestError) return e.message;
  if (e instanceof Error) return `internal error: ${e.message}`;
  return String(e);
}

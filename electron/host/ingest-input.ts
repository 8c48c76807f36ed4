/**
 * Reads one input (a path or bytes), checks its size, hashes it and runs the shared ingest entry
 * point. Used inside engine workers and by the CLI's `inspect` (same code, same results).
 */
import { createHash, type Hash } from 'node:crypto';
import { open, stat } from 'node:fs/promises';
import type { ParsedSource } from '../../shared/model/source.ts';
import { ingestBytes } from '../../shared/ingest/ingest.ts';
import { IngestError } from '../../shared/ingest/errors.ts';
import { summarize } from '../../shared/query/run-query.ts';
import { CaptureAppender } from '../../shared/ingest/ss/append-capture.ts';

import { MAX_FILE_BYTES } from './limits.ts';

/** `maxBytes`: read only the file's first bytes (a capture still being written: whole snapshots only). */
export type IngestInput = { path: string; maxBytes?: number } | { bytes: Uint8Array; mtimeMs?: number };

export interface IngestOutcome {
  source: ParsedSource;
  figures: Record<string, unknown>;
  sizeBytes: number;
  sha256: string;
}

function formatSize(n: number): string {
  return n >= 2 ** 30 ? `${(n / 2 ** 30).toFixed(1)} GiB` : `${(n / 2 ** 20).toFixed(1)} MiB`;
}

export async function readInput(input: IngestInput): Promise<{ bytes: Uint8Array; mtimeMs?: number }> {
  if ('bytes' in input) {
    if (input.bytes.length > MAX_FILE_BYTES) {
      throw new IngestError(`file too large (${formatSize(input.bytes.length)}); the limit is ${formatSize(MAX_FILE_BYTES)}`);
    }
    return input;
  }
  let st;
  try {
    st = await stat(input.path);
  } catch (e) {
    throw new IngestError(`cannot read file: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  if (st.isDirectory()) throw new IngestError('is a directory');
  const size = Math.min(st.size, input.maxBytes ?? Infinity);
  if (size > MAX_FILE_BYTES) {
    throw new IngestError(`file too large (${formatSize(size)}); the limit is ${formatSize(MAX_FILE_BYTES)}`);
  }
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

export async function ingestInput(input: IngestInput, onProgress?: (f: number) => void): Promise<IngestOutcome> {
  // A live capture (read up to maxBytes) grows by its new snapshots when it can.
  const liveInput = 'path' in input && input.maxBytes !== undefined ? input : null;
  if (liveInput) {
    const grown = await appendLive(liveInput.path, liveInput.maxBytes!);
    if (grown) return grown;
  }
  const { bytes, mtimeMs } = await readInput(input);
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

/**
 * Reads one input (a path or bytes), checks its size, hashes it and runs the shared ingest entry
 * point. Used inside engine workers and by the CLI's `inspect` (same code, same results).
 */
import { createHash } from 'node:crypto';
import { open, stat } from 'node:fs/promises';
import type { ParsedSource } from '../../shared/model/source.ts';
import { ingestBytes } from '../../shared/ingest/ingest.ts';
import { IngestError } from '../../shared/ingest/errors.ts';
import { summarize } from '../../shared/query/run-query.ts';

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
  const { bytes, mtimeMs } = await readInput(input);
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const source = await ingestBytes(bytes, { onProgress, mtimeMs });
  return { source, figures: summarize(source), sizeBytes: bytes.length, sha256 };
}

/** The reason text for any failure (IngestError's message names the offset when known). */
export function reasonOf(e: unknown): string {
  if (e instanceof IngestError) return e.message;
  if (e instanceof Error) return `internal error: ${e.message}`;
  return String(e);
}

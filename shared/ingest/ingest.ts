/**
 * The one entry point from bytes to a parsed source: un-gzip, detect by content, run the parser for
 * that format. Always returns a ParsedSource or throws an IngestError naming the reason.
 */
import type { ParsedSource } from '../model/source.ts';
import { recognize } from './detect.ts';
import { IngestError, type ParseOptions } from './errors.ts';

/** Largest decompressed input we accept; bigger inputs get a clear error instead of an OOM. */
export const MAX_INPUT_BYTES = 2 ** 31 - 1;

export interface Gunzipped {
  bytes: Uint8Array;
  /** The gzip stream ended early (truncated file): bytes hold what could be inflated. */
  truncated: boolean;
}

/** Inflates gzip with the platform's DecompressionStream (native speed in Node and browsers). */
export async function gunzip(input: Uint8Array, maxBytes = MAX_INPUT_BYTES): Promise<Gunzipped> {
  const ds = new DecompressionStream('gzip');
  const writer = ds.writable.getWriter();
  // Errors surface on the reader; swallow them on the writer side.
  writer.write(input as Uint8Array<ArrayBuffer>).catch(() => {});
  writer.close().catch(() => {});
  const reader = ds.readable.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  let truncated = false;
  for (;;) {
    let r: ReadableStreamReadResult<Uint8Array>;
    try {
      r = await reader.read();
    } catch {
      truncated = true;
      break;
    }
    if (r.done) break;
    total += r.value.length;
    if (total > maxBytes) {
      await reader.cancel().catch(() => {});
      throw new IngestError(`decompressed data exceeds ${Math.round(maxBytes / 2 ** 20)} MiB`);
    }
    chunks.push(r.value);
  }
  const out = new Uint8Array(total);
  let o = 0;
  for (const c of chunks) {
    out.set(c, o);
    o += c.length;
  }
  return { bytes: out, truncated };
}

/** Bytes in, parsed source out (or IngestError). Gzip of any supported format is accepted. */
export async function ingestBytes(input: Uint8Array, opts: ParseOptions = {}): Promise<ParsedSource> {
  let bytes = input;
  let gzipTruncated = false;
  let r = recognize(bytes);
  if (r.kind === 'gzip') {
    const g = await gunzip(bytes);
    if (g.bytes.length === 0) throw new IngestError(g.truncated ? 'corrupt or truncated gzip data' : 'empty gzip data');
    bytes = g.bytes;
    gzipTruncated = g.truncated;
    r = recognize(bytes);
    if (r.kind === 'gzip') throw new IngestError('doubly gzipped data is not supported');
  }
  if (r.kind === 'unknown') {
    // Name the cut, not "not a gzip file": what a truncated stream gave may be too short to recognize.
    if (gzipTruncated) throw new IngestError(`truncated gzip data: the ${bytes.length} bytes before the cut are not a recognizable profile, trace, dump or ss capture`);
    throw new IngestError(r.reason);
  }
  if (gzipTruncated && r.importer.needsWholeInput) {
    throw new IngestError('truncated gzip data: a pprof profile cannot be read from a partial stream');
  }
  const src = r.importer.parse(bytes, opts);
  if (gzipTruncated) {
    src.partial = true;
    src.warnings.push('gzip stream was truncated: only the data before the cut was read');
  }
  return src;
}

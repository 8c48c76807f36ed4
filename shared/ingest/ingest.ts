/**
 * The one entry point from bytes to a parsed source: un-gzip (bounded: inflate.ts), detect by content,
 * run the parser for that format. Always returns a ParsedSource or throws an IngestError naming the reason.
 */
import type { ParsedSource } from '../model/source.ts';
import { recognize } from './detect.ts';
import { IngestError, type ParseOptions } from './errors.ts';
import { gunzip } from './inflate.ts';

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

/**
 * The one entry point from bytes to a parsed source: un-gzip (bounded: inflate.ts), detect by content,
 * run the parser for that format. Always returns a ParsedSource or throws an IngestError naming the reason.
 */
import type { ParsedSource } from '../model/source.ts';
import { detect } from './detect.ts';
import { IngestError, type ParseOptions } from './errors.ts';
import { gunzip } from './inflate.ts';
import { parsePprof } from './pprof/parse-pprof.ts';
import { parseLegacyProfile } from './pprof-legacy/parse-legacy.ts';
import { parseGoroutineDump } from './goroutines/parse-goroutines.ts';
import { parseTrace } from './gotrace/parse-trace.ts';
import { parseSocketText } from './ss/parse-ss.ts';
import { parseLsof } from './fd/parse-lsof.ts';
import { parseProcFdListing } from './fd/parse-proc-fd.ts';

/** Bytes in, parsed source out (or IngestError). Gzip of any supported format is accepted. */
export async function ingestBytes(input: Uint8Array, opts: ParseOptions = {}): Promise<ParsedSource> {
  let bytes = input;
  let gzipTruncated = false;
  let d = detect(bytes);
  if (d.kind === 'gzip') {
    const g = await gunzip(bytes);
    if (g.bytes.length === 0) throw new IngestError(g.truncated ? 'corrupt or truncated gzip data' : 'empty gzip data');
    bytes = g.bytes;
    gzipTruncated = g.truncated;
    const inner = detect(bytes);
    if (inner.kind === 'gzip') throw new IngestError('doubly gzipped data is not supported');
    d = inner;
  }
  if (d.kind === 'unknown') {
    // Name the cut, not "not a gzip file": what a truncated stream gave may be too short to recognize.
    if (gzipTruncated) throw new IngestError(`truncated gzip data: the ${bytes.length} bytes before the cut are not a recognizable profile, trace, dump or ss capture`);
    throw new IngestError(d.reason);
  }
  let src: ParsedSource;
  switch (d.kind) {
    case 'pprof':
      if (gzipTruncated) throw new IngestError('truncated gzip data: a pprof profile cannot be read from a partial stream');
      src = d.format.startsWith('pprof legacy') ? parseLegacyProfile(bytes, opts) : parsePprof(bytes, opts);
      break;
    case 'goroutine-dump':
      src = parseGoroutineDump(bytes, opts);
      break;
    case 'gotrace':
      src = parseTrace(bytes, opts);
      break;
    case 'ss':
      src =
        d.format === 'lsof'
          ? parseLsof(bytes, opts)
          : d.format === 'proc fd listing'
            ? parseProcFdListing(bytes, opts)
            : parseSocketText(bytes, opts);
      break;
  }
  if (gzipTruncated) {
    src.partial = true;
    src.warnings.push('gzip stream was truncated: only the data before the cut was read');
  }
  return src;
}

/**
 * Format detection by content (never by file name), through the importer registry
 * (importers.ts): each importer's sniff is cheap and certain; what none claims gets a reason.
 */
import type { SourceKind } from '../model/source.ts';
import { identify, type Identified, type SniffView } from './importers.ts';
import { isGzip, isText } from './sniff.ts';

export { isGzip, looksLikePprofProtobuf, traceHeaderVersion } from './sniff.ts';

export type Detection =
  | { kind: 'gzip' }
  | { kind: SourceKind; format: string }
  | { kind: 'unknown'; reason: string };

/** The importer for the bytes, gzip (inflate and ask again), or why nothing reads them. */
export type Recognition = { kind: 'gzip' } | { kind: 'unknown'; reason: string } | (Identified & { kind: 'importer' });

export function recognize(b: Uint8Array): Recognition {
  if (b.length === 0) return { kind: 'unknown', reason: 'empty file' };
  if (isGzip(b)) return { kind: 'gzip' };
  const text = isText(b);
  const view: SniffView = { bytes: b, text, head: text ? new TextDecoder('utf-8', { fatal: false }).decode(b.subarray(0, 8192)) : '' };
  const id = identify(view);
  if (id !== null) return { kind: 'importer', ...id };
  return { kind: 'unknown', reason: whyUnknown(view) };
}

/** Classifies decompressed bytes. Gzip is reported as such: the caller inflates and asks again. */
export function detect(b: Uint8Array): Detection {
  const r = recognize(b);
  return r.kind === 'importer' ? { kind: r.importer.kind, format: r.format } : r;
}

/** The reason given for bytes no importer claims: the near misses users actually drop. */
function whyUnknown({ text, head }: SniffView): string {
  if (!text) return 'unrecognized binary data: not a gzip file, pprof protobuf or Go execution trace';
  if (/^(heap|threadcreate|goroutine|contention|mutex|block) profile:/m.test(head) || head.startsWith('--- contention')) {
    return 'legacy text pprof profile with an unrecognized header; re-export with a current Go (`go tool pprof -proto`)';
  }
  if (/^\s*[{[]/.test(head)) {
    return 'a JSON document, not one of the supported inputs (pprof, goroutine dumps, Go traces, ss/netstat/lsof, .tracedeck sessions)';
  }
  return 'unrecognized text: not a goroutine dump, ss/netstat output, ss capture, lsof output or /proc fd listing';
}

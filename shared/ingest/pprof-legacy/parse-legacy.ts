/**
 * Legacy (pre-protobuf) pprof profiles → the same ParsedSource the protobuf parser returns.
 *
 * `legacyProfileKind` is the cheap sniff (header only); `parseLegacyProfile` picks the reader by
 * the same test. Formats (the `format` string of the result):
 *
 *   pprof legacy cpu             binary CPU profile (gperftools, Go < 1.9), 32/64-bit, either byte order
 *   pprof legacy java cpu        the same with the Java flag, followed by symbol lines
 *   pprof legacy heap            `heap profile: …` text (Go debug=1 heap, gperftools heapz/growthz)
 *   pprof legacy <type>          `<type> profile: total N` count text (threadcreate, goroutine)
 *   pprof legacy contention      `--- contentionz` (gperftools) or Go `--- mutex:` / `--- contention:`
 *   pprof legacy threadz         `--- threadz N ---` thread stacks
 *   pprof legacy java heap       `--- heapz 1 ---` Java heap text
 *   pprof legacy java contention `--- contentionz 1 ---` with `format = java`
 */
import { IngestError, throwIfAborted, type ParseOptions } from '../errors.ts';
import type { ParsedPprof } from './legacy-builder.ts';
import { cpuHeader, parseBinaryCpu } from './binary-cpu.ts';
import { LineReader, isSpaceOrComment } from './text-lines.ts';
import {
  CONTENTION_PREFIXES,
  COUNT_HEADER,
  FRAGMENTATION_HEADER,
  GROWTH_HEADER,
  HEAP_HEADER,
  THREADZ_HEADER,
  parseContentionText,
  parseCountText,
  parseHeapText,
  parseJavaText,
  parseThreadzText,
} from './text-profiles.ts';

export type { ParsedPprof } from './legacy-builder.ts';

const HEAP_KINDS = new Set(['heap', 'heap_v2', 'heapz_v2', 'heapprofile']);
const THREAD_START = /^--- Thread [0-9A-Fa-f]+ \(name: .*\/\d+\) stack: ---/;
/** The sniff reads at most this much text. */
const SNIFF_BYTES = 8192;
/** Attribute lines looked at to tell a Java contention profile from a C++ one. */
const SNIFF_ATTRIBUTES = 16;

/** The legacy format of these bytes (already gunzipped), or null when they are not one. */
export function legacyProfileKind(b: Uint8Array): string | null {
  const h = cpuHeader(b);
  if (h) return h.java ? 'pprof legacy java cpu' : 'pprof legacy cpu';
  if (b.length === 0 || b[0] === 0) return null;
  const lines = new LineReader(b.subarray(0, Math.min(b.length, SNIFF_BYTES)));
  const first = lines.next() ?? '';
  if (first.length > SNIFF_BYTES) return null;

  const heap = HEAP_HEADER.exec(first);
  if (heap && HEAP_KINDS.has(heap[5]!)) return 'pprof legacy heap';
  if (!heap && (GROWTH_HEADER.test(first) || FRAGMENTATION_HEADER.test(first))) return 'pprof legacy heap';

  const trimmed = first.trim();
  if (trimmed === '--- heapz 1 ---') return 'pprof legacy java heap';
  if (CONTENTION_PREFIXES.some((p) => first.startsWith(p))) {
    if (trimmed === '--- contentionz 1 ---') {
      for (let i = 0, l = lines.next(); l !== null && i < SNIFF_ATTRIBUTES; i++, l = lines.next()) {
        const key = l.split('=')[0]!.trim();
        if (key === 'format' || key === 'resolution') return 'pprof legacy java contention';
        if (l.trim().startsWith('---') || !l.includes('=')) break;
      }
    }
    return 'pprof legacy contention';
  }

  let line: string | null = first;
  while (line !== null && isSpaceOrComment(line)) line = lines.next();
  if (line === null) return null;
  const count = COUNT_HEADER.exec(line);
  if (count) return `pprof legacy ${count[1]}`;
  if (THREADZ_HEADER.test(line) || THREAD_START.test(line)) return 'pprof legacy threadz';
  return null;
}

/** Parses a legacy profile; throws IngestError when the bytes are not one or are malformed. */
export function parseLegacyProfile(bytes: Uint8Array, opts: ParseOptions = {}): ParsedPprof {
  if (bytes.length === 0) throw new IngestError('empty input: not a legacy pprof profile');
  throwIfAborted(opts.signal);
  const kind = legacyProfileKind(bytes);
  const h = cpuHeader(bytes);
  if (h) return parseBinaryCpu(bytes, h, opts);
  switch (kind) {
    case null:
      throw new IngestError('not a legacy pprof profile: no binary CPU header and no known text header', 0);
    case 'pprof legacy heap':
      return parseHeapText(bytes, opts);
    case 'pprof legacy java heap':
    case 'pprof legacy java contention':
      return parseJavaText(bytes, opts);
    case 'pprof legacy contention':
      return parseContentionText(bytes, opts);
    case 'pprof legacy threadz':
      return parseThreadzText(bytes, opts);
    default:
      return parseCountText(bytes, opts);
  }
}

/**
 * The importer registry: one entry per format, each a cheap, certain sniff plus its parser (the
 * Firefox Profiler's habit). `identify` asks them in order and returns the first that claims the
 * bytes; `detect` and `ingestBytes` both go through it, so "which parser reads this" is decided in
 * one place, by content only.
 *
 * Order matters where formats overlap: a Go trace header wins over everything; among text formats,
 * framed ss captures and goroutine dumps come before plain ss/netstat, which come before lsof and
 * /proc fd listings, then legacy text profiles. Binary input that is no trace is a legacy CPU
 * profile (it starts with a zero word, never valid protobuf) or protobuf.
 */
import type { ParsedSource, SourceKind } from '../model/source.ts';
import type { ParseOptions } from './errors.ts';
import { looksLikePprofProtobuf, traceHeaderVersion } from './sniff.ts';
import { parsePprof } from './pprof/parse-pprof.ts';
import { legacyProfileKind, parseLegacyProfile } from './pprof-legacy/parse-legacy.ts';
import { parseGoroutineDump } from './goroutines/parse-goroutines.ts';
import { parseTrace } from './gotrace/parse-trace.ts';
import { parseSocketText } from './ss/parse-ss.ts';
import { isLsofText, parseLsof } from './fd/parse-lsof.ts';
import { isProcFdListingText, parseProcFdListing } from './fd/parse-proc-fd.ts';

/** What a sniff sees: the bytes, and for text the decoded first 8 KiB. */
export interface SniffView {
  bytes: Uint8Array;
  /** Mostly printable UTF-8 in the first 4 KiB. */
  text: boolean;
  /** The first 8 KiB decoded as UTF-8 (empty for binary input). */
  head: string;
}

export interface Importer {
  kind: SourceKind;
  /** The format family, as `format` of what it parses reads (variants add detail, e.g. the Go version). */
  format: string;
  /** Which input the sniff looks at. */
  input: 'text' | 'binary' | 'any';
  /** Cheap and certain: the exact format name when the bytes are this format, else null. */
  sniff(v: SniffView): string | null;
  /**
   * A second, slower look (up to 1 MiB), asked only when no importer's sniff claimed the bytes:
   * for formats that can start deep inside other text.
   */
  sniffDeep?(v: SniffView): string | null;
  parse(bytes: Uint8Array, opts: ParseOptions): ParsedSource;
  /** The parser cannot read a prefix (a cut gzip stream): protobuf and binary profiles. */
  needsWholeInput?: boolean;
}

/** `goroutine 1 [running]:`, `goroutine 1 gp=0x… m=0 mp=0x… [running]:`, labels `{…}` after the state; indented in test logs and pastes. */
const GOROUTINE_HEADER = /^[ \t]*(?:\S+\.go:\d+: )?goroutine \d+ (?:gp=\S+ m=\S+(?: mp=\S+)? )?\[[^\]]*\](?: \{[^\n]*\})?:[ \t]*\r?$/m;
/** How far into other text (test output, logs) a dump's first header is looked for. */
const DUMP_SEARCH_BYTES = 1 << 20;
const SS_HEADER = /^(Netid\s+)?State\s+Recv-Q\s+Send-Q\s+Local Address:Port\s+Peer Address:Port/m;
const SS_NOSTATE_HEADER = /^(Netid\s+)?Recv-Q\s+Send-Q\s+Local Address:Port\s+Peer Address:Port/m;
const SS_HEADERLESS_LINE =
  /^(tcp\s+)?(ESTAB|LISTEN|TIME-WAIT|CLOSE-WAIT|SYN-SENT|SYN-RECV|FIN-WAIT-1|FIN-WAIT-2|LAST-ACK|CLOSING|CLOSE|UNCONN)\s+\d+\s+\d+\s+\S+:\S+\s+\S+:\S+/m;
const NETSTAT_HEADER = /^Proto\s+Recv-Q\s+Send-Q\s+Local Address\s+Foreign Address\s+State/m;
const SS_SUMMARY = /^Total: \d+[^\n]*\nTCP:\s+\d+ \(estab/m;

export const IMPORTERS: readonly Importer[] = [
  {
    kind: 'gotrace',
    format: 'go trace',
    input: 'any',
    sniff: ({ bytes }) => {
      const tv = traceHeaderVersion(bytes);
      if (tv === null) return null;
      return tv < 0 ? 'go trace (malformed header)' : `go 1.${tv} trace`;
    },
    parse: parseTrace,
  },
  {
    kind: 'ss',
    format: 'ss capture',
    input: 'text',
    sniff: ({ head }) => (/^### ss-snapshot \d+/m.test(head) ? 'ss capture' : null),
    parse: parseSocketText,
  },
  {
    kind: 'goroutine-dump',
    format: 'goroutine debug=1',
    input: 'text',
    sniff: ({ head }) => (/^goroutine profile: total \d+/m.test(head) ? 'goroutine debug=1' : null),
    parse: parseGoroutineDump,
  },
  {
    kind: 'goroutine-dump',
    format: 'goroutine debug=2',
    input: 'text',
    sniff: ({ head }) => (GOROUTINE_HEADER.test(head) ? 'goroutine debug=2' : null),
    // A dump after more than 8 KiB of other text (a long test log, a crash after hours of logs).
    sniffDeep: ({ bytes, head }) =>
      bytes.length > head.length && GOROUTINE_HEADER.test(new TextDecoder('utf-8', { fatal: false }).decode(bytes.subarray(0, DUMP_SEARCH_BYTES)))
        ? 'goroutine debug=2'
        : null,
    parse: parseGoroutineDump,
  },
  {
    kind: 'ss',
    format: 'ss',
    input: 'text',
    sniff: ({ head }) => {
      if (SS_SUMMARY.test(head)) return 'ss summary';
      if (NETSTAT_HEADER.test(head)) return 'netstat';
      if (SS_HEADER.test(head) || SS_NOSTATE_HEADER.test(head) || SS_HEADERLESS_LINE.test(head)) return 'ss';
      return null;
    },
    parse: parseSocketText,
  },
  {
    kind: 'ss',
    format: 'lsof',
    input: 'text',
    sniff: ({ head }) => (isLsofText(head) ? 'lsof' : null),
    parse: parseLsof,
  },
  {
    kind: 'ss',
    format: 'proc fd listing',
    input: 'text',
    sniff: ({ head }) => (isProcFdListingText(head) ? 'proc fd listing' : null),
    parse: parseProcFdListing,
  },
  {
    kind: 'pprof',
    format: 'pprof legacy',
    input: 'any',
    // Text legacy profiles of every kind; binary ones are CPU profiles only.
    sniff: ({ bytes, text }) => {
      const k = legacyProfileKind(bytes);
      return k !== null && (text || k.endsWith(' cpu')) ? k : null;
    },
    parse: parseLegacyProfile,
    needsWholeInput: true,
  },
  {
    kind: 'pprof',
    format: 'pprof protobuf',
    input: 'binary',
    sniff: ({ bytes }) => (looksLikePprofProtobuf(bytes) ? 'pprof protobuf' : null),
    parse: parsePprof,
    needsWholeInput: true,
  },
];

export interface Identified {
  importer: Importer;
  /** The exact format, as the sniff named it. */
  format: string;
}

/** The importer that claims these (decompressed) bytes, or null. */
export function identify(v: SniffView): Identified | null {
  const asks = IMPORTERS.filter((imp) => imp.input === 'any' || (imp.input === 'text') === v.text);
  for (const importer of asks) {
    const format = importer.sniff(v);
    if (format !== null) return { importer, format };
  }
  for (const importer of asks) {
    const format = importer.sniffDeep?.(v) ?? null;
    if (format !== null) return { importer, format };
  }
  return null;
}

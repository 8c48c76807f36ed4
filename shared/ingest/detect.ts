/**
 * Format detection by content (never by file name). Each check is cheap: it reads at most the
 * first few KiB, except the protobuf check, which walks the top-level fields (skipping payloads).
 */
import type { SourceKind } from '../model/source.ts';
import { legacyProfileKind } from './pprof-legacy/parse-legacy.ts';
import { isLsofText } from './fd/parse-lsof.ts';
import { isProcFdListingText } from './fd/parse-proc-fd.ts';

export type Detection =
  | { kind: 'gzip' }
  | { kind: SourceKind; format: string }
  | { kind: 'unknown'; reason: string };

const TRACE_HEADER = /^go 1\.(\d+) trace\0*$/;

export function isGzip(b: Uint8Array): boolean {
  return b.length >= 2 && b[0] === 0x1f && b[1] === 0x8b;
}

/** `go 1.NN trace` header (16 bytes, NUL padded), or null. */
export function traceHeaderVersion(b: Uint8Array): number | null {
  if (b.length < 16) {
    if (b.length >= 5 && latin1(b, 0, b.length).startsWith('go 1.')) return -1; // truncated header
    return null;
  }
  const head = latin1(b, 0, 16);
  const m = TRACE_HEADER.exec(head);
  if (m) return Number(m[1]);
  return head.startsWith('go 1.') && head.includes(' trace') ? -1 : null;
}

function latin1(b: Uint8Array, start: number, end: number): string {
  let s = '';
  const stop = Math.min(end, b.length);
  for (let i = start; i < stop; i++) s += String.fromCharCode(b[i]!);
  return s;
}

/** Reads a protobuf varint at `pos`; returns [value, nextPos] or null when malformed. */
function readVarint(b: Uint8Array, pos: number): [number, number] | null {
  let v = 0;
  let mul = 1;
  for (let i = 0; i < 10; i++) {
    if (pos >= b.length) return null;
    const c = b[pos++]!;
    v += (c & 0x7f) * mul;
    if ((c & 0x80) === 0) return [v, pos];
    mul *= 128;
  }
  return null;
}

/**
 * True when the bytes parse as a protobuf message whose top-level fields are those of
 * perftools.profiles.Profile (fields 1..14 with the right wire types), with at least one
 * sample_type or string_table entry.
 */
export function looksLikePprofProtobuf(b: Uint8Array): boolean {
  // Profile fields: 1 sample_type(LEN) 2 sample(LEN) 3 mapping(LEN) 4 location(LEN) 5 function(LEN)
  // 6 string_table(LEN) 7 drop_frames(VARINT) 8 keep_frames(VARINT) 9 time_nanos 10 duration_nanos
  // 11 period_type(LEN) 12 period 13 comment (packed or varint) 14 default_sample_type(VARINT)
  const lenFields = new Set([1, 2, 3, 4, 5, 6, 11, 13]);
  const varFields = new Set([7, 8, 9, 10, 12, 13, 14]);
  let pos = 0;
  let sawCore = false;
  if (b.length === 0) return false;
  while (pos < b.length) {
    const tag = readVarint(b, pos);
    if (!tag) return false;
    pos = tag[1];
    const field = Math.floor(tag[0] / 8);
    const wire = tag[0] & 7;
    if (wire === 2) {
      if (!lenFields.has(field)) return false;
      const len = readVarint(b, pos);
      if (!len) return false;
      pos = len[1] + len[0];
      if (pos > b.length) return false;
      if (field === 1 || field === 6) sawCore = true;
    } else if (wire === 0) {
      if (!varFields.has(field)) return false;
      const v = readVarint(b, pos);
      if (!v) return false;
      pos = v[1];
    } else {
      return false;
    }
  }
  return sawCore;
}

/**
 * `goroutine 1 [running]:`, newer `goroutine 1 gp=0x… m=0 mp=0x… [running]:`, labels `{…}` after the
 * state; indented when a test log or a paste holds the dump.
 */
const GOROUTINE_HEADER = /^[ \t]*goroutine \d+ (?:gp=\S+ m=\S+(?: mp=\S+)? )?\[[^\]]*\](?: \{[^\n]*\})?:[ \t]*\r?$/m;
/** How far into other text (test output, logs) a dump's first header is looked for. */
const DUMP_SEARCH_BYTES = 1 << 20;
const SS_HEADER = /^(Netid\s+)?State\s+Recv-Q\s+Send-Q\s+Local Address:Port\s+Peer Address:Port/m;
const SS_NOSTATE_HEADER = /^(Netid\s+)?Recv-Q\s+Send-Q\s+Local Address:Port\s+Peer Address:Port/m;
const SS_HEADERLESS_LINE =
  /^(tcp\s+)?(ESTAB|LISTEN|TIME-WAIT|CLOSE-WAIT|SYN-SENT|SYN-RECV|FIN-WAIT-1|FIN-WAIT-2|LAST-ACK|CLOSING|CLOSE|UNCONN)\s+\d+\s+\d+\s+\S+:\S+\s+\S+:\S+/m;
const NETSTAT_HEADER = /^Proto\s+Recv-Q\s+Send-Q\s+Local Address\s+Foreign Address\s+State/m;
const SS_SUMMARY = /^Total: \d+[^\n]*\nTCP:\s+\d+ \(estab/m;

/** Classifies decompressed bytes. Gzip is reported as such: the caller inflates and asks again. */
export function detect(b: Uint8Array): Detection {
  if (b.length === 0) return { kind: 'unknown', reason: 'empty file' };
  if (isGzip(b)) return { kind: 'gzip' };
  const tv = traceHeaderVersion(b);
  if (tv !== null) {
    if (tv < 0) return { kind: 'gotrace', format: 'go trace (malformed header)' };
    return { kind: 'gotrace', format: `go 1.${tv} trace` };
  }
  const head = new TextDecoder('utf-8', { fatal: false }).decode(b.subarray(0, 8192));
  if (isText(b)) {
    if (/^### ss-snapshot \d+/m.test(head)) return { kind: 'ss', format: 'ss capture' };
    if (/^goroutine profile: total \d+/m.test(head)) return { kind: 'goroutine-dump', format: 'goroutine debug=1' };
    if (GOROUTINE_HEADER.test(head)) return { kind: 'goroutine-dump', format: 'goroutine debug=2' };
    if (SS_SUMMARY.test(head)) return { kind: 'ss', format: 'ss summary' };
    if (NETSTAT_HEADER.test(head)) return { kind: 'ss', format: 'netstat' };
    if (SS_HEADER.test(head) || SS_NOSTATE_HEADER.test(head) || SS_HEADERLESS_LINE.test(head)) {
      return { kind: 'ss', format: 'ss' };
    }
    // fd evidence of an incident: lsof's column header, or `ls -l /proc/PID/fd` symlink lines.
    if (isLsofText(head)) return { kind: 'ss', format: 'lsof' };
    if (isProcFdListingText(head)) return { kind: 'ss', format: 'proc fd listing' };
    const legacy = legacyProfileKind(b);
    if (legacy) return { kind: 'pprof', format: legacy };
    if (/^(heap|threadcreate|goroutine|contention|mutex|block) profile:/m.test(head) || head.startsWith('--- contention')) {
      return { kind: 'unknown', reason: 'legacy text pprof profile with an unrecognized header; re-export with a current Go (`go tool pprof -proto`)' };
    }
    // A dump after more than the head of other text (a long test log, a crash after hours of logs).
    if (b.length > head.length && GOROUTINE_HEADER.test(new TextDecoder('utf-8', { fatal: false }).decode(b.subarray(0, DUMP_SEARCH_BYTES)))) {
      return { kind: 'goroutine-dump', format: 'goroutine debug=2' };
    }
    if (/^\s*[{[]/.test(head)) {
      return { kind: 'unknown', reason: 'a JSON document, not one of the supported inputs (pprof, goroutine dumps, Go traces, ss/netstat/lsof, .tracedeck sessions)' };
    }
    return { kind: 'unknown', reason: 'unrecognized text: not a goroutine dump, ss/netstat output, ss capture, lsof output or /proc fd listing' };
  }
  // Legacy binary CPU profiles start with the words 0, 3 (a zero byte first: never valid protobuf).
  const legacyBinary = legacyProfileKind(b);
  if (legacyBinary?.endsWith(' cpu')) return { kind: 'pprof', format: legacyBinary };
  if (looksLikePprofProtobuf(b)) return { kind: 'pprof', format: 'pprof protobuf' };
  return { kind: 'unknown', reason: 'unrecognized binary data: not a gzip file, pprof protobuf or Go execution trace' };
}

/** Mostly printable UTF-8/ASCII in the first 4 KiB (no NULs, few control bytes). */
function isText(b: Uint8Array): boolean {
  const n = Math.min(b.length, 4096);
  let bad = 0;
  for (let i = 0; i < n; i++) {
    const c = b[i]!;
    if (c === 0) return false;
    if (c < 9 || (c > 13 && c < 32)) bad++;
  }
  return bad <= n / 100;
}

/**
 * Line reading over bytes for the legacy text formats, plus the small lexical helpers they share.
 * Lines are split on '\n' with a trailing '\r' dropped (as Go's bufio.ScanLines does); each line
 * remembers its byte offset so errors can name it.
 */

const utf8 = new TextDecoder('utf-8', { fatal: false });

export class LineReader {
  /** Byte offset and 1-based number of the line last returned by next(). */
  lineStart = 0;
  lineNo = 0;
  private pos: number;

  constructor(
    private readonly b: Uint8Array,
    start = 0,
  ) {
    this.pos = start;
  }

  get atEnd(): boolean {
    return this.pos >= this.b.length;
  }

  /** Byte offset of the next unread line. */
  get offset(): number {
    return this.pos;
  }

  /** The next line without its terminator, or null at the end of the input. */
  next(): string | null {
    const b = this.b;
    if (this.pos >= b.length) return null;
    const start = this.pos;
    let end = b.indexOf(0x0a, start);
    if (end < 0) end = b.length;
    this.pos = end + 1;
    this.lineStart = start;
    this.lineNo++;
    let stop = end;
    if (stop > start && b[stop - 1] === 0x0d) stop--;
    return decode(b, start, stop);
  }
}

function decode(b: Uint8Array, start: number, end: number): string {
  // ASCII fast path: legacy profiles are almost entirely ASCII.
  let ascii = true;
  for (let i = start; i < end; i++) {
    if (b[i]! >= 0x80) {
      ascii = false;
      break;
    }
  }
  if (!ascii) return utf8.decode(b.subarray(start, end));
  let s = '';
  for (let i = start; i < end; i += 8192) {
    s += String.fromCharCode.apply(null, Array.from(b.subarray(i, Math.min(end, i + 8192))));
  }
  return s;
}

/** pprof's isSpaceOrComment: blank, or '#' as the first non-blank character. */
export function isSpaceOrComment(line: string): boolean {
  const t = line.trim();
  return t.length === 0 || t.charCodeAt(0) === 35;
}

export const MEMORY_MAP_SENTINELS = ['--- Memory map: ---', 'MAPPED_LIBRARIES:'];

export function isMemoryMapSentinel(line: string): boolean {
  return MEMORY_MAP_SENTINELS.some((s) => line.includes(s));
}

const HEX_NUMBER = /0x[0-9a-f]+/g;
const U64_MAX = (1n << 64n) - 1n;

/**
 * Every `0x…` (lower-case hex) in s, as 64-bit addresses. Returns a string naming the bad token
 * when one does not fit in 64 bits (pprof rejects those as a malformed profile).
 */
export function hexAddresses(s: string): bigint[] | string {
  const out: bigint[] = [];
  for (const m of s.matchAll(HEX_NUMBER)) {
    const v = BigInt(m[0]);
    if (v > U64_MAX) return m[0].length > 40 ? `${m[0].slice(0, 40)}…` : m[0];
    out.push(v);
  }
  return out;
}

/** Go's uint64 arithmetic: addresses wrap around. */
export function u64(v: bigint): bigint {
  return BigInt.asUintN(64, v);
}

/** strconv.ParseInt(s, 10, 64)-like: a decimal that fits int64, else null. */
export function parseInt64(s: string): number | null {
  // Length first: BigInt of a megabyte of digits is slow, and more than 20 never fit.
  if (s.length > 20 || !/^-?\d+$/.test(s)) return null;
  const v = BigInt(s);
  if (v > 0x7fffffffffffffffn || v < -0x8000000000000000n) return null;
  return Number(v);
}

/**
 * strconv.ParseInt(s, 0, 64)-like (base from prefix: 0x hex, 0o/leading 0 octal, 0b binary,
 * else decimal), as used for legacy header attributes. Null when malformed or out of range.
 */
export function parseInt64Base0(s: string): number | null {
  if (s.replace(/^[+-]?0*/, '').length > 66) return null;
  const m = /^([+-]?)(0[xX][0-9a-fA-F]+|0[bB][01]+|0[oO][0-7]+|0[0-7]*|[1-9]\d*)$/.exec(s);
  if (!m) return null;
  let digits = m[2]!;
  if (/^0[0-7]+$/.test(digits)) digits = `0o${digits.slice(1)}`;
  let v = BigInt(digits);
  if (m[1] === '-') v = -v;
  if (v > 0x7fffffffffffffffn || v < -0x8000000000000000n) return null;
  return Number(v);
}

/** Go's int64(float64(x)) conversion for the finite values we produce: truncation toward zero. */
export function truncInt(x: number): number {
  return Math.trunc(x);
}

/** Short quote of a line for error messages. */
export function quoteLine(line: string): string {
  const t = line.length > 80 ? `${line.slice(0, 80)}…` : line;
  return JSON.stringify(t);
}

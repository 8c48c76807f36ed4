/**
 * A minimal protobuf wire reader for the pprof read path: varints as JS numbers, no allocation per
 * field. Every read is bounds-checked against `end` and fails with an IngestError naming the offset.
 */
import { IngestError } from '../errors.ts';

export const WIRE_VARINT = 0;
export const WIRE_I64 = 1;
export const WIRE_LEN = 2;
export const WIRE_I32 = 5;

const TWO_32 = 4294967296;

export class PbReader {
  pos: number;
  /** Low and high 32 bits of the last varint64() read (for exact int64/uint64 conversions). */
  lo = 0;
  hi = 0;

  constructor(
    readonly buf: Uint8Array,
    start = 0,
    public end = buf.length,
  ) {
    this.pos = start;
  }

  fail(reason: string, at = this.pos): never {
    throw new IngestError(`corrupt pprof protobuf: ${reason}`, at);
  }

  /** A varint as a signed int64 converted to a number (exact up to 2^53). */
  varint(): number {
    const b = this.buf;
    const p = this.pos;
    // Fast path: one byte, then up to four (28 bits) without touching the 64-bit machinery.
    if (p < this.end) {
      const c0 = b[p]!;
      if (c0 < 0x80) {
        this.pos = p + 1;
        return c0;
      }
      if (p + 1 < this.end) {
        const c1 = b[p + 1]!;
        if (c1 < 0x80) {
          this.pos = p + 2;
          return (c0 & 0x7f) | (c1 << 7);
        }
      }
    }
    this.varint64();
    return this.hi * TWO_32 + (this.lo >>> 0);
  }

  /** A varint as an unsigned 64-bit value converted to a number. */
  uvarint(): number {
    const p = this.pos;
    if (p < this.end) {
      const c0 = this.buf[p]!;
      if (c0 < 0x80) {
        this.pos = p + 1;
        return c0;
      }
    }
    this.varint64();
    return (this.hi >>> 0) * TWO_32 + (this.lo >>> 0);
  }

  /** Reads a full varint into lo/hi (hi as signed int32: int64 semantics). */
  varint64(): void {
    const b = this.buf;
    const end = this.end;
    let p = this.pos;
    const start = p;
    let lo = 0;
    let hi = 0;
    let c = 0;
    for (let shift = 0; shift < 28; shift += 7) {
      if (p >= end) this.fail('truncated varint', start);
      c = b[p++]!;
      lo |= (c & 0x7f) << shift;
      if (c < 0x80) {
        this.lo = lo;
        this.hi = 0;
        this.pos = p;
        return;
      }
    }
    if (p >= end) this.fail('truncated varint', start);
    c = b[p++]!;
    lo |= (c & 0x0f) << 28;
    hi = (c & 0x7f) >> 4;
    if (c >= 0x80) {
      for (let shift = 3; ; shift += 7) {
        if (shift > 31) this.fail('varint longer than 10 bytes', start);
        if (p >= end) this.fail('truncated varint', start);
        c = b[p++]!;
        hi |= (c & 0x7f) << shift;
        if (c < 0x80) break;
      }
    }
    this.lo = lo;
    this.hi = hi | 0;
    this.pos = p;
  }

  /** Exact int64 of the last varint64() as a decimal string. */
  lastInt64String(): string {
    return BigInt.asIntN(64, (BigInt(this.hi >>> 0) << 32n) | BigInt(this.lo >>> 0)).toString();
  }

  /** Exact uint64 of the last varint64() in hex, without leading zeros. */
  lastUint64Hex(): string {
    const hi = this.hi >>> 0;
    const lo = this.lo >>> 0;
    if (hi === 0) return lo.toString(16);
    return hi.toString(16) + lo.toString(16).padStart(8, '0');
  }

  /** Length of a LEN field; checks it fits. Returns the end offset of the payload. */
  lenEnd(): number {
    const at = this.pos;
    const n = this.varint();
    const e = this.pos + n;
    if (n < 0 || e > this.end) this.fail(`length ${n} runs past the end of its message`, at);
    return e;
  }

  /** Skips one field payload of the given wire type. */
  skip(wire: number): void {
    switch (wire) {
      case WIRE_VARINT:
        this.varint64();
        return;
      case WIRE_I64:
        if (this.pos + 8 > this.end) this.fail('truncated fixed64');
        this.pos += 8;
        return;
      case WIRE_LEN:
        this.pos = this.lenEnd();
        return;
      case WIRE_I32:
        if (this.pos + 4 > this.end) this.fail('truncated fixed32');
        this.pos += 4;
        return;
      default:
        this.fail(`unsupported wire type ${wire}`);
    }
  }
}

const utf8 = new TextDecoder('utf-8');

/** Decodes a UTF-8 string; short ASCII strings skip TextDecoder (its call overhead dominates). */
export function decodeString(b: Uint8Array, start: number, end: number): string {
  const n = end - start;
  if (n < 64) {
    let s = '';
    for (let i = start; i < end; i++) {
      const c = b[i]!;
      if (c >= 0x80) return utf8.decode(b.subarray(start, end));
      s += String.fromCharCode(c);
    }
    return s;
  }
  return utf8.decode(b.subarray(start, end));
}

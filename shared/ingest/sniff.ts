/**
 * Byte-level sniffing primitives the importers' checks are built from. Each is cheap: it reads at
 * most the first few KiB, except the protobuf check, which walks the top-level fields (skipping
 * payloads).
 */

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

export function latin1(b: Uint8Array, start: number, end: number): string {
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

/** Mostly printable UTF-8/ASCII in the first 4 KiB (no NULs, few control bytes). */
export function isText(b: Uint8Array): boolean {
  const n = Math.min(b.length, 4096);
  let bad = 0;
  for (let i = 0; i < n; i++) {
    const c = b[i]!;
    if (c === 0) return false;
    if (c < 9 || (c > 13 && c < 32)) bad++;
  }
  return bad <= n / 100;
}

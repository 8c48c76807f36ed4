/**
 * An independent ZIP reader for tests (APPNOTE 4.3): end record → central directory → each local
 * header → the data, inflated. Checks that local and central headers agree and that every CRC-32
 * matches; throws on any disagreement. Test-only (uses node:zlib).
 */
import { inflateRawSync } from 'node:zlib';

export interface ZipReadEntry {
  name: string;
  /** 0 stored, 8 deflated. */
  method: number;
  crc: number;
  flags: number;
  externalAttrs: number;
  bytes: Uint8Array;
}

const TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

// Its own CRC (not the writer's): a reader sharing the writer's code would agree with its bugs.
function crc(b: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < b.length; i++) c = TABLE[(c ^ b[i]!) & 0xff]! ^ (c >>> 8);
  return ~c >>> 0;
}

export function readZip(zip: Uint8Array): ZipReadEntry[] {
  const v = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  const fail = (what: string): never => {
    throw new Error(`bad ZIP: ${what}`);
  };
  const eocd = zip.length - 22; // archives without a comment
  if (eocd < 0 || v.getUint32(eocd, true) !== 0x06054b50) fail('no end of central directory record at the end');
  const count = v.getUint16(eocd + 10, true);
  if (v.getUint16(eocd + 8, true) !== count) fail('entry counts differ');
  const cdSize = v.getUint32(eocd + 12, true);
  const cdOffset = v.getUint32(eocd + 16, true);
  if (cdOffset + cdSize !== eocd) fail('central directory does not end at the end record');
  const dec = new TextDecoder('utf-8', { fatal: true });
  const out: ZipReadEntry[] = [];
  let p = cdOffset;
  for (let i = 0; i < count; i++) {
    if (v.getUint32(p, true) !== 0x02014b50) fail(`central header ${i} signature`);
    const flags = v.getUint16(p + 8, true);
    const method = v.getUint16(p + 10, true);
    const c = v.getUint32(p + 16, true);
    const csize = v.getUint32(p + 20, true);
    const usize = v.getUint32(p + 24, true);
    const nlen = v.getUint16(p + 28, true);
    const xlen = v.getUint16(p + 30, true);
    const clen = v.getUint16(p + 32, true);
    const externalAttrs = v.getUint32(p + 38, true);
    const local = v.getUint32(p + 42, true);
    const name = dec.decode(zip.subarray(p + 46, p + 46 + nlen));
    p += 46 + nlen + xlen + clen;
    if (v.getUint32(local, true) !== 0x04034b50) fail(`${name}: local header signature`);
    if (v.getUint16(local + 6, true) !== flags || v.getUint16(local + 8, true) !== method) fail(`${name}: local flags/method differ`);
    if (v.getUint32(local + 14, true) !== c || v.getUint32(local + 18, true) !== csize || v.getUint32(local + 22, true) !== usize) fail(`${name}: local CRC/sizes differ`);
    const lnlen = v.getUint16(local + 26, true);
    if (dec.decode(zip.subarray(local + 30, local + 30 + lnlen)) !== name) fail(`${name}: local name differs`);
    const start = local + 30 + lnlen + v.getUint16(local + 28, true);
    const raw = zip.subarray(start, start + csize);
    if (method !== 0 && method !== 8) fail(`${name}: method ${method}`);
    const bytes = method === 8 ? new Uint8Array(inflateRawSync(raw)) : raw;
    if (bytes.length !== usize) fail(`${name}: size ${bytes.length}, header says ${usize}`);
    if (crc(bytes) !== c) fail(`${name}: CRC mismatch`);
    out.push({ name, method, crc: c, flags, externalAttrs, bytes });
  }
  if (p !== eocd) fail('central directory size');
  return out;
}

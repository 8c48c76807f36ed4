/**
 * A small ZIP writer for postmortem bundles: entries go out one at a time (a bundle's sources can be
 * large: only one is in memory at once), deflated when that makes them smaller (text), stored when
 * not (PNGs, gzipped profiles). Plain ZIP (APPNOTE 6.3): local headers, CRC-32, one central
 * directory, UTF-8 names. No ZIP64: a bundle over 4 GiB or 65,535 entries is refused with a clear
 * error before anything past the limit is written.
 *
 * Plain Node; no 'electron'.
 */
import { open, rm } from 'node:fs/promises';
import { promisify } from 'node:util';
import { crc32 as zlibCrc32, deflateRaw } from 'node:zlib';

const deflateRawAsync = promisify(deflateRaw);

/** CRC-32 (ISO-HDLC, the one ZIP and gzip use); pass the previous value to continue a running CRC. */
export function crc32(bytes: Uint8Array, crc = 0): number {
  return zlibCrc32(bytes, crc);
}

/** The most a plain (non-ZIP64) archive can address: sizes and offsets are 32-bit, 0xFFFFFFFF is reserved. */
export const ZIP32_MAX_BYTES = 0xfffffffe;
const MAX_ENTRIES = 0xffff;

export class ZipLimitError extends Error {}

export interface ZipEntryOptions {
  /** Modification time (default: now). ZIP keeps local time at 2-second resolution, from 1980. */
  mtime?: Date;
  /** Try deflate (default true); the entry is stored anyway when deflate does not make it smaller. */
  compress?: boolean;
}

interface CentralRecord {
  name: Uint8Array;
  method: number;
  time: number;
  date: number;
  crc: number;
  csize: number;
  usize: number;
  offset: number;
}

function dosDateTime(d: Date): { time: number; date: number } {
  const year = d.getFullYear();
  if (year < 1980) return { time: 0, date: (0 << 9) | (1 << 5) | 1 };
  return {
    time: (d.getHours() << 11) | (d.getMinutes() << 5) | (d.getSeconds() >> 1),
    date: ((Math.min(year, 2107) - 1980) << 9) | ((d.getMonth() + 1) << 5) | d.getDate(),
  };
}

/** Entry names: relative, forward slashes, no `.`/`..` segments (an archive must not write outside its folder). */
function checkName(name: string): void {
  if (!name || name.length > 1024 || name.startsWith('/') || name.includes('\\') || name.includes('\0') || /^[A-Za-z]:/.test(name)) {
    throw new Error(`bad ZIP entry name ${JSON.stringify(name)}`);
  }
  if (name.split('/').some((seg) => seg === '' || seg === '.' || seg === '..')) throw new Error(`bad ZIP entry name ${JSON.stringify(name)}`);
}

const tooLarge = (what: string) =>
  new ZipLimitError(`${what} is larger than 4 GiB, which needs ZIP64 (not supported): write the bundle as a folder instead`);

/**
 * Writes a ZIP archive through `sink` (called with each chunk in order). Add entries, then `finish()`.
 * `maxBytes` lowers the 4 GiB limit (tests exercise the refusal without writing gigabytes).
 */
export class ZipWriter {
  private offset = 0;
  private readonly central: CentralRecord[] = [];
  private readonly names = new Set<string>();
  private finished = false;

  constructor(
    private readonly sink: (chunk: Uint8Array) => Promise<void> | void,
    private readonly maxBytes = ZIP32_MAX_BYTES,
  ) {}

  /** Bytes written so far. */
  get size(): number {
    return this.offset;
  }

  async add(name: string, bytes: Uint8Array, opts: ZipEntryOptions = {}): Promise<void> {
    if (this.finished) throw new Error('ZIP archive already finished');
    checkName(name);
    if (this.names.has(name)) throw new Error(`duplicate ZIP entry ${name}`);
    if (this.central.length >= MAX_ENTRIES) throw new ZipLimitError(`more than ${MAX_ENTRIES} files in one ZIP (ZIP64 is not supported)`);
    if (bytes.length > this.maxBytes) throw tooLarge(name);
    let data = bytes;
    let method = 0;
    if (opts.compress !== false && bytes.length > 64) {
      const z = await deflateRawAsync(bytes);
      if (z.length < bytes.length) {
        data = new Uint8Array(z.buffer, z.byteOffset, z.byteLength);
        method = 8;
      }
    }
    const nameBytes = new TextEncoder().encode(name);
    const { time, date } = dosDateTime(opts.mtime ?? new Date());
    const crc = crc32(bytes);
    const header = new Uint8Array(30 + nameBytes.length);
    const v = new DataView(header.buffer);
    v.setUint32(0, 0x04034b50, true);
    v.setUint16(4, 20, true); // version needed: 2.0 (deflate)
    v.setUint16(6, 0x0800, true); // bit 11: the name is UTF-8
    v.setUint16(8, method, true);
    v.setUint16(10, time, true);
    v.setUint16(12, date, true);
    v.setUint32(14, crc, true);
    v.setUint32(18, data.length, true);
    v.setUint32(22, bytes.length, true);
    v.setUint16(26, nameBytes.length, true);
    v.setUint16(28, 0, true);
    header.set(nameBytes, 30);
    // The central directory (46 + name bytes per entry) and its 22-byte end record must fit too.
    const centralAfter = this.central.reduce((n, c) => n + 46 + c.name.length, 0) + 46 + nameBytes.length + 22;
    if (this.offset + header.length + data.length + centralAfter > this.maxBytes) throw tooLarge('the bundle');
    this.central.push({ name: nameBytes, method, time, date, crc, csize: data.length, usize: bytes.length, offset: this.offset });
    this.names.add(name);
    await this.sink(header);
    await this.sink(data);
    this.offset += header.length + data.length;
  }

  /** Writes the central directory and its end record. Returns the archive's size in bytes. */
  async finish(): Promise<number> {
    if (this.finished) throw new Error('ZIP archive already finished');
    this.finished = true;
    const cdStart = this.offset;
    const parts: Uint8Array[] = [];
    for (const c of this.central) {
      const h = new Uint8Array(46 + c.name.length);
      const v = new DataView(h.buffer);
      v.setUint32(0, 0x02014b50, true);
      v.setUint16(4, (3 << 8) | 20, true); // made by: Unix, 2.0 (so the external attributes are a Unix mode)
      v.setUint16(6, 20, true);
      v.setUint16(8, 0x0800, true);
      v.setUint16(10, c.method, true);
      v.setUint16(12, c.time, true);
      v.setUint16(14, c.date, true);
      v.setUint32(16, c.crc, true);
      v.setUint32(20, c.csize, true);
      v.setUint32(24, c.usize, true);
      v.setUint16(28, c.name.length, true);
      // extra length, comment length, disk number, internal attributes: 0
      v.setUint32(38, (0o100644 << 16) >>> 0, true); // a regular file, rw-r--r--
      v.setUint32(42, c.offset, true);
      h.set(c.name, 46);
      parts.push(h);
    }
    const cdSize = parts.reduce((n, p) => n + p.length, 0);
    const end = new Uint8Array(22);
    const v = new DataView(end.buffer);
    v.setUint32(0, 0x06054b50, true);
    v.setUint16(8, this.central.length, true);
    v.setUint16(10, this.central.length, true);
    v.setUint32(12, cdSize, true);
    v.setUint32(16, cdStart, true);
    for (const p of parts) await this.sink(p);
    await this.sink(end);
    this.offset += cdSize + end.length;
    return this.offset;
  }
}

export interface ZipEntry {
  name: string;
  /** The bytes, or a function reading them when their turn comes (one large source in memory at a time). */
  bytes: Uint8Array | (() => Promise<Uint8Array>);
  compress?: boolean;
}

async function addAll(w: ZipWriter, entries: Iterable<ZipEntry> | AsyncIterable<ZipEntry>, mtime: Date): Promise<void> {
  for await (const e of entries) {
    const bytes = typeof e.bytes === 'function' ? await e.bytes() : e.bytes;
    await w.add(e.name, bytes, { mtime, ...(e.compress !== undefined ? { compress: e.compress } : {}) });
  }
}

/** Writes the archive to `path`; a failed write leaves no partial file behind. Returns its size. */
export async function writeZipFile(path: string, entries: Iterable<ZipEntry> | AsyncIterable<ZipEntry>, opts: { mtime?: Date; maxBytes?: number } = {}): Promise<number> {
  const fh = await open(path, 'w');
  let ok = false;
  try {
    const w = new ZipWriter(async (chunk) => {
      await fh.write(chunk);
    }, opts.maxBytes);
    await addAll(w, entries, opts.mtime ?? new Date());
    const size = await w.finish();
    ok = true;
    return size;
  } finally {
    await fh.close();
    if (!ok) await rm(path, { force: true });
  }
}

/** The archive in memory (a download in browser mode). */
export async function zipToBytes(entries: Iterable<ZipEntry> | AsyncIterable<ZipEntry>, opts: { mtime?: Date; maxBytes?: number } = {}): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  const w = new ZipWriter((c) => {
    chunks.push(c);
  }, opts.maxBytes);
  await addAll(w, entries, opts.mtime ?? new Date());
  const out = new Uint8Array(await w.finish());
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

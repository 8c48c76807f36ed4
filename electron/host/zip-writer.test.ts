import { afterAll, describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { readFixture } from '../../shared/test-support/fixtures.ts';
import { readZip } from '../../shared/test-support/zip-reader.ts';
import { crc32, writeZipFile, ZipLimitError, ZipWriter, zipToBytes, type ZipEntry } from './zip-writer.ts';
import { mulberry32 as prng } from '../../shared/test-support/fuzz.ts';

const tmp = mkdtempSync(join(tmpdir(), 'tracedeck-zip-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** The system `unzip`, when installed: an independent reader. Without it the parser below still checks every byte. */
const HAVE_UNZIP = spawnSync('unzip', ['-v'], { stdio: 'ignore' }).status === 0;

const enc = new TextEncoder();
const FIXTURES = ['scenarios/conn-leak-go1.27/block.pb.gz', 'scenarios/conn-leak-go1.27/trace.out', 'scenarios/conn-leak-go1.27/goroutine-debug2.txt'];

describe('crc32', () => {
  it('gives the standard check values', () => {
    expect(crc32(new Uint8Array())).toBe(0);
    expect(crc32(enc.encode('123456789'))).toBe(0xcbf43926);
    expect(crc32(enc.encode('The quick brown fox jumps over the lazy dog'))).toBe(0x414fa339);
    // A running CRC over two halves equals the CRC of the whole.
    const b = readFixture(FIXTURES[0]!);
    expect(crc32(b.subarray(500), crc32(b.subarray(0, 500)))).toBe(crc32(b));
  });

  it('agrees with the CRC gzip stores in the trailer of a real fixture', () => {
    // gzip's trailer: CRC-32 of the uncompressed data, then its size mod 2^32 (both little-endian).
    const gz = readFixture(FIXTURES[0]!);
    const raw = new Uint8Array(gunzipSync(gz));
    const trailer = new DataView(gz.buffer, gz.byteOffset + gz.length - 8, 8);
    expect(crc32(raw)).toBe(trailer.getUint32(0, true));
    expect(raw.length).toBe(trailer.getUint32(4, true));
  });
});

describe('ZipWriter', () => {
  const rnd = prng(42);
  const NOISE = new Uint8Array(5000).map(() => Math.floor(rnd() * 256));
  const entries = (): ZipEntry[] => [
    { name: 'bundle/report.md', bytes: enc.encode('# report\n\n'.repeat(200)) },
    { name: 'bundle/empty.txt', bytes: new Uint8Array() },
    { name: 'bundle/notes/Grüße – ✎.txt', bytes: enc.encode('UTF-8 names keep their characters') },
    { name: 'bundle/noise.bin', bytes: NOISE },
    ...FIXTURES.map((f) => ({ name: `bundle/sources/${f.split('/').pop()}`, bytes: async () => readFixture(f) })),
  ];

  it('writes an archive whose every entry reads back byte for byte (own reader, and unzip when installed)', async () => {
    const path = join(tmp, 'a.zip');
    const size = await writeZipFile(path, entries(), { mtime: new Date(2026, 10, 22, 19, 37, 20) });
    const zip = new Uint8Array(readFileSync(path));
    expect(size).toBe(zip.length);
    const got = readZip(zip);
    expect(got.map((e) => e.name)).toEqual(['bundle/report.md', 'bundle/empty.txt', 'bundle/notes/Grüße – ✎.txt', 'bundle/noise.bin', 'bundle/sources/block.pb.gz', 'bundle/sources/trace.out', 'bundle/sources/goroutine-debug2.txt']);
    const want = new Map<string, Uint8Array>();
    for (const e of entries()) want.set(e.name, typeof e.bytes === 'function' ? await e.bytes() : e.bytes);
    for (const e of got) {
      expect(Buffer.from(e.bytes).equals(Buffer.from(want.get(e.name)!)), e.name).toBe(true);
      expect(e.flags & 0x0800).toBe(0x0800);
      expect(e.externalAttrs >>> 16).toBe(0o100644);
    }
    // Text deflates; incompressible bytes are stored (deflating them would only grow them), and so is
    // anything under 64 bytes.
    expect(got.find((e) => e.name.endsWith('report.md'))!.method).toBe(8);
    expect(got.find((e) => e.name.endsWith('goroutine-debug2.txt'))!.method).toBe(8);
    expect(got.find((e) => e.name.endsWith('noise.bin'))!.method).toBe(0);
    expect(got.find((e) => e.name.endsWith('✎.txt'))!.method).toBe(0);
    // The reader is not a rubber stamp: one flipped data byte is a CRC mismatch.
    const bad = zip.slice();
    const at = Buffer.from(zip).indexOf(Buffer.from(NOISE.subarray(0, 32)));
    expect(at).toBeGreaterThan(0);
    bad[at + 100] = bad[at + 100]! ^ 0xff;
    expect(() => readZip(bad)).toThrow('bundle/noise.bin: CRC mismatch');
    // The same entries in memory give the same archive.
    expect(Buffer.from(await zipToBytes(entries(), { mtime: new Date(2026, 10, 22, 19, 37, 20) })).equals(Buffer.from(zip))).toBe(true);

    if (!HAVE_UNZIP) return;
    const test = execFileSync('unzip', ['-t', path], { encoding: 'utf8' });
    expect(test).toContain('No errors detected');
    const listing = execFileSync('unzip', ['-Z', '-T', path], { encoding: 'utf8' });
    // Local time kept at 2-second resolution: 19:37:20 on 2026-11-22.
    expect(listing).toMatch(/20261122\.193720 bundle\/report\.md/);
    const out = join(tmp, 'unzipped');
    execFileSync('unzip', ['-q', path, '-d', out]);
    for (const [name, bytes] of want) expect(readFileSync(join(out, name)).equals(Buffer.from(bytes)), name).toBe(true);
  });

  it('refuses to go past the 4 GiB a plain ZIP can address, and leaves no partial file', async () => {
    const path = join(tmp, 'big.zip');
    const big: ZipEntry[] = [
      { name: 'a.bin', bytes: new Uint8Array(600).fill(7), compress: false },
      { name: 'b.bin', bytes: new Uint8Array(600).fill(9), compress: false },
    ];
    // A lowered limit stands in for 4 GiB: the check is the same arithmetic.
    await expect(writeZipFile(path, big, { maxBytes: 1000 })).rejects.toThrow(ZipLimitError);
    await expect(writeZipFile(path, big, { maxBytes: 1000 })).rejects.toThrow('larger than 4 GiB, which needs ZIP64 (not supported): write the bundle as a folder instead');
    expect(existsSync(path)).toBe(false);
    // Just fits: 2 × (30 + 5 + 600) local + 2 × (46 + 5) central + 22.
    const fit = 2 * (30 + 5 + 600) + 2 * (46 + 5) + 22;
    expect(await writeZipFile(path, big, { maxBytes: fit })).toBe(fit);
    await expect(writeZipFile(path, big, { maxBytes: fit - 1 })).rejects.toThrow(ZipLimitError);
  });

  it('refuses names that would escape the folder, duplicates, and use after finish', async () => {
    const w = new ZipWriter(() => {});
    for (const bad of ['', '/etc/passwd', '../x', 'a/../../x', 'a//b', 'a\\b', 'C:/x', './a']) await expect(w.add(bad, new Uint8Array(1)), bad).rejects.toThrow(/bad ZIP entry name/);
    await w.add('a', new Uint8Array(1));
    await expect(w.add('a', new Uint8Array(1))).rejects.toThrow(/duplicate/);
    await w.finish();
    await expect(w.add('b', new Uint8Array(1))).rejects.toThrow(/finished/);
  });

  it('seeded fuzz: random entries (sizes, compressibility, names) round-trip', async () => {
    const cases = Number(process.env.FUZZ_CASES) || 150;
    const rnd = prng(0x7a1b);
    const fixtures = FIXTURES.map((f) => readFixture(f));
    for (let c = 0; c < cases; c++) {
      const n = 1 + Math.floor(rnd() * 6);
      const list: { name: string; bytes: Uint8Array }[] = [];
      for (let i = 0; i < n; i++) {
        const kind = rnd();
        let bytes: Uint8Array;
        if (kind < 0.3) {
          // A slice of a real fixture.
          const f = fixtures[Math.floor(rnd() * fixtures.length)]!;
          const a = Math.floor(rnd() * f.length);
          bytes = f.slice(a, a + Math.floor(rnd() * 4000));
        } else if (kind < 0.6) {
          bytes = new Uint8Array(Math.floor(rnd() * 3000)).map(() => Math.floor(rnd() * 256));
        } else {
          bytes = new Uint8Array(Math.floor(rnd() * 5000)).fill(Math.floor(rnd() * 256));
        }
        list.push({ name: `d${c}/${i}-${Math.floor(rnd() * 1e6)}${rnd() < 0.2 ? 'é' : ''}.bin`, bytes });
      }
      const zip = await zipToBytes(list, { mtime: new Date(2020 + Math.floor(rnd() * 10), Math.floor(rnd() * 12), 1 + Math.floor(rnd() * 28)) });
      const got = readZip(zip);
      expect(got.map((e) => e.name)).toEqual(list.map((e) => e.name));
      got.forEach((e, i) => expect(Buffer.from(e.bytes).equals(Buffer.from(list[i]!.bytes)), `case ${c} entry ${i}`).toBe(true));
    }
  });
});

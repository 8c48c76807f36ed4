import { describe, expect, it } from 'vitest';
import { gunzipSync, gzipSync } from 'node:zlib';
import { listFixtures, readFixture } from '../test-support/fixtures.ts';
import { BOMB_FLOOR, BOMB_RATIO, gunzip, MAX_INFLATED_BYTES } from './inflate.ts';
import { ingestBytes } from './ingest.ts';
import { MAX_FILE_BYTES } from '../../electron/host/limits.ts';

const gzFixtures = listFixtures().filter((f) => f.endsWith('.gz'));

/** `members` concatenated gzip members of `mib` MiB of zeros each: deflate's ~1000:1, at any size. */
function zeroBomb(mib: number, members: number): Uint8Array {
  const member = gzipSync(new Uint8Array(mib * 2 ** 20), { level: 9 });
  const out = new Uint8Array(member.length * members);
  for (let i = 0; i < members; i++) out.set(member, i * member.length);
  return out;
}

/** The "<fed> KiB of gzip data already inflated to <out> MiB" figures of a bomb refusal, in MiB. */
function refusalFigures(message: string): { fedMiB: number; outMiB: number } {
  const m = /(\d+) (KiB|MiB) of gzip data already inflated to (\d+) MiB/.exec(message);
  if (!m) throw new Error(`not a bomb refusal: ${message}`);
  return { fedMiB: Number(m[1]) / (m[2] === 'KiB' ? 1024 : 1), outMiB: Number(m[3]) };
}

describe('gunzip', () => {
  it('inflates every gzipped fixture exactly as zlib does (the highest real ratio, 40:1, passes)', async () => {
    expect(gzFixtures.length).toBeGreaterThan(10);
    for (const rel of gzFixtures) {
      const gz = readFixture(rel);
      const got = await gunzip(gz);
      expect(got.truncated, rel).toBe(false);
      expect(Buffer.from(got.bytes).equals(gunzipSync(gz)), rel).toBe(true);
    }
  });

  it('returns what precedes the cut of a truncated stream', async () => {
    const gz = readFixture('scenarios/timewait-storm-go1.27/ss-capture.txt.gz');
    const got = await gunzip(gz.subarray(0, gz.length >> 1));
    expect(got.truncated).toBe(true);
    expect(got.bytes.length).toBeGreaterThan(0);
    expect(Buffer.from(got.bytes).equals(gunzipSync(gz).subarray(0, got.bytes.length))).toBe(true);
  });

  it('caps the output at the file limit', async () => {
    expect(MAX_INFLATED_BYTES).toBe(MAX_FILE_BYTES);
    const gz = readFixture('scenarios/fd-leak-go1.27/ss-capture.txt.gz'); // 26 MB inflated, 23:1
    await expect(gunzip(gz, { maxBytes: 10 * 2 ** 20 })).rejects.toThrow('decompressed data exceeds 10 MiB (the file size limit)');
  });

  it('refuses a 10 MB gzip of 10 GB after reading a fraction of it', async () => {
    const bomb = zeroBomb(64, 160); // 160 members of 64 MiB: 10 GiB inflated
    expect(bomb.length).toBeGreaterThan(9 * 2 ** 20);
    const err = await gunzip(bomb).then(
      () => null,
      (e: Error) => e,
    );
    expect(err?.message).toMatch(/^refused as a decompression bomb: /);
    const { fedMiB, outMiB } = refusalFigures(err!.message);
    // Stopped just past the floor: at most one feed of output beyond it, having read well under 1 MiB.
    expect(outMiB).toBeGreaterThanOrEqual(BOMB_FLOOR / 2 ** 20);
    expect(outMiB).toBeLessThanOrEqual(BOMB_FLOOR / 2 ** 20 + 32);
    expect(fedMiB).toBeLessThanOrEqual(1);
  });

  it('keeps the ratio check off below the floor: a small, very repetitive file is fine', async () => {
    const gz = gzipSync(new Uint8Array(8 * 2 ** 20).fill(0x61));
    expect(8 * 2 ** 20 / gz.length).toBeGreaterThan(BOMB_RATIO);
    expect((await gunzip(gz)).bytes.length).toBe(8 * 2 ** 20);
  });

  for (const [kind, head, line] of [
    ['ss capture', '### ss-snapshot 1 1700000000.000000000\n', 'ESTAB 0 0 10.0.0.1:443 10.0.0.2:51234\n'],
    ['goroutine dump', 'goroutine profile: total 1\n', '#\t0x4a5b6c\tnet/http.(*conn).serve+0x1a\t/usr/lib/go/src/net/http/server.go:2000\n'],
  ] as const) {
    it(`never hands a gzipped ${kind} bomb to its parser`, async () => {
      const text = head + line.repeat(Math.ceil((BOMB_FLOOR * 2) / line.length));
      const gz = gzipSync(Buffer.from(text, 'latin1'), { level: 9 });
      expect(text.length / gz.length).toBeGreaterThan(BOMB_RATIO);
      await expect(ingestBytes(gz)).rejects.toThrow(/^refused as a decompression bomb/);
    });
  }

  it('is where ingest un-gzips (a gzipped fixture parses as before)', async () => {
    const src = await ingestBytes(readFixture('scenarios/conn-leak-go1.27/block.pb.gz'));
    expect(src.kind).toBe('pprof');
    expect(src.partial).toBe(false);
  });
});

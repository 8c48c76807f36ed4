/**
 * The entry point's own decisions, on cut real gzip files: what a truncated stream gives (an error
 * naming the truncation, or a partial result saying so), and empty input.
 */
import { describe, it, expect } from 'vitest';
import { readFixture } from '../test-support/fixtures.ts';
import { ingestBytes } from './ingest.ts';
import { IngestError } from './errors.ts';

describe('ingestBytes on cut gzip files', () => {
  it('names the truncation when a cut gzipped pprof is read', async () => {
    const gz = readFixture('scenarios/conn-leak-go1.27/block.pb.gz');
    for (const cut of [40, 1500, gz.length - 10]) {
      const err = await ingestBytes(gz.subarray(0, cut)).then(
        () => null,
        (e: unknown) => e,
      );
      expect(err, `cut at ${cut}`).toBeInstanceOf(IngestError);
      expect((err as Error).message, `cut at ${cut}`).toMatch(/truncated gzip data/);
    }
  });

  it('reads a cut gzipped ss capture as a partial result that says why', async () => {
    const gz = readFixture('scenarios/conn-leak-go1.27/ss-capture.txt.gz');
    const src = await ingestBytes(gz.subarray(0, Math.floor(gz.length / 2)));
    expect(src.kind).toBe('ss');
    expect(src.partial).toBe(true);
    expect(src.warnings).toContain('gzip stream was truncated: only the data before the cut was read');
    const whole = await ingestBytes(gz);
    expect(whole.partial).toBe(false);
  });

  it('rejects empty input and an empty gzip stream', async () => {
    await expect(ingestBytes(new Uint8Array())).rejects.toThrow(/empty/);
    await expect(ingestBytes(gzipOfNothing())).rejects.toThrow(/empty gzip data/);
  });
});

/** A valid gzip stream of zero bytes (header, empty deflate block, CRC 0, size 0). */
function gzipOfNothing(): Uint8Array {
  return Uint8Array.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
}

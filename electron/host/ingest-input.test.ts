import { createHash } from 'node:crypto';
import { appendFileSync, closeSync, ftruncateSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { readFixture } from '../../shared/test-support/fixtures.ts';
import { ingestInput, liveCaptureReads } from './ingest-input.ts';
import { MAX_FILE_BYTES, oldTraceRefusal } from './limits.ts';

const dir = mkdtempSync(path.join(os.tmpdir(), 'tracedeck-live-read-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Offsets where a `###` line starts. */
function recordStarts(b: Uint8Array): number[] {
  const out: number[] = [];
  for (let i = 0; i < b.length - 3; i++) if ((i === 0 || b[i - 1] === 0x0a) && b[i] === 0x23 && b[i + 1] === 0x23 && b[i + 2] === 0x23) out.push(i);
  return out;
}

describe('ingestInput on a live capture (read up to maxBytes as it grows)', () => {
  it('parses only what was appended, with the same figures and SHA-256 as a whole read; a rewritten file is read whole', async () => {
    const bytes = gunzipSync(readFixture('scenarios/conn-leak-go1.27/ss-capture.txt.gz'));
    const starts = recordStarts(bytes);
    const file = path.join(dir, 'capture.txt');
    // The collector appends a record at a time; reads happen at record boundaries, with more written past them.
    const reads = [starts[5]!, starts[9]!, starts[20]!, starts[starts.length - 1]!, bytes.length];
    writeFileSync(file, bytes.subarray(0, reads[0]! + 100));
    let written = reads[0]! + 100;
    const before = { ...liveCaptureReads };
    for (const upTo of reads) {
      if (upTo + 100 > written) {
        appendFileSync(file, bytes.subarray(written, Math.min(bytes.length, upTo + 100)));
        written = Math.min(bytes.length, upTo + 100);
      }
      const grown = await ingestInput({ path: file, maxBytes: upTo });
      const whole = await ingestInput({ bytes: bytes.slice(0, upTo) });
      expect(grown.figures).toEqual(whole.figures);
      expect(grown.sha256).toBe(whole.sha256);
      expect(grown.sizeBytes).toBe(upTo);
      expect(grown.source.endNs).toBe(whole.source.endNs);
    }
    expect(liveCaptureReads.whole - before.whole).toBe(1);
    expect(liveCaptureReads.appended - before.appended).toBe(reads.length - 1);

    // Rewritten under the same name (not appended to): read whole again.
    const other = gunzipSync(readFixture('scenarios/cpu-pool-go1.27/ss-capture.txt.gz'));
    writeFileSync(file, other);
    const again = await ingestInput({ path: file, maxBytes: other.length });
    expect(again.figures).toEqual((await ingestInput({ bytes: other })).figures);
    expect(liveCaptureReads.whole - before.whole).toBe(2);
    expect(readFileSync(file).length).toBe(other.length);
  });
});

describe('ingestInput on a Go trace file (parsed while read in chunks, no whole-file buffer)', () => {
  it('gives the figures, size and SHA-256 of the whole-buffer read, for whole, cut and damaged traces', async () => {
    const full = readFixture('scenarios/cpu-pool-go1.27/trace.out');
    const cut = full.slice(0, Math.floor(full.length * 0.7));
    const damaged = new Uint8Array(full); // a copy (Buffer.slice would be a view)
    damaged[Math.floor(full.length * 0.8)]! ^= 0xff;
    for (const [name, bytes] of [['whole', full], ['cut', cut], ['damaged', damaged]] as const) {
      const file = path.join(dir, `${name}.trace`);
      writeFileSync(file, bytes);
      const fromFile = await ingestInput({ path: file });
      const fromBytes = await ingestInput({ bytes });
      expect(fromFile.figures, name).toEqual(fromBytes.figures);
      expect(fromFile.source.partial, name).toBe(name !== 'whole');
      // The same model as the whole-buffer parse: every goroutine and every transition, in order.
      const a = fromFile.source;
      const b = fromBytes.source;
      if (a.kind !== 'gotrace' || b.kind !== 'gotrace') throw new Error(`${name}: read as ${a.kind} / ${b.kind}, not a Go trace`);
      expect(a.model.transitions.count, name).toBe(b.model.transitions.count);
      expect(a.model.transitions.count, name).toBeGreaterThan(1000);
      expect(a.model.goroutines.count, name).toBe(b.model.goroutines.count);
      const bytesOf = (x: Float64Array | Int32Array | Int16Array | Uint8Array, n: number) => Buffer.from(x.buffer, x.byteOffset, n * x.BYTES_PER_ELEMENT);
      expect(bytesOf(a.model.transitions.t.slice(), a.model.transitions.count).equals(bytesOf(b.model.transitions.t.slice(), b.model.transitions.count)), `${name} transitions.t`).toBe(true);
      for (const col of ['g', 'from', 'to'] as const) {
        expect(bytesOf(a.model.transitions[col], a.model.transitions.count).equals(bytesOf(b.model.transitions[col], b.model.transitions.count)), `${name} transitions.${col}`).toBe(true);
      }
      expect(bytesOf(a.model.goroutines.id, a.model.goroutines.count).equals(bytesOf(b.model.goroutines.id, b.model.goroutines.count)), `${name} goroutine ids`).toBe(true);
      expect(fromFile.sizeBytes, name).toBe(bytes.length);
      expect(fromFile.sha256, name).toBe(createHash('sha256').update(bytes).digest('hex'));
    }
  });

  it('names the file offset when the first generation is cut', async () => {
    const file = path.join(dir, 'early-cut.trace');
    writeFileSync(file, readFixture('scenarios/cpu-pool-go1.27/trace.out').subarray(0, 3000));
    await expect(ingestInput({ path: file })).rejects.toThrow('trace cut short before its first generation ended (at byte 3000)');
  });
});

describe('old-format traces over 1 GiB', () => {
  it('open when the machine has the memory their whole-trace ordering needs, else are refused saying so', () => {
    const gib = 2 ** 30;
    expect(oldTraceRefusal(MAX_FILE_BYTES, 1)).toBeNull(); // up to the file limit, as any file
    expect(oldTraceRefusal(1.1 * gib, 24 * gib)).toBeNull(); // 13 GB of 25.8 GB
    const why = oldTraceRefusal(1.1 * gib, 14 * gib);
    expect(why).toBe(
      'old-format trace of 1.2 GB not opened: go 1.11–1.21 traces are ordered as a whole, which needs about 13.0 GB of memory here, and this machine has 15.0 GB (go 1.22+ traces of any size are read in parts)',
    );
  });

  it('a 64 GiB go 1.19 trace file is refused before anything past its header is read', async () => {
    // Sparse: the header, then nothing (no disk used); reading it would take the memory.
    const file = path.join(dir, 'huge-go119.trace');
    const fd = openSync(file, 'w');
    writeSync(fd, Buffer.from('go 1.19 trace\0\0\0'));
    ftruncateSync(fd, 64 * 2 ** 30);
    closeSync(fd);
    await expect(ingestInput({ path: file })).rejects.toThrow(/^old-format trace of 68\.7 GB not opened: go 1\.11–1\.21 traces are ordered as a whole, which needs about 755\.9 GB of memory here/);
    rmSync(file);
  });
});

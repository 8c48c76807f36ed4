/**
 * Legacy binary CPU profiles (gperftools "profilez", Go before 1.9, Java agents).
 *
 * A sequence of machine words, 32- or 64-bit, in the writer's byte order:
 *
 *   header   0  3  lang  period_us  0        lang: 0 = C++/Go, 1 = Java
 *   record   count  n  pc[0] … pc[n-1]       pc[0] = leaf
 *   trailer  0  1  0                          end of data
 *   then text: the memory map (C++/Go) or symbol lines `0xADDR function (File.java:line)` (Java)
 */
import { IngestError, throwIfAborted, type ParseOptions } from '../errors.ts';
import { LegacyProfileBuilder, type ParsedPprof } from './legacy-builder.ts';
import { readMemoryMap } from './memory-map.ts';
import { LineReader, u64 } from './text-lines.ts';
import { readJavaSymbols } from './text-profiles.ts';

export interface CpuHeader {
  wordSize: 4 | 8;
  littleEndian: boolean;
  java: boolean;
  /** Sampling period in microseconds. */
  periodUs: number;
}

type WordReader = (off: number) => bigint;

function reader(b: Uint8Array, wordSize: 4 | 8, little: boolean): WordReader {
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  return wordSize === 4 ? (off) => BigInt(dv.getUint32(off, little)) : (off) => dv.getBigUint64(off, little);
}

/** The header, tried as pprof does: 32-bit LE, 32-bit BE, 64-bit LE, 64-bit BE; null when none fits. */
export function cpuHeader(b: Uint8Array): CpuHeader | null {
  const forms: [4 | 8, boolean][] = [
    [4, true],
    [4, false],
    [8, true],
    [8, false],
  ];
  for (const [w, little] of forms) {
    if (b.length < 5 * w) continue;
    const rd = reader(b, w, little);
    const lang = rd(2 * w);
    const period = rd(3 * w);
    if (rd(0) === 0n && rd(w) === 3n && (lang === 0n || lang === 1n) && period > 0n && rd(4 * w) === 0n) {
      return { wordSize: w, littleEndian: little, java: lang === 1n, periodUs: Number(period) };
    }
  }
  return null;
}

const PROGRESS_EVERY = 8192;

export function parseBinaryCpu(b: Uint8Array, h: CpuHeader, opts: ParseOptions): ParsedPprof {
  const format = h.java ? 'pprof legacy java cpu' : 'pprof legacy cpu';
  const w = h.wordSize;
  const rd = reader(b, w, h.littleEndian);
  const p = new LegacyProfileBuilder();
  p.period = h.periodUs * 1000;
  p.periodType = { type: 'cpu', unit: 'nanoseconds' };
  p.sampleTypes = [
    { type: 'samples', unit: 'count' },
    { type: 'cpu', unit: 'nanoseconds' },
  ];

  let off = 5 * w;
  let sawEnd = false;
  while (off < b.length) {
    if (p.sampleCount % PROGRESS_EVERY === 0 && p.sampleCount > 0) {
      throwIfAborted(opts.signal);
      opts.onProgress?.(off / b.length);
    }
    const recordAt = off;
    if (off + 2 * w > b.length) {
      throw new IngestError(`truncated ${format}: ${b.length - off} stray bytes where a sample record starts`, recordAt);
    }
    const count = rd(off);
    const nstk = rd(off + w);
    off += 2 * w;
    const left = (b.length - off) / w;
    if (nstk > BigInt(Math.floor(left))) {
      throw new IngestError(`truncated or corrupt ${format}: sample record claims ${nstk} frames, only ${Math.floor(left)} words left`, recordAt);
    }
    const n = Number(nstk);
    if (count === 0n && n === 1 && rd(off) === 0n) {
      off += w;
      sawEnd = true;
      break;
    }
    const locs: number[] = [];
    for (let i = 0; i < n; i++) {
      let a = rd(off + i * w);
      // Callers' addresses are return addresses: step back into the call instruction. Java
      // "addresses" are method ids and stay as they are.
      if (!h.java && i > 0) a = u64(a - 1n);
      locs.push(p.location(a));
    }
    off += n * w;
    const c = Number(count);
    p.addSample([c, c * p.period], locs);
  }
  if (!sawEnd) {
    p.partial = true;
    p.warnings.push(`no end-of-data record: the profile looks cut short after ${p.sampleCount} samples`);
  }

  const rest = new LineReader(b, off);
  if (h.java) {
    readJavaSymbols(rest, p);
    return p.finish(format, opts);
  }
  stripSignalFrames(p);
  p.mappings = readMemoryMap(rest);
  return p.finish(format, opts, { cleanupDuplicateLeaf: true });
}

/**
 * When (nearly) every sample has the same second frame, that frame is the signal handler's, not the
 * program's: remove it, up to twice (pprof's heuristic: at most one sample in 32 may differ).
 */
function stripSignalFrames(p: LegacyProfileBuilder): void {
  const n = p.sampleCount;
  const margin = Math.floor(n / 32);
  for (let iter = 0; iter < 2; iter++) {
    const counts = new Map<number, number>();
    for (const locs of p.sampleLocs) if (locs.length > 1) counts.set(locs[1]!, (counts.get(locs[1]!) ?? 0) + 1);
    for (const [loc, c] of counts) {
      if (c >= n - margin) {
        for (const locs of p.sampleLocs) if (locs.length > 1 && locs[1] === loc) locs.splice(1, 1);
        break;
      }
    }
  }
}

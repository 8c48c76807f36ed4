/**
 * `inspect`'s trace figures without the model (trace-figures.ts) equal the model's (parseTrace +
 * summarizeTrace) on every real trace, whole, cut short and damaged; and read in two parts split at
 * any generation start (parallel-figures.ts), they equal one pass, or the join declines.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bytesSource } from '../../shared/ingest/byte-source.ts';
import { IngestError } from '../../shared/ingest/errors.ts';
import { StackTableBuilder } from '../../shared/model/stacks.ts';
import { summarizeTrace } from '../../shared/query/trace/trace-summary.ts';
import { FIXTURES } from '../../shared/test-support/fixtures.ts';
import { oracleTraces, readTrace } from '../../shared/test-support/oracles.ts';
import { parseTrace } from '../../shared/ingest/gotrace/parse-trace.ts';
import { decodeFirstPart, decodeLaterPart, generationStarts, joinFigureParts, splitPoint, traceFiguresOnePass } from './parallel-figures.ts';
import type { TraceFigures } from './trace-figures.ts';
import { traceHeaderMinor } from '../../shared/ingest/gotrace/v2/decode.ts';

const badDir = join(FIXTURES, 'third-party', 'golang-go-trace');
const traces = [
  ...oracleTraces(),
  ...readdirSync(badDir)
    .filter((f) => !f.endsWith('_good') && !f.endsWith('.md'))
    .map((f) => ({ name: f, path: join(badDir, f) })),
];

/** The model's figures, or the error it throws. */
function viaModel(bytes: Uint8Array): TraceFigures | string {
  let p;
  try {
    p = parseTrace(bytes);
  } catch (e) {
    if (e instanceof IngestError) return e.message;
    throw e;
  }
  const s = summarizeTrace({ format: p.format, partial: p.partial, model: p.model });
  return {
    goMinor: p.model.goMinor,
    durationNs: s.durationNs,
    goroutines: s.goroutines,
    gcCount: s.gcCount,
    procs: s.procs,
    cpuSamples: s.cpuSamples,
    partial: s.partial,
    warnings: p.warnings,
    blockingNs: s.blockingNs,
  };
}

function onePass(bytes: Uint8Array): TraceFigures | string {
  try {
    return traceFiguresOnePass(bytesSource(bytes, 1 << 16));
  } catch (e) {
    if (e instanceof IngestError) return e.message;
    throw e;
  }
}

/** Figures read in two parts split at `split`, or null when the join declines. */
function split(bytes: Uint8Array, at: number, gensBefore: number): TraceFigures | null {
  const later = new Uint8Array(16 + bytes.length - at);
  later.set(bytes.subarray(0, 16));
  later.set(bytes.subarray(at), 16);
  const first = decodeFirstPart(bytesSource(bytes, 1 << 16), at, new StackTableBuilder());
  const part = decodeLaterPart(bytesSource(later, 1 << 16), at, gensBefore, new StackTableBuilder());
  return joinFigureParts(first, part);
}

function starts(bytes: Uint8Array): number[] {
  return generationStarts((into, off) => {
    const n = Math.max(0, Math.min(into.length, bytes.length - off));
    into.set(bytes.subarray(off, off + n));
    return n;
  }, bytes.length, traceHeaderMinor(bytes) ?? 0);
}

describe('trace figures without the model', () => {
  it('covers the real traces, old and new formats, and splits some', () => {
    expect(traces.length).toBeGreaterThan(20);
    const multi = traces.filter((t) => {
      const b = readTrace(t.path);
      return (traceHeaderMinor(b) ?? 0) >= 22 && starts(b).length > 0;
    });
    expect(multi.length).toBeGreaterThan(5);
  });

  for (const t of traces) {
    it(`one pass equals the model: ${t.name}`, () => {
      const bytes = readTrace(t.path);
      expect(onePass(bytes)).toEqual(viaModel(bytes));
    });
  }

  for (const t of traces) {
    it(`two parts equal one pass at every generation start: ${t.name}`, () => {
      const bytes = readTrace(t.path);
      if ((traceHeaderMinor(bytes) ?? 0) < 22) return;
      const want = onePass(bytes);
      if (typeof want === 'string') return;
      const gs = starts(bytes);
      let joined = 0;
      gs.forEach((at, j) => {
        const got = split(bytes, at, j + 1);
        if (got === null) return;
        joined++;
        expect(got, `split at ${at}`).toEqual(want);
      });
      // Real traces split cleanly: the join declines only for damaged ones.
      if (t.name.includes('_good') || t.name.startsWith('scenarios')) expect(joined).toBe(gs.length);
    });
  }

  it('cut short or damaged: one pass equals the model, and a split equals one pass or declines', () => {
    const t = traces.find((x) => x.name === 'scenarios_cpu-pool-go1.27_trace.out')!;
    const bytes = readTrace(t.path);
    const gs = starts(bytes);
    expect(gs.length).toBeGreaterThan(1);
    let checked = 0;
    for (const frac of [0.15, 0.35, 0.5, 0.65, 0.9, 0.999]) {
      const cut = bytes.subarray(0, Math.floor(bytes.length * frac));
      const flipped = bytes.slice();
      for (let k = 0; k < 8; k++) flipped[Math.floor(bytes.length * frac) + k * 97]! ^= 0x5a;
      for (const b of [cut, flipped]) {
        const want = onePass(b);
        expect(want).toEqual(viaModel(b));
        if (typeof want === 'string') continue;
        gs.forEach((at, j) => {
          if (at >= b.length) return;
          const got = split(b, at, j + 1);
          if (got !== null) expect(got, `cut/flip at ${frac}, split at ${at}`).toEqual(want);
          checked++;
        });
      }
    }
    expect(checked).toBeGreaterThan(10);
  });

  it('splits near the middle, never at a sliver', () => {
    expect(splitPoint([100, 480, 900], 1000)).toBe(480);
    expect(splitPoint([50, 950], 1000)).toBeNull();
    expect(splitPoint([], 1000)).toBeNull();
  });
});

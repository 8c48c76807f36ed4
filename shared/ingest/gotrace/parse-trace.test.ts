import { describe, it, expect } from 'vitest';
import { gzipSync } from 'node:zlib';
import { readFileSync } from 'node:fs';
import { fixturesOfKind, readFixture, fixturePath } from '../../test-support/fixtures.ts';
import { IngestCancelled, IngestError } from '../errors.ts';
import { StackTableBuilder } from '../../model/stacks.ts';
import { summarizeTrace } from '../../query/trace/trace-summary.ts';
import { parseTrace } from './parse-trace.ts';
import { decodeTraceV2 } from './v2/decode.ts';
import { bytesSource, ByteWindow } from '../byte-source.ts';
import type { TraceEventSink } from './events.ts';
import { Ev, readHeader, RecordReader } from './v1/wire.ts';

const NEW_FORMAT = /^go 1\.(2[2-9]) trace$/;

describe('parseTrace: figures equal Go’s on every trace fixture', () => {
  for (const [rel, e] of fixturesOfKind('gotrace')) {
    it(rel, () => {
      const src = parseTrace(readFixture(rel), {});
      const f = summarizeTrace(src);
      expect(f.format).toBe(e.format);
      expect(f.goroutines).toBe(e.goroutines);
      expect(f.gcCount).toBe(e.gcCount);
      expect(f.procs).toBe(e.procs);
      expect(f.cpuSamples).toBe(e.cpuSamples);
      expect(f.blockingNs).toEqual(e.blockingNs);
      expect(f.partial).toBe(false);
      expect(src.endNs).toBeGreaterThan(0);
    });
  }
  it('covers the new formats (go 1.22, 1.23, 1.25, 1.26 headers)', () => {
    const formats = new Set(fixturesOfKind('gotrace').map(([, e]) => String(e.format)).filter((f) => NEW_FORMAT.test(f)));
    expect([...formats].sort()).toEqual(['go 1.22 trace', 'go 1.23 trace', 'go 1.25 trace', 'go 1.26 trace']);
  });
});

describe('parseTrace: progress and cancel', () => {
  it('reports increasing progress ending at 1, and stops when aborted', () => {
    const bytes = readFixture('scenarios/cpu-pool-go1.27/trace.out');
    const seen: number[] = [];
    parseTrace(bytes, { onProgress: (f) => void seen.push(f) });
    expect(seen.length).toBeGreaterThan(1);
    for (let i = 1; i < seen.length; i++) expect(seen[i]!).toBeGreaterThan(seen[i - 1]!);
    expect(seen[seen.length - 1]).toBe(1);
    const ac = new AbortController();
    expect(() => parseTrace(bytes, { onProgress: () => ac.abort(), signal: ac.signal })).toThrow(IngestCancelled);
  });
});

describe('parseTrace: clock', () => {
  it('places go 1.25+ traces exactly by their clock snapshots', () => {
    const src = parseTrace(readFixture('scenarios/timewait-storm-go1.25/trace.out'), {});
    expect(src.clock.quality).toBe('exact');
    expect(src.clock.basis).toBe('trace clock snapshot');
    const meta = JSON.parse(readFileSync(fixturePath('scenarios/timewait-storm-go1.25/meta.json'), 'utf8'));
    const start = BigInt(meta.events.find((x: { name: string }) => x.name === 'trace-start').unix_ns);
    const stop = BigInt(meta.events.find((x: { name: string }) => x.name === 'trace-stop').unix_ns);
    const origin = BigInt(src.clock.originEpochNs!);
    // trace-start is taken just before runtime/trace.Start, trace-stop just after Stop.
    expect(origin >= start && origin <= start + 50_000_000n).toBe(true);
    expect(origin + BigInt(Math.round(src.endNs)) <= stop).toBe(true);
  });
  it('estimates older traces from the file time minus the duration', () => {
    const src = parseTrace(readFixture('scenarios/cpu-pool-go1.22/trace.out'), { mtimeMs: 1_795_376_486_000 });
    expect(src.clock.quality).toBe('estimated');
    expect(BigInt(src.clock.originEpochNs!)).toBe(1_795_376_486_000_000_000n - BigInt(Math.round(src.endNs)));
    expect(parseTrace(readFixture('scenarios/cpu-pool-go1.22/trace.out'), {}).clock.originEpochNs).toBeNull();
  });
});

function ingestError(f: () => unknown): IngestError {
  try {
    f();
  } catch (e) {
    if (e instanceof IngestError) return e;
    throw e;
  }
  throw new Error('expected an IngestError');
}

/** Counts goroutine transitions at each sync (each generation start, and the end). */
function syncCounts(bytes: Uint8Array): { atSync: number[]; total: number; partial: boolean; lastGood: number } {
  let n = 0;
  const atSync: number[] = [];
  let partial = false;
  let lastGood = 0;
  const nop = () => {};
  const sink: TraceEventSink = {
    begin: nop,
    goTransition: () => void n++,
    procTransition: nop,
    rangeBegin: nop,
    rangeEnd: nop,
    metric: nop,
    stackSample: nop,
    taskBegin: nop,
    taskEnd: nop,
    regionBegin: nop,
    regionEnd: nop,
    log: nop,
    sync: () => void atSync.push(n),
    end: (p, off) => {
      partial = p;
      lastGood = off;
    },
  };
  decodeTraceV2(new ByteWindow(bytesSource(bytes)), sink, new StackTableBuilder(), {});
  return { atSync, total: n, partial, lastGood };
}

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

describe('parseTrace: bad input', () => {
  it('rejects an empty file and a cut header', () => {
    expect(ingestError(() => parseTrace(new Uint8Array(0))).reason).toMatch(/empty/);
    expect(ingestError(() => parseTrace(new TextEncoder().encode('go 1.2'))).reason).toMatch(/header cut short/);
  });
  it('names an unknown version', () => {
    const body = readFixture('scenarios/fd-leak-go1.27/trace.out').slice(16);
    for (const v of [24, 27, 99, 5]) {
      const head = new TextEncoder().encode(`go 1.${v} trace\0\0\0`.slice(0, 16));
      const b = new Uint8Array(16 + body.length);
      b.set(head);
      b.set(body, 16);
      expect(ingestError(() => parseTrace(b)).reason).toBe(`unsupported trace version go 1.${v}`);
    }
  });
  it('rejects a file of another kind behind a trace header, with an offset', () => {
    const other = readFixture('scenarios/fd-leak-go1.27/cpu.pb.gz');
    const b = new Uint8Array(16 + other.length);
    b.set(new TextEncoder().encode('go 1.26 trace\0\0\0'));
    b.set(other, 16);
    const e = ingestError(() => parseTrace(b));
    expect(e.reason).toMatch(/corrupt trace|cut short/);
    expect(e.offset).toBeGreaterThanOrEqual(16);
  });
  it('a header alone is an error, not an empty trace', () => {
    expect(ingestError(() => parseTrace(new TextEncoder().encode('go 1.26 trace\0\0\0'))).reason).toMatch(/no events/);
  });

  for (const rel of ['scenarios/cpu-pool-go1.22/trace.out', 'scenarios/cpu-pool-go1.27/trace.out']) {
    it(`keeps whole generations when cut short (${rel})`, () => {
      const full = readFixture(rel);
      const whole = syncCounts(full);
      expect(whole.atSync.length).toBeGreaterThan(3);
      const r = rng(7);
      let kept = 0;
      for (let i = 0; i < 12; i++) {
        const cut = 16 + Math.floor(r() * (full.length - 17));
        const part = full.subarray(0, cut);
        let got: ReturnType<typeof syncCounts>;
        try {
          got = syncCounts(part);
        } catch (e) {
          expect(e).toBeInstanceOf(IngestError);
          continue;
        }
        kept++;
        // Every event handed over belongs to a whole generation of the full trace.
        expect(whole.atSync).toContain(got.total);
        expect(got.total).toBeLessThan(whole.total);
        expect(got.partial).toBe(true);
        const src = parseTrace(part);
        expect(src.partial).toBe(true);
        expect(src.model.transitions.count).toBe(got.total);
      }
      expect(kept).toBeGreaterThan(3);
      // Cut a few bytes into the batch after a whole generation: that generation is kept.
      const first = syncCounts(full.subarray(0, Math.floor(full.length * 0.6)));
      const cut = syncCounts(full.subarray(0, first.lastGood + 3));
      expect(cut.partial).toBe(true);
      expect(cut.total).toBe(first.total);
      expect(cut.lastGood).toBe(first.lastGood);
    });
  }
});

/** One mutated input per case: truncation, bit flips, or a splice of two fixtures. */
function mutate(r: () => number, a: Uint8Array, b: Uint8Array): Uint8Array {
  const kind = Math.floor(r() * 4);
  if (kind === 0) return a.slice(0, Math.floor(r() * a.length));
  if (kind === 3) {
    const i = 16 + Math.floor(r() * (a.length - 16));
    const j = 16 + Math.floor(r() * (b.length - 16));
    const out = new Uint8Array(i + b.length - j);
    out.set(a.subarray(0, i));
    out.set(b.subarray(j), i);
    return out;
  }
  const out = a.slice();
  const flips = kind === 1 ? 1 : 1 + Math.floor(r() * 16);
  for (let k = 0; k < flips; k++) {
    const p = Math.floor(r() * out.length);
    out[p]! ^= 1 << Math.floor(r() * 8);
  }
  return out;
}

const FUZZ_CASES = Number(process.env.FUZZ_CASES) || 300;

describe('parseTrace: seeded fuzz', () => {
  it('fuzz: truncations, bit flips and splices end in IngestError or a (partial) result', { timeout: Math.max(60_000, FUZZ_CASES * 100) }, () => {
    const inputs = ['scenarios/fd-leak-go1.23/trace.out', 'scenarios/fd-leak-go1.27/trace.out', 'scenarios/timewait-storm-go1.25/trace.out'].map(
      // Own copies: Buffer#slice would share (and let the bit flips damage) the fixture bytes.
      (rel) => new Uint8Array(readFixture(rel)),
    );
    const cases = FUZZ_CASES;
    const r = rng(20240601);
    let ok = 0;
    let errors = 0;
    for (let c = 0; c < cases; c++) {
      const a = inputs[Math.floor(r() * inputs.length)]!;
      const b = inputs[Math.floor(r() * inputs.length)]!;
      const m = mutate(r, a, b);
      try {
        const src = parseTrace(m);
        summarizeTrace(src);
        ok++;
      } catch (e) {
        if (!(e instanceof IngestError)) throw new Error(`case ${c}: ${(e as Error).stack}`);
        errors++;
      }
    }
    expect(ok + errors).toBe(cases);
    if (process.env.FUZZ_DEBUG) console.log({ cases, ok, errors });
    expect(ok).toBeGreaterThan(0);
  });

  it('a gzipped trace is not a trace (the caller un-gzips)', () => {
    const gz = gzipSync(readFixture('scenarios/fd-leak-go1.27/trace.out'));
    expect(ingestError(() => parseTrace(gz)).reason).toMatch(/not a Go execution trace/);
  });
});

describe('old formats cut inside the stack table (it follows the events)', () => {
  /** Offsets of the stack records of an old-format trace. */
  const stackRecords = (b: Uint8Array): number[] => {
    const r = new RecordReader(b, readHeader(b));
    const out: number[] = [];
    while (r.next()) if (r.type === Ev.Stack) out.push(r.start);
    return out;
  };
  for (const rel of ['scenarios/conn-leak-go1.19/trace.out', 'third-party/golang-go-trace/stress_1_21_good']) {
    const whole = readFixture(rel);
    const full = parseTrace(whole);
    const at = stackRecords(whole);
    it(`${rel}: cut on a record boundary or inside a record, the events stay, the stacks are reported missing`, () => {
      expect(at.length).toBeGreaterThan(10);
      const mid = at[Math.floor(at.length / 2)]!;
      for (const cut of [mid, mid + 3]) {
        const p = parseTrace(whole.subarray(0, cut));
        expect(p.partial, `cut at ${cut}`).toBe(true);
        expect(p.warnings.some((w) => w.startsWith('the stack table is cut short:')), p.warnings.join('; ')).toBe(true);
        // Every event is still there; only stacks are lost.
        expect(p.model.transitions.count).toBe(full.model.transitions.count);
        let lost = 0;
        for (let i = 0; i < full.model.transitions.count; i++) if (full.model.transitions.stack[i]! >= 0 && p.model.transitions.stack[i]! < 0) lost++;
        expect(lost).toBeGreaterThan(0);
      }
    });
  }
});

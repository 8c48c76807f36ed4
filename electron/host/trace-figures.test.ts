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
import { summarizeTrace } from '../../shared/query/trace/trace-summary.ts';
import { FIXTURES } from '../../shared/test-support/fixtures.ts';
import { oracleTraces, readTrace } from '../../shared/test-support/oracles.ts';
import { parseTrace } from '../../shared/ingest/gotrace/parse-trace.ts';
import { decodeFirstPart, figuresInParts, generationStarts, localLaterPart, splitPoint, traceFiguresOnePass } from './parallel-figures.ts';
import { FiguresRows, KEPT_TRANSITIONS, onePartFigures, type TraceFigures } from './trace-figures.ts';
import { dispatchRows, FROM_ARG4, TO_STATUS, traceHeaderMinor, TRANSITION_ROWS } from '../../shared/ingest/gotrace/v2/decode.ts';
import { Generation } from '../../shared/ingest/gotrace/v2/generation.ts';
import { OutBuf } from '../../shared/ingest/gotrace/v2/out-buf.ts';
import { Ev } from '../../shared/ingest/gotrace/v2/wire.ts';
import { GO_STATUS_STATE } from '../../shared/model/trace.ts';

const badDir = join(FIXTURES, 'third-party', 'golang-go-trace');
/** Real traces, and Go's own damaged test traces (`damaged`). */
const traces = [
  ...oracleTraces().map((t) => ({ ...t, damaged: false })),
  ...readdirSync(badDir)
    .filter((f) => !f.endsWith('_good') && !f.endsWith('.md') && f !== 'LICENSE')
    .map((f) => ({ name: f, path: join(badDir, f), damaged: true })),
];
/** The new-format ones: those read in parts. */
const newFormat = traces.filter((t) => (traceHeaderMinor(readTrace(t.path)) ?? 0) >= 22);

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

/** How many inputs one pass left to the model (transitions out of time order). */
let leftToModel = 0;

/** One pass's figures, or the error it throws; the model's when it leaves the input to it, as inspect does. */
function onePass(bytes: Uint8Array): TraceFigures | string {
  try {
    const f = traceFiguresOnePass(bytesSource(bytes, 1 << 16));
    if (f !== null) return f;
    leftToModel++;
    return viaModel(bytes);
  } catch (e) {
    if (e instanceof IngestError) return e.message;
    throw e;
  }
}

/** Figures read in two parts split at `split`, or null when the join declines. */
async function split(bytes: Uint8Array, at: number, gensBefore: number, keep = KEPT_TRANSITIONS): Promise<TraceFigures | null> {
  const later = new Uint8Array(16 + bytes.length - at);
  later.set(bytes.subarray(0, 16));
  later.set(bytes.subarray(at), 16);
  const part = localLaterPart(bytesSource(later, 1 << 16), at, gensBefore, keep);
  const first = decodeFirstPart(bytesSource(bytes, 1 << 16), at);
  return figuresInParts(first, part);
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
    expect(traces.filter((t) => !t.damaged).length).toBeGreaterThan(20);
    expect(traces.filter((t) => t.damaged).length).toBeGreaterThan(3);
    const multi = newFormat.filter((t) => !t.damaged && starts(readTrace(t.path)).length > 0);
    expect(multi.length).toBeGreaterThan(5);
  });

  for (const t of traces) {
    it(`one pass equals the model: ${t.name}`, () => {
      const bytes = readTrace(t.path);
      const before = leftToModel;
      expect(onePass(bytes)).toEqual(viaModel(bytes));
      // A real trace's transitions come in time order: one pass reads it without the model.
      if (!t.damaged) expect(leftToModel).toBe(before);
    });
  }

  for (const t of newFormat) {
    it(`two parts equal one pass at every generation start: ${t.name}`, async () => {
      const bytes = readTrace(t.path);
      const want = onePass(bytes);
      const gs = starts(bytes);
      let joined = 0;
      for (const [j, at] of gs.entries()) {
        let got: TraceFigures | string | null;
        try {
          got = await split(bytes, at, j + 1);
        } catch (e) {
          if (!(e instanceof IngestError)) throw e;
          got = e.message;
        }
        if (got === null) continue; // declined: read in one pass
        joined++;
        expect(got, `split at ${at}`).toEqual(want);
      }
      // Real traces split cleanly: the join declines only for damaged ones.
      if (!t.damaged) expect(joined).toBe(gs.length);
    });
  }

  it('two parts equal one pass when the later part keeps few first transitions apart (most of it walked as it came)', async () => {
    let joined = 0;
    let walkedAfter = 0;
    for (const t of newFormat.filter((x) => !x.damaged)) {
      const bytes = readTrace(t.path);
      const want = onePass(bytes);
      for (const [j, at] of starts(bytes).entries()) {
        for (const keep of [3, 40, 700]) {
          const got = await split(bytes, at, j + 1, keep);
          // Declines only when a transition after those kept would move (its time is below the first part's end).
          if (got === null) continue;
          joined++;
          if (keep < 700) walkedAfter++;
          expect(got, `${t.name}: split at ${at}, ${keep} kept`).toEqual(want);
        }
      }
    }
    expect(joined).toBeGreaterThan(30);
    expect(walkedAfter).toBeGreaterThan(20);
  });

  it('cut short or damaged: one pass equals the model, and a split equals one pass or declines', async () => {
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
        for (const [j, at] of gs.entries()) {
          if (at >= b.length) continue;
          const got = await split(b, at, j + 1);
          if (got !== null) expect(got, `cut/flip at ${frac}, split at ${at}`).toEqual(want);
          checked++;
        }
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

describe('figures taken from the ordering (FiguresRows.push)', () => {
  it("reads a reason string id in its own generation's table (ids are per generation)", () => {
    const rows = new FiguresRows();
    const genA = new Generation();
    genA.strings.set(21, 'chan receive');
    const genB = new Generation();
    genB.strings.set(21, 'sleep');
    const ev = (typ: number, t: number, g: number, a0: number) => rows.push(typ, t, g, 0, 0, a0, 0, 0, 0, 0);
    rows.gen = genA;
    ev(Ev.GoCreate, 10, 1, 5);
    ev(Ev.GoStart, 20, -1, 5);
    ev(Ev.GoBlock, 30, 5, 21); // chan receive: tracked as sync
    ev(Ev.GoUnblock, 50, 1, 5);
    ev(Ev.GoStart, 60, -1, 5);
    rows.flush();
    rows.gen = genB;
    ev(Ev.GoBlock, 70, 5, 21); // sleep: not sync
    ev(Ev.GoUnblock, 100, 1, 5);
    ev(Ev.GoStart, 110, -1, 5);
    rows.flush();
    const totals = onePartFigures(rows.counts(), rows.walk.c)!.blockingNs;
    expect(totals.sync).toBe(20);
    // Runnable 10–20 ends at its first run, where its window starts: only the two later ones count.
    expect(totals.sched).toBe(10 + 10);
  });
});

describe('the decoder rows read whole (TRANSITION_ROWS)', () => {
  it('name the transition dispatchRows hands on, for every event type', () => {
    const gen = new Generation();
    gen.strings.set(21, 'chan receive');
    let checked = 0;
    for (let typ = 0; typ < 256; typ++) {
      const out = new OutBuf();
      // a0 = 21 (a goroutine id, or the reason string), a2 = 2 (status Running), a4 = 4 (old state Waiting).
      out.push(typ, 1000, 11, 3, 4, 21, 1, 2, 0, 4);
      const calls: unknown[][] = [];
      const sink = new Proxy({} as Record<string, unknown>, {
        get: (_o, name) => (name === 'goTransition' ? (...a: unknown[]) => calls.push(a.slice(0, 5)) : () => {}),
      });
      try {
        dispatchRows(out.chunks[0]!, gen, sink as never);
      } catch {
        continue; // a type dispatchRows cannot read from these arguments: not one it hands on as a transition
      }
      const { who, from, to, reason } = TRANSITION_ROWS;
      if (who[typ] === 0) {
        expect(calls, `type ${typ}`).toEqual([]);
        continue;
      }
      const want = [
        1000,
        who[typ] === 1 ? 21 : 11,
        from[typ] === FROM_ARG4 ? 4 : from[typ],
        to[typ] === TO_STATUS ? GO_STATUS_STATE[2] : to[typ],
        reason[typ] === 1 ? 'chan receive' : '',
      ];
      expect(calls, `type ${typ}`).toEqual([want]);
      checked++;
    }
    expect(checked).toBe(16);
  });
});

describe('splits that are not what they seem', () => {
  it('a split the decoder does not see as a generation start: the parts would overlap, so one pass', async () => {
    const bytes = readTrace(traces.find((x) => x.name === 'scenarios_cpu-pool-go1.27_trace.out')!.path);
    const gs = starts(bytes);
    expect(await split(bytes, gs[1]! + 1, 2)).toBeNull();
    expect(await split(bytes, gs[1]!, 2)).toEqual(onePass(bytes));
  });

  it('a flood of one-byte end-of-generation markers: the header scan stops after a bounded number of reads', () => {
    const bytes = new Uint8Array(16 + (3 << 20)).fill(52);
    bytes.set(new TextEncoder().encode('go 1.26 trace\0\0\0'));
    let reads = 0;
    const got = generationStarts((into, off) => {
      reads++;
      const n = Math.max(0, Math.min(into.length, bytes.length - off));
      into.set(bytes.subarray(off, off + n));
      return n;
    }, bytes.length, 26);
    expect(got).toEqual([]);
    expect(reads).toBe(1 << 20);
    // One pass says what is wrong with it.
    expect(onePass(bytes)).toMatch(/corrupt trace: empty generation/);
  });
});

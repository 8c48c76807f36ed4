import { describe, expect, it } from 'vitest';
import { fixturesOfKind, readFixture } from '../../../test-support/fixtures.ts';
import { StackTableBuilder, frameFuncName, stackFramesLeafFirst } from '../../../model/stacks.ts';
import { IngestCancelled, IngestError } from '../../errors.ts';
import { GoState, type TraceEventSink } from '../events.ts';
import { decodeTraceV1, decodeTraceV1WithStats, FALLBACK_TICKS_PER_SEC } from './decode.ts';
import { FigureSink } from './test-sink.ts';
import { Ev, RecordReader } from './wire.ts';
import { parseTrace } from '../parse-trace.ts';
import { summarizeTrace } from '../../../query/trace/trace-summary.ts';
import { mulberry32 as rng } from '../../../test-support/fuzz.ts';

const OLD = fixturesOfKind('gotrace').filter(([, e]) => /^go 1\.(1\d|2[01]) trace$/.test(String(e.format)));

function decode(bytes: Uint8Array, sink: TraceEventSink = new FigureSink()) {
  const stacks = new StackTableBuilder();
  const stats = decodeTraceV1WithStats(bytes, sink, stacks, {});
  return { stats, stacks: stacks.build() };
}

describe('old-format traces: figures of expected.json', () => {
  it('covers every old-format fixture', () => {
    expect(OLD.map(([f]) => f).sort()).toEqual([
      'scenarios/conn-leak-go1.19/trace.out',
      'scenarios/lock-contention-go1.21/trace.out',
      'third-party/golang-go-trace/fmt_1_21_pprof_good',
      'third-party/golang-go-trace/http_1_19_good',
      'third-party/golang-go-trace/stress_1_11_good',
      'third-party/golang-go-trace/stress_1_19_good',
      'third-party/golang-go-trace/stress_1_21_good',
      'third-party/golang-go-trace/user_task_region_1_19_good',
      'third-party/golang-go-trace/user_task_region_1_21_good',
    ]);
  });

  for (const [file, e] of OLD) {
    it(file, () => {
      const bytes = readFixture(file);
      const sink = new FigureSink();
      const { stats } = decode(bytes, sink);
      expect(sink.info?.goMinor).toBe(Number(String(e.format).slice(5, 7)));
      expect(sink.goroutines.size).toBe(e.goroutines);
      expect(sink.procs.size).toBe(e.procs);
      expect(sink.gcCount).toBe(e.gcCount);
      expect(sink.cpuSamples).toBe(e.cpuSamples);
      // The same number of events as Go's converted stream, each at a distinct, increasing time.
      expect(stats.convertedEvents).toBe(e.goParsedEvents);
      expect(sink.nonIncreasing).toBe(0);
      expect(sink.syncs.length).toBe(2);
      expect(sink.syncs[0]).toBe(-1);
      expect(sink.blockingNs()).toEqual(e.blockingNs);
      expect(sink.ended).toEqual({ partial: false, lastGoodOffset: bytes.length });
      expect(sink.warnings).toEqual([]);
    });
  }
});

describe('old-format traces: content', () => {
  it('decodes user tasks, regions and logs (go 1.19 and 1.21)', () => {
    for (const f of ['user_task_region_1_19_good', 'user_task_region_1_21_good']) {
      const sink = new FigureSink();
      decode(readFixture(`third-party/golang-go-trace/${f}`), sink);
      expect(sink.tasks).toEqual(['begin 1 parent=-1 task0', 'end 1']);
      expect(sink.regions).toEqual([
        'begin task=1 region0 g=21',
        'begin task=1 region1 g=21',
        'end task=1 region1 g=21',
        'end task=1 region0 g=21',
        'begin task=0 post-existing region g=19',
      ]);
      expect(sink.logs).toEqual(['task=1 key0=0123456789abcdef']);
    }
  });

  it('resolves stacks root-first into the shared table and names block reasons as Go does', () => {
    const seen: number[] = [];
    const sink = new FigureSink();
    const created: number[] = [];
    sink.onTransition = (_g, to, reason, eventStack, resourceStack) => {
      if (reason === 'select' && eventStack >= 0) seen.push(eventStack);
      if (to === GoState.Runnable && resourceStack >= 0) created.push(resourceStack);
    };
    const { stacks } = decode(readFixture('scenarios/conn-leak-go1.19/trace.out'), sink);
    expect(seen.length).toBeGreaterThan(100);
    const leafFuncs = new Set(seen.map((s) => frameFuncName(stacks, stackFramesLeafFirst(stacks, s)[0]!)));
    expect(leafFuncs).toContain('runtime.selectgo');
    const callers = new Set(seen.flatMap((s) => stackFramesLeafFirst(stacks, s).map((f) => frameFuncName(stacks, f))));
    expect(callers).toContain('net/http.(*persistConn).readLoop');
    // A creation's resource stack is the new goroutine's start function.
    const starts = new Set(created.map((s) => frameFuncName(stacks, stackFramesLeafFirst(stacks, s)[0]!)));
    expect(starts).toContain('net/http.(*persistConn).writeLoop');
    expect([...sink.reasons.keys()]).toEqual(expect.arrayContaining(['select', 'network', 'chan receive', 'preempted']));
  });

  it('reports progress up to 1 and honours an abort signal', () => {
    const bytes = readFixture('third-party/golang-go-trace/stress_1_19_good');
    const seen: number[] = [];
    decodeTraceV1(bytes, new FigureSink(), new StackTableBuilder(), { onProgress: (f) => seen.push(f) });
    expect(seen.length).toBeGreaterThan(3);
    expect(seen.every((f, i) => f >= 0 && f <= 1 && (i === 0 || f >= seen[i - 1]!))).toBe(true);
    expect(seen[seen.length - 1]).toBe(1);
    const ac = new AbortController();
    ac.abort();
    expect(() => decodeTraceV1(bytes, new FigureSink(), new StackTableBuilder(), { signal: ac.signal })).toThrow(
      IngestCancelled,
    );
  });
});

describe('old-format traces: bad input', () => {
  const header = (v: string) => new TextEncoder().encode(`go 1.${v} trace\0\0\0`);
  const expectIngestError = (bytes: Uint8Array, re: RegExp) => {
    let err: unknown;
    try {
      decode(bytes);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(IngestError);
    expect((err as IngestError).reason).toMatch(re);
  };

  it('rejects empty input, foreign headers and new-format versions', () => {
    expectIngestError(new Uint8Array(0), /header/);
    expectIngestError(new TextEncoder().encode('not a trace at all, really'), /header/);
    expectIngestError(header('22'), /unsupported version/);
  });

  it('rejects a header with no events (no frequency record)', () => {
    expectIngestError(header('21'), /frequency/);
  });

  it('names the offset of an unknown event type', () => {
    const b = new Uint8Array([...header('19'), 0x01 | (1 << 6), 0, 5, 63]);
    let err: IngestError | undefined;
    try {
      decode(b);
    } catch (e) {
      err = e as IngestError;
    }
    expect(err?.reason).toBe('unknown event type 63');
    expect(err?.offset).toBe(19);
  });

  it('a cut inside the trailing stack dump keeps every event (go 1.19: frequency precedes the dump)', () => {
    const full = readFixture('third-party/golang-go-trace/http_1_19_good');
    const whole = new FigureSink();
    decode(full, whole);
    const cut = full.subarray(0, full.length - 100);
    const sink = new FigureSink();
    decode(cut, sink);
    expect(sink.ended?.partial).toBe(true);
    expect(sink.info?.ticksPerSec).toBe(whole.info?.ticksPerSec);
    expect(sink.goroutines.size).toBe(whole.goroutines.size);
    expect(sink.events).toBe(whole.events);
    // The cut batch, and the stacks it held that events refer to.
    expect(sink.warnings.length).toBe(2);
    expect(sink.warnings[1]).toMatch(/^the stack table is cut short: \d+ events refer to stacks/);
  });

  it('a cut on a record boundary (no footer, no frequency record) is still recognised as a cut', () => {
    const full = readFixture('third-party/golang-go-trace/http_1_19_good');
    const r = new RecordReader(full, 19);
    let freqAt = -1;
    while (r.next()) if (r.type === Ev.Frequency) freqAt = r.start;
    expect(freqAt).toBeGreaterThan(16);
    const sink = new FigureSink();
    decode(full.subarray(0, freqAt), sink);
    expect(sink.ended?.partial).toBe(true);
    expect(sink.ended!.lastGoodOffset).toBeLessThan(freqAt);
    expect(sink.info?.ticksPerSec).toBe(FALLBACK_TICKS_PER_SEC);
    expect(sink.goroutines.size).toBe(137);
  });

  it('a cut mid-trace keeps the whole batches before it, with an assumed frequency and a warning', () => {
    const full = readFixture('third-party/golang-go-trace/stress_1_21_good');
    const cutAt = Math.floor(full.length / 2);
    const sink = new FigureSink();
    decode(full.subarray(0, cutAt), sink);
    expect(sink.ended?.partial).toBe(true);
    expect(sink.ended!.lastGoodOffset).toBeLessThanOrEqual(cutAt);
    expect(sink.ended!.lastGoodOffset).toBeGreaterThan(16);
    expect(sink.info?.ticksPerSec).toBe(FALLBACK_TICKS_PER_SEC);
    expect(sink.events).toBeGreaterThan(1000);
    expect(sink.nonIncreasing).toBe(0);
    expect(sink.warnings.some((w) => w.includes('frequency'))).toBe(true);
  });
});

describe('old-format traces: fuzz', () => {
  const CASES = Number(process.env.FUZZ_CASES) || 300;
  const small = [
    'third-party/golang-go-trace/http_1_19_good',
    'third-party/golang-go-trace/fmt_1_21_pprof_good',
    'third-party/golang-go-trace/user_task_region_1_19_good',
    'third-party/golang-go-trace/user_task_region_1_21_good',
  ].map((f) => readFixture(f));
  const big = readFixture('third-party/golang-go-trace/stress_1_11_good');

  it(`fuzz: ${CASES} truncations, bit flips and splices end in a result or an IngestError`, () => {
    const rand = rng(Number(process.env.FUZZ_SEED) || 0x5eed);
    const pick = (n: number) => Math.floor(rand() * n);
    const outcomes = { ok: 0, partial: 0, error: 0 };
    for (let c = 0; c < CASES; c++) {
      const src = c % 50 === 49 ? big : small[pick(small.length)]!;
      let b: Uint8Array;
      const mode = c % 3;
      if (mode === 0) {
        b = src.slice(0, pick(src.length + 1));
      } else if (mode === 1) {
        b = src.slice();
        const flips = 1 + pick(8);
        for (let k = 0; k < flips; k++) {
          // Leave the header alone most of the time so that the decoder gets past it.
          const at = 16 + pick(Math.max(1, b.length - 16));
          if (at < b.length) b[at] = b[at]! ^ (1 << pick(8));
        }
      } else {
        const other = small[pick(small.length)]!;
        const i = pick(src.length);
        const j = 16 + pick(Math.max(1, other.length - 16));
        b = new Uint8Array([...src.subarray(0, i), ...other.subarray(j)]);
      }
      const sink = new FigureSink();
      try {
        decodeTraceV1(b, sink, new StackTableBuilder(), {});
        expect(sink.ended).not.toBeNull();
        if (sink.ended!.partial) outcomes.partial++;
        else outcomes.ok++;
      } catch (e) {
        if (!(e instanceof IngestError)) throw new Error(`case ${c} (mode ${mode}, ${b.length} bytes): ${String(e)}`);
        outcomes.error++;
      }
    }
    expect(outcomes.ok + outcomes.partial + outcomes.error).toBe(CASES);
    expect(outcomes.partial).toBeGreaterThan(0);
    expect(outcomes.error).toBeGreaterThan(0);
  });
});

describe('old-format traces through the app: summarizeTrace(parseTrace(bytes))', () => {
  for (const [file, e] of OLD) {
    it(file, () => {
      const f = summarizeTrace(parseTrace(readFixture(file), {}));
      expect(f.format).toBe(e.format);
      expect(f.goroutines).toBe(e.goroutines);
      expect(f.procs).toBe(e.procs);
      expect(f.gcCount).toBe(e.gcCount);
      expect(f.cpuSamples).toBe(e.cpuSamples);
      expect(f.blockingNs).toEqual(e.blockingNs);
      expect(f.partial).toBe(false);
    });
  }
});

import { describe, it, expect } from 'vitest';
import { readFixture, expectedFigures } from '../../test-support/fixtures.ts';
import { parseTrace } from '../../ingest/gotrace/parse-trace.ts';
import { stackFramesLeafFirst, frameFuncName } from '../../model/stacks.ts';
import { blockingProfile, cpuSampleStacks, type BlockingKind, type BlockingProfile } from './trace-blocking.ts';
import { goroutineTimeBreakdown } from '../../test-support/trace-reference.ts';

const REL = 'scenarios/cpu-pool-go1.22/trace.out';
const src = parseTrace(readFixture(REL), {});
const model = src.model;
const KINDS: BlockingKind[] = ['sync', 'net', 'syscall', 'sched'];

const sum = (a: Float64Array): number => a.reduce((x, y) => x + y, 0);

/** Function names leaf first, joined by ";" ("" for no stack), as `go tool pprof` lists them. */
function key(p: BlockingProfile, i: number): string {
  const s = p.sampleStack[i]!;
  return s < 0 ? '' : stackFramesLeafFirst(p.stacks, s).map((f) => frameFuncName(p.stacks, f)).join(';');
}

describe('blockingProfile', () => {
  it('totals equal `go tool trace -pprof=KIND` (expected.json)', () => {
    const e = expectedFigures()[REL]!.blockingNs as Record<string, number>;
    for (const k of KINDS) expect(sum(blockingProfile(model, k).weight)).toBe(e[k]);
  });

  // Per-stack values from Go's own cmd/trace (go1.23 built with go1.27's pprof.go rule: events without
  // stacks are not skipped), whose totals equal go1.27's for this file. [stack, count, ns]
  const GO: Record<BlockingKind, [string, number, number][]> = {
    sync: [
      ['runtime.chanrecv1;main.submit;net/http.HandlerFunc.ServeHTTP;net/http.(*ServeMux).ServeHTTP;net/http.serverHandler.ServeHTTP;net/http.(*conn).serve', 1440, 77685876928],
      ['runtime.chanrecv1;runtime.(*wakeableSleep).sleep;runtime.traceStartReadCPU.func1', 46, 4858497920],
      ['runtime.chanrecv1;runtime.(*wakeableSleep).sleep;runtime.(*traceAdvancerState).start.func1', 4, 4030152000],
    ],
    net: [
      ['internal/poll.(*FD).Read;net.(*netFD).Read;net.(*conn).Read;net/http.(*connReader).backgroundRead', 1404, 97906870850],
      ['internal/poll.(*FD).Read;net.(*netFD).Read;net.(*conn).Read;net/http.(*connReader).Read;bufio.(*Reader).fill;bufio.(*Reader).Peek;net/http.(*conn).serve', 755, 4270107582],
    ],
    syscall: [
      ['syscall.write;syscall.Write;internal/poll.ignoringEINTRIO;internal/poll.(*FD).Write;net.(*netFD).Write;net.(*conn).Write;net/http.checkConnErrorWriter.Write;bufio.(*Writer).Flush;net/http.(*response).finishRequest;net/http.(*conn).serve', 1459, 136867313],
      ['syscall.read;syscall.Read;internal/poll.ignoringEINTRIO;internal/poll.(*FD).Read;net.(*netFD).Read;net.(*conn).Read;net/http.(*connReader).Read;bufio.(*Reader).fill;bufio.(*Reader).Peek;net/http.(*conn).serve', 2213, 16063933],
    ],
    sched: [
      ['runtime.chansend1;main.worker', 1439, 15757252483],
      ['', 1401, 8144360449],
      ['runtime.bgsweep', 430, 3730400830],
    ],
  };
  for (const k of KINDS) {
    it(`per-stack values match Go (${k})`, () => {
      const p = blockingProfile(model, k);
      const byKey = new Map<string, [number, number]>();
      // Summed by function list: Go files a stack of PC-0 frames under the same (empty) record as
      // events without a stack, which we keep apart.
      for (let i = 0; i < p.sampleStack.length; i++) {
        const k = key(p, i);
        const [c, w] = byKey.get(k) ?? [0, 0];
        byKey.set(k, [c + p.count[i]!, w + p.weight[i]!]);
      }
      for (const [stack, count, ns] of GO[k]) expect(byKey.get(stack)).toEqual([count, ns]);
    });
  }

  it('ranges split the whole: [0,m] + [m,end] = everything, per stack', () => {
    const mid = Math.round(model.endNs * 0.37);
    for (const k of KINDS) {
      const whole = blockingProfile(model, k);
      const a = blockingProfile(model, k, { startNs: 0, endNs: mid });
      const b = blockingProfile(model, k, { startNs: mid, endNs: model.endNs });
      expect(sum(a.weight) + sum(b.weight)).toBe(sum(whole.weight));
      expect(sum(a.weight)).toBeGreaterThan(0);
      expect(sum(a.weight)).toBeLessThan(sum(whole.weight));
    }
  });

  it('a range outside the trace is empty', () => {
    const p = blockingProfile(model, 'sync', { startNs: model.endNs + 1, endNs: model.endNs + 1e9 });
    expect(p.sampleStack.length).toBe(0);
  });
});

describe('cpuSampleStacks', () => {
  it('counts every CPU sample, and only those in a range', () => {
    const all = cpuSampleStacks(model);
    expect(sum(all.weight)).toBe(expectedFigures()[REL]!.cpuSamples);
    const t = model.cpuSamples.t;
    const mid = t[Math.floor(t.length / 2)]!;
    let before = 0;
    for (let i = 0; i < t.length; i++) if (t[i]! <= mid) before++;
    expect(sum(cpuSampleStacks(model, { startNs: 0, endNs: mid }).weight)).toBe(before);
  });
});

describe('goroutineTimeBreakdown', () => {
  it('splits each goroutine’s observed time into categories that add up to its span', () => {
    const b = goroutineTimeBreakdown(model);
    const gs = model.goroutines;
    let exec = 0;
    for (let g = 0; g < gs.count; g++) {
      const total = b.execNs[g]! + b.syncNs[g]! + b.netNs[g]! + b.syscallNs[g]! + b.schedNs[g]! + b.gcNs[g]! + b.otherNs[g]!;
      const end = gs.endNs[g]! === gs.endNs[g]! ? gs.endNs[g]! : model.endNs;
      expect(total).toBeLessThanOrEqual(end - gs.firstSeenNs[g]! + 1e-6);
      exec += b.execNs[g]!;
    }
    // Two Ps: at most 2 goroutines run at once.
    expect(exec).toBeGreaterThan(0);
    expect(exec).toBeLessThanOrEqual(2 * model.endNs);
    expect(sum(b.netNs)).toBeGreaterThan(0);
  });
});

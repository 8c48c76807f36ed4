import { describe, expect, it } from 'vitest';
import { readFixture } from '../../test-support/fixtures.ts';
import { parseTrace } from '../../ingest/gotrace/parse-trace.ts';
import { goroutineLanes, START_FUNCTION_NOTE, traceGoroutineGroups, UNKNOWN_PRE_TRACE_REASON } from './trace-goroutine-groups.ts';
import { goroutineSummary } from './trace-goroutine-summary.ts';
import { blockingTotals } from './trace-blocking.ts';
import { G_WAITING } from '../../model/trace.ts';

const model = parseTrace(readFixture('scenarios/lock-contention-go1.27/trace.out'), {}).model;

describe('trace goroutine groups', () => {
  const all = traceGoroutineGroups(model);
  it('finds the mutex contention of the lock-contention scenario as a top group', () => {
    const sync = all.groups.filter((g) => g.state === 'sync');
    expect(sync.length).toBeGreaterThan(0);
    expect(sync.some((g) => g.frames.some((f) => f.function === 'sync.(*Mutex).Lock'))).toBe(true);
  });
  it('never counts more blocked time than the goroutines had (bounded by goroutines × range)', () => {
    for (const g of all.groups) {
      expect(g.totalNs).toBeLessThanOrEqual(g.goroutines * (all.range.endNs - all.range.startNs) + 1);
      expect(g.longestNs).toBeLessThanOrEqual(g.totalNs);
    }
  });
  it('a range holds at most the blocked time of the whole trace, group by group', () => {
    const mid = (model.startNs + model.endNs) / 2;
    const half = traceGoroutineGroups(model, { startNs: model.startNs, endNs: mid });
    for (const g of half.groups) {
      const whole = all.groups.find((x) => x.key === g.key)!;
      expect(g.totalNs).toBeLessThanOrEqual(whole.totalNs);
    }
    const sumHalf = half.groups.reduce((s, g) => s + g.totalNs, 0);
    const sumAll = all.groups.reduce((s, g) => s + g.totalNs, 0);
    expect(sumHalf).toBeLessThan(sumAll);
    expect(sumHalf).toBeGreaterThan(0);
  });
  it('blocked time in sync/select/chan reasons is at least what go tool trace -pprof=sync counts', () => {
    // pprof=sync only counts intervals whose transitions carry stacks; ours counts every interval.
    const syncLike = all.groups.filter((g) => /sync|chan|select/.test(g.state)).reduce((s, g) => s + g.totalNs, 0);
    expect(syncLike).toBeGreaterThanOrEqual(blockingTotals(model, ['sync']).sync);
  });
  it('lanes cover the range with state runs', () => {
    const ids = all.groups[0]!.goroutineIds.slice(0, 3);
    const lanes = goroutineLanes(model, ids);
    expect(lanes.map((l) => l.id)).toEqual(ids);
    for (const l of lanes) {
      expect(l.start.length).toBeGreaterThan(0);
      for (let i = 0; i < l.start.length; i++) expect(l.end[i]!).toBeGreaterThan(l.start[i]!);
    }
  });
});

describe('goroutines blocked since before the trace (connection leaks)', () => {
  const READLOOP = 'net/http.(*persistConn).readLoop';
  it('go1.27 format: the leaked readLoops are ONE group, blocked for the whole trace, reason unknown', () => {
    const m = parseTrace(readFixture('scenarios/conn-leak-go1.27/trace.out'), {}).model;
    const groups = traceGoroutineGroups(m).groups.filter((g) => g.function === READLOOP);
    const whole = groups.filter((g) => g.longestNs === m.endNs);
    expect(whole.length).toBe(1);
    const leak = whole[0]!;
    expect(leak.state).toBe(UNKNOWN_PRE_TRACE_REASON);
    expect(leak.intervals).toBe(leak.goroutines); // one interval per goroutine: re-stated statuses split nothing
    expect(leak.totalNs).toBe(leak.goroutines * m.endNs);
    // No generation boundary shows up as a wait of its own.
    expect(groups.some((g) => g.state === 'waiting')).toBe(false);
    // The same goroutines in Go's summary: blocked the whole trace with no reason.
    const summary = new Map(goroutineSummary(m).map((g) => [g.id, g]));
    for (const id of leak.goroutineIds) expect(summary.get(id)!.blockNsByReason).toEqual({ '': m.endNs });
    // Their lanes are one run each, from the trace's start to its end.
    for (const lane of goroutineLanes(m, leak.goroutineIds.slice(0, 5))) {
      expect([...lane.start]).toEqual([0]);
      expect([...lane.end]).toEqual([m.endNs]);
    }
    // Go states them at the first generation's end; a range before that still has them blocked
    // all along, and ranges add up to the whole.
    const early = { startNs: 0, endNs: 0.2 * m.endNs };
    const rest = { startNs: early.endNs, endNs: m.endNs };
    const inEarly = traceGoroutineGroups(m, early).groups.find((g) => g.key === leak.key)!;
    const inRest = traceGoroutineGroups(m, rest).groups.find((g) => g.key === leak.key)!;
    expect(inEarly.longestNs).toBeCloseTo(early.endNs, 3);
    expect(inEarly.totalNs + inRest.totalNs).toBeCloseTo(leak.totalNs, 0);
    for (const lane of goroutineLanes(m, leak.goroutineIds.slice(0, 5), early)) {
      expect([...lane.start]).toEqual([0]);
      expect([...lane.end]).toEqual([early.endNs]);
    }
  });
  it('go1.19 format: goroutines with no stack are grouped by their start function, saying why', () => {
    const m = parseTrace(readFixture('scenarios/conn-leak-go1.19/trace.out'), {}).model;
    const groups = traceGoroutineGroups(m).groups;
    const pre = groups.filter((g) => g.state === UNKNOWN_PRE_TRACE_REASON);
    expect(pre.length).toBeGreaterThan(0);
    for (const g of pre) {
      expect(g.frames.length).toBeGreaterThan(0);
      expect(g.note).toBe(START_FUNCTION_NOTE);
    }
    const leak = pre.filter((g) => g.function === READLOOP);
    expect(leak.length).toBe(1);
    expect(leak[0]!.goroutines).toBeGreaterThan(10);
    expect(leak[0]!.longestNs).toBe(m.endNs);
  });
});

describe('a goroutine blocked "forever"', () => {
  // stress_1_21 g38 (Go's runtime trace test): created, runs twice, then blocks forever at
  // 371,641,562 ns (go-trace-summary: endNs 371641562, no blocked time).
  const m = parseTrace(readFixture('third-party/golang-go-trace/stress_1_21_good'), {}).model;
  it('ends its lane there, as Go ends the goroutine, instead of waiting to the end of the trace', () => {
    const [lane] = goroutineLanes(m, [38]);
    const end = 371_641_562 + m.startNs;
    expect(lane!.end[lane!.end.length - 1]).toBe(end);
    expect(end).toBeLessThan(m.endNs);
    expect([...lane!.state].includes(G_WAITING)).toBe(false);
  });
  it('counts in no blocked group', () => {
    const groups = traceGoroutineGroups(m, undefined, { maxIds: Number.MAX_SAFE_INTEGER }).groups;
    expect(groups.some((g) => g.goroutineIds.includes(38))).toBe(false);
  });
});

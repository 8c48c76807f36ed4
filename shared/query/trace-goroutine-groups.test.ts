import { describe, expect, it } from 'vitest';
import { readFixture } from '../test-support/fixtures.ts';
import { parseTrace } from '../ingest/gotrace/parse-trace.ts';
import { goroutineLanes, traceGoroutineGroups } from './trace-goroutine-groups.ts';
import { blockingTotals } from './trace-blocking.ts';

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

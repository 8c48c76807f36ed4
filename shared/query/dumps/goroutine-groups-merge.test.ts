import { describe, expect, it } from 'vitest';
import { readFixture } from '../../test-support/fixtures.ts';
import { parseGoroutineDump } from '../../ingest/goroutines/parse-goroutines.ts';
import { goroutineGroups } from './goroutine-groups.ts';
import { mergeGoroutineGroups } from './goroutine-groups-merge.ts';

const dump = (rel: string) => parseGoroutineDump(readFixture(rel), {}).model;

describe('mergeGoroutineGroups', () => {
  it('equals grouping all dumps at once, so per-engine grouping + merge loses nothing', () => {
    const a = { sourceId: 'a', model: dump('scenarios/conn-leak-go1.19/goroutine-debug2.txt') };
    const b = { sourceId: 'b', model: dump('scenarios/conn-leak-go1.27/goroutine-debug2.txt') };
    const whole = goroutineGroups([a, b]);
    const merged = mergeGoroutineGroups([goroutineGroups([a]), goroutineGroups([b])]);
    expect(merged.rows.map((r) => [r.key, r.counts, r.growth])).toEqual(whole.rows.map((r) => [r.key, r.counts, r.growth]));
  });
  it('shows the persistConn leak as growth between the go1.19 (82) and go1.27 (150) dumps', () => {
    const parts = ['scenarios/conn-leak-go1.19/goroutine-debug2.txt', 'scenarios/conn-leak-go1.27/goroutine-debug2.txt'].map((rel, i) =>
      goroutineGroups([{ sourceId: String(i), model: dump(rel) }]),
    );
    const merged = mergeGoroutineGroups(parts);
    const total = (d: number) => merged.rows.reduce((s, r) => s + r.counts[d]!, 0);
    expect([total(0), total(1)]).toEqual([82, 150]);
    const top = merged.rows[0]!;
    expect(top.function).toMatch(/persistConn\)\.(readLoop|writeLoop)/);
    expect(top.growth).toBeGreaterThan(30);
  });
  it('drops states when a debug=1 dump takes part', () => {
    const d1 = goroutineGroups([{ sourceId: 'x', model: dump('scenarios/conn-leak-go1.27/goroutine-debug1.txt') }]);
    const d2 = goroutineGroups([{ sourceId: 'y', model: dump('scenarios/conn-leak-go1.27/goroutine-debug2.txt') }]);
    const merged = mergeGoroutineGroups([d1, d2]);
    expect(merged.withState).toBe(false);
    expect(merged.rows.every((r) => r.key.startsWith('|'))).toBe(true);
    expect(merged.rows.reduce((s, r) => s + r.counts[0]!, 0)).toBe(150);
    expect(merged.rows.reduce((s, r) => s + r.counts[1]!, 0)).toBe(150);
  });
});

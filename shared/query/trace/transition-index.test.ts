/**
 * The indexed range queries (transition-index.ts) on every real trace fixture, for whole-trace,
 * inner, edge, fractional and outside ranges: the blocking queries give exactly what a walk of every
 * transition from the first gives (the plain implementations kept in test-support/trace-reference.ts);
 * goroutine groups and lanes add up over a range split in two (their whole-trace figures equal Go's
 * own: goroutine-groups-go.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { fixturesOfKind, readFixture } from '../../test-support/fixtures.ts';
import { laneStateTimes, plainBlockingProfile, plainBlockingTotals } from '../../test-support/trace-reference.ts';
import { ingestBytes } from '../../ingest/ingest.ts';
import { TimeColumn } from '../../model/time-column.ts';
import type { TraceModel } from '../../model/trace.ts';
import { goroutineLanes, traceGoroutineGroups } from './trace-goroutine-groups.ts';
import { blockingProfile, blockingTotals, type BlockingKind, type TimeRange } from './trace-blocking.ts';
import { lowerBound, transitionIndex, upperBound } from './transition-index.ts';

const traces = fixturesOfKind('gotrace').map(([file]) => file);

async function load(file: string): Promise<TraceModel> {
  const src = await ingestBytes(readFixture(file));
  if (src.kind !== 'gotrace') throw new Error(`${file} is not a trace`);
  return src.model;
}

/** Ranges that start and end on transitions, between them, at fractions of a ns, and outside. */
function rangesOf(m: TraceModel): (TimeRange | undefined)[] {
  const T = m.transitions.t;
  const n = m.transitions.count;
  const at = (f: number) => (n > 0 ? T.at(Math.min(n - 1, Math.floor(f * n))) : m.startNs);
  const span = m.endNs - m.startNs;
  return [
    undefined,
    { startNs: m.startNs, endNs: m.endNs },
    { startNs: at(0.3), endNs: at(0.6) },
    { startNs: at(0.5) + 0.25, endNs: at(0.5) + span / 7 + 0.5 },
    { startNs: m.startNs + span * 0.1, endNs: m.startNs + span * 0.15 },
    { startNs: m.startNs - 1e9, endNs: m.startNs + span / 3 },
    { startNs: m.startNs + (2 * span) / 3, endNs: m.endNs + 1e9 },
    { startNs: at(0.4), endNs: at(0.4) },
    { startNs: m.endNs + 1, endNs: m.endNs + 1e9 },
    { startNs: at(0.7), endNs: at(0.2) },
  ];
}

const KINDS: BlockingKind[] = ['sync', 'net', 'syscall', 'sched'];

type Arr = ArrayLike<number>;
/** '' when equal, else where they first differ (deep toEqual is slow on 100k-element typed arrays). */
function diffArrays(a: Arr, b: Arr): string {
  if (a.length !== b.length) return `length ${a.length} vs ${b.length}`;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return `[${i}] ${a[i]} vs ${b[i]}`;
  return '';
}
function diffLanes(a: ReturnType<typeof goroutineLanes>, b: ReturnType<typeof goroutineLanes>): string {
  if (a.length !== b.length) return `lanes ${a.length} vs ${b.length}`;
  for (let k = 0; k < a.length; k++) {
    const x = a[k]!;
    const y = b[k]!;
    const d = x.id !== y.id ? 'id' : diffArrays(x.start, y.start) || diffArrays(x.end, y.end) || diffArrays(x.state, y.state);
    if (d) return `lane ${k} (g${x.id}): ${d}`;
  }
  return '';
}
/**
 * Additivity over a split range: each group's blocked time, and each goroutine's time per state on
 * its lane, over `r` equal the sums over its two halves (split at a whole ns inside it). Within 1 ns:
 * the halves add the same float intervals in another order.
 */
function splitSums(m: TraceModel, ids: number[], r: TimeRange | undefined): string {
  const lo = r?.startNs ?? m.startNs;
  const hi = r?.endNs ?? m.endNs;
  const mid = Math.floor((lo + hi) / 2);
  if (!(mid > lo && mid < hi)) return '';
  const parts: TimeRange[] = [{ startNs: lo, endNs: hi }, { startNs: lo, endNs: mid }, { startNs: mid, endNs: hi }];
  const groups = parts.map((p) => new Map(traceGoroutineGroups(m, p, { maxIds: 0 }).groups.map((g) => [g.key, g.totalNs])));
  for (const k of new Set(groups.flatMap((g) => [...g.keys()]))) {
    const [w, x, y] = groups.map((g) => g.get(k) ?? 0) as [number, number, number];
    if (Math.abs(x + y - w) > 1) return `group ${k}: ${x} + ${y} over the halves, ${w} over the range`;
  }
  const lanes = parts.map((p) => laneStateTimes(goroutineLanes(m, ids, p)));
  for (const id of ids) {
    const [w, x, y] = lanes.map((l) => l.get(id)!) as [number[], number[], number[]];
    for (let s = 0; s < 4; s++) if (Math.abs(x[s]! + y[s]! - w[s]!) > 1) return `lane g${id} state ${s}: ${x[s]} + ${y[s]} over the halves, ${w[s]} over the range`;
  }
  return '';
}
function diffProfiles(a: ReturnType<typeof blockingProfile>, b: ReturnType<typeof blockingProfile>): string {
  return diffArrays(a.sampleStack, b.sampleStack) || diffArrays(a.weight, b.weight) || diffArrays(a.count, b.count) || (a.stacks === b.stacks ? '' : 'stacks');
}

describe('transition index', () => {
  it('has trace fixtures to check', () => {
    expect(traces.length).toBeGreaterThanOrEqual(10);
  });

  it('groups every transition once, by goroutine, in table order', async () => {
    const m = await load(traces[0]!);
    const ix = transitionIndex(m);
    expect(ix.sorted).toBe(true);
    expect(transitionIndex(m)).toBe(ix);
    const seen = new Uint8Array(m.transitions.count);
    for (let g = 0; g < m.goroutines.count; g++) {
      for (let p = ix.gStart[g]!; p < ix.gStart[g + 1]!; p++) {
        const i = ix.byG[p]!;
        expect(m.transitions.g[i]).toBe(g);
        if (p > ix.gStart[g]!) expect(i).toBeGreaterThan(ix.byG[p - 1]!);
        seen[i]!++;
      }
    }
    expect(seen.every((x) => x === 1)).toBe(true);
  });

  it('binary searches agree with a scan', () => {
    const plain = [1, 2, 2, 2, 5, 9];
    const t = TimeColumn.from(plain);
    for (const x of [0, 1, 2, 3, 5, 9, 10, 2.5]) {
      expect(lowerBound(t, t.length, x)).toBe(plain.findIndex((v) => v >= x) < 0 ? t.length : plain.findIndex((v) => v >= x));
      expect(upperBound(t, t.length, x)).toBe(plain.findIndex((v) => v > x) < 0 ? t.length : plain.findIndex((v) => v > x));
    }
    expect(lowerBound(t, t.length, NaN)).toBe(0);
  });
});

describe.each(traces)('indexed queries equal the plain walk: %s', (file) => {
  it('traceGoroutineGroups, goroutineLanes, blockingProfile and blockingTotals for every range', async () => {
    const m = await load(file);
    const ids = Array.from(m.goroutines.id);
    for (const r of rangesOf(m)) {
      const label = `${file} ${JSON.stringify(r)}`;
      expect(splitSums(m, ids, r), label).toBe('');
      // The first groups of the whole list are what a limit gives.
      const all = traceGoroutineGroups(m, r, { maxIds: 0 }).groups;
      expect(traceGoroutineGroups(m, r, { maxIds: 0, limit: 5 }).groups, label).toEqual(all.slice(0, 5));
      expect(blockingTotals(m, KINDS, r), label).toEqual(plainBlockingTotals(m, KINDS, r));
      for (const k of KINDS) expect(diffProfiles(blockingProfile(m, k, r), plainBlockingProfile(m, k, r)), `${label} ${k}`).toBe('');
    }
    // A few lanes, an unknown id among them: each is its goroutine's lane among all (ids that name
    // one goroutine row only), and the unknown one is empty.
    const once = ids.filter((id) => ids.indexOf(id) === ids.lastIndexOf(id));
    const some = [once[once.length - 1]!, -5, once[0]!, once[1] ?? once[0]!];
    for (const r of rangesOf(m)) {
      const full = new Map(goroutineLanes(m, ids, r).map((l) => [l.id, l]));
      goroutineLanes(m, some, r).forEach((l, k) => {
        expect(l.id).toBe(some[k]);
        if (l.id === -5) expect(l.start.length).toBe(0);
        else expect(diffLanes([l], [full.get(l.id)!])).toBe('');
      });
    }
  });
});

describe('lanes at a drawing resolution', () => {
  it('merge runs shorter than the resolution without losing or overlapping time', async () => {
    const m = await load('scenarios/lock-contention-go1.27/trace.out');
    const ids = Array.from(m.goroutines.id);
    const exact = goroutineLanes(m, ids);
    const res = (m.endNs - m.startNs) / 800;
    const merged = goroutineLanes(m, ids, undefined, { resolutionNs: res });
    let before = 0;
    let after = 0;
    merged.forEach((lane, k) => {
      const e = exact[k]!;
      expect(lane.id).toBe(e.id);
      const cover = (l: typeof lane) => l.start.reduce((s, x, i) => s + (l.end[i]! - x), 0);
      expect(cover(lane)).toBeCloseTo(cover(e), 0);
      for (let i = 1; i < lane.start.length; i++) expect(lane.start[i]!).toBeGreaterThanOrEqual(lane.end[i - 1]!);
      // At most one merged run per resolution cell, plus the long runs between them.
      expect(lane.start.length).toBeLessThanOrEqual(Math.min(e.start.length, 2 * 800 + 2));
      if (lane.start.length) expect([lane.start[0], lane.end[lane.end.length - 1]]).toEqual([e.start[0], e.end[e.end.length - 1]]);
      before += e.start.length;
      after += lane.start.length;
    });
    // The busiest lanes of this trace switch state far more often than 800 times.
    expect(after).toBeLessThan(before / 4);
  });
});

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseTrace } from '../../../ingest/gotrace/parse-trace.ts';
import { GC_EV_ASSIST_ACTIVE, GC_EV_ASSIST_BEGIN, GC_EV_ASSIST_END, type TraceModel } from '../../../model/trace.ts';
import { FIXTURES } from '../../../test-support/fixtures.ts';
import { goroutineLanes } from '../trace-goroutine-groups.ts';
import { transitionIndex } from '../transition-index.ts';
import { searchGoroutines } from './search-goroutines.ts';
import { timelineSliceDetail } from './slice-detail.ts';
import { laneLevel, levelForResolution } from './lane-levels.ts';
import { K_RUNNING, K_WAITING, procLanes, regionGroups } from './timeline-index.ts';
import { SLICE_KINDS, type LaneRef, type LaneSlices } from './timeline-types.ts';
import { timelineOverview, timelineWindow } from './timeline-window.ts';

/** Every run as it is, however many pixels that makes (the queries bound it for the page). */
const EXACT = { maxColumns: Infinity };
const load = (rel: string): TraceModel => parseTrace(readFileSync(join(FIXTURES, rel))).model;
const cpuPool = load('scenarios/cpu-pool-go1.27/trace.out');
const lock = load('scenarios/lock-contention-go1.27/trace.out');
const regions = load('third-party/golang-go-trace/user_task_region_1_21_good');

/** The n goroutine ids with the most transitions (the busiest lanes). */
function busiest(model: TraceModel, n: number): number[] {
  const ix = transitionIndex(model);
  return [...ix.rowOfId]
    .map(([id, row]) => [id, ix.gStart[row + 1]! - ix.gStart[row]!] as const)
    .sort((a, b) => b[1] - a[1] || a[0] - b[0])
    .slice(0, n)
    .map(([id]) => id);
}

/** ns per kind of a lane's slices, as drawn. */
function drawnNs(l: LaneSlices): number[] {
  const out = new Array<number>(SLICE_KINDS.length).fill(0);
  l.start.forEach((s, i) => (out[l.kind[i]!]! += l.end[i]! - s));
  return out;
}

function checkLod(model: TraceModel, lanes: LaneRef[], lo: number, hi: number, pixels: number, mustMerge = true): void {
  const res = (hi - lo) / pixels;
  const exact = timelineWindow(model, { range: { startNs: lo, endNs: hi }, resolutionNs: 0, lanes }, EXACT);
  const coarse = timelineWindow(model, { range: { startNs: lo, endNs: hi }, resolutionNs: res, lanes });
  let merged = 0;
  coarse.lanes.forEach((c, li) => {
    const e = exact.lanes[li]!;
    const n = c.start.length;
    // At most ~2 slices per pixel, in order, inside the window, never overlapping.
    expect(n, `lane ${JSON.stringify(c.lane)}`).toBeLessThanOrEqual(2 * pixels + 2);
    for (let i = 0; i < n; i++) {
      expect(c.start[i]!).toBeGreaterThanOrEqual(lo);
      expect(c.end[i]!).toBeLessThanOrEqual(hi);
      expect(c.end[i]!).toBeGreaterThanOrEqual(c.start[i]!);
      if (i) expect(c.start[i]!).toBeGreaterThanOrEqual(c.end[i - 1]!);
    }
    // Time per kind is conserved: the same exact totals at any resolution, equal to the exact slices'.
    expect(c.kindNs).toEqual(e.kindNs);
    const exactDrawn = drawnNs(e);
    e.kindNs!.forEach((ns, k) => expect(exactDrawn[k]!, `kind ${SLICE_KINDS[k]}`).toBeCloseTo(ns, 0));
    // Every exact slice lies in a coarse one; a merged slice's kind holds most of its exact time.
    let ci = 0;
    for (let i = 0; i < e.start.length; i++) {
      while (ci < n && c.end[ci]! < e.end[i]!) ci++;
      expect(ci < n && c.start[ci]! <= e.start[i]!, `exact slice ${e.start[i]}..${e.end[i]} covered`).toBe(true);
    }
    for (let i = 0; i < n; i++) {
      if (c.merged[i] === 1) continue;
      merged++;
      const per = new Array<number>(SLICE_KINDS.length).fill(0);
      let count = 0;
      for (let k = 0; k < e.start.length; k++) {
        const s = Math.max(e.start[k]!, c.start[i]!);
        const x = Math.min(e.end[k]!, c.end[i]!);
        if (x > s) per[e.kind[k]!]! += x - s;
        if (e.start[k]! >= c.start[i]! && e.end[k]! <= c.end[i]! && e.end[k]! > e.start[k]!) count++;
      }
      expect(per[c.kind[i]!]!).toBe(Math.max(...per));
      expect(c.merged[i]!).toBeGreaterThanOrEqual(count);
    }
  });
  if (mustMerge) expect(merged, 'the coarse window merges something').toBeGreaterThan(0);
}

describe('timelineWindow level of detail', () => {
  it('whole trace at 1,000 pixels: ≤ 2 slices per pixel per lane, time per kind conserved, merged kinds dominant', () => {
    const lanes: LaneRef[] = [...busiest(lock, 20).map((id) => ({ kind: 'goroutine' as const, id })), ...[...procLanes(lock).keys()].map((id) => ({ kind: 'proc' as const, id }))];
    checkLod(lock, lanes, lock.startNs, lock.endNs, 1000);
  });
  it('whole trace at 150 pixels, read from the lanes\' summary levels: the same rules hold', () => {
    const lanes: LaneRef[] = [...busiest(lock, 8).map((id) => ({ kind: 'goroutine' as const, id })), ...[...procLanes(lock).keys()].map((id) => ({ kind: 'proc' as const, id }))];
    for (const pixels of [150]) {
      const res = (lock.endNs - lock.startNs) / pixels;
      // The P lanes are dense enough at these resolutions to have a level (else this test reads runs).
      for (const r of procLanes(lock).values()) expect(laneLevel(r, levelForResolution(res))).not.toBeNull();
      checkLod(lock, lanes, lock.startNs, lock.endNs, pixels);
      // A window cut inside items (edges not on a cell) too.
      checkLod(lock, lanes, lock.startNs + 12_345_678, lock.endNs - 98_765_432, pixels);
    }
  });
  it('a 1 ms zoom and a 10 µs zoom of the busiest goroutines', () => {
    const lanes = busiest(cpuPool, 12).map((id) => ({ kind: 'goroutine' as const, id }));
    const mid = (cpuPool.startNs + cpuPool.endNs) / 2;
    checkLod(cpuPool, lanes, mid, mid + 1e6, 300, false);
    checkLod(cpuPool, lanes, mid, mid + 1e8, 100);
    checkLod(lock, busiest(lock, 20).map((id) => ({ kind: 'goroutine' as const, id })), 2e9, 2e9 + 1e4, 50, false);
  });

  it('exact goroutine lanes equal the goroutine-lanes query (another walk) over a sub-range', () => {
    const ids = busiest(lock, 30);
    const range = { startNs: 1.2e9, endNs: 3.7e9 };
    const w = timelineWindow(lock, { range, resolutionNs: 0, lanes: ids.map((id) => ({ kind: 'goroutine', id })) }, EXACT);
    const ref = goroutineLanes(lock, ids, range);
    const stateKind = ['', '', 'runnable', 'running', 'waiting', 'syscall'];
    ref.forEach((r, i) => {
      const l = w.lanes[i]!;
      const keep = [...r.start.keys()].filter((k) => r.end[k]! > r.start[k]!);
      expect(l.start).toEqual(keep.map((k) => r.start[k]!));
      expect(l.end).toEqual(keep.map((k) => r.end[k]!));
      expect(l.kind.map((k) => SLICE_KINDS[k])).toEqual(keep.map((k) => stateKind[r.state[k]!]));
      expect(new Set(l.g)).toEqual(new Set(l.g.length ? [ids[i]] : []));
    });
  });

  it('labels: running slices name the start function, waiting slices their reason', () => {
    const [id] = busiest(lock, 1);
    const w = timelineWindow(lock, { range: { startNs: lock.startNs, endNs: lock.endNs }, resolutionNs: 0, lanes: [{ kind: 'goroutine', id: id! }] }, EXACT);
    const l = w.lanes[0]!;
    const run = l.kind.indexOf(K_RUNNING);
    const wait = l.kind.findIndex((k, i) => k === K_WAITING && l.label[i]! >= 0);
    expect(w.labels[l.label[run]!]).toBe(searchGoroutines(lock, { text: String(id) })[0]!.fn);
    expect(w.labels[l.label[wait]!]).toMatch(/\S/);
  });

  it('GC lane, CPU samples, heap and goroutine count of the whole trace', () => {
    const w = timelineWindow(cpuPool, { range: { startNs: cpuPool.startNs, endNs: cpuPool.endNs }, resolutionNs: (cpuPool.endNs - cpuPool.startNs) / 800, lanes: [] });
    // GC: the mark phases and STW ranges; STW time is the model's STW time.
    let stwNs = 0;
    for (let i = 0; i < cpuPool.stw.count; i++) stwNs += cpuPool.stw.end[i]! - cpuPool.stw.start[i]!;
    expect(w.gc.kindNs![SLICE_KINDS.indexOf('stw')]).toBeCloseTo(stwNs, 0);
    expect(w.gc.kindNs![SLICE_KINDS.indexOf('gc-mark')]).toBeGreaterThan(0);
    // Mark assists (Go's GC ranges) show where no STW is drawn over them.
    expect(w.gc.kindNs![SLICE_KINDS.indexOf('assist')]).toBeGreaterThan(0);
    expect(new Set(w.gc.kind.map((k) => SLICE_KINDS[k]))).toEqual(new Set(['gc-mark', 'stw', 'assist']));
    // The lane covers exactly the union of the GC's ranges: the mark phases at least.
    let markNs = 0;
    for (let i = 0; i < cpuPool.gcCycles.count; i++) markNs += (cpuPool.gcCycles.end[i]! === cpuPool.gcCycles.end[i]! ? cpuPool.gcCycles.end[i]! : cpuPool.endNs) - cpuPool.gcCycles.start[i]!;
    const gcNs = w.gc.kindNs!.reduce((a, b) => a + b, 0);
    expect(gcNs).toBeGreaterThanOrEqual(markNs);
    expect(w.gc.start.length).toBeLessThanOrEqual(2 * 800 + 2);
    // CPU: every sample in one column.
    expect(w.cpuSamples.n.reduce((a, b) => a + b, 0)).toBe(cpuPool.cpuSamples.count);
    expect(w.cpuSamples.t.length).toBeLessThanOrEqual(800);
    // Heap: at most one point per pixel, each the column's peak; the trace's peak is there.
    expect(w.heap.t.length).toBeGreaterThan(10);
    expect(w.heap.t.length).toBeLessThanOrEqual(801);
    const heapMetric = cpuPool.metrics.names.findIndex((n) => n === '/memory/classes/heap/objects:bytes' || n === '/gc/heap/live:bytes');
    let peak = 0;
    for (let i = 0; i < cpuPool.metrics.count; i++) if (cpuPool.metrics.metric[i] === heapMetric) peak = Math.max(peak, cpuPool.metrics.value[i]!);
    expect(Math.max(...w.heap.v)).toBe(peak);
    // Goroutine count: never negative, and at most the goroutines the trace has.
    expect(w.goroutineCount.v.length).toBeGreaterThan(0);
    expect(Math.min(...w.goroutineCount.v)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...w.goroutineCount.v)).toBeLessThanOrEqual(cpuPool.goroutines.count);
  });

  it('user tasks and regions as nested spans', () => {
    const gs = [...transitionIndex(regions).rowOfId.keys()];
    const w = timelineWindow(regions, { range: { startNs: regions.startNs, endNs: regions.endNs }, resolutionNs: 0, lanes: gs.map((id) => ({ kind: 'goroutine', id })) }, EXACT);
    const rs = w.spans.filter((s) => s.kind === 'region');
    expect(rs.length).toBe(regions.regions.count);
    expect(w.spans.filter((s) => s.kind === 'task').length).toBe(regions.tasks.count);
    // A deeper region lies inside a shallower one of the same goroutine.
    for (const r of rs.filter((x) => x.depth > 0)) expect(rs.some((p) => p.g === r.g && p.depth === r.depth - 1 && p.start <= r.start && p.end >= r.end)).toBe(true);
    expect(w.logs.length).toBe(regions.logs.count);
  });
});

describe('mark assists on goroutine lanes', () => {
  it("cpu-pool: each goroutine's assists (Go's GC mark assist ranges) as marks, exact and merged per pixel", () => {
    // Brute force from the GC event log: begin/active … end per goroutine row.
    const ge = cpuPool.gcEvents;
    const open = new Map<number, number>();
    const want = new Map<number, [number, number][]>();
    for (let i = 0; i < ge.count; i++) {
      const k = ge.kind[i]!;
      const row = ge.value[i]!;
      if (k === GC_EV_ASSIST_END && open.has(row)) {
        const id = cpuPool.goroutines.id[row]!;
        want.set(id, [...(want.get(id) ?? []), [open.get(row)!, ge.t.at(i)]]);
        open.delete(row);
      } else if ((k === GC_EV_ASSIST_BEGIN || k === GC_EV_ASSIST_ACTIVE) && row >= 0 && !open.has(row)) open.set(row, ge.t.at(i));
    }
    for (const [row, s] of open) {
      const id = cpuPool.goroutines.id[row]!;
      want.set(id, [...(want.get(id) ?? []), [s, cpuPool.endNs]]);
    }
    expect(want.size).toBeGreaterThan(0);
    const ids = [...want.keys()];
    const lanes = ids.map((id) => ({ kind: 'goroutine' as const, id }));
    const range = { startNs: cpuPool.startNs, endNs: cpuPool.endNs };
    const exact = timelineWindow(cpuPool, { range, resolutionNs: 0, lanes }, EXACT);
    exact.lanes.forEach((l, i) => {
      const w = want.get(ids[i]!)!.filter(([a, b]) => b > a || a >= range.startNs);
      expect(l.marks!.start.map((x, k) => [x, l.marks!.end[k]])).toEqual(w);
      expect(new Set(l.marks!.kind.map((k) => SLICE_KINDS[k]))).toEqual(new Set(['assist']));
    });
    const pixels = 300;
    const coarse = timelineWindow(cpuPool, { range, resolutionNs: (range.endNs - range.startNs) / pixels, lanes });
    coarse.lanes.forEach((l, i) => {
      const m = l.marks!;
      expect(m.start.length).toBeLessThanOrEqual(pixels + 1);
      for (const [a, b] of want.get(ids[i]!)!) expect(m.start.some((x, k) => x <= a && m.end[k]! >= b)).toBe(true);
    });
    // A P lane has no marks.
    expect(timelineWindow(cpuPool, { range, resolutionNs: 0, lanes: [{ kind: 'proc', id: 0 }] }, EXACT).lanes[0]!.marks).toBeUndefined();
  });
});

describe('lanes asked again', () => {
  it('the same window with a scrolled lane list gives each lane the same slices, labels named alike', () => {
    const [x, y, z] = busiest(lock, 3).map((id) => ({ kind: 'goroutine' as const, id }));
    const range = { startNs: lock.startNs, endNs: lock.endNs };
    const res = (range.endNs - range.startNs) / 700;
    const a = timelineWindow(lock, { range, resolutionNs: res, lanes: [x!, y!] });
    const b = timelineWindow(lock, { range, resolutionNs: res, lanes: [z!, y!] });
    const named = (w: typeof a, l: LaneSlices) => ({ ...l, label: l.label.map((k) => (k < 0 ? null : w.labels[k])) });
    expect(named(b, b.lanes[1]!)).toEqual(named(a, a.lanes[1]!));
    // An answer changed by its caller does not change the next one.
    a.lanes[1]!.start.length = 0;
    expect(timelineWindow(lock, { range, resolutionNs: res, lanes: [y!] }).lanes[0]!.start.length).toBe(b.lanes[1]!.start.length);
  });
});

describe('spans and region colouring', () => {
  const byG = regionGroups(cpuPool);
  const gids = [...byG.keys()].filter((g) => g >= 0).sort((a, b) => byG.get(b)!.start.length - byG.get(a)!.start.length).slice(0, 6);
  const range = { startNs: cpuPool.startNs, endNs: cpuPool.endNs };
  const lanes = gids.map((id) => ({ kind: 'goroutine' as const, id }));

  it('coarse: every span as wide as a pixel, and at most one narrow one per pixel column and goroutine (and for tasks)', () => {
    const pixels = 200;
    const res = (range.endNs - range.startNs) / pixels;
    const w = timelineWindow(cpuPool, { range, resolutionNs: res, lanes });
    const exact = timelineWindow(cpuPool, { range, resolutionNs: 0, lanes }, EXACT);
    expect(exact.spans.length).toBeGreaterThan(w.spans.length);
    const key = (x: (typeof w.spans)[number]) => `${x.kind}:${x.id}`;
    const shown = new Set(w.spans.map(key));
    for (const x of exact.spans) if (x.end - x.start >= res) expect(shown.has(key(x)), key(x)).toBe(true);
    const narrow = new Map<string, number>();
    for (const x of w.spans.filter((y) => y.end - y.start < res)) {
      const k = `${x.kind}:${x.kind === 'region' ? x.g : ''}:${Math.floor((x.start - range.startNs) / res)}`;
      narrow.set(k, (narrow.get(k) ?? 0) + 1);
    }
    expect(Math.max(...narrow.values())).toBe(1);
  });

  it("colorBy 'region': a running slice inside a region is named by its innermost region", () => {
    const plain = timelineWindow(cpuPool, { range, resolutionNs: 0, lanes }, EXACT);
    const w = timelineWindow(cpuPool, { range, resolutionNs: 0, lanes, colorBy: 'region' }, EXACT);
    let inRegion = 0;
    w.lanes.forEach((l, li) => {
      const spans = plain.spans.filter((x) => x.kind === 'region' && x.g === l.lane.id);
      l.start.forEach((s, i) => {
        if (l.kind[i] !== K_RUNNING) return;
        const inner = spans.filter((x) => x.start <= s && x.end > s).sort((a, b) => b.depth - a.depth)[0];
        const fn = plain.labels[plain.lanes[li]!.label[i]!];
        expect(w.labels[l.label[i]!]).toBe(inner ? inner.type : fn);
        if (inner) inRegion++;
      });
    });
    expect(inRegion).toBeGreaterThan(0);
  });
});

describe('timelineSliceDetail', () => {
  it('a waiting slice: its reason, the stack where it blocked, its events around the moment', () => {
    const [id] = busiest(lock, 1);
    const lane: LaneRef = { kind: 'goroutine', id: id! };
    const w = timelineWindow(lock, { range: { startNs: lock.startNs, endNs: lock.endNs }, resolutionNs: 0, lanes: [lane] }, EXACT);
    const l = w.lanes[0]!;
    const k = l.kind.findIndex((x, i) => x === K_WAITING && l.label[i]! >= 0 && i > 10);
    const t = (l.start[k]! + l.end[k]!) / 2;
    const d = timelineSliceDetail(lock, { lane, t, eventLimit: 10 })!;
    expect(d.g).toBe(id);
    expect(d.state).toBe('waiting');
    expect([d.start, d.end]).toEqual([l.start[k], l.end[k]]);
    expect(d.reason).toBe(w.labels[l.label[k]!]);
    expect(d.stack.length).toBeGreaterThan(0);
    expect(d.stack[0]!.fn).toMatch(/\S/);
    expect(d.events.length).toBe(10);
    // The events straddle t and include the block that began the slice.
    expect(d.events[0]!.t).toBeLessThanOrEqual(t);
    expect(d.events[d.events.length - 1]!.t).toBeGreaterThan(t);
    expect(d.events.some((e) => e.t === d.start && e.to === 'waiting')).toBe(true);
    expect(d.eventsTotal).toBeGreaterThanOrEqual(l.start.length);
  });
  it('nothing where the lane has nothing, and an unknown goroutine', () => {
    expect(timelineSliceDetail(lock, { lane: { kind: 'goroutine', id: 1e12 }, t: 1 })).toBeNull();
    expect(timelineSliceDetail(lock, { lane: { kind: 'goroutine', id: busiest(lock, 1)[0]! }, t: lock.endNs + 1e9 })).toBeNull();
  });
});

describe('searchGoroutines', () => {
  it('by id: the exact id first, then ids starting with it', () => {
    const m = searchGoroutines(lock, { text: '12', limit: 20 });
    expect(m[0]!.id).toBe(12);
    const prefixed = [...transitionIndex(lock).rowOfId.keys()].filter((id) => id !== 12 && String(id).startsWith('12'));
    expect(prefixed.length).toBeGreaterThan(0);
    expect(m.slice(1, 1 + prefixed.length).map((x) => x.id).sort((a, b) => a - b)).toEqual(prefixed.slice(0, 19).sort((a, b) => a - b));
    for (let i = 2; i <= prefixed.length; i++) expect(String(m[i]!.id).length).toBeGreaterThanOrEqual(String(m[i - 1]!.id).length);
  });
  it('by function, case-insensitive, longest-running first', () => {
    const m = searchGoroutines(cpuPool, { text: 'WORKER', limit: 10 });
    // The start functions named "worker…" before those that only contain it.
    expect(m.map((x) => x.fn)).toEqual(['main.worker', 'main.worker', 'main.worker', 'main.worker', 'runtime.gcBgMarkWorker', 'runtime.gcBgMarkWorker']);
    for (let i = 1; i < 4; i++) expect(m[i - 1]!.runningNs).toBeGreaterThanOrEqual(m[i]!.runningNs);
    expect(m[0]!.runningNs).toBeGreaterThan(1e9);
    expect(searchGoroutines(cpuPool, { text: 'no such function anywhere' })).toEqual([]);
  });
});

describe('timelineOverview', () => {
  it('the extent and lane counts of the trace', () => {
    const o = timelineOverview(cpuPool);
    expect([o.startNs, o.endNs]).toEqual([cpuPool.startNs, cpuPool.endNs]);
    expect(o.goroutineCount).toBe(cpuPool.goroutines.count);
    expect(o.hasTasks).toBe(true);
    expect(o.hasCpuSamples).toBe(true);
  });
});

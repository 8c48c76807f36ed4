import { describe, expect, it } from 'vitest';
import { axisTicks, formatAt, formatPrecise, niceStep, panBy, zoomAt, nsOf, xOf, MIN_SPAN_NS } from './time-scale.ts';
import { layoutRows, rowAt, visibleLanes, rowsHeight, taskLevels, threadLabel } from './lane-layout.ts';
import { hitTest, sliceAt, stepAt } from './hit-test.ts';
import { fetchWindow } from './window-request.ts';
import { traceFunctionOf } from './evidence-link.ts';
import { heaviestStacks } from './SliceDetailPane.tsx';
import { describeHit } from './describe.ts';
import type { LaneSlices, TimelineOverview, TimelineWindow } from '../../../../shared/query/trace/timeline/timeline-types.ts';
import type { Evidence } from '../../../../shared/query/findings/types.ts';
import type { FlameNode } from '../../../../shared/query/stacks/call-tree.ts';

const bounds = { startNs: 0, endNs: 5e9 };

describe('time scale', () => {
  it('zooms about the pointer: the ns under it stays under it', () => {
    const win = { startNs: 1e9, endNs: 2e9 };
    const vp = { ...win, x0: 100, w: 1000 };
    const at = nsOf(vp, 350);
    const z = zoomAt(win, 0.5, at, bounds);
    expect(z.endNs - z.startNs).toBeCloseTo(0.5e9);
    expect(xOf({ ...z, x0: 100, w: 1000 }, at)).toBeCloseTo(350);
  });
  it('zooms down to MIN_SPAN_NS and out to the whole trace, never past its ends', () => {
    let w = { ...bounds };
    for (let i = 0; i < 200; i++) w = zoomAt(w, 0.5, 2.5e9 + 7, bounds);
    expect(w.endNs - w.startNs).toBe(MIN_SPAN_NS);
    expect(w.startNs).toBeLessThanOrEqual(2.5e9 + 7);
    expect(w.endNs).toBeGreaterThanOrEqual(2.5e9 + 7);
    for (let i = 0; i < 200; i++) w = zoomAt(w, 2, 1e9, bounds);
    expect(w).toEqual(bounds);
  });
  it('pans within the trace', () => {
    expect(panBy({ startNs: 0, endNs: 1e9 }, -5e8, bounds)).toEqual({ startNs: 0, endNs: 1e9 });
    expect(panBy({ startNs: 3e9, endNs: 4e9 }, 5e9, bounds)).toEqual({ startNs: 4e9, endNs: 5e9 });
    expect(panBy({ startNs: 1e9, endNs: 2e9 }, 2.5e8, bounds)).toEqual({ startNs: 1.25e9, endNs: 2.25e9 });
  });
  it('labels ticks in human units since the trace start', () => {
    expect(niceStep(5e9, 10)).toBe(5e8);
    const t = axisTicks({ startNs: 0, endNs: 5e9 }, 1100, 0);
    expect(t.base).toBeNull();
    expect(t.ticks.slice(0, 3).map((x) => x.label)).toEqual(['0 ms', '500 ms', '1000 ms']);
    expect(formatAt(1_250_000_000, 250_000_000)).toBe('1250 ms');
    expect(formatAt(1_250_000_000, 1e9)).toBe('1 s');
    expect(formatAt(1500, 500)).toBe('1500 ns');
  });
  it('zoomed to nanoseconds deep in a trace, ticks read as offsets from a base shown once', () => {
    const t = axisTicks({ startNs: 2_503_124_500, endNs: 2_503_124_600 }, 1100, 0);
    expect(t.stepNs).toBe(10);
    expect(t.base).not.toBeNull();
    expect(t.base!.ns).toBeLessThanOrEqual(2_503_124_500);
    for (const k of t.ticks) expect(k.label).toMatch(/^\+\d+ ns$/);
    expect(t.ticks[0]!.ns - t.base!.ns).toBe(Number(t.ticks[0]!.label.slice(1, -3)));
    expect(formatPrecise(2_503_124_500)).toBe('2.503 124 5 s');
    expect(formatPrecise(2e9)).toBe('2 s');
  });
});

const overview: TimelineOverview = {
  startNs: 0,
  endNs: 5e9,
  procs: [
    { id: 0, busyNs: 4e9 },
    { id: 1, busyNs: 2.5e9 },
  ],
  threads: [{ id: 3, busyNs: 1e9 }],
  goroutineCount: 1343,
  hasTasks: true,
  hasCpuSamples: true,
};

describe('lane layout', () => {
  it('puts trace-wide tracks first, then a lane per P, the threads header, the pinned goroutines', () => {
    const rows = layoutRows({ overview, pinned: [17, 4], showThreads: false, taskDepth: 2, regionDepth: new Map([[4, 2]]) });
    expect(rows.map((r) => r.key)).toEqual(['gcount', 'heap', 'gc', 'cpu', 'tasks', 'h:procs', 'proc:0', 'proc:1', 'h:threads', 'h:goroutines', 'goroutine:17', 'goroutine:4']);
    expect(rows.find((r) => r.key === 'proc:0')!.sub).toBe('80% busy');
    expect(rows.find((r) => r.key === 'h:goroutines')!.label).toBe('Goroutines (2 of 1,343 shown)');
    // Rows tile the height, and a goroutine with regions is taller.
    for (let i = 1; i < rows.length; i++) expect(rows[i]!.top).toBe(rows[i - 1]!.top + rows[i - 1]!.h);
    expect(rows.at(-1)!.h).toBeGreaterThan(rows.at(-2)!.h);
    const p1 = rows.find((r) => r.key === 'proc:1')!;
    expect(rowAt(rows, p1.top + 1)).toBe(p1);
    expect(rowAt(rows, rowsHeight(rows) + 1)).toBeUndefined();
    expect(visibleLanes(rows, p1.top, p1.top + p1.h)).toEqual([{ kind: 'proc', id: 1 }]);
  });
  it('packs overlapping tasks into rows, at most the given number', () => {
    const t = (start: number, end: number) => ({ kind: 'task', start, end });
    const spans = [t(0, 10), { kind: 'region', start: 0, end: 100 }, t(5, 20), t(12, 30), t(21, 22), t(6, 7)];
    expect(taskLevels(spans, 6)).toEqual([0, -1, 1, 0, 1, 2]);
    // Beyond the cap the last row takes the rest.
    expect(taskLevels(spans, 2)).toEqual([0, -1, 1, 0, 1, 1]);
  });
  it('shows thread lanes only when asked', () => {
    const rows = layoutRows({ overview, pinned: [], showThreads: true, taskDepth: 0 });
    expect(rows.filter((r) => r.kind === 'thread').map((r) => r.label)).toEqual(['M3']);
    expect(rows.find((r) => r.key === 'h:threads')!.folded).toBe(false);
  });
});

function lane(kind: 'proc' | 'goroutine', id: number, slices: [number, number, number, number, number][]): LaneSlices {
  return {
    lane: { kind, id },
    start: slices.map((s) => s[0]),
    end: slices.map((s) => s[1]),
    kind: slices.map((s) => s[2]),
    g: slices.map((s) => s[3]),
    label: slices.map((s) => s[4]),
    merged: slices.map(() => 1),
  };
}

describe('hit test', () => {
  const l = lane('proc', 0, [
    [100, 200, 0, 7, 0],
    [300, 301, 0, 9, 1],
    [1000, 2000, 0, 7, 0],
  ]);
  it('finds the slice under a time, or the nearest narrow one within the slop', () => {
    expect(sliceAt(l, 150, 0)).toBe(0);
    expect(sliceAt(l, 250, 0)).toBe(-1);
    expect(sliceAt(l, 296, 5)).toBe(1);
    expect(sliceAt(l, 305, 5)).toBe(1);
    expect(sliceAt(l, 50, 10)).toBe(-1);
    expect(sliceAt(l, 2500, 10)).toBe(-1);
    expect(stepAt([0, 10, 20], 15)).toBe(1);
    expect(stepAt([0, 10, 20], -1)).toBe(-1);
  });
  it('maps a pointer to a P slice and describes it: goroutine, function, state, duration', () => {
    const win: TimelineWindow = {
      range: { startNs: 0, endNs: 3000 },
      resolutionNs: 1,
      labels: ['main.worker', 'job:sha'],
      lanes: [l],
      gc: lane('proc', -1, []),
      spans: [],
      logs: [],
      cpuSamples: { t: [], n: [], p: [] },
      heap: { t: [], v: [] },
      goroutineCount: { t: [], v: [] },
      flows: [],
      flowsOmitted: 0,
    };
    const rows = layoutRows({ overview, pinned: [], showThreads: false, taskDepth: 1 });
    const p0 = rows.find((r) => r.key === 'proc:0')!;
    const vp = { startNs: 0, endNs: 3000, x0: 100, w: 3000 };
    const hit = hitTest({ win, lanes: new Map([['proc:0', l]]), rows, vp, x: 100 + 1500, y: p0.top + 5 });
    expect(hit).toMatchObject({ kind: 'slice', i: 2 });
    const text = describeHit(hit!, win, undefined, 'goroutine');
    expect(text.title).toBe('P0 · G7 running');
    expect(text.lines).toEqual([
      ['goroutine', 'G7'],
      ['function', 'main.worker'],
      ['state', 'running'],
      ['duration', '1.0 µs'],
    ]);
    // Coloured by region, the label is the region.
    const byRegion = describeHit(hitTest({ win, lanes: new Map([['proc:0', l]]), rows, vp, x: 100 + 300, y: p0.top + 5 })!, win, new Map([[9, 'main.worker']]), 'region');
    expect(byRegion.lines).toContainEqual(['region', 'job:sha']);
    expect(byRegion.lines).toContainEqual(['function', 'main.worker']);
    expect(hitTest({ win, lanes: new Map(), rows, vp, x: 50, y: p0.top + 5 })).toBeNull();
  });
});

describe('window request', () => {
  it('pads the window, snaps it to a grid and rounds the resolution down to a power of two', () => {
    const a = fetchWindow({ startNs: 1e9, endNs: 2e9 }, bounds, 1000, [{ kind: 'proc', id: 1 }, { kind: 'proc', id: 0 }], 'region', 100);
    expect(a.resolutionNs).toBe(2 ** 19);
    expect(a.resolutionNs).toBeLessThanOrEqual(1e9 / 1000);
    expect(a.range.startNs).toBeLessThanOrEqual(0.5e9);
    expect(a.range.endNs).toBeGreaterThanOrEqual(2.5e9);
    expect(a.lanes.map((l) => l.id)).toEqual([0, 1]);
    // A small pan asks the same question.
    const b = fetchWindow({ startNs: 1.01e9, endNs: 2.01e9 }, bounds, 1000, [{ kind: 'proc', id: 0 }, { kind: 'proc', id: 1 }], 'region', 100);
    expect(b).toEqual(a);
    // Clamped to the trace.
    const c = fetchWindow({ startNs: 0, endNs: 5e9 }, bounds, 1000, [], 'goroutine', 100);
    expect(c.range).toEqual(bounds);
  });
});

describe('links from other views', () => {
  const e = (over: Partial<Evidence>): Evidence => ({ source: 's1', sourceName: 'trace.out', view: 'blocking', range: { startNs: 0, endNs: 1 }, figure: '', values: {}, ...over });
  it("takes a trace group's function from its key, or the focus function", () => {
    expect(traceFunctionOf(e({ focus: { groupKey: 'chan send|main.handler.func1.2' } }), 'gotrace')).toBe('main.handler.func1.2');
    expect(traceFunctionOf(e({ focus: { function: 'sync.(*Mutex).Lock' } }), 'gotrace')).toBe('sync.(*Mutex).Lock');
    expect(traceFunctionOf(e({ focus: { groupKey: 'chan send|main.f' } }), 'goroutine-dump')).toBeNull();
    expect(traceFunctionOf(e({ view: 'heatmap', focus: { function: 'x' } }), 'gotrace')).toBeNull();
  });
  it('lists the heaviest sampled stacks of a call tree', () => {
    const n = (name: string, self: number, children: FlameNode[] = []): FlameNode => ({ name, value: self + children.reduce((s, c) => s + c.value, 0), self, children });
    const root = n('root', 0, [n('main', 0, [n('a', 5), n('b', 9, [n('c', 2)])])]);
    expect(heaviestStacks(root, 2)).toEqual([
      { frames: ['main', 'b'], weight: 9 },
      { frames: ['main', 'a'], weight: 5 },
    ]);
  });

  it('names thread lanes, and the lanes of syscalls no event names a thread for', () => {
    expect([threadLabel(3), threadLabel(-1), threadLabel(-2)]).toEqual(['M3', 'no thread (syscall)', 'no thread 2 (syscall)']);
  });
});

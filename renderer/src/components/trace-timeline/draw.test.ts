import { describe, expect, it } from 'vitest';
import type { LaneSlices, TimelineOverview, TimelineWindow } from '../../../../shared/query/trace/timeline/timeline-types.ts';
import { AXIS_H, drawOverlay, drawTimeline, type DrawInput, type Theme } from './draw.ts';
import { laneKey, layoutRows, type Row } from './lane-layout.ts';

/** A 2D context that records the calls the drawing makes (and the fill style each fill used). */
function recordingContext() {
  const calls: { op: string; args: number[]; fill: string }[] = [];
  const state = { fillStyle: '', strokeStyle: '', globalAlpha: 1, lineWidth: 1, font: '', textBaseline: '', textAlign: '' };
  const ctx = new Proxy(state as unknown as CanvasRenderingContext2D, {
    get(target, key) {
      if (key in state) return state[key as keyof typeof state];
      if (key === 'measureText') return (t: string) => ({ width: t.length * 6 });
      return (...args: unknown[]) => calls.push({ op: String(key), args: args.filter((a): a is number => typeof a === 'number'), fill: state.fillStyle });
    },
    set(_t, key, v) {
      (state as Record<string, unknown>)[key as string] = v;
      return true;
    },
  });
  return { ctx, calls };
}

const theme: Theme = { fg: '#111', muted: '#777', bg: '#eee', panel: '#fff', grid: '#ddd', accent: '#06c', font: 'sans-serif' };
const overview: TimelineOverview = { startNs: 0, endNs: 1e6, procs: [{ id: 0, busyNs: 5e5 }], threads: [], goroutineCount: 3, hasTasks: true, hasCpuSamples: false };
const noSlices = (kind: 'proc' | 'goroutine', id: number): LaneSlices => ({ lane: { kind, id }, start: [], end: [], kind: [], g: [], label: [], merged: [] });
const LOG_BLUE = '#1864ab';

function input(win: TimelineWindow, rows: Row[], vpW = 1000): DrawInput {
  return {
    width: 168 + vpW + 10,
    height: 2000,
    vp: { startNs: 0, endNs: 1e6, x0: 168, w: vpW },
    rows,
    scrollTop: 0,
    win,
    lanes: new Map(win.lanes.map((l) => [laneKey(l.lane), l])),
    colorBy: 'goroutine',
    originNs: 0,
    brush: null,
    selected: null,
    focusG: null,
    focusRowKey: null,
    taskLevel: win.spans.map((s) => (s.kind === 'task' ? 0 : -1)),
    flows: [],
    pendingBrush: null,
    theme,
  };
}

describe('drawTimeline', () => {
  const span = (kind: 'task' | 'region', g: number, start: number, end: number, type: string) => ({ kind, id: 0, g, type, start, end, depth: 0 });
  const win: TimelineWindow = {
    range: { startNs: 0, endNs: 1e6 },
    resolutionNs: 1000,
    labels: [],
    lanes: [noSlices('proc', 0), noSlices('goroutine', 7), noSlices('goroutine', 9)],
    gc: noSlices('proc', -1),
    spans: [span('region', 7, 1e5, 2e5, 'r7'), span('task', 0, 0, 5e5, 't'), span('region', 9, 6e5, 7e5, 'r9'), span('region', 7, 3e5, 4e5, 'r7b')],
    // Logs: 500 in one pixel column of goroutine 9, one of goroutine 7 elsewhere.
    logs: [...Array.from({ length: 500 }, (_, i) => ({ t: 5e5 + i * 0.1, g: 9, category: '', message: '' })), { t: 9e5, g: 7, category: '', message: '' }],
    cpuSamples: { t: [], n: [], p: [] },
    heap: { t: [], v: [] },
    goroutineCount: { t: [], v: [] },
    flows: [],
    flowsOmitted: 0,
  };
  const rows = layoutRows({ overview, pinned: [7, 9], showThreads: false, taskDepth: 1, regionDepth: new Map([[7, 1], [9, 1]]) });
  const rowOf = (key: string) => rows.find((r) => r.key === key)!;
  const within = (y: number, r: Row) => y >= AXIS_H + r.top && y < AXIS_H + r.top + r.h;

  it("draws each goroutine's regions on its own row, and the tasks on the tasks row", () => {
    const { ctx, calls } = recordingContext();
    drawTimeline(ctx, input(win, rows));
    // A region or task rect: fillRect(x, y, w, h) at its x; x = 168 + start / 1e6 * 1000.
    const rectAt = (startNs: number) => calls.filter((c) => c.op === 'fillRect' && Math.abs(c.args[0]! - (168 + startNs / 1000)) < 0.01 && c.args[3]! < 20);
    for (const [startNs, key] of [
      [1e5, 'goroutine:7'],
      [3e5, 'goroutine:7'],
      [6e5, 'goroutine:9'],
    ] as const) {
      const rects = rectAt(startNs);
      expect(rects.length, `region at ${startNs}`).toBe(1);
      expect(within(rects[0]!.args[1]!, rowOf(key))).toBe(true);
    }
    const task = rectAt(0).filter((c) => within(c.args[1]!, rowOf('tasks')));
    expect(task.length).toBe(1);
  });

  it('draws logs one marker per pixel column, in one fill per row, on the row of their goroutine', () => {
    const { ctx, calls } = recordingContext();
    drawTimeline(ctx, input(win, rows));
    const markers = calls.filter((c) => c.op === 'moveTo' && c.args.length === 2 && calls.indexOf(c) > 0);
    // Each marker is moveTo(x - 3.5, top): x is 168 + t / 1000.
    const logMarks = markers.filter((c) => [668, 1068].some((x) => Math.abs(c.args[0]! + 3.5 - x) < 1));
    // The tasks row draws every log (goroutine 9's column once, goroutine 7's once), each goroutine row its own.
    expect(logMarks.filter((c) => within(c.args[1]!, rowOf('tasks'))).length).toBe(2);
    expect(logMarks.filter((c) => within(c.args[1]!, rowOf('goroutine:9'))).map((c) => Math.round(c.args[0]! + 3.5))).toEqual([668]);
    expect(logMarks.filter((c) => within(c.args[1]!, rowOf('goroutine:7'))).map((c) => Math.round(c.args[0]! + 3.5))).toEqual([1068]);
    expect(calls.filter((c) => c.op === 'fill' && c.fill === LOG_BLUE).length).toBe(3);
  });

  it('leaves the cursor line and the hovered outline to the overlay', () => {
    const { ctx, calls } = recordingContext();
    drawTimeline(ctx, input(win, rows));
    expect(calls.some((c) => c.op === 'setLineDash')).toBe(false);
    const o = recordingContext();
    const r = rowOf('goroutine:7');
    drawOverlay(o.ctx, { width: 1178, height: 600, vp: { startNs: 0, endNs: 1e6, x0: 168, w: 1000 }, rows, scrollTop: 0, hover: { rowKey: r.key, start: 1e5, end: 2e5 }, cursorX: 500, theme });
    expect(o.calls[0]).toMatchObject({ op: 'clearRect', args: [0, 0, 1178, 600] });
    const outline = o.calls.find((c) => c.op === 'strokeRect')!;
    expect(outline.args[0]).toBeCloseTo(268 - 1);
    expect(within(outline.args[1]!, r)).toBe(true);
    expect(o.calls.filter((c) => c.op === 'moveTo').map((c) => c.args)).toContainEqual([500.5, AXIS_H]);
    // Out of the plot (over the labels): no cursor line.
    const none = recordingContext();
    drawOverlay(none.ctx, { width: 1178, height: 600, vp: { startNs: 0, endNs: 1e6, x0: 168, w: 1000 }, rows, scrollTop: 0, hover: null, cursorX: 20, theme });
    expect(none.calls.map((c) => c.op)).toEqual(['clearRect']);
  });
});

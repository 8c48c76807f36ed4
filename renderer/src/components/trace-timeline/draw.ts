/**
 * Draws the trace timeline on a 2D canvas from the last window answer (no DOM per event). The answer's
 * times are mapped through the current viewport, so while a newer answer is on its way the last one is
 * drawn scaled and shifted to the new window (Perfetto's "draw sync from what you have").
 *
 * Coordinates are CSS px; the caller sets the devicePixelRatio transform.
 */
import type { LaneSlices, TimelineWindow, WakeFlow } from '../../../../shared/query/trace/timeline/timeline-types.ts';
import { SLICE_KINDS, type SliceKind } from '../../../../shared/query/trace/timeline/timeline-types.ts';
import { goroutineColor, kindColor, labelColor } from './colors.ts';
import { GOROUTINE_H, laneKey, SPAN_H, type Row } from './lane-layout.ts';
import { axisTicks, xOf, type Span, type Viewport } from './time-scale.ts';
import { formatBytes } from '../../format.ts';
import type { TraceColorBy } from '../../state/trace-timeline-view.ts';

export const AXIS_H = 26;
export const LABEL_W = 168;
export const RIGHT_PAD = 10;

export interface Theme {
  fg: string;
  muted: string;
  bg: string;
  panel: string;
  grid: string;
  accent: string;
  font: string;
}

export interface Highlight {
  rowKey: string;
  start: number;
  end: number;
}

export interface DrawInput {
  width: number;
  height: number;
  vp: Viewport;
  rows: readonly Row[];
  scrollTop: number;
  win: TimelineWindow | null;
  lanes: ReadonlyMap<string, LaneSlices>;
  colorBy: TraceColorBy;
  /** The trace's start (axis labels read as time since it). */
  originNs: number;
  /** The session's brush in the trace's clock, shaded when it is not the whole view. */
  brush: Span | null;
  selected: Highlight | null;
  /** A goroutine whose slices stand out on the P and thread lanes (the others fade); null none. */
  focusG: number | null;
  /** The row with keyboard focus (outlined). */
  focusRowKey: string | null;
  /** Row of each task span (lane-layout.ts taskLevels), by span index. */
  taskLevel: readonly number[];
  /** Wake-ups to draw as arrows (waker → woken), with the rows to draw them between. */
  flows: { flow: WakeFlow; fromRow: Row; toRow: Row; strong: boolean }[];
  /** A drag in progress that will set the brush. */
  pendingBrush: Span | null;
  theme: Theme;
}

const kindOf = (i: number): SliceKind => SLICE_KINDS[i] ?? 'waiting';

function ellipsize(ctx: CanvasRenderingContext2D, text: string, maxW: number): string {
  if (maxW < 12) return '';
  if (ctx.measureText(text).width <= maxW) return text;
  let lo = 0;
  let hi = text.length;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (ctx.measureText(`${text.slice(0, mid)}…`).width <= maxW) lo = mid;
    else hi = mid - 1;
  }
  return lo > 0 ? `${text.slice(0, lo)}…` : '';
}

/** Colour of slice i of a lane, as the lane kind and the colouring mode say. */
export function sliceColor(lane: LaneSlices, i: number, labels: readonly string[], colorBy: TraceColorBy): string {
  const kind = kindOf(lane.kind[i]!);
  const label = lane.label[i]! >= 0 ? (labels[lane.label[i]!] ?? '') : '';
  if (kind === 'running' && lane.lane.kind !== 'goroutine') {
    const g = lane.g[i]!;
    if (colorBy === 'region' && label) return labelColor(label);
    if (g >= 0) return goroutineColor(g);
    return kindColor('running');
  }
  return kindColor(kind, kind === 'waiting' ? label : '');
}

function sliceText(lane: LaneSlices, i: number, labels: readonly string[]): string {
  const kind = kindOf(lane.kind[i]!);
  const label = lane.label[i]! >= 0 ? (labels[lane.label[i]!] ?? '') : '';
  const g = lane.g[i]!;
  if (lane.merged[i]! > 1) return `${lane.merged[i]} slices`;
  if (lane.lane.kind === 'goroutine') return kind === 'running' ? label || 'running' : label || kind;
  return g >= 0 ? `G${g}${label ? ` ${label}` : ''}` : label;
}

function drawLane(ctx: CanvasRenderingContext2D, lane: LaneSlices, labels: readonly string[], vp: Viewport, y: number, h: number, colorBy: TraceColorBy, fg: string, focusG: number | null = null) {
  const fades = focusG !== null && lane.lane.kind !== 'goroutine';
  const n = lane.start.length;
  const left = vp.x0;
  const right = vp.x0 + vp.w;
  ctx.textBaseline = 'middle';
  for (let i = 0; i < n; i++) {
    let x0 = xOf(vp, lane.start[i]!);
    let x1 = xOf(vp, lane.end[i]!);
    if (x1 < left || x0 > right) continue;
    const kind = kindOf(lane.kind[i]!);
    if (kind === 'not-exist') continue;
    x0 = Math.max(x0, left);
    x1 = Math.min(x1, right);
    const w = Math.max(1, x1 - x0);
    ctx.fillStyle = sliceColor(lane, i, labels, colorBy);
    // A level-of-detail summary reads lighter: many short slices, not one long one.
    const faded = fades && lane.g[i] !== focusG;
    ctx.globalAlpha = (lane.merged[i]! > 1 ? 0.55 : 1) * (faded ? 0.22 : 1);
    ctx.fillRect(x0, y, w, h);
    ctx.globalAlpha = 1;
    if (fades && !faded) {
      ctx.strokeStyle = fg;
      ctx.lineWidth = 1.5;
      ctx.strokeRect(x0 + 0.75, y + 0.75, Math.max(1, w - 1.5), h - 1.5);
      ctx.lineWidth = 1;
    }
    if (w > 34 && h >= 12 && !faded) {
      const t = ellipsize(ctx, sliceText(lane, i, labels), w - 6);
      if (t) {
        ctx.fillStyle = kind === 'running' || kind === 'stw' || kind === 'syscall-blocked' ? '#fff' : fg;
        ctx.fillText(t, x0 + 3, y + h / 2 + 0.5);
      }
    }
  }
}

function drawCounter(ctx: CanvasRenderingContext2D, series: { t: number[]; v: number[] }, vp: Viewport, y: number, h: number, color: string, endNs: number, fmt: (v: number) => string, muted: string) {
  const n = series.t.length;
  if (!n) return;
  let max = 0;
  let min = Infinity;
  for (const v of series.v) {
    max = Math.max(max, v);
    min = Math.min(min, v);
  }
  if (max <= 0) return;
  // A count that never gets near zero is scaled from its minimum, so growth reads as growth.
  const floor = min > 0.25 * max && max > min ? min : 0;
  const top = y + 3;
  const hh = h - 5;
  const yOf = (v: number) => top + hh - ((v - floor) / (max - floor)) * hh;
  ctx.beginPath();
  ctx.moveTo(Math.max(vp.x0, xOf(vp, series.t[0]!)), top + hh);
  for (let i = 0; i < n; i++) {
    const x = Math.min(Math.max(xOf(vp, series.t[i]!), vp.x0), vp.x0 + vp.w);
    const xNext = Math.min(Math.max(xOf(vp, i + 1 < n ? series.t[i + 1]! : endNs), vp.x0), vp.x0 + vp.w);
    ctx.lineTo(x, yOf(series.v[i]!));
    ctx.lineTo(xNext, yOf(series.v[i]!));
  }
  ctx.lineTo(Math.min(vp.x0 + vp.w, xOf(vp, endNs)), top + hh);
  ctx.closePath();
  ctx.fillStyle = color;
  ctx.globalAlpha = 0.35;
  ctx.fill();
  ctx.globalAlpha = 1;
  ctx.strokeStyle = color;
  ctx.lineWidth = 1;
  ctx.stroke();
  ctx.fillStyle = muted;
  ctx.textAlign = 'right';
  ctx.fillText(floor > 0 ? `${fmt(floor)} – ${fmt(max)}` : `max ${fmt(max)}`, vp.x0 + vp.w - 2, y + 8);
  ctx.textAlign = 'left';
}

function arrow(ctx: CanvasRenderingContext2D, x0: number, y0: number, x1: number, y1: number, color: string, width: number) {
  ctx.strokeStyle = color;
  ctx.fillStyle = color;
  ctx.lineWidth = width;
  ctx.beginPath();
  ctx.moveTo(x0, y0);
  const mx = (x0 + x1) / 2;
  ctx.bezierCurveTo(mx, y0, mx, y1, x1, y1);
  ctx.stroke();
  const a = Math.atan2(y1 - y0, x1 - mx || 1);
  ctx.beginPath();
  ctx.moveTo(x1, y1);
  ctx.lineTo(x1 - 7 * Math.cos(a - 0.45), y1 - 7 * Math.sin(a - 0.45));
  ctx.lineTo(x1 - 7 * Math.cos(a + 0.45), y1 - 7 * Math.sin(a + 0.45));
  ctx.closePath();
  ctx.fill();
}

/** A slice's outline on its row (y: a row's top on the canvas). */
function outline(ctx: CanvasRenderingContext2D, vp: Viewport, rows: readonly Row[], y: (r: Row) => number, hl: Highlight, color: string, lineW: number): void {
  const r = rows.find((x) => x.key === hl.rowKey);
  if (!r) return;
  const x0 = Math.max(vp.x0, xOf(vp, hl.start));
  const x1 = Math.min(vp.x0 + vp.w, xOf(vp, hl.end));
  ctx.strokeStyle = color;
  ctx.lineWidth = lineW;
  const hh = r.kind === 'goroutine' ? GOROUTINE_H : r.h;
  ctx.strokeRect(x0 - 1, y(r) + 1, Math.max(2, x1 - x0 + 2), hh - 3);
}

/** What follows the pointer, drawn on a transparent canvas over the timeline's. */
export interface OverlayInput {
  width: number;
  height: number;
  vp: Viewport;
  rows: readonly Row[];
  scrollTop: number;
  /** The slice under the pointer, outlined. */
  hover: Highlight | null;
  /** Pointer position (x, CSS px) for the cursor line. */
  cursorX: number | null;
  theme: Theme;
}

/**
 * The hover outline and the cursor line. They move with every pointer move; on their own canvas
 * they cost a clear and two strokes, not a redraw of every lane (tens of ms on a big trace's window).
 */
export function drawOverlay(ctx: CanvasRenderingContext2D, d: OverlayInput): void {
  const { vp, theme, width, height } = d;
  ctx.clearRect(0, 0, width, height);
  const contentTop = AXIS_H;
  if (d.hover) {
    ctx.save();
    ctx.beginPath();
    ctx.rect(0, contentTop, width, height - contentTop);
    ctx.clip();
    outline(ctx, vp, d.rows, (r) => contentTop + r.top - d.scrollTop, d.hover, theme.fg, 1);
    ctx.restore();
  }
  if (d.cursorX !== null && d.cursorX >= vp.x0 && d.cursorX <= vp.x0 + vp.w) {
    ctx.strokeStyle = theme.muted;
    ctx.lineWidth = 1;
    ctx.setLineDash([3, 3]);
    ctx.beginPath();
    ctx.moveTo(Math.round(d.cursorX) + 0.5, contentTop);
    ctx.lineTo(Math.round(d.cursorX) + 0.5, height);
    ctx.stroke();
    ctx.setLineDash([]);
  }
}

export function drawTimeline(ctx: CanvasRenderingContext2D, d: DrawInput): void {
  const { vp, theme, win } = d;
  const { width, height } = d;
  ctx.clearRect(0, 0, width, height);
  ctx.fillStyle = theme.panel;
  ctx.fillRect(0, 0, width, height);
  ctx.font = `11px ${theme.font}`;
  ctx.textBaseline = 'middle';
  const ticks = axisTicks(vp, vp.w, d.originNs);
  const contentTop = AXIS_H;
  const y = (r: Row) => contentTop + r.top - d.scrollTop;
  const visible = d.rows.filter((r) => y(r) + r.h > contentTop && y(r) < height);

  // Grid lines under the lanes.
  ctx.strokeStyle = theme.grid;
  ctx.lineWidth = 1;
  for (const t of ticks.ticks) {
    const x = Math.round(xOf(vp, t.ns)) + 0.5;
    ctx.beginPath();
    ctx.moveTo(x, contentTop);
    ctx.lineTo(x, height);
    ctx.stroke();
  }

  ctx.save();
  ctx.beginPath();
  ctx.rect(0, contentTop, width, height - contentTop);
  ctx.clip();
  for (const r of visible) {
    const top = y(r);
    if (r.kind === 'header') {
      ctx.fillStyle = theme.bg;
      ctx.fillRect(0, top, width, r.h);
      ctx.fillStyle = theme.fg;
      ctx.font = `600 11px ${theme.font}`;
      ctx.fillText(`${r.group ? (r.folded ? '▸ ' : '▾ ') : ''}${r.label}`, 6, top + r.h / 2);
      ctx.font = `11px ${theme.font}`;
      if (r.group === 'goroutines' && r === d.rows[d.rows.length - 1]) {
        ctx.fillStyle = theme.muted;
        ctx.fillText('Give a goroutine a lane: find it above, open it from a slice (its lane), or use “show in trace timeline” in the blocking view, goroutine analysis or findings.', 14, top + r.h + 16);
      }
      continue;
    }
    if (win) drawRow(ctx, d, r, top);
    // Row separator and label column.
    ctx.fillStyle = theme.panel;
    ctx.fillRect(0, top, vp.x0 - 4, r.h);
    ctx.strokeStyle = theme.grid;
    ctx.beginPath();
    ctx.moveTo(0, top + r.h - 0.5);
    ctx.lineTo(width, top + r.h - 0.5);
    ctx.stroke();
    ctx.fillStyle = theme.fg;
    const lh = Math.min(r.h, 18);
    ctx.fillText(r.label, 8, top + lh / 2);
    if (r.sub) {
      ctx.fillStyle = theme.muted;
      const lw = ctx.measureText(r.label).width;
      ctx.fillText(ellipsize(ctx, r.sub, vp.x0 - 22 - lw), 14 + lw, top + lh / 2);
    }
    if (r.key === d.focusRowKey) {
      ctx.strokeStyle = theme.accent;
      ctx.lineWidth = 2;
      ctx.strokeRect(1, top + 1, width - 2, r.h - 2);
      ctx.lineWidth = 1;
    }
  }

  // Brush (the session's selected range) when it is not the whole view, and a brush being dragged.
  for (const [b, alpha] of [
    [d.brush, 0.1],
    [d.pendingBrush, 0.22],
  ] as const) {
    if (!b) continue;
    const x0 = Math.max(vp.x0, xOf(vp, b.startNs));
    const x1 = Math.min(vp.x0 + vp.w, xOf(vp, b.endNs));
    if (x1 <= x0 || (x0 <= vp.x0 && x1 >= vp.x0 + vp.w && alpha < 0.2)) continue;
    ctx.fillStyle = theme.accent;
    ctx.globalAlpha = alpha;
    ctx.fillRect(x0, contentTop, x1 - x0, height - contentTop);
    ctx.globalAlpha = 1;
  }

  // The selected slice's outline (the hovered one is on the overlay).
  if (d.selected) outline(ctx, vp, d.rows, y, d.selected, theme.accent, 2);
  ctx.lineWidth = 1;

  for (const f of d.flows) {
    const x0 = xOf(vp, f.flow.t);
    const x1 = xOf(vp, Number.isFinite(f.flow.toRunT) ? f.flow.toRunT : f.flow.t);
    const y0 = y(f.fromRow) + Math.min(f.fromRow.h, GOROUTINE_H) / 2;
    const y1 = y(f.toRow) + Math.min(f.toRow.h, GOROUTINE_H) / 2;
    if (Math.max(x0, x1) < vp.x0 || Math.min(x0, x1) > vp.x0 + vp.w) continue;
    ctx.globalAlpha = f.strong ? 1 : 0.45;
    arrow(ctx, x0, y0, x1, y1, f.strong ? theme.accent : theme.muted, f.strong ? 2 : 1);
    ctx.globalAlpha = 1;
  }
  ctx.restore();

  // The time axis, on top of everything.
  ctx.fillStyle = theme.bg;
  ctx.fillRect(0, 0, width, AXIS_H);
  ctx.strokeStyle = theme.grid;
  ctx.beginPath();
  ctx.moveTo(0, AXIS_H - 0.5);
  ctx.lineTo(width, AXIS_H - 0.5);
  ctx.stroke();
  ctx.fillStyle = theme.muted;
  ctx.fillText(ticks.base ? `${ticks.base.label} +` : 'since trace start', 6, AXIS_H / 2);
  ctx.fillStyle = theme.fg;
  for (const t of ticks.ticks) {
    const x = Math.round(xOf(vp, t.ns)) + 0.5;
    ctx.strokeStyle = theme.muted;
    ctx.beginPath();
    ctx.moveTo(x, AXIS_H - 6);
    ctx.lineTo(x, AXIS_H);
    ctx.stroke();
    if (x + 4 + ctx.measureText(t.label).width < width) ctx.fillText(t.label, x + 3, AXIS_H / 2 - 1);
  }
}

function drawRow(ctx: CanvasRenderingContext2D, d: DrawInput, r: Row, top: number) {
  const win = d.win!;
  const { vp, theme } = d;
  switch (r.kind) {
    case 'gcount':
      drawCounter(ctx, win.goroutineCount, vp, top, r.h, '#0ca678', win.range.endNs, (v) => Math.round(v).toLocaleString('en-US'), theme.muted);
      return;
    case 'heap':
      drawCounter(ctx, win.heap, vp, top, r.h, '#7048e8', win.range.endNs, formatBytes, theme.muted);
      return;
    case 'gc':
      drawLane(ctx, win.gc, win.labels, vp, top + 2, r.h - 4, d.colorBy, theme.fg);
      return;
    case 'cpu': {
      const { t, n } = win.cpuSamples;
      let max = 1;
      for (const k of n) max = Math.max(max, k);
      ctx.fillStyle = '#e8590c';
      for (let i = 0; i < t.length; i++) {
        const x = xOf(vp, t[i]!);
        if (x < vp.x0 || x > vp.x0 + vp.w) continue;
        const hh = 4 + ((r.h - 6) * n[i]!) / max;
        ctx.fillRect(x, top + r.h - 1 - hh, 1.5, hh);
      }
      return;
    }
    case 'tasks': {
      drawSpans(ctx, d, winIndex(win).tasks, top + 1, SPAN_H);
      drawLogs(ctx, d, win.logs, top);
      return;
    }
    case 'proc':
    case 'thread':
    case 'goroutine': {
      const lane = d.lanes.get(laneKey(r.lane!));
      const h = r.kind === 'goroutine' ? GOROUTINE_H : r.h;
      if (lane) drawLane(ctx, lane, win.labels, vp, top + 2, h - 4, d.colorBy, theme.fg, d.focusG);
      // Stop-the-world stops every P: its bands run across the top of each P lane.
      if (r.kind === 'proc') drawGcBands(ctx, win.gc, vp, top, 'stw');
      if (r.kind === 'goroutine') {
        const g = r.lane!.id;
        if (lane?.marks) drawLaneMarks(ctx, lane.marks, vp, top + 2);
        const idx = winIndex(win);
        drawSpans(ctx, d, idx.regionsByG.get(g) ?? [], top + GOROUTINE_H, 7);
        drawLogs(ctx, d, idx.logsByG.get(g) ?? [], top);
      }
      return;
    }
    default:
  }
}

type WindowLog = TimelineWindow['logs'][number];

/** A window's spans and logs by the row that draws them (found once per window, not once per row). */
interface WindowIndex {
  /** Indexes into win.spans of the tasks. */
  tasks: number[];
  /** Indexes into win.spans of each goroutine's regions. */
  regionsByG: Map<number, number[]>;
  logsByG: Map<number, WindowLog[]>;
}
const windowIndexes = new WeakMap<TimelineWindow, WindowIndex>();

function winIndex(win: TimelineWindow): WindowIndex {
  let idx = windowIndexes.get(win);
  if (idx) return idx;
  idx = { tasks: [], regionsByG: new Map(), logsByG: new Map() };
  win.spans.forEach((s, k) => {
    if (s.kind === 'task') idx!.tasks.push(k);
    else if (s.kind === 'region') {
      const list = idx!.regionsByG.get(s.g);
      if (list) list.push(k);
      else idx!.regionsByG.set(s.g, [k]);
    }
  });
  for (const l of win.logs) {
    const list = idx.logsByG.get(l.g);
    if (list) list.push(l);
    else idx.logsByG.set(l.g, [l]);
  }
  windowIndexes.set(win, idx);
  return idx;
}

/** The spans `which` (indexes into win.spans) on one row. */
function drawSpans(ctx: CanvasRenderingContext2D, d: DrawInput, which: readonly number[], top: number, levelH: number) {
  const { vp } = d;
  const spans = d.win!.spans;
  for (const k of which) {
    const s = spans[k]!;
    const x0 = Math.max(vp.x0, xOf(vp, s.start));
    const x1 = Math.min(vp.x0 + vp.w, xOf(vp, s.end));
    if (x1 < vp.x0 || x0 > vp.x0 + vp.w) continue;
    const yy = top + (s.kind === 'task' ? Math.max(0, d.taskLevel[k] ?? 0) : s.depth) * levelH;
    ctx.fillStyle = labelColor(s.type);
    ctx.fillRect(x0, yy, Math.max(1, x1 - x0), levelH - 1);
    if (levelH >= 12 && x1 - x0 > 30) {
      const t = ellipsize(ctx, s.type, x1 - x0 - 6);
      ctx.fillStyle = '#fff';
      if (t) ctx.fillText(t, x0 + 3, yy + levelH / 2);
    }
  }
}

function drawLogs(ctx: CanvasRenderingContext2D, d: DrawInput, logs: readonly WindowLog[], top: number) {
  const { vp } = d;
  // One marker per pixel column and one fill for all: a window can hold thousands of logs, and each
  // fill is rasterized when the page paints (software canvas), long after this returns.
  let lastPx = Number.NaN;
  let any = false;
  ctx.beginPath();
  for (const l of logs) {
    const x = xOf(vp, l.t);
    if (x < vp.x0 || x > vp.x0 + vp.w) continue;
    const px = Math.round(x);
    if (px === lastPx) continue;
    lastPx = px;
    any = true;
    ctx.moveTo(x - 3.5, top);
    ctx.lineTo(x + 3.5, top);
    ctx.lineTo(x, top + 6);
    ctx.closePath();
  }
  if (!any) return;
  ctx.fillStyle = '#1864ab';
  ctx.fill();
}

/** A goroutine lane's own marks (its GC mark assists) as thin bands along the top of its slices. */
function drawLaneMarks(ctx: CanvasRenderingContext2D, marks: NonNullable<LaneSlices['marks']>, vp: Viewport, top: number) {
  for (let i = 0; i < marks.start.length; i++) {
    const x0 = Math.max(vp.x0, xOf(vp, marks.start[i]!));
    const x1 = Math.min(vp.x0 + vp.w, xOf(vp, marks.end[i]!));
    if (x1 < vp.x0 || x0 > vp.x0 + vp.w) continue;
    ctx.fillStyle = kindColor(kindOf(marks.kind[i]!));
    ctx.fillRect(x0, top, Math.max(1.5, x1 - x0), 3);
  }
}

/** The GC lane's marks of one kind as thin bands at the top of a lane. */
function drawGcBands(ctx: CanvasRenderingContext2D, gc: LaneSlices, vp: Viewport, top: number, kind: SliceKind) {
  const k = SLICE_KINDS.indexOf(kind);
  ctx.fillStyle = kindColor(kind);
  for (let i = 0; i < gc.start.length; i++) {
    if (gc.kind[i] !== k) continue;
    const x0 = Math.max(vp.x0, xOf(vp, gc.start[i]!));
    const x1 = Math.min(vp.x0 + vp.w, xOf(vp, gc.end[i]!));
    if (x1 < vp.x0 || x0 > vp.x0 + vp.w) continue;
    ctx.fillRect(x0, top, Math.max(1.5, x1 - x0), 3);
  }
}

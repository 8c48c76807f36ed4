import { useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import type { LaneRef, LaneSlices, TimelineOverview, TimelineWindow } from '../../../../shared/query/trace/timeline/timeline-types.ts';
import { AXIS_H, drawOverlay, drawTimeline, LABEL_W, RIGHT_PAD, type DrawInput, type Highlight, type Theme } from './draw.ts';
import { hitTest, sliceAt, type Hit } from './hit-test.ts';
import { laneKey, rowAt, rowsHeight, taskLevels, visibleLanes, type Row } from './lane-layout.ts';
import { around, axisTicks, nsOf, nsPerPx, panBy, xOf, zoomAt, type Span, type Viewport } from './time-scale.ts';
import { describeHit, type HitText } from './describe.ts';
import { useElementSize } from './use-element-size.ts';
import type { TraceColorBy } from '../../state/trace-timeline-view.ts';
import { canvasAtDevicePixels } from '../../canvas-pixels.ts';

export interface TraceTimelineProps {
  overview: TimelineOverview;
  win: TimelineWindow | null;
  loading: boolean;
  /** The window shown and the whole trace (trace clock ns). */
  view: Span;
  bounds: Span;
  /** The session's brush in the trace's clock. */
  brush: Span | null;
  rows: readonly Row[];
  colorBy: TraceColorBy;
  selected: Highlight | null;
  flows: DrawInput['flows'];
  focusG: number | null;
  /** A row to scroll into view (then onRevealed). */
  reveal: string | null;
  onRevealed(): void;
  onView(span: Span): void;
  /** Back to following the brush (or the whole trace). */
  onReset(): void;
  /** A range dragged on the axis (or shift-dragged on the lanes): the session's new brush. */
  onBrush(span: Span): void;
  onPick(hit: Hit | null): void;
  onToggleGroup(group: 'threads' | 'goroutines'): void;
  /** The lanes in view (and the plot's pixel width), so only those are asked for. */
  onVisible(lanes: LaneRef[], plotWidthPx: number): void;
  onBack?(): void;
  /** The shared time cursor (trace clock ns; null: the pointer left): other time-based views draw it too. */
  onHoverNs?(ns: number | null): void;
  /** The shared cursor set by another view (trace clock ns), drawn when the pointer is elsewhere. */
  cursorNs?: number | null;
  /** Opens the slice under the keyboard in the detail pane ("F" zooms to it). */
  goroutineFn?: ReadonlyMap<number, string>;
}

type Drag = { mode: 'pan' | 'brush'; x0: number; x1: number; view: Span; moved: boolean };

const ZOOM_STEP = 0.8;

function readTheme(el: Element): Theme {
  const cs = getComputedStyle(el);
  const v = (n: string, fb: string) => cs.getPropertyValue(n).trim() || fb;
  return {
    fg: v('--fg', '#1d1f23'),
    muted: v('--muted', '#6a7079'),
    bg: v('--bg', '#f7f7f8'),
    panel: v('--panel', '#ffffff'),
    grid: v('--border', '#e3e5e8'),
    accent: v('--accent', '#1c7ed6'),
    font: cs.fontFamily || 'system-ui, sans-serif',
  };
}

/**
 * The trace timeline's canvas: lanes per P, thread and pinned goroutine plus the trace-wide tracks, a
 * time axis in human units, hover tooltip, click to open, zoom and pan by wheel, drag and keys. Plain
 * props: the connected panel (TraceTimelinePanel) asks the engine and keeps the state.
 */
export function TraceTimeline(p: TraceTimelineProps) {
  const [boxRef, box] = useElementSize<HTMLDivElement>();
  const scroller = useRef<HTMLDivElement>(null);
  const canvas = useRef<HTMLCanvasElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [pointer, setPointer] = useState<{ x: number; y: number } | null>(null);
  const [drag, setDrag] = useState<Drag | null>(null);
  const [focusRow, setFocusRow] = useState<string | null>(null);
  const [exporting, setExporting] = useState(false);
  // The theme's colours, read once (getComputedStyle forces a style pass over the whole page on every
  // draw otherwise) and again when the colour scheme changes.
  const theme = useRef<Theme | null>(null);
  useEffect(() => {
    const mq = window.matchMedia?.('(prefers-color-scheme: dark)');
    const reset = () => (theme.current = null);
    mq?.addEventListener?.('change', reset);
    return () => mq?.removeEventListener?.('change', reset);
  }, []);
  const contentH = rowsHeight(p.rows);
  // On the export stage the scroller opens to its content: the canvas then draws every row.
  // (30 px under the last row for the hint on giving goroutines lanes.)
  const canvasH = exporting ? contentH + AXIS_H + 30 : Math.max(120, box.height);
  const width = box.width;
  const vp: Viewport = useMemo(() => ({ ...p.view, x0: LABEL_W, w: Math.max(10, width - LABEL_W - RIGHT_PAD) }), [p.view, width]);
  const lanes = useMemo(() => {
    const m = new Map<string, LaneSlices>();
    for (const l of p.win?.lanes ?? []) m.set(laneKey(l.lane), l);
    return m;
  }, [p.win]);
  const taskLevel = useMemo(() => taskLevels(p.win?.spans ?? []), [p.win]);
  const top = exporting ? 0 : scrollTop;
  const contentY = (y: number) => y - AXIS_H + top;
  const hit = useMemo(() => {
    if (!pointer || !p.win || drag?.moved || pointer.y < AXIS_H) return null;
    return hitTest({ win: p.win, lanes, rows: p.rows, vp, x: pointer.x, y: contentY(pointer.y), taskLevel });
  }, [pointer, p.win, lanes, p.rows, vp, drag, top]);

  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el) return;
    setExporting(getComputedStyle(el).overflowY === 'visible');
  }, [box.height, box.width]);

  // Report the lanes in view (a few rows around them too, so a small scroll asks nothing).
  const visible = visibleLanes(p.rows, top - 200, top + canvasH + 200);
  const visibleKey = visible.map(laneKey).join(',');
  useEffect(() => {
    if (width > 0) p.onVisible(visible, vp.w);
  }, [visibleKey, vp.w]);

  useEffect(() => {
    if (!p.reveal) return;
    const r = p.rows.find((x) => x.key === p.reveal);
    const el = scroller.current;
    if (!r || !el) return;
    const viewH = canvasH - AXIS_H;
    if (r.top < el.scrollTop || r.top + r.h > el.scrollTop + viewH) el.scrollTop = Math.max(0, r.top - viewH / 3);
    setFocusRow(r.key);
    p.onRevealed();
  }, [p.reveal, p.rows]);

  // Draw: everything on the canvas, at the device's pixel ratio.
  useEffect(() => {
    const c = canvas.current;
    if (!c || width <= 0) return;
    // Resized only when the size changed; drawTimeline paints every pixel anyway.
    const ctx = canvasAtDevicePixels(c, width, canvasH);
    if (!ctx) return;
    const t0 = performance.now();
    ctx.globalAlpha = 1;
    ctx.lineWidth = 1;
    ctx.setLineDash([]);
    ctx.textAlign = 'left';
    drawTimeline(ctx, {
      width,
      height: canvasH,
      vp,
      rows: p.rows,
      scrollTop: top,
      win: p.win,
      lanes,
      colorBy: p.colorBy,
      originNs: p.bounds.startNs,
      brush: p.brush,
      selected: p.selected,
      // (Not in an exported picture: the keyboard's lane outline is for using the view.)
      focusRowKey: exporting ? null : focusRow,
      focusG: p.focusG,
      flows: p.flows,
      taskLevel,
      pendingBrush: drag?.mode === 'brush' && drag.moved ? spanOf(vp, drag.x0, drag.x1) : null,
      theme: (theme.current ??= readTheme(c)),
    });
    // When and how long the last draw took (bench/trace-timeline-bench.ts reads these).
    c.setAttribute('data-draw-ms', (performance.now() - t0).toFixed(2));
    c.setAttribute('data-drawn-at', String(Math.round(performance.now())));
  }, [width, canvasH, vp, p.rows, top, p.win, lanes, p.colorBy, p.brush, p.selected, focusRow, p.flows, drag, p.focusG, taskLevel, exporting]);

  // The overlay: what moves with the pointer (the hovered slice's outline, the cursor line).
  const overlay = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const c = overlay.current;
    if (!c || width <= 0) return;
    const ctx = canvasAtDevicePixels(c, width, canvasH);
    if (!ctx) return;
    const hl = hit?.kind === 'slice' ? { rowKey: hit.row.key, start: hit.lane.start[hit.i]!, end: hit.lane.end[hit.i]! } : null;
    drawOverlay(ctx, {
      width,
      height: canvasH,
      vp,
      rows: p.rows,
      scrollTop: top,
      hover: exporting ? null : hl,
      cursorX: exporting ? null : (pointer?.x ?? (p.cursorNs != null ? xOf(vp, p.cursorNs) : null)),
      theme: (theme.current ??= readTheme(c)),
    });
  }, [width, canvasH, vp, p.rows, top, hit, pointer, p.cursorNs, exporting]);

  // Ctrl/⌘ + wheel zooms at the pointer and shift + wheel (or a sideways wheel) pans, as in Perfetto; a
  // plain wheel scrolls the lanes (over the time axis it zooms). Native listener: React's is passive.
  const latest = useRef({ vp, bounds: p.bounds, onView: p.onView });
  latest.current = { vp, bounds: p.bounds, onView: p.onView };
  useEffect(() => {
    const el = scroller.current;
    if (!el) return;
    const onWheel = (e: WheelEvent) => {
      const { vp: v, bounds, onView } = latest.current;
      const r = el.getBoundingClientRect();
      const x = e.clientX - r.left;
      const overAxis = e.clientY - r.top < AXIS_H;
      const sideways = Math.abs(e.deltaX) > Math.abs(e.deltaY);
      if (e.ctrlKey || e.metaKey || (overAxis && !sideways && !e.shiftKey)) {
        e.preventDefault();
        const factor = Math.pow(ZOOM_STEP, -Math.sign(e.deltaY) * Math.min(3, Math.abs(e.deltaY) / 60 || 1));
        onView(zoomAt(v, factor, x >= v.x0 ? nsOf(v, x) : (v.startNs + v.endNs) / 2, bounds));
      } else if (e.shiftKey || sideways) {
        e.preventDefault();
        onView(panBy(v, ((e.deltaX || e.deltaY) / v.w) * (v.endNs - v.startNs), bounds));
      }
    };
    el.addEventListener('wheel', onWheel, { passive: false });
    return () => el.removeEventListener('wheel', onWheel);
  }, []);

  const local = (e: { clientX: number; clientY: number }) => {
    const r = canvas.current!.getBoundingClientRect();
    return { x: e.clientX - r.left, y: e.clientY - r.top };
  };

  const focusIdx = p.rows.findIndex((r) => r.key === focusRow);
  const moveFocus = (d: number) => {
    const lanesOnly = p.rows.filter((r) => r.kind !== 'header');
    const i = Math.max(0, Math.min(lanesOnly.length - 1, lanesOnly.findIndex((r) => r.key === focusRow) + d));
    const r = lanesOnly[i];
    if (!r) return;
    setFocusRow(r.key);
    const el = scroller.current;
    const viewH = canvasH - AXIS_H;
    if (el && (r.top < el.scrollTop || r.top + r.h > el.scrollTop + viewH)) el.scrollTop = Math.max(0, r.top - (d > 0 ? viewH - r.h : 0));
  };
  /** The next/previous slice on the focused lane, from the selected one (or the view's middle). */
  const stepSlice = (dir: 1 | -1) => {
    const r = p.rows[focusIdx];
    const lane = r?.lane ? lanes.get(laneKey(r.lane)) : undefined;
    if (!r || !lane || !lane.start.length) return;
    const from = p.selected?.rowKey === r.key ? (p.selected.start + p.selected.end) / 2 : (vp.startNs + vp.endNs) / 2;
    let i = sliceAt(lane, from, 0);
    if (i < 0) {
      // Between slices: the first one on that side.
      i = lane.start.findIndex((s) => s > from);
      if (dir < 0) i = i < 0 ? lane.start.length - 1 : i - 1;
    } else i += p.selected?.rowKey === r.key ? dir : 0;
    if (i < 0 || i >= lane.start.length) return;
    p.onPick({ kind: 'slice', row: r, lane, i });
    const s = lane.start[i]!;
    const e = lane.end[i]!;
    if (e < vp.startNs || s > vp.endNs) p.onView(panBy(vp, (s + e) / 2 - (vp.startNs + vp.endNs) / 2, p.bounds));
  };

  const tip: HitText | null = hit && p.win && pointer ? describeHit(hit, p.win, p.goroutineFn, p.colorBy) : null;
  const total = contentH + AXIS_H + 30;

  return (
    <div className={`tt-box${exporting ? ' exporting' : ''}`} ref={boxRef}>
      <div
        ref={scroller}
        className="tt-scroll"
        data-testid="trace-timeline-canvas-host"
        data-view-start={p.view.startNs}
        data-view-end={p.view.endNs}
        data-plot-x0={vp.x0}
        data-plot-w={vp.w}
        data-axis-h={AXIS_H}
        data-row-count={p.rows.length}
        // The lanes as drawn (key, top in content px, height) and the scroll, for tests and tools reading the canvas.
        data-lanes={JSON.stringify(p.rows.map((r) => [r.key, r.top, r.h, r.sub ?? '']))}
        data-scroll-top={top}
        data-tick-step={axisTicks(vp, vp.w, p.bounds.startNs).stepNs}
        data-selected={p.selected ? `${p.selected.rowKey}@${p.selected.start}-${p.selected.end}` : undefined}
        data-focus-row={focusRow ?? undefined}
        data-focus-g={p.focusG ?? undefined}
        data-ready={p.win && !p.loading ? 'true' : 'false'}
        aria-busy={p.loading}
        tabIndex={0}
        role="application"
        aria-label="Trace timeline: W/S or Ctrl+wheel zoom, A/D or Shift+wheel pan, drag to pan, Shift+drag or drag the time axis to select a range, ↑/↓ choose a lane, ←/→ step through its slices, Enter open, F zoom to the open slice, 0 back to the brush, B make the view the brush, Backspace back after a jump"
        onScroll={(e) => setScrollTop(e.currentTarget.scrollTop)}
        onPointerDown={(e) => {
          if (e.button !== 0) return;
          const { x, y } = local(e);
          if (y >= AXIS_H) {
            const r = rowAt(p.rows, contentY(y));
            if (r?.kind === 'header' && r.group) {
              p.onToggleGroup(r.group);
              return;
            }
            if (r) setFocusRow(r.key);
          }
          if (x < LABEL_W) return;
          (e.target as Element).setPointerCapture?.(e.pointerId);
          setDrag({ mode: e.shiftKey || y < AXIS_H ? 'brush' : 'pan', x0: x, x1: x, view: p.view, moved: false });
        }}
        onPointerMove={(e) => {
          const pt = local(e);
          setPointer(pt);
          p.onHoverNs?.(pt.x >= vp.x0 ? nsOf(vp, pt.x) : null);
          if (!drag) return;
          const moved = drag.moved || Math.abs(pt.x - drag.x0) >= 3;
          setDrag({ ...drag, x1: pt.x, moved });
          if (drag.mode === 'pan' && moved) p.onView(panBy(drag.view, -((pt.x - drag.x0) / vp.w) * (drag.view.endNs - drag.view.startNs), p.bounds));
        }}
        onPointerLeave={() => {
          setPointer(null);
          p.onHoverNs?.(null);
        }}
        onPointerUp={(e) => {
          const d = drag;
          setDrag(null);
          if (!d) return;
          if (d.mode === 'brush' && d.moved) {
            const s = spanOf(vp, d.x0, d.x1);
            if (s.endNs > s.startNs) p.onBrush(s);
            return;
          }
          if (!d.moved) {
            const { x, y } = local(e);
            if (y < AXIS_H || !p.win) return;
            p.onPick(hitTest({ win: p.win, lanes, rows: p.rows, vp, x, y: contentY(y), taskLevel }));
          }
        }}
        onDoubleClick={(e) => {
          const { x } = local(e);
          if (x >= vp.x0) p.onView(zoomAt(vp, 0.5, nsOf(vp, x), p.bounds));
        }}
        onKeyDown={(e) => {
          const mid = pointer && pointer.x >= vp.x0 ? nsOf(vp, pointer.x) : (vp.startNs + vp.endNs) / 2;
          const span = vp.endNs - vp.startNs;
          const k = e.key.length === 1 ? e.key.toLowerCase() : e.key;
          if (e.ctrlKey || e.metaKey || e.altKey) return;
          if (k === 'w' || k === '+' || k === '=') p.onView(zoomAt(vp, e.shiftKey ? 0.5 : ZOOM_STEP, mid, p.bounds));
          else if (k === 's' || k === '-') p.onView(zoomAt(vp, e.shiftKey ? 2 : 1 / ZOOM_STEP, mid, p.bounds));
          else if (k === 'a') p.onView(panBy(vp, -span * (e.shiftKey ? 0.5 : 0.15), p.bounds));
          else if (k === 'd') p.onView(panBy(vp, span * (e.shiftKey ? 0.5 : 0.15), p.bounds));
          else if (k === 'ArrowUp') moveFocus(-1);
          else if (k === 'ArrowDown') moveFocus(1);
          else if (k === 'ArrowLeft') stepSlice(-1);
          else if (k === 'ArrowRight') stepSlice(1);
          else if (k === 'f' && p.selected) p.onView(around(p.selected.start, p.selected.end, 0.1, p.bounds));
          else if (k === '0') p.onReset();
          else if (k === 'b') p.onBrush(p.view);
          else if (k === 'Backspace' && p.onBack) p.onBack();
          else if (k === 'Enter' && focusIdx >= 0) stepSlice(1);
          else if (k === 'Escape') p.onPick(null);
          else return;
          e.preventDefault();
          e.stopPropagation();
        }}
      >
        <div className="tt-canvas-wrap" style={{ width, height: canvasH }}>
          <canvas ref={canvas} className="tt-canvas" data-testid="trace-timeline-canvas" style={{ width, height: canvasH }} />
          <canvas ref={overlay} className="tt-overlay" aria-hidden="true" style={{ width, height: canvasH }} />
        </div>
        {!exporting && total > canvasH && <div style={{ height: total - canvasH }} />}
        {tip && pointer && (
          <div
            className="tt-tooltip"
            role="tooltip"
            data-testid="trace-timeline-tooltip"
            style={{ left: Math.min(pointer.x + 14, Math.max(0, width - 320)), top: pointer.y + 16 + top }}
          >
            <b>{tip.title}</b>
            {tip.lines.map((l, i) => (
              <div key={i} data-key={l[0]}>
                <span className="muted">{l[0]}</span> {l[1]}
              </div>
            ))}
          </div>
        )}
      </div>
    </div>
  );
}

function spanOf(vp: Viewport, x0: number, x1: number): Span {
  const a = nsOf(vp, Math.max(vp.x0, Math.min(x0, x1)));
  const b = nsOf(vp, Math.min(vp.x0 + vp.w, Math.max(x0, x1)));
  return { startNs: a, endNs: Math.max(b, a + nsPerPx(vp)) };
}

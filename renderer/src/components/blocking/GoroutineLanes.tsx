import { useEffect, useRef, useState } from 'react';
import type { GoroutineLane } from '../../../../shared/query/trace/trace-goroutine-groups.ts';
import { stateColor } from '../../palette.ts';
import { AnnotationMarks } from '../notes/AnnotationMarks.tsx';
import { startNoteAt } from '../notes/annotations.ts';
import { canvasAtDevicePixels } from '../../canvas-pixels.ts';

const ROW_H = 14;
const VIEW_H = 220;
const LABEL_W = 70;
/** GoState number → the timeline's state name (same colours everywhere). */
const STATE_NAME = ['', '', 'runnable', 'running', 'waiting', 'syscall'];

/**
 * One row per goroutine, coloured by state over the range. Only the rows in view are drawn, and only
 * their lanes need to be loaded (`onRows` says which rows are in view: the owner fetches those), so
 * thousands of goroutines over a whole trace scroll without stutter. Notes pinned on the timeline
 * show on the same time axis; right-click pins a new one. `startNs`/`endNs` are in the trace's own
 * clock; `axisShiftNs` turns them into session-axis time (notes live there).
 */
export function GoroutineLanes({
  ids,
  lanes,
  startNs,
  endNs,
  width,
  axisShiftNs = 0,
  onRows,
  onPickRow,
}: {
  /** Goroutine ids, one row each, in order. */
  ids: readonly number[];
  /** The lanes loaded so far, by goroutine id (rows without one draw empty until it arrives). */
  lanes: ReadonlyMap<number, GoroutineLane>;
  startNs: number;
  endNs: number;
  width: number;
  axisShiftNs?: number;
  onRows?: (first: number, last: number) => void;
  /** A click on a row's label (its goroutine id): "show in trace timeline". */
  onPickRow?: (id: number) => void;
}) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const height = Math.min(VIEW_H, ids.length * ROW_H + 2);
  const first = Math.floor(scrollTop / ROW_H);
  const last = Math.min(ids.length, Math.ceil((scrollTop + height) / ROW_H));
  useEffect(() => onRows?.(first, last), [first, last, onRows]);
  useEffect(() => {
    const c = canvas.current;
    if (!c) return;
    // Every scroll step redraws here; the canvas is resized only when its size changed.
    const ctx = canvasAtDevicePixels(c, width, height, Math.floor);
    if (!ctx) return;
    ctx.clearRect(0, 0, width, height);
    const w = width - LABEL_W;
    const span = Math.max(1, endNs - startNs);
    ctx.font = '10.5px ui-monospace, Menlo, Consolas, monospace';
    ctx.textBaseline = 'middle';
    const labelColor = getComputedStyle(c).color;
    const colors = STATE_NAME.map((n) => stateColor(n));
    let complete = true;
    for (let r = first; r < last; r++) {
      const y = r * ROW_H - scrollTop;
      ctx.fillStyle = labelColor;
      ctx.fillText(`g${ids[r]}`, 2, y + ROW_H / 2);
      const lane = lanes.get(ids[r]!);
      if (!lane) {
        complete = false;
        continue;
      }
      for (let i = 0; i < lane.start.length; i++) {
        const x0 = LABEL_W + ((lane.start[i]! - startNs) / span) * w;
        const x1 = LABEL_W + ((lane.end[i]! - startNs) / span) * w;
        ctx.fillStyle = colors[lane.state[i]!] ?? colors[4]!; // out of range: as 'waiting'
        ctx.fillRect(x0, y + 2, Math.max(0.75, x1 - x0), ROW_H - 4);
      }
    }
    // When the rows in view were last drawn complete (bench/ui-bench.ts times the view from it).
    if (complete) c.parentElement?.setAttribute('data-drawn-at', String(performance.now()));
  }, [ids, lanes, startNs, endNs, width, height, scrollTop, first, last]);
  const w = width - LABEL_W;
  const span = Math.max(1, endNs - startNs);
  const axisX = (ns: number) => LABEL_W + ((ns - axisShiftNs - startNs) / span) * w;
  return (
    <div
      className="lanes"
      data-testid="goroutine-lanes"
      data-rows={ids.length}
      data-axis-start={startNs + axisShiftNs}
      data-axis-end={endNs + axisShiftNs}
      style={{ height }}
      onScroll={(e) => setScrollTop(e.currentTarget.scrollTop)}
      onClick={(e) => {
        const r = e.currentTarget.getBoundingClientRect();
        if (!onPickRow || e.clientX - r.left >= LABEL_W) return;
        const id = ids[Math.floor((e.clientY - r.top + scrollTop) / ROW_H)];
        if (id !== undefined) onPickRow(id);
      }}
      title={onPickRow ? 'Click a goroutine id to show it in the trace timeline' : undefined}
      onContextMenu={(e) => {
        const x = e.clientX - e.currentTarget.getBoundingClientRect().left;
        if (x < LABEL_W) return;
        e.preventDefault();
        startNoteAt(startNs + axisShiftNs + ((x - LABEL_W) / w) * span);
      }}
    >
      <div style={{ height: ids.length * ROW_H }} />
      <canvas ref={canvas} style={{ width, height, top: scrollTop }} />
      <svg className="lanes-notes" width={width} height={height} style={{ top: scrollTop }} data-testid="lanes-notes">
        <AnnotationMarks x={axisX} top={0} bottom={height} x0={LABEL_W} x1={width} />
      </svg>
    </div>
  );
}

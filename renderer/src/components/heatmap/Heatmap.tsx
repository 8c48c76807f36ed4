import { useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import {
  drawHeatmap,
  drawOverlay,
  heatmapGeometry,
  hitTest,
  nsToX,
  parseColor,
  xToNs,
  LIGHT_THEME,
  type CellHit,
  type HeatmapGrid,
  type HeatmapTheme,
  type RGB,
  type ViewRange,
} from './heatmap-draw.ts';
import { AnnotationMarks } from '../notes/AnnotationMarks.tsx';

export interface HeatmapProps {
  grid: HeatmapGrid;
  view: ViewRange;
  width: number;
  log: boolean;
  /** The session selection (axis ns), drawn as a band. */
  selection: ViewRange | null;
  /** A cell to outline (the one whose sockets are listed). */
  picked: { row: number; bin: number } | null;
  onSelect: (r: ViewRange | null) => void;
  onPick: (hit: CellHit) => void;
  formatTick: (ns: number, stepNs: number) => string;
  /** (wall-clock time of axis 0) mod step: ticks on round wall-clock times. */
  tickPhase?: (stepNs: number) => number;
  /** Tooltip lines for a hovered cell. */
  describe: (hit: CellHit) => { time: string; row: string; count: string };
  /** Label under the row labels, left of the time axis (e.g. the time zone). */
  axisLabel: string;
}

const mix = (a: RGB, b: RGB, f: number): RGB => [0, 1, 2].map((i) => Math.round(a[i]! + (b[i]! - a[i]!) * f)) as unknown as RGB;

/** Theme colours from the CSS variables around `el` (light/dark follow the stylesheet). */
function readTheme(el: Element): HeatmapTheme & { brush: string; brushEdge: string; dim: string; cursor: string } {
  const cs = getComputedStyle(el);
  const v = (name: string, fb: string) => cs.getPropertyValue(name).trim() || fb;
  const bg = parseColor(v('--panel', '#ffffff'), LIGHT_THEME.bg);
  const border = parseColor(v('--border', '#d9dce1'), [217, 220, 225]);
  const muted = v('--muted', LIGHT_THEME.muted);
  return {
    bg,
    zero: mix(bg, border, 0.75),
    hatch: mix(bg, parseColor(muted, [106, 112, 121]), 0.4),
    fg: v('--fg', LIGHT_THEME.fg),
    muted,
    grid: v('--border', LIGHT_THEME.grid),
    font: `11px ${cs.fontFamily || 'system-ui, sans-serif'}`,
    brush: v('--brush', 'rgba(37, 99, 235, 0.18)'),
    brushEdge: v('--brush-edge', 'rgba(37, 99, 235, 0.9)'),
    dim: `rgba(${bg[0]}, ${bg[1]}, ${bg[2]}, 0.55)`,
    cursor: v('--fg', '#1d1f23'),
  };
}

function useColorScheme(): string {
  const [scheme, setScheme] = useState(() => (matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light'));
  useEffect(() => {
    const mq = matchMedia('(prefers-color-scheme: dark)');
    const on = () => setScheme(mq.matches ? 'dark' : 'light');
    mq.addEventListener('change', on);
    return () => mq.removeEventListener('change', on);
  }, []);
  return scheme;
}

/**
 * The heat map canvas (plain props): cells on one canvas redrawn only when data, size or scale
 * change; selection, brush, cursor and outlines on a second canvas above it, redrawn on every move.
 */
export function Heatmap(p: HeatmapProps) {
  const base = useRef<HTMLCanvasElement>(null);
  const over = useRef<HTMLCanvasElement>(null);
  const scheme = useColorScheme();
  const [hover, setHover] = useState<{ x: number; y: number; hit: CellHit | null } | null>(null);
  const [drag, setDrag] = useState<{ x0: number; x1: number; moved: boolean } | null>(null);
  const dpr = typeof devicePixelRatio === 'number' && devicePixelRatio > 0 ? devicePixelRatio : 1;
  const longest = p.grid.rows.reduce((m, r) => Math.max(m, r.length), 0);
  const g = useMemo(() => heatmapGeometry(p.width, p.grid.rows.length, longest, dpr), [p.width, p.grid.rows.length, longest, dpr]);
  const [theme, setTheme] = useState<ReturnType<typeof readTheme> | null>(null);
  // Colours come from the stylesheet's variables, re-read when the system theme flips.
  useLayoutEffect(() => {
    if (base.current) setTheme(readTheme(base.current));
  }, [scheme]);

  useLayoutEffect(() => {
    const c = base.current;
    const ctx = c?.getContext('2d');
    if (!c || !ctx || !theme) return;
    const t0 = performance.now();
    const { ticks } = drawHeatmap(ctx, g, p.view, p.grid, { log: p.log, theme, formatTick: p.formatTick, tickPhase: p.tickPhase });
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.fillStyle = theme.muted;
    ctx.textAlign = 'right';
    ctx.textBaseline = 'top';
    ctx.fillText(p.axisLabel, g.labelW - 8, g.axisY + 6);
    // Last redraw time, for the e2e log (a DOM attribute: no re-render for a measurement).
    c.parentElement?.setAttribute('data-draw-ms', (performance.now() - t0).toFixed(2));
    // The time axis as drawn, for SVG export (renderer/src/export/dom-to-svg.ts writes it as text).
    const axis = { y: g.axisY, label: { x: g.labelW - 8, y: g.axisY + 6, text: p.axisLabel }, ticks };
    c.parentElement?.setAttribute('data-time-axis', JSON.stringify(axis));
  }, [g, p.view, p.grid, p.log, theme, p.formatTick, p.tickPhase, p.axisLabel, dpr]);

  const cellBox = (row: number, bin: number) => {
    const shown = p.grid.shownBin[bin]!;
    // A held bin is outlined together with the run of bins that repeat the same snapshot.
    let lo = bin;
    let hi = bin;
    if (shown >= 0) {
      while (lo > 0 && p.grid.shownBin[lo - 1] === shown) lo--;
      while (hi < p.grid.bins - 1 && p.grid.shownBin[hi + 1] === shown) hi++;
    }
    return { row, x0: nsToX(g, p.view, p.grid.edgesNs[lo]!), x1: nsToX(g, p.view, p.grid.edgesNs[hi + 1]!) };
  };

  useLayoutEffect(() => {
    const ctx = over.current?.getContext('2d');
    if (!ctx || !theme) return;
    drawOverlay(ctx, g, p.view, {
      selection: p.selection,
      brush: drag?.moved ? { x0: drag.x0, x1: drag.x1 } : null,
      cursorX: hover ? hover.x : null,
      hover: hover?.hit ? cellBox(hover.hit.row, hover.hit.bin) : null,
      picked: p.picked && p.picked.bin < p.grid.bins && p.picked.row < p.grid.rows.length ? cellBox(p.picked.row, p.picked.bin) : null,
      brushFill: theme.brush,
      brushEdge: theme.brushEdge,
      dim: theme.dim,
      cursor: theme.cursor,
    });
    // The selection as last drawn and when (bench/ui-bench.ts times a brush's arrival here).
    const wrap = over.current?.parentElement;
    const sel = p.selection ? `${p.selection.startNs}:${p.selection.endNs}` : '';
    if (wrap && wrap.getAttribute('data-selection') !== sel) {
      wrap.setAttribute('data-selection', sel);
      wrap.setAttribute('data-selection-at', String(performance.now()));
    }
  });

  // Keyboard: a cell cursor (arrows move it, Enter lists the cell's sockets), shown as the hover is.
  const [cursor, setCursor] = useState<{ row: number; bin: number } | null>(null);
  const cellHit = (row: number, bin: number): CellHit => {
    const shown = p.grid.shownBin[bin] ?? -1;
    return { row, bin, shown, count: shown < 0 ? 0 : p.grid.counts[row * p.grid.bins + shown]! };
  };
  // The cursor sits on the first bin of a run that repeats one snapshot (a held snapshot spans several bins).
  const runStart = (b: number) => {
    while (b > 0 && p.grid.shownBin[b - 1] === p.grid.shownBin[b]) b--;
    return b;
  };
  const lastShownBin = () => {
    for (let b = p.grid.bins - 1; b >= 0; b--) if (p.grid.shownBin[b]! >= 0) return runStart(b);
    return 0;
  };
  const showCursor = (c: { row: number; bin: number }) => {
    setCursor(c);
    const x = (nsToX(g, p.view, p.grid.edgesNs[c.bin]!) + nsToX(g, p.view, p.grid.edgesNs[c.bin + 1]!)) / 2;
    setHover({ x: clampX(x), y: g.plotY + (c.row + 0.5) * g.rowH, hit: cellHit(c.row, c.bin) });
  };
  const onKey = (e: React.KeyboardEvent) => {
    const rows = p.grid.rows.length;
    if (rows === 0 || p.grid.bins === 0) return;
    const lastShown = lastShownBin();
    const c = cursor && cursor.row < rows && cursor.bin < p.grid.bins ? cursor : { row: 0, bin: lastShown };
    // ←/→ step to the next snapshot, not the next pixel column (a held snapshot spans several bins).
    const step = (dir: 1 | -1) => {
      let b = c.bin;
      const from = p.grid.shownBin[b];
      while (b + dir >= 0 && b + dir < p.grid.bins && p.grid.shownBin[b + dir] === from) b += dir;
      return runStart(Math.min(p.grid.bins - 1, Math.max(0, b + dir)));
    };
    const next =
      e.key === 'ArrowLeft' ? { ...c, bin: step(-1) }
      : e.key === 'ArrowRight' ? { ...c, bin: step(1) }
      : e.key === 'ArrowUp' ? { ...c, row: Math.max(0, c.row - 1) }
      : e.key === 'ArrowDown' ? { ...c, row: Math.min(rows - 1, c.row + 1) }
      : e.key === 'Home' ? { ...c, bin: 0 }
      : e.key === 'End' ? { ...c, bin: lastShown }
      : null;
    if (next) {
      e.preventDefault();
      showCursor(next);
    } else if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      const hit = cellHit(c.row, c.bin);
      if (hit.shown >= 0) p.onPick(hit);
      showCursor(c);
    }
  };

  const local = (e: React.PointerEvent | React.MouseEvent) => {
    const r = over.current!.getBoundingClientRect();
    return { x: e.clientX - r.left, y: e.clientY - r.top };
  };
  const clampX = (x: number) => Math.min(Math.max(x, g.plotX), g.plotX + g.plotW);
  const tip = hover?.hit ? p.describe(hover.hit) : null;
  const cssSize = { width: g.width, height: g.height };

  return (
    <div
      className="heatmap-canvas-wrap"
      style={cssSize}
      data-testid="heatmap-plot"
      data-plot-x={g.plotX}
      data-plot-y={g.plotY}
      data-plot-w={g.plotW}
      data-row-h={g.rowH}
      data-rows={p.grid.rows.join('|')}
    >
      <canvas ref={base} width={Math.round(g.width * dpr)} height={Math.round(g.height * dpr)} style={cssSize} data-testid="heatmap-canvas" />
      <canvas
        ref={over}
        className="heatmap-overlay"
        width={Math.round(g.width * dpr)}
        height={Math.round(g.height * dpr)}
        style={cssSize}
        data-testid="heatmap-overlay"
        tabIndex={0}
        role="grid"
        aria-label="Heat map cells: arrows move the cell cursor, Enter lists its sockets"
        data-cursor={cursor ? `${cursor.row}:${cursor.bin}` : ''}
        onKeyDown={onKey}
        // Only a keyboard focus shows the cursor (a click focuses the canvas too).
        onFocus={(e) => e.currentTarget.matches(':focus-visible') && showCursor(cursor ?? { row: 0, bin: lastShownBin() })}
        onBlur={() => setHover(null)}
        onPointerDown={(e) => {
          if (e.button !== 0) return;
          (e.target as Element).setPointerCapture?.(e.pointerId);
          const { x } = local(e);
          setDrag({ x0: x, x1: x, moved: false });
        }}
        onPointerMove={(e) => {
          const { x, y } = local(e);
          setHover({ x, y, hit: drag?.moved ? null : hitTest(g, p.view, p.grid, x, y) });
          if (drag) setDrag({ ...drag, x1: x, moved: drag.moved || Math.abs(x - drag.x0) > 3 });
        }}
        onPointerLeave={() => setHover(null)}
        onPointerUp={(e) => {
          const { x, y } = local(e);
          if (drag?.moved) {
            const a = xToNs(g, p.view, clampX(Math.min(drag.x0, x)));
            const b = xToNs(g, p.view, clampX(Math.max(drag.x0, x)));
            p.onSelect(b > a ? { startNs: a, endNs: b } : null);
          } else if (drag) {
            const hit = hitTest(g, p.view, p.grid, x, y);
            if (hit && hit.shown >= 0) p.onPick(hit);
          }
          setDrag(null);
        }}
        onDoubleClick={() => p.onSelect(null)}
      />
      {/* Notes pinned on the timeline, drawn on the same time axis (pointer events pass through). */}
      <svg width={g.width} height={g.height} style={{ position: 'absolute', left: 0, top: 0, pointerEvents: 'none' }} data-testid="heatmap-notes">
        <AnnotationMarks x={(ns) => nsToX(g, p.view, ns)} top={g.plotY} bottom={g.plotY + g.rows * g.rowH} x0={g.plotX} x1={g.plotX + g.plotW} />
      </svg>
      <span className="sr-only" aria-live="polite" data-testid="heatmap-cursor-text">
        {cursor && tip ? `${tip.row}: ${tip.count}, ${tip.time}` : ''}
      </span>
      {tip && hover && (
        <div
          className="heatmap-tooltip"
          data-testid="heatmap-tooltip"
          style={{ left: Math.min(hover.x + 14, g.width - 190), top: Math.max(0, hover.y - 58) }}
        >
          <div className="tt-row">{tip.row}</div>
          <div>
            <b data-testid="heatmap-tooltip-count">{tip.count}</b>
          </div>
          <div className="muted">{tip.time}</div>
        </div>
      )}
    </div>
  );
}

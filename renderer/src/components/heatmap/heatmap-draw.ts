/**
 * Pure geometry, colour scale and drawing of the connection heat map onto a 2D context — a real
 * canvas in the app, a fake one in bench/heatmap-bench.ts. No React, no store, no DOM lookups.
 *
 * Cells are rasterised straight into an ImageData (one 32-bit write per device pixel) instead of a
 * fillRect per cell: that keeps a redraw of 10k bins × a dozen rows well under a frame.
 *
 *   ┌ labelW ┬──────────── plotW ─────────────┐
 *   │ ESTAB  │ ▓▓▒▒░░  cells (rowH each)       │  plotY
 *   │ …      │                                 │
 *   ├────────┼─────────────────────────────────┤  axisY
 *   │        │ 12:00:01   12:00:02   (ticks)   │  AXIS_H
 */

/** The data a draw needs, with bins already placed on the session axis. */
export interface HeatmapGrid {
  rows: readonly string[];
  bins: number;
  /** bins + 1 edges on the session axis (ns). */
  edgesNs: ArrayLike<number>;
  /** rows × bins, row-major. */
  counts: ArrayLike<number>;
  /** Per bin: the bin whose counts it shows, -1 = no snapshot (see shared/query/sockets/heatmap-view.ts). */
  shownBin: ArrayLike<number>;
  max: number;
}

/** The visible time range on the session axis. */
export interface ViewRange {
  startNs: number;
  endNs: number;
}

export interface HeatmapGeometry {
  /** CSS pixels. */
  width: number;
  height: number;
  dpr: number;
  labelW: number;
  plotX: number;
  plotW: number;
  plotY: number;
  rowH: number;
  rows: number;
  axisY: number;
}

export const AXIS_H = 20;
const PAD_TOP = 4;
const PAD_RIGHT = 10;

/** Layout for `rows` rows in `width` CSS px; label column sized for the longest label. */
export function heatmapGeometry(width: number, rows: number, longestLabel: number, dpr = 1, rowH = defaultRowH(rows)): HeatmapGeometry {
  const labelW = Math.round(Math.min(220, Math.max(84, longestLabel * 6.6 + 16)));
  const plotX = labelW;
  const plotW = Math.max(1, width - labelW - PAD_RIGHT);
  const n = Math.max(1, rows);
  const plotY = PAD_TOP;
  const axisY = plotY + n * rowH;
  return { width, height: axisY + AXIS_H, dpr, labelW, plotX, plotW, plotY, rowH, rows: n, axisY };
}

/** 16 px rows for the dozen TCP states; taller when there are only a few rows (one peer, …). */
export function defaultRowH(rows: number): number {
  return Math.max(16, Math.min(30, Math.floor(150 / Math.max(1, rows))));
}

export const nsToX = (g: HeatmapGeometry, v: ViewRange, ns: number) => g.plotX + ((ns - v.startNs) / (v.endNs - v.startNs)) * g.plotW;
export const xToNs = (g: HeatmapGeometry, v: ViewRange, x: number) => v.startNs + ((x - g.plotX) / g.plotW) * (v.endNs - v.startNs);

/** Bin containing axis time `ns` (by its edges), or -1 outside them. */
export function binAt(grid: HeatmapGrid, ns: number): number {
  const e = grid.edgesNs;
  const n = grid.bins;
  if (n === 0 || !(ns >= e[0]!) || ns > e[n]!) return -1;
  let lo = 0;
  let hi = n;
  while (hi - lo > 1) {
    const mid = (lo + hi) >>> 1;
    if (e[mid]! <= ns) lo = mid;
    else hi = mid;
  }
  return lo;
}

export interface CellHit {
  row: number;
  /** The bin under the pointer. */
  bin: number;
  /** The bin whose data is shown there (-1 = no snapshot). */
  shown: number;
  count: number;
}

/** What is under CSS point (x, y), or null outside the cells. */
export function hitTest(g: HeatmapGeometry, v: ViewRange, grid: HeatmapGrid, x: number, y: number): CellHit | null {
  if (x < g.plotX || x >= g.plotX + g.plotW || y < g.plotY || y >= g.axisY) return null;
  const row = Math.floor((y - g.plotY) / g.rowH);
  if (row < 0 || row >= grid.rows.length) return null;
  const bin = binAt(grid, xToNs(g, v, x));
  if (bin < 0) return null;
  const shown = grid.shownBin[bin]!;
  return { row, bin, shown, count: shown < 0 ? 0 : grid.counts[row * grid.bins + shown]! };
}

// ---- colour ----

export type RGB = readonly [number, number, number];

/** Sequential palette (ColorBrewer YlOrRd), light for few sockets, dark red for many. */
const STOPS: readonly RGB[] = [
  [255, 255, 204],
  [255, 237, 160],
  [254, 217, 118],
  [254, 178, 76],
  [253, 141, 60],
  [252, 78, 42],
  [227, 26, 28],
  [189, 0, 38],
  [128, 0, 38],
];
export const LEVELS = 256;

/** LEVELS colours along the palette. */
export const PALETTE: readonly RGB[] = Array.from({ length: LEVELS }, (_, i) => {
  const t = (i / (LEVELS - 1)) * (STOPS.length - 1);
  const k = Math.min(STOPS.length - 2, Math.floor(t));
  const f = t - k;
  const a = STOPS[k]!;
  const b = STOPS[k + 1]!;
  return [0, 1, 2].map((c) => Math.round(a[c]! + (b[c]! - a[c]!) * f)) as unknown as RGB;
});

/** Position 0..1 of a count on the scale (linear or log). A count ≥ 1 is never at 0: it stays visible. */
export function scalePos(count: number, max: number, log: boolean): number {
  if (count <= 0 || max <= 0) return 0;
  const t = log ? Math.log1p(count) / Math.log1p(max) : count / max;
  return Math.min(1, 0.06 + 0.94 * t);
}

/** Count at scale position t (inverse of scalePos, for legend ticks). */
export function scaleValue(t: number, max: number, log: boolean): number {
  const u = Math.max(0, (t - 0.06) / 0.94);
  return log ? Math.expm1(u * Math.log1p(max)) : u * max;
}

export function paletteColor(t: number): RGB {
  return PALETTE[Math.max(0, Math.min(LEVELS - 1, Math.round(t * (LEVELS - 1))))]!;
}

export function cssColor(c: RGB): string {
  return `rgb(${c[0]}, ${c[1]}, ${c[2]})`;
}

/** Colours of the non-data parts (from the theme's CSS variables in the app). */
export interface HeatmapTheme {
  /** Panel background (also the row gap). */
  bg: RGB;
  /** A cell with a snapshot and zero sockets. */
  zero: RGB;
  /** Stripes of a bin with no snapshot. */
  hatch: RGB;
  fg: string;
  muted: string;
  grid: string;
  font: string;
}

export const LIGHT_THEME: HeatmapTheme = {
  bg: [255, 255, 255],
  zero: [234, 238, 244],
  hatch: [205, 210, 218],
  fg: '#1d1f23',
  muted: '#6a7079',
  grid: '#d9dce1',
  font: '11px system-ui, sans-serif',
};

/** '#rgb', '#rrggbb' or 'rgb(r, g, b)' → RGB (fallback when unparsable). */
export function parseColor(s: string, fallback: RGB): RGB {
  const t = s.trim();
  let m = /^#([0-9a-f]{3})$/i.exec(t);
  if (m) return [...m[1]!].map((h) => parseInt(h + h, 16)) as unknown as RGB;
  m = /^#([0-9a-f]{6})/i.exec(t);
  if (m) return [0, 2, 4].map((i) => parseInt(m![1]!.slice(i, i + 2), 16)) as unknown as RGB;
  m = /^rgba?\(\s*(\d+)[\s,]+(\d+)[\s,]+(\d+)/i.exec(t);
  if (m) return [Number(m[1]), Number(m[2]), Number(m[3])];
  return fallback;
}

// ---- ticks ----

const SEC = 1e9;
/** Steps a clock reader expects: 1/2/5 below a second, then 1, 2, 5, 10, 15, 30 s, minutes, hours. */
const CLOCK_STEPS = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400].map((s) => s * SEC);

/** Nice tick step for about `target` ticks over `span` ns. */
export function tickStep(span: number, target: number): number {
  const raw = span / Math.max(1, target);
  if (raw >= SEC) return CLOCK_STEPS.find((s) => s >= raw) ?? Math.ceil(raw / 86400e9) * 86400e9;
  const p = 10 ** Math.floor(Math.log10(raw));
  for (const m of [1, 2, 5, 10]) if (m * p >= raw) return m * p;
  return 10 * p;
}

/**
 * Tick positions (axis ns) over the view. `phase(step)` is (wall-clock time of axis 0) mod step, so
 * ticks land on round wall-clock times (12:00:05, not 5 s after an arbitrary origin).
 */
export function ticks(v: ViewRange, plotW: number, phase: (stepNs: number) => number = () => 0): { step: number; at: number[] } {
  const span = v.endNs - v.startNs;
  if (!(span > 0)) return { step: 1, at: [] };
  const step = tickStep(span, Math.max(2, Math.floor(plotW / 100)));
  const ph = step >= 1 ? phase(step) : 0;
  const at: number[] = [];
  for (let k = Math.ceil((v.startNs + ph) / step); at.length < 200; k++) {
    const t = k * step - ph;
    if (t > v.endNs) break;
    at.push(t);
  }
  return { step, at };
}

// ---- drawing ----

/** The subset of CanvasRenderingContext2D the heat map uses (so a fake one can stand in). */
export type Ctx2D = Pick<
  CanvasRenderingContext2D,
  | 'createImageData'
  | 'putImageData'
  | 'clearRect'
  | 'fillRect'
  | 'fillText'
  | 'beginPath'
  | 'moveTo'
  | 'lineTo'
  | 'stroke'
  | 'strokeRect'
  | 'setTransform'
  | 'save'
  | 'restore'
  | 'setLineDash'
> & {
  fillStyle: CanvasRenderingContext2D['fillStyle'];
  strokeStyle: CanvasRenderingContext2D['strokeStyle'];
  lineWidth: number;
  font: string;
  textAlign: CanvasTextAlign;
  textBaseline: CanvasTextBaseline;
};

export interface DrawOptions {
  log: boolean;
  theme: HeatmapTheme;
  /** Tick label for axis time `ns` (step = tick spacing, to choose the precision). */
  formatTick: (ns: number, stepNs: number) => string;
  /** (wall-clock time of axis 0) mod step, to put ticks on round times; 0 when absent. */
  tickPhase?: (stepNs: number) => number;
}

const rgba32 = (c: RGB) => (255 << 24) | (c[2] << 16) | (c[1] << 8) | c[0]; // little-endian RGBA

/**
 * Fills `pixels` (device-pixel RGBA of the whole canvas, little-endian u32 view) with the cells.
 * Where several bins fall in one device column the column shows their max, so spikes survive.
 */
export function rasterizeCells(
  pixels: Uint32Array,
  pixW: number,
  g: HeatmapGeometry,
  v: ViewRange,
  grid: HeatmapGrid,
  log: boolean,
  theme: HeatmapTheme,
): void {
  const dpr = g.dpr;
  const x0 = Math.round(g.plotX * dpr);
  const cols = Math.max(0, Math.min(pixW - x0, Math.round(g.plotW * dpr)));
  const bg = rgba32(theme.bg);
  const zero = rgba32(theme.zero);
  const hatch = rgba32(theme.hatch);
  const lut = new Uint32Array(LEVELS);
  for (let i = 0; i < LEVELS; i++) lut[i] = rgba32(PALETTE[i]!);
  const gapPx = Math.max(1, Math.round(dpr));

  // Device column → [first, last] bin it covers (by the view's time mapping), computed once.
  const bLo = new Int32Array(cols);
  const bHi = new Int32Array(cols);
  const span = v.endNs - v.startNs;
  const e = grid.edgesNs;
  const nb = grid.bins;
  let b = 0;
  for (let c = 0; c < cols; c++) {
    const t0 = v.startNs + (c / cols) * span;
    const t1 = v.startNs + ((c + 1) / cols) * span;
    if (nb === 0 || t1 <= e[0]! || t0 > e[nb]!) {
      bLo[c] = -1;
      bHi[c] = -2;
      continue;
    }
    while (b < nb - 1 && e[b + 1]! <= t0) b++;
    let hi = b;
    while (hi < nb - 1 && e[hi + 1]! < t1) hi++;
    bLo[c] = b;
    bHi[c] = hi;
  }

  const line = new Uint32Array(cols);
  const isHatch = new Uint8Array(cols);
  for (let r = 0; r < grid.rows.length; r++) {
    const base = r * nb;
    for (let c = 0; c < cols; c++) {
      let best = -1;
      for (let k = bLo[c]!; k <= bHi[c]!; k++) {
        const s = grid.shownBin[k]!;
        if (s < 0) continue;
        const n = grid.counts[base + s]!;
        if (n > best) best = n;
      }
      isHatch[c] = best < 0 ? 1 : 0;
      line[c] = best < 0 ? bg : best === 0 ? zero : lut[Math.round(scalePos(best, grid.max, log) * (LEVELS - 1))]!;
    }
    const yTop = Math.round((g.plotY + r * g.rowH) * dpr);
    const yEnd = Math.round((g.plotY + (r + 1) * g.rowH) * dpr) - gapPx;
    for (let y = yTop; y < yEnd; y++) {
      const off = y * pixW + x0;
      pixels.set(line, off);
      // Diagonal stripes for "no snapshot", distinct from the flat zero colour.
      for (let c = 0; c < cols; c++) if (isHatch[c] && (c + y) % 6 < 2) pixels[off + c] = hatch;
    }
  }
}

const imageCache = new WeakMap<object, ImageData>();

/** A tick label as drawn: centred at x (CSS px), its top at y. */
export interface DrawnTick {
  x: number;
  y: number;
  label: string;
}

/**
 * Draws the whole heat map (cells, row labels, time axis) for geometry g. Returns the tick labels it
 * drew, so an SVG export can write them as text over the painted ones.
 */
export function drawHeatmap(ctx: Ctx2D, g: HeatmapGeometry, v: ViewRange, grid: HeatmapGrid, opts: DrawOptions): { ticks: DrawnTick[] } {
  const { theme } = opts;
  const dpr = g.dpr;
  const pw = Math.max(1, Math.round(g.width * dpr));
  const ph = Math.max(1, Math.round(g.height * dpr));
  // Reuse the pixel buffer between redraws of the same canvas size (a 1200×500 @2x buffer is 4.8 MB).
  let img = imageCache.get(ctx);
  if (!img || img.width !== pw || img.height !== ph) imageCache.set(ctx, (img = ctx.createImageData(pw, ph)));
  const pixels = new Uint32Array(img.data.buffer, img.data.byteOffset, pw * ph);
  pixels.fill(rgba32(theme.bg));
  rasterizeCells(pixels, pw, g, v, grid, opts.log, theme);
  ctx.setTransform(1, 0, 0, 1, 0, 0);
  ctx.putImageData(img, 0, 0);

  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.font = theme.font;
  ctx.textBaseline = 'middle';
  ctx.textAlign = 'right';
  ctx.fillStyle = theme.fg;
  for (let r = 0; r < grid.rows.length; r++) {
    ctx.fillText(clip(grid.rows[r]!, g.labelW - 14), g.labelW - 8, g.plotY + (r + 0.5) * g.rowH - 0.5);
  }

  // Time axis: ticks below the cells (wall clock, formatted by the caller).
  const { step, at } = ticks(v, g.plotW, opts.tickPhase);
  ctx.strokeStyle = theme.grid;
  ctx.lineWidth = 1;
  ctx.beginPath();
  ctx.moveTo(g.plotX, g.axisY + 0.5);
  ctx.lineTo(g.plotX + g.plotW, g.axisY + 0.5);
  for (const t of at) {
    const x = Math.round(nsToX(g, v, t)) + 0.5;
    ctx.moveTo(x, g.axisY);
    ctx.lineTo(x, g.axisY + 4);
  }
  ctx.stroke();
  ctx.fillStyle = theme.muted;
  ctx.textBaseline = 'top';
  ctx.textAlign = 'center';
  let lastRight = -Infinity;
  const drawn: DrawnTick[] = [];
  for (const t of at) {
    const x = nsToX(g, v, t);
    const label = opts.formatTick(t, step);
    const half = label.length * 3.2;
    if (x - half < lastRight + 6 || x + half > g.width) continue;
    const cx = Math.max(x, g.plotX + half);
    ctx.fillText(label, cx, g.axisY + 6);
    drawn.push({ x: cx, y: g.axisY + 6, label });
    lastRight = x + half;
  }
  return { ticks: drawn };
}

/** Labels longer than the column get an ellipsis (approximate width: no measureText in hot paths). */
function clip(s: string, px: number): string {
  const max = Math.max(3, Math.floor(px / 6.4));
  return s.length <= max ? s : `${s.slice(0, max - 1)}…`;
}

export interface OverlayState {
  /** Selection from the store (axis ns), drawn as a band. */
  selection: ViewRange | null;
  /** A brush being dragged here (CSS x). */
  brush: { x0: number; x1: number } | null;
  /** Time cursor (CSS x). */
  cursorX: number | null;
  /** Hovered / clicked cells, outlined. */
  hover: { row: number; x0: number; x1: number } | null;
  picked: { row: number; x0: number; x1: number } | null;
  brushFill: string;
  brushEdge: string;
  /** Veil over the cells outside the selection, so the selected range stands out. */
  dim: string;
  cursor: string;
}

/** The cheap layer on top: selection band, brush, time cursor, cell outlines. */
export function drawOverlay(ctx: Ctx2D, g: HeatmapGeometry, v: ViewRange, o: OverlayState): void {
  ctx.setTransform(1, 0, 0, 1, 0, 0);
  ctx.clearRect(0, 0, Math.round(g.width * g.dpr), Math.round(g.height * g.dpr));
  ctx.setTransform(g.dpr, 0, 0, g.dpr, 0, 0);
  const top = g.plotY;
  const h = g.axisY - g.plotY;
  // A committed selection dims what lies outside it; a brush being dragged is also tinted inside.
  const band = (a: number, b: number, fill: boolean) => {
    const x0 = Math.max(g.plotX, Math.min(a, b));
    const x1 = Math.min(g.plotX + g.plotW, Math.max(a, b));
    if (x1 <= x0) return;
    ctx.fillStyle = o.dim;
    ctx.fillRect(g.plotX, top, x0 - g.plotX, h);
    ctx.fillRect(x1, top, g.plotX + g.plotW - x1, h);
    if (fill) {
      ctx.fillStyle = o.brushFill;
      ctx.fillRect(x0, top, x1 - x0, h);
    }
    ctx.strokeStyle = o.brushEdge;
    ctx.lineWidth = 1;
    ctx.beginPath();
    ctx.moveTo(Math.round(x0) + 0.5, top);
    ctx.lineTo(Math.round(x0) + 0.5, top + h);
    ctx.moveTo(Math.round(x1) - 0.5, top);
    ctx.lineTo(Math.round(x1) - 0.5, top + h);
    ctx.stroke();
  };
  if (o.brush) band(o.brush.x0, o.brush.x1, true);
  else if (o.selection) band(nsToX(g, v, o.selection.startNs), nsToX(g, v, o.selection.endNs), false);
  const outline = (c: { row: number; x0: number; x1: number }, dash: boolean) => {
    ctx.strokeStyle = o.cursor;
    ctx.lineWidth = dash ? 1 : 2;
    ctx.setLineDash(dash ? [3, 2] : []);
    const x0 = Math.max(g.plotX, c.x0);
    const x1 = Math.min(g.plotX + g.plotW, Math.max(c.x1, x0 + 2));
    ctx.strokeRect(x0, g.plotY + c.row * g.rowH, x1 - x0, g.rowH - 1);
    ctx.setLineDash([]);
  };
  if (o.picked) outline(o.picked, false);
  if (o.hover) outline(o.hover, true);
  if (o.cursorX !== null && o.cursorX >= g.plotX && o.cursorX <= g.plotX + g.plotW) {
    ctx.strokeStyle = o.cursor;
    ctx.lineWidth = 1;
    ctx.beginPath();
    ctx.moveTo(Math.round(o.cursorX) + 0.5, 0);
    ctx.lineTo(Math.round(o.cursorX) + 0.5, g.axisY + 4);
    ctx.stroke();
  }
}

import { describe, expect, it } from 'vitest';
import {
  binAt,
  heatmapGeometry,
  hitTest,
  LIGHT_THEME,
  PALETTE,
  rasterizeCells,
  scalePos,
  scaleValue,
  type HeatmapGrid,
} from './heatmap-draw.ts';

const rgba = (c: readonly number[]) => ((255 << 24) | (c[2]! << 16) | (c[1]! << 8) | c[0]!) >>> 0;

/** 2 rows × 4 bins over [0, 400): bin 1 has no snapshot; row 0 = 0, 5, -, 10; row 1 = 3, 0, -, 0. */
const grid: HeatmapGrid = {
  rows: ['ESTAB', 'TIME-WAIT'],
  bins: 4,
  edgesNs: Float64Array.of(0, 100, 200, 300, 400),
  counts: Uint32Array.of(0, 5, 0, 10, 3, 0, 0, 0),
  shownBin: Int32Array.of(0, -1, 2, 3),
  max: 10,
};
// bin 2's own counts are 0 (row 0) and 0 (row 1); the "5" in bin 1 is never shown (no snapshot).
const view = { startNs: 0, endNs: 400 };

describe('heat-map scale', () => {
  it('maps 1 above zero and max to the top, linear and log, and inverts', () => {
    expect(scalePos(0, 10, false)).toBe(0);
    expect(scalePos(1, 2000, false)).toBeGreaterThan(0.05);
    expect(scalePos(10, 10, false)).toBe(1);
    expect(scalePos(10, 10, true)).toBe(1);
    expect(scalePos(20, 2000, true)).toBeGreaterThan(scalePos(20, 2000, false));
    for (const log of [false, true]) expect(scaleValue(scalePos(500, 2000, log), 2000, log)).toBeCloseTo(500, 6);
  });
});

describe('heat-map geometry and hit testing', () => {
  const g = heatmapGeometry(500, 2, 9);
  it('finds the bin, row and shown count under a point; none outside', () => {
    expect(binAt(grid, 0)).toBe(0);
    expect(binAt(grid, 399)).toBe(3);
    expect(binAt(grid, 400)).toBe(3);
    expect(binAt(grid, 401)).toBe(-1);
    const x = (ns: number) => g.plotX + (ns / 400) * g.plotW;
    const y = (row: number) => g.plotY + (row + 0.5) * g.rowH;
    expect(hitTest(g, view, grid, x(350), y(0))).toEqual({ row: 0, bin: 3, shown: 3, count: 10 });
    expect(hitTest(g, view, grid, x(150), y(0))).toEqual({ row: 0, bin: 1, shown: -1, count: 0 });
    expect(hitTest(g, view, grid, x(50), y(1))).toEqual({ row: 1, bin: 0, shown: 0, count: 3 });
    expect(hitTest(g, view, grid, g.plotX - 2, y(0))).toBeNull();
    expect(hitTest(g, view, grid, x(50), g.axisY + 2)).toBeNull();
  });
});

describe('rasterizeCells', () => {
  it('draws zero, counts and "no snapshot" differently, and keeps a one-bin spike at any width', () => {
    const g = heatmapGeometry(100 + 84 + 10, 2, 5); // plotW = 100 px, 25 px per bin
    const w = g.width;
    const px = new Uint32Array(w * g.height);
    rasterizeCells(px, w, g, view, grid, false, LIGHT_THEME);
    const at = (ns: number, row: number) => px[Math.round(g.plotY + row * g.rowH + 5) * w + Math.round(g.plotX + (ns / 400) * g.plotW)]! >>> 0;
    expect(at(50, 0)).toBe(rgba(LIGHT_THEME.zero));
    expect(at(350, 0)).toBe(rgba(PALETTE[255]!));
    expect(at(50, 1)).not.toBe(rgba(LIGHT_THEME.zero));
    // "no snapshot": stripes of hatch over background, never the zero colour.
    const gap = new Set<number>();
    for (let x = 0; x < 20; x++) gap.add(px[Math.round(g.plotY + 5) * w + Math.round(g.plotX + 28 + x)]! >>> 0);
    expect(gap).toEqual(new Set([rgba(LIGHT_THEME.hatch), rgba(LIGHT_THEME.bg)]));

    // 10,000 bins into 100 px: a single-bin spike still colours its column.
    const bins = 10_000;
    const counts = new Uint32Array(bins);
    counts[7777] = 50;
    const spike: HeatmapGrid = {
      rows: ['X'],
      bins,
      edgesNs: Float64Array.from({ length: bins + 1 }, (_, i) => i),
      counts,
      shownBin: Int32Array.from({ length: bins }, (_, i) => i),
      max: 50,
    };
    const g1 = heatmapGeometry(194, 1, 1);
    const p1 = new Uint32Array(g1.width * g1.height);
    rasterizeCells(p1, g1.width, g1, { startNs: 0, endNs: bins }, spike, false, LIGHT_THEME);
    const row = Array.from({ length: 100 }, (_, c) => p1[Math.round(g1.plotY + 5) * g1.width + g1.plotX + c]! >>> 0);
    expect(row.filter((c) => c === rgba(PALETTE[255]!)).length).toBe(1);
    expect(row.indexOf(rgba(PALETTE[255]!))).toBe(77);
  });
});

import { describe, expect, it } from 'vitest';
import { bandRuns, runsPath } from './band-runs.ts';

describe('bandRuns', () => {
  const x = (ns: number) => ns / 1e6; // 1 px per ms

  it('merges bands closer than a pixel, widens slivers to 1 px, keeps only what is in view', () => {
    const start = Float64Array.of(0, 10e6, 10.2e6, 10.9e6, 50e6, 200e6);
    const end = Float64Array.of(2e6, 10.1e6, 10.4e6, 11e6, 50e6, 210e6);
    // 10.0–11.0 ms are three bands a fraction of a pixel apart: one run (the last, a sliver, made
    // 1 px wide); 50 ms is a point: 1 px wide; 0–2 ms is out of view.
    const px = (r: number[]) => r.map((v) => Math.round(v * 10) / 10);
    expect(px(bandRuns(start, end, x, 5, 100))).toEqual([10, 11.9, 50, 51]);
    expect(px(bandRuns(start, end, x, 0, 1000))).toEqual([0, 2, 10, 11.9, 50, 51, 200, 210]);
  });

  it('bounds the runs by the lane width, however many bands there are', () => {
    // 100k GC-like bands of 0.2 ms every 0.5 ms over 50 s, drawn 800 px wide.
    const n = 100_000;
    const start = Float64Array.from({ length: n }, (_, i) => i * 0.5e6);
    const end = start.map((s) => s + 0.2e6);
    const wide = (ns: number) => (ns / 50e9) * 800;
    const runs = bandRuns(start, end, wide, 0, 800);
    expect(runs.length / 2).toBeLessThanOrEqual(800);
    expect(runs[0]).toBe(0);
    expect(runs[runs.length - 1]).toBeCloseTo(800, 0);
  });

  it('sorts bands that come out of order', () => {
    expect(bandRuns(Float64Array.of(30e6, 10e6), Float64Array.of(32e6, 12e6), x, 0, 100)).toEqual([10, 12, 30, 32]);
    expect(runsPath([10, 12], 3, 4)).toBe('M10.0,3h2.0v4h-2.0z');
  });
});

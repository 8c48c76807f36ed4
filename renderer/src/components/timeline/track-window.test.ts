import { describe, expect, it } from 'vitest';
import { MAX_TRACK_POINTS, MIN_TRACK_POINTS, trackAskWindow, trackCovers, trackResolution, visibleSteps } from './track-window.ts';

describe('trackResolution', () => {
  it('asks for about a point per pixel of the source at this zoom, in powers of two', () => {
    // The whole 30 s source in a 1200 px strip: 2048 points; zoomed to 1 s of it: 30× more, capped.
    expect(trackResolution(30e9, 30e9, 1200)).toBe(2048);
    expect(trackResolution(30e9, 10e9, 1200)).toBe(4096);
    expect(trackResolution(30e9, 1e9, 1200)).toBe(MAX_TRACK_POINTS);
    // A wheel step (×0.8) inside one doubling asks for the same resolution: no new query.
    expect(trackResolution(30e9, 10e9 * 0.9, 1200)).toBe(trackResolution(30e9, 10e9, 1200));
    // A short source in a wide view, and a strip not measured yet.
    expect(trackResolution(1e6, 60e9, 1200)).toBe(MIN_TRACK_POINTS);
    expect(trackResolution(30e9, 30e9, 0)).toBe(MIN_TRACK_POINTS);
  });
});

describe('visibleSteps', () => {
  const t = [0, 10, 20, 30, 40];
  it('includes the step holding at the view start and stops at the last one starting inside it', () => {
    expect(visibleSteps(t, 15, 32)).toEqual([1, 3]);
    expect(visibleSteps(t, -5, 5)).toEqual([0, 0]);
    expect(visibleSteps(t, 45, 90)).toEqual([4, 4]);
    expect(visibleSteps(t, -20, -10)).toBeNull();
    expect(visibleSteps([], 0, 1)).toBeNull();
  });
});

describe('trackAskWindow', () => {
  const src = { startNs: 0, endNs: 100e9 };
  it('asks the padded view, snapped to a power-of-two grid, at a point per pixel', () => {
    const a = trackAskWindow({ startNs: 40e9, endNs: 41e9 }, src, 1000)!;
    const q = 2 ** 30; // 1 s rounded up
    expect(a.range.startNs).toBe(Math.floor((40e9 - q) / q) * q);
    expect(a.range.endNs).toBe(Math.ceil((41e9 + q) / q) * q);
    expect(a.range.startNs).toBeLessThanOrEqual(39e9);
    expect(a.range.endNs).toBeGreaterThanOrEqual(42e9);
    expect(a.maxPoints).toBe(Math.ceil((1000 * (a.range.endNs - a.range.startNs)) / q));
    // A small pan and a wheel step inside the doubling ask the same.
    expect(trackAskWindow({ startNs: 40.1e9, endNs: 41.1e9 }, src, 1000)).toEqual(a);
    expect(trackAskWindow({ startNs: 40.05e9, endNs: 40.95e9 }, src, 1000)).toEqual(a);
  });
  it('clips to the source and asks nothing when the view holds most of it', () => {
    const a = trackAskWindow({ startNs: 0, endNs: 1e9 }, src, 1000)!;
    expect(a.range.startNs).toBe(0);
    expect(trackAskWindow({ startNs: 0, endNs: 60e9 }, src, 1000)).toBeNull();
    expect(trackAskWindow({ startNs: 0, endNs: 1e9 }, src, 0)).toBeNull();
  });
});

describe('trackCovers', () => {
  it('counts the last step as one step wide', () => {
    expect(trackCovers([10, 20, 30], 10, 40)).toBe(true);
    expect(trackCovers([10, 20, 30], 9, 40)).toBe(false);
    expect(trackCovers([10, 20, 30], 10, 41)).toBe(false);
    expect(trackCovers([10], 10, 10)).toBe(false);
  });
});

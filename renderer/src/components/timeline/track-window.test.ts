import { describe, expect, it } from 'vitest';
import { MAX_TRACK_POINTS, MIN_TRACK_POINTS, trackResolution, visibleSteps } from './track-window.ts';

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

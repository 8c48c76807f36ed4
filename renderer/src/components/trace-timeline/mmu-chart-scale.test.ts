import { describe, expect, it } from 'vitest';
import { curvePath, decadeTicks, logAxis, nearestPoint, utilY, windowLabel } from './mmu-chart-scale.ts';

describe('MMU chart scale', () => {
  const axis = logAxis(1e3, 1e9, 50, 600);
  it('maps window sizes logarithmically: each decade the same width, and back', () => {
    expect(axis.x(1e3)).toBeCloseTo(50, 9);
    expect(axis.x(1e9)).toBeCloseTo(650, 9);
    expect(axis.x(1e6)).toBeCloseTo(350, 9);
    expect(axis.x(1e4) - axis.x(1e3)).toBeCloseTo(axis.x(1e9) - axis.x(1e8), 9);
    expect(axis.invert(axis.x(123456))).toBeCloseTo(123456, 3);
  });
  it('ticks at every power of ten, as Go ticks its /mmu axis, labelled in human units', () => {
    expect(decadeTicks(1e3, 78_232_640)).toEqual([1e3, 1e4, 1e5, 1e6, 1e7]);
    expect(decadeTicks(1, 1e6).map(windowLabel)).toEqual(['1ns', '10ns', '100ns', '1µs', '10µs', '100µs', '1ms']);
    // A span inside one decade still gets its two ends.
    expect(decadeTicks(2000, 5000)).toEqual([2000, 5000]);
    expect(windowLabel(48_595_647)).toBe('48.6ms');
    expect(windowLabel(1_686_964_224)).toBe('1.69s');
  });
  it('draws 100 % at the top, 0 at the bottom; the path goes through every point', () => {
    const area = { left: 50, top: 10, width: 600, height: 200 };
    expect(utilY(1, area)).toBe(10);
    expect(utilY(0, area)).toBe(210);
    const curve = [
      { windowNs: 1e3, mmu: 0 },
      { windowNs: 1e6, mmu: 0.5 },
      { windowNs: 1e9, mmu: 1 },
    ];
    expect(curvePath(curve, axis, area)).toBe('M50.0,210.0L350.0,110.0L650.0,10.0');
    expect(nearestPoint(curve, axis, 340)).toBe(1);
    expect(nearestPoint(curve, axis, 0)).toBe(0);
    expect(nearestPoint([], axis, 0)).toBe(-1);
  });
});

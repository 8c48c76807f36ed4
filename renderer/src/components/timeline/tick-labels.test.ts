import { describe, expect, it } from 'vitest';
import { tickLabels, tickStep } from './tick-labels.ts';

const H = 3600_000;

describe('axis tick labels', () => {
  it('show only the time within one day', () => {
    const t0 = Date.UTC(2026, 10, 22, 19, 0);
    const ticks = [t0, t0 + H, t0 + 2 * H];
    expect(tickLabels(ticks, t0 - 1000, t0 + 2 * H + 1000, 3600e9, 'UTC')).toEqual(['19:00:00', '20:00:00', '21:00:00']);
    expect(tickLabels([t0 + 250], t0, t0 + 1000, 250e6, 'UTC')).toEqual(['19:00:00.250']);
  });
  it('show the date on the first tick and the first tick of each day when the view crosses midnight', () => {
    const t0 = Date.UTC(2026, 10, 22, 22, 0);
    const ticks = [0, 1, 2, 3, 4].map((i) => t0 + i * H);
    expect(tickLabels(ticks, t0, t0 + 4 * H, 3600e9, 'UTC')).toEqual(['Nov 22 22:00:00', '23:00:00', 'Nov 23 00:00:00', '01:00:00', '02:00:00']);
  });
  it('a span of 12 days dates every tick that starts a day', () => {
    const t0 = Date.UTC(2026, 10, 22, 12, 0);
    const ticks = [0, 1, 2, 3].map((i) => t0 + i * 5 * 24 * H);
    expect(tickLabels(ticks, t0, t0 + 12 * 24 * H, 5 * 86400e9, 'UTC')).toEqual(['Nov 22 12:00:00', 'Nov 27 12:00:00', 'Dec 2 12:00:00', 'Dec 7 12:00:00']);
  });
  it('days are those of the shown zone, not UTC', () => {
    // 22:00–02:00 UTC is 07:00–11:00 on one day in Tokyo: no dates.
    const t0 = Date.UTC(2026, 10, 22, 22, 0);
    const ticks = [0, 2, 4].map((i) => t0 + i * H);
    expect(tickLabels(ticks, t0, t0 + 4 * H, 7200e9, 'Asia/Tokyo')).toEqual(['07:00:00', '09:00:00', '11:00:00']);
    // 13:00–17:00 UTC crosses midnight in Tokyo (22:00 → 02:00 on the 23rd).
    const t1 = Date.UTC(2026, 10, 22, 13, 0);
    expect(tickLabels([0, 2, 4].map((i) => t1 + i * H), t1, t1 + 4 * H, 7200e9, 'Asia/Tokyo')).toEqual(['Nov 22 22:00:00', 'Nov 23 00:00:00', '02:00:00']);
  });
});

describe('tick step', () => {
  it('is 1/2/5 × 10^k under a second and a clock step above', () => {
    expect(tickStep(1e6, 5)).toBe(2e5);
    expect(tickStep(2e9, 8)).toBe(5e8);
    expect(tickStep(100e9, 5)).toBe(30e9);
    expect(tickStep(3 * 3600e9, 8)).toBe(1800e9);
    // 12 days over 8 ticks: every 2 days, not every 2.3.
    expect(tickStep(12 * 86400e9, 8)).toBe(2 * 86400e9);
    expect(tickStep(400 * 86400e9, 4)).toBe(15 * 7 * 86400e9);
  });
});

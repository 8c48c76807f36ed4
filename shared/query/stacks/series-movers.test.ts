import { describe, expect, it } from 'vitest';
import { baselineRuns, rateUnit, seriesMoverRows, windowsNs } from './series-movers.ts';
import type { ProfileSeriesInfo } from './profile-series.ts';

const t = [0, 10e9, 20e9, 30e9, 40e9, 50e9];
const series: ProfileSeriesInfo = { id: 'series:block:a', kind: 'block', label: 'x', members: t.map((atNs, i) => ({ id: `s${i}`, name: `b${i}`, atNs })) };

describe('baseline intervals', () => {
  it('are those the baseline ranges use, less the selection, as runs of consecutive intervals', () => {
    // Selection inside interval 3; the rest of the session on both sides shares interval 3's edges.
    const a = { from: 2, to: 3 };
    expect(baselineRuns(t, a, [{ startNs: -5e9, endNs: 25e9 }, { startNs: 26e9, endNs: 60e9 }])).toEqual([
      { from: 0, to: 2 },
      { from: 3, to: 5 },
    ]);
    expect(baselineRuns(t, a, [{ startNs: 21e9, endNs: 29e9 }])).toEqual([]); // only the selection's own interval
    expect(baselineRuns(t, { from: 0, to: 5 }, [{ startNs: 0, endNs: 50e9 }])).toEqual([]);
    expect(windowsNs(series, [{ from: 0, to: 2 }, { from: 3, to: 5 }])).toBe(40e9);
  });
});

describe('mover rows', () => {
  it('compare rates per second; delay reads as goroutines blocked (s/s); score is a share of the activity', () => {
    const a = { flat: new Map([['Lock', 40e9], ['chansend1', 2e9]]), ns: 10e9 }; // 4 and 0.2 goroutines blocked
    const b = { flat: new Map([['Lock', 40e9], ['chansend1', 20e9]]), ns: 40e9 }; // 1 and 0.5
    const rows = seriesMoverRows(series, 's3', 'nanoseconds', a, b);
    const lock = rows.find((r) => r.function === 'Lock')!;
    expect([lock.a!.mean, lock.b!.mean, lock.delta, lock.unit]).toEqual([4, 1, 3, 's/s']);
    expect(lock.score).toBeCloseTo(3 / (4.2 + 1.5), 12);
    expect(rows.find((r) => r.function === 'chansend1')!.delta).toBeCloseTo(-0.3, 12);
    expect(lock.label).toBe('Lock [block, s/s]');
    // Without baseline intervals there is nothing to compare with: no score.
    expect(seriesMoverRows(series, 's3', 'nanoseconds', a, null).every((r) => r.score === 0 && r.delta === null)).toBe(true);
    expect([rateUnit('bytes'), rateUnit('count')]).toEqual(['bytes/s', '/s']);
  });
});

import { describe, expect, it } from 'vitest';
import type { Evidence } from '../../../../shared/query/findings/types.ts';
import { brushOf, flameFocusOf, POINT_PAD_NS, rebased } from './show-evidence.ts';

// Shapes as `tracedeck diagnose` prints them for lock-contention-go1.27 (trace and block profile).
const trace: Evidence = {
  source: 's1',
  sourceName: 'trace.out',
  view: 'flame',
  range: { startNs: 12e9, endNs: 17e9 },
  figure: '189 s waiting on mutexes',
  values: { lockNs: 189e9 },
  focus: { profile: 'sync', function: 'sync.(*Mutex).Lock' },
};
const block: Evidence = { ...trace, source: 's2', sourceName: 'block.pb.gz', range: { startNs: 28e9, endNs: 28e9 }, focus: { profile: 'delay', function: 'sync.(*Mutex).Lock' } };
const heat: Evidence = { ...trace, source: 's3', view: 'heatmap', focus: { state: 'TIME-WAIT' } };

describe('Show', () => {
  it('brushes a range as is and a moment with a visible span', () => {
    expect(brushOf(trace)).toEqual(trace.range);
    expect(brushOf(block)).toEqual({ startNs: 28e9 - POINT_PAD_NS, endNs: 28e9 + POINT_PAD_NS });
  });

  it('focuses the flame graph only for flame evidence naming a function', () => {
    expect(flameFocusOf(trace)).toEqual({ fn: 'sync.(*Mutex).Lock', profile: 'sync' });
    expect(flameFocusOf(block)).toEqual({ fn: 'sync.(*Mutex).Lock', profile: 'delay' });
    expect(flameFocusOf(heat)).toBeNull();
  });

  it('follows a source moved since the findings were computed', () => {
    expect(rebased(heat, 1e9, 1e9)).toBe(heat);
    expect(rebased(heat, 1e9, 3e9).range).toEqual({ startNs: 14e9, endNs: 19e9 });
    expect(rebased(heat, undefined, 3e9)).toBe(heat);
  });
});

import { describe, expect, it } from 'vitest';
import { DEFAULT_HEATMAP_VIEW } from '../../state/heatmap-view.ts';
import { axisSpan } from '../../time-domains.ts';
import { cellListOptions, cellSocketSort, shownSpan } from './heatmap-wiring.ts';

describe('a listed cell asks', () => {
  it('500 sockets in the chosen order, else the biggest queues first when bytes are shown, filtered as typed', () => {
    expect(cellSocketSort(DEFAULT_HEATMAP_VIEW)).toBeNull();
    expect(cellListOptions(DEFAULT_HEATMAP_VIEW)).toEqual({ limit: 500 });
    const recv = { ...DEFAULT_HEATMAP_VIEW, measure: 'recvQ' as const };
    expect(cellListOptions(recv)).toEqual({ limit: 500, sort: { column: 'recvQ', desc: true } });
    const chosen = { ...recv, socketSort: { column: 'peer' as const, desc: false }, socketFilter: '19090' };
    expect(cellListOptions(chosen)).toEqual({ limit: 500, sort: { column: 'peer', desc: false }, filter: '19090' });
  });
});

describe('the map shows', () => {
  it('the selection when zoomed to one, else the data span, a lone snapshot widened by a second each side', () => {
    const sel = axisSpan(5e9, 6e9);
    expect(shownSpan(true, sel, 0, 10e9)).toBe(sel);
    expect(shownSpan(false, sel, 0, 10e9)).toEqual(axisSpan(0, 10e9));
    // An empty selection does not zoom.
    expect(shownSpan(true, axisSpan(5e9, 5e9), 0, 10e9)).toEqual(axisSpan(0, 10e9));
    expect(shownSpan(true, null, 2e9, 2e9)).toEqual(axisSpan(1e9, 3e9));
    expect(shownSpan(false, null, 2e9, 2e9 + 999_999)).toEqual(axisSpan(1e9, 3e9 + 999_999));
    expect(shownSpan(false, null, 2e9, 2e9 + 1e6)).toEqual(axisSpan(2e9, 2e9 + 1e6));
  });
});

import { describe, expect, it } from 'vitest';
import { DEFAULT_HEATMAP_VIEW } from '../../state/heatmap-view.ts';
import { cellListOptions, cellSocketSort } from './heatmap-wiring.ts';

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

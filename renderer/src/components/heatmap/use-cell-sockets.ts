/**
 * The listed cell's query, shared by the one-host and fleet maps. Apart from heatmap-wiring.ts
 * because it asks the engines (the bridge), which that module's unit-tested helpers need not load.
 */
import type { RefObject } from 'react';
import type { QueryArgs } from '../../../../shared/query/query-types.ts';
import type { CellSockets } from '../../../../shared/query/sockets/heatmap-view.ts';
import { useSourceQuery } from '../../query/use-source-query.ts';
import type { HeatmapViewState } from '../../state/heatmap-view.ts';
import type { Picked } from './HeatmapView.tsx';
import { cellListOptions, useListedCell } from './heatmap-wiring.ts';

/** Which row of which map a listed cell is, as `socketsInCell` asks (the snapshot comes from the pick, the list options from the view). */
export type CellAsk = Omit<QueryArgs<'socketsInCell'>, 'snapshot' | 'limit' | 'sort' | 'filter'>;

/**
 * A picked cell's sockets: `socketsInCell` of the capture `sourceId` at the pick's snapshot, listed
 * as the view orders and filters them (cellListOptions), shown only while current (useListedCell).
 * `ask` is null while there is no pick or no map to place it on.
 */
export function useCellSockets<P extends Picked>(
  sourceId: string | null | undefined,
  picked: P | null,
  ask: CellAsk | null,
  view: HeatmapViewState,
): { listed: { pick: P; result: CellSockets } | null; error: string | null; cellRef: RefObject<HTMLDivElement | null> } {
  const cell = useSourceQuery(sourceId, 'socketsInCell', picked && ask ? { snapshot: picked.snapshot, ...ask, ...cellListOptions(view) } : null);
  const { listed, cellRef } = useListedCell(picked, cell);
  return { listed, error: cell.error, cellRef };
}

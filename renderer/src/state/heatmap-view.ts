/**
 * The connection heat map's view state, one per ss source (keyed by source id): row mode, what a
 * cell adds up (sockets or queued bytes), the state the peer/port/process modes count, how many rows,
 * log colour, zoom-to-selection, and the socket table's order and filter.
 */
import type { HeatmapMode } from '../../../shared/query/sockets/socket-heatmap.ts';
import type { SocketMeasure } from '../../../shared/query/sockets/socket-series.ts';
import { SOCKET_MEASURES } from '../../../shared/query/sockets/socket-series.ts';
import { SOCKET_COLUMNS, type SocketSort } from '../../../shared/query/sockets/heatmap-view.ts';

export interface HeatmapViewState {
  mode: HeatmapMode;
  /** Sockets, or the Recv-Q / Send-Q bytes queued on them. */
  measure: SocketMeasure;
  /** The TCP state counted in the peer/port/process modes; null: the busiest one; '' any. */
  state: string | null;
  topN: number;
  log: boolean;
  zoom: boolean;
  /** The socket table's order; null: the owning process's sockets first, capture order within. */
  socketSort: SocketSort | null;
  /** The socket table's filter text ('' = every socket of the cell). */
  socketFilter: string;
  /** With several hosts' captures: this capture's host only, all hosts summed, or one row per host. */
  hosts: HostsShown;
}

export type HostsShown = 'one' | 'sum' | 'rows';
export const HOSTS_SHOWN: readonly HostsShown[] = ['one', 'sum', 'rows'];

export const HEATMAP_MODES: readonly HeatmapMode[] = ['state', 'peer', 'localPort', 'process'];
export const TOP_N_CHOICES: readonly number[] = [5, 10, 20];

export const DEFAULT_HEATMAP_VIEW: HeatmapViewState = Object.freeze({
  mode: 'state',
  measure: 'sockets',
  state: null,
  topN: 10,
  log: false,
  zoom: false,
  socketSort: null,
  socketFilter: '',
  hosts: 'one',
}) as HeatmapViewState;

/** A saved heat-map view back (the session file keeps this shape as is; older files lack the newer keys). */
export function loadHeatmapView(raw: unknown): HeatmapViewState {
  const v = (typeof raw === 'object' && raw !== null ? raw : {}) as Partial<Record<keyof HeatmapViewState, unknown>>;
  const sort = (typeof v.socketSort === 'object' && v.socketSort !== null ? v.socketSort : {}) as Partial<Record<keyof SocketSort, unknown>>;
  return {
    mode: HEATMAP_MODES.includes(v.mode as HeatmapMode) ? (v.mode as HeatmapMode) : 'state',
    measure: SOCKET_MEASURES.includes(v.measure as SocketMeasure) ? (v.measure as SocketMeasure) : 'sockets',
    state: typeof v.state === 'string' ? v.state : null,
    topN: typeof v.topN === 'number' && TOP_N_CHOICES.includes(v.topN) ? v.topN : 10,
    log: v.log === true,
    zoom: v.zoom === true,
    socketSort: SOCKET_COLUMNS.includes(sort.column as SocketSort['column']) ? { column: sort.column as SocketSort['column'], desc: sort.desc === true } : null,
    socketFilter: typeof v.socketFilter === 'string' ? v.socketFilter.slice(0, 256) : '',
    hosts: HOSTS_SHOWN.includes(v.hosts as HostsShown) ? (v.hosts as HostsShown) : 'one',
  };
}

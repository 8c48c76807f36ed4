/**
 * What the heat-map view asks of an ss source: socketHeatmap's bins plus what the view needs to draw
 * them honestly — which bin each bin shows (the nearest snapshot, so 40 snapshots over 300 bins read
 * as a continuous picture, while a real collection gap stays "no snapshot"), the
 * snapshot time behind each bin (tooltips), and a cell's sockets capped to what a table can show.
 */
import type { SocketCaptureModel, SnapshotIndex } from '../../model/sockets.ts';
import { socketHeatmap, socketsInCell, type HeatmapOptions, type SocketHeatmap, type SocketView, type HeatmapMode } from './socket-heatmap.ts';
import { grouping, NO_PROCESS, snapshotCounts } from './socket-series.ts';

export interface HeatmapView extends SocketHeatmap {
  /**
   * For each bin, the bin whose counts it shows: itself when it holds a snapshot; else the nearest
   * bin with a snapshot when it lies between two snapshots no further apart than `holdFactor` × the
   * median spacing, or within half a spacing of the first/last one (or of a gap's edge);
   * -1 = no snapshot there (shown as such, never as zero).
   */
  shownBin: Int32Array;
  /** Time of the latest snapshot in each bin (source-relative ns), NaN for a bin without one. */
  binTimeNs: Float64Array;
  /** Snapshots in the whole source (the view says "no snapshots" apart from "none in range"). */
  snapshotCount: number;
  /** Processes whose sockets all vanished before the capture ended (they exited), in exit order. */
  exits: ProcessExit[];
  /**
   * The bin of the last snapshot in range where any process still owned a socket, when the owners
   * exited within the range (-1 otherwise): snapshots after it are the aftermath, so a summary's
   * "last" reads this bin ("last while alive"), not the empty one after the exit.
   */
  aliveBin: number;
}

export interface ProcessExit {
  /** As the processes mode labels it: "name (pid N)". */
  process: string;
  /** Time of the last snapshot where it owned a socket (source-relative ns). */
  lastSeenNs: number;
  /** Time of the next snapshot, the first without it. */
  goneByNs: number;
}

/**
 * Processes that stopped owning sockets before the last snapshot: the owner's sockets all closed at
 * once, which in a capture means the process exited (or closed every socket). Over the whole capture.
 */
export function processExits(m: SocketCaptureModel): ProcessExit[] {
  const n = m.snapshotCount;
  if (n === 0) return [];
  const g = grouping(m, 'process');
  const { offsets, keys } = snapshotCounts(m, g);
  const last = new Int32Array(g.keyCount).fill(-1);
  for (let s = 0; s < n; s++) for (let e = offsets[s]!; e < offsets[s + 1]!; e++) last[keys[e]!] = s;
  const t = m.snapshots.timeNs;
  const out: ProcessExit[] = [];
  for (let k = 0; k < g.keyCount; k++) {
    const s = last[k]!;
    if (s < 0 || s === n - 1 || g.label(k) === NO_PROCESS) continue;
    out.push({ process: g.label(k), lastSeenNs: t[s]!, goneByNs: t[s + 1]! });
  }
  return out.sort((a, b) => a.lastSeenNs - b.lastSeenNs || (a.process < b.process ? -1 : 1));
}

/** Default: a pause longer than 3 usual intervals is a gap in the collection, not a wide column. */
export const HOLD_FACTOR = 3;

export function heatmapView(m: SocketCaptureModel, opts: HeatmapOptions & { holdFactor?: number; exits?: boolean }): HeatmapView {
  const hm = socketHeatmap(m, opts);
  const bins = hm.binSnapshots.length;
  const binTimeNs = new Float64Array(bins).fill(NaN);
  // The latest snapshot of a bin is the largest index among its cells' snapshots; the cells may not
  // all name it (max over snapshots), so find it from the times directly.
  const t = m.snapshots.timeNs;
  const edges = hm.binEdgesNs;
  for (let s = 0, b = 0; s < m.snapshotCount; s++) {
    const ts = t[s]!;
    if (ts < edges[0]! || ts > edges[bins]!) continue;
    while (b < bins - 1 && ts >= edges[b + 1]!) b++;
    binTimeNs[b] = ts;
  }
  // When the last snapshot holds no owned socket, every owner exited: alive until the latest exit.
  // `exits: false`: a part of a several-hosts map, which shows no exits (they cost a pass by owner).
  const exits = opts.exits === false ? [] : processExits(m);
  const stillOwned = exits.length > 0 && stillOwnedAtEnd(m);
  const lastAlive = exits.length > 0 && !stillOwned ? exits[exits.length - 1]!.lastSeenNs : NaN;
  let aliveBin = -1;
  if (lastAlive >= edges[0]! && lastAlive < edges[bins]! && m.snapshots.timeNs[m.snapshotCount - 1]! <= edges[bins]!) {
    aliveBin = Math.min(bins - 1, Math.max(0, Math.floor(((lastAlive - edges[0]!) / (edges[bins]! - edges[0]!)) * bins)));
    while (aliveBin < bins - 1 && lastAlive >= edges[aliveBin + 1]!) aliveBin++;
    while (aliveBin > 0 && lastAlive < edges[aliveBin]!) aliveBin--;
  }
  return {
    ...hm,
    shownBin: nearestSnapshotBins(hm.binSnapshots, opts.holdFactor ?? HOLD_FACTOR),
    binTimeNs,
    snapshotCount: m.snapshotCount,
    exits,
    aliveBin,
  };
}

/** Whether the capture's last snapshot holds any socket a process owns. */
function stillOwnedAtEnd(m: SocketCaptureModel): boolean {
  const s = m.snapshotCount - 1;
  const first = m.snapshots.firstRow[s]!;
  const end = first + m.snapshots.rowCount[s]!;
  for (let r = first; r < end; r++) if (m.sockets.pid[r]! >= 0 || m.sockets.process[r]! >= 0) return true;
  return false;
}

/**
 * Which bin each bin displays (see HeatmapView.shownBin). Nearest rather than "last before": with
 * last-before, the final snapshot of a capture would get a single bin, i.e. vanish at the right edge.
 * Pure over the per-bin snapshot counts, so it is testable without a model.
 */
export function nearestSnapshotBins(binSnapshots: ArrayLike<number>, holdFactor = HOLD_FACTOR): Int32Array {
  const n = binSnapshots.length;
  const out = new Int32Array(n).fill(-1);
  const data: number[] = [];
  for (let i = 0; i < n; i++) if (binSnapshots[i]! > 0) data.push(i);
  if (data.length === 0) return out;
  const gaps: number[] = [];
  for (let i = 1; i < data.length; i++) gaps.push(data[i]! - data[i - 1]!);
  gaps.sort((a, b) => a - b);
  // Median spacing in bins (≥ 1): adjacent data bins never count as a gap.
  const median = gaps.length > 0 ? Math.max(1, gaps[gaps.length >> 1]!) : 1;
  const limit = holdFactor * median;
  // At the edges (first, last, beside a gap) a snapshot reaches half a usual spacing.
  const reach = Math.floor(median / 2);
  for (let k = 0; k < data.length; k++) {
    const b = data[k]!;
    out[b] = b;
    const prev = data[k - 1];
    if (prev === undefined || b - prev > limit) for (let i = b - 1; i >= Math.max(0, b - reach); i--) out[i] = b;
    const next = data[k + 1];
    if (next !== undefined && next - b <= limit) {
      const mid = b + ((next - b) >> 1); // ties go to the earlier snapshot
      for (let i = b + 1; i < next; i++) out[i] = i <= mid ? b : next;
    } else {
      for (let i = b + 1; i <= Math.min(n - 1, b + reach); i++) out[i] = b;
    }
  }
  return out;
}

export interface CellSockets {
  /** All sockets in the cell. */
  total: number;
  /** Sockets left by the filter (all of them without one). */
  matched: number;
  /** Recv-Q / Send-Q bytes summed over the matched sockets (not only the page). */
  recvQ: number;
  sendQ: number;
  /** The first `limit` matched sockets, in the asked order. */
  sockets: SocketView[];
  snapshot: SnapshotIndex;
  /** Source-relative time of the snapshot listed. */
  timeNs: number;
}

export interface CellSocketsQuery {
  snapshot: SnapshotIndex;
  row: string;
  mode: HeatmapMode;
  state?: string;
  rows?: readonly string[];
  /** Rows returned (a table shows a page, the count says how many there are); default 500. */
  limit?: number;
  /** Order of the whole cell before paging; default: sockets a process owns first (by pid), then capture order. */
  sort?: SocketSort;
  /** Keeps sockets whose local, peer, state, timer or process text contains this (case-insensitive). */
  filter?: string;
}

/** The socket table's columns, each sortable. */
export const SOCKET_COLUMNS = ['process', 'local', 'peer', 'state', 'recvQ', 'sendQ', 'timer', 'rtt', 'cwnd', 'retrans', 'sent', 'received'] as const;
export type SocketColumn = (typeof SOCKET_COLUMNS)[number];
export interface SocketSort {
  column: SocketColumn;
  desc: boolean;
}

/** A socket's process as the table shows it: "name (pid N, fd F)". */
export function processText(p: SocketView['process']): string {
  if (!p) return '';
  return `${p.name || '?'}${p.pid !== null ? ` (${p.pid}${p.fd !== null ? `, fd ${p.fd}` : ''})` : ''}`;
}

/** The value a column sorts by: a number, or text; absent values (no tcp_info) sort last either way. */
function sortValue(v: SocketView, c: SocketColumn): number | string | null {
  const i = v.tcpInfo;
  switch (c) {
    case 'process':
      return v.process ? (v.process.pid ?? -1) : null;
    case 'local':
      return v.local;
    case 'peer':
      return v.peer;
    case 'state':
      return v.state;
    case 'recvQ':
      return v.recvQ;
    case 'sendQ':
      return v.sendQ;
    case 'timer':
      return v.timer ? v.timer.kind : null;
    case 'rtt':
      return i?.rtt ?? null;
    case 'cwnd':
      return i?.cwnd ?? null;
    case 'retrans':
      return i && (i.retransNow !== undefined || i.retransTotal !== undefined) ? (i.retransTotal ?? 0) : null;
    case 'sent':
      return i?.bytesSent ?? null;
    case 'received':
      return i?.bytesReceived ?? null;
  }
}

/** Sorts a cell's sockets (stable: ties keep capture order). */
export function sortSockets(list: SocketView[], sort?: SocketSort): SocketView[] {
  const sorted = list.slice();
  if (!sort) {
    // The owning process's side first: its sockets by pid, then the unowned ones (TIME-WAIT, the peer's
    // half of a connection to another host), each in capture order.
    const pidOf = (v: SocketView) => (v.process ? (v.process.pid ?? Number.MAX_SAFE_INTEGER - 1) : Number.MAX_SAFE_INTEGER);
    return sorted.sort((a, b) => pidOf(a) - pidOf(b) || a.row - b.row);
  }
  const dir = sort.desc ? -1 : 1;
  return sorted.sort((a, b) => {
    const x = sortValue(a, sort.column);
    const y = sortValue(b, sort.column);
    if (x === null || y === null) return x === y ? a.row - b.row : x === null ? 1 : -1;
    const c = typeof x === 'number' && typeof y === 'number' ? x - y : compareText(String(x), String(y));
    return c * dir || a.row - b.row;
  });
}

/** Addresses compare with their numbers as numbers (10.0.0.9:80 before 10.0.0.10:80). */
const collator = new Intl.Collator('en', { numeric: true });
function compareText(a: string, b: string): number {
  return collator.compare(a, b);
}

/** Whether a socket's shown text contains `needle` (already lower case). */
function matches(v: SocketView, needle: string): boolean {
  return [v.local, v.peer, v.state, v.timer?.kind ?? '', processText(v.process)].some((t) => t.toLowerCase().includes(needle));
}

export function cellSockets(m: SocketCaptureModel, q: CellSocketsQuery): CellSockets {
  const all = socketsInCell(m, { snapshot: q.snapshot, row: q.row, mode: q.mode, state: q.state, rows: q.rows });
  const limit = Math.max(0, Math.floor(q.limit ?? 500));
  const needle = (q.filter ?? '').trim().toLowerCase();
  const kept = needle ? all.filter((v) => matches(v, needle)) : all;
  let recvQ = 0;
  let sendQ = 0;
  for (const v of kept) {
    recvQ += v.recvQ;
    sendQ += v.sendQ;
  }
  return {
    total: all.length,
    matched: kept.length,
    recvQ,
    sendQ,
    sockets: sortSockets(kept, q.sort).slice(0, limit),
    snapshot: q.snapshot,
    timeNs: q.snapshot >= 0 && q.snapshot < m.snapshotCount ? m.snapshots.timeNs[q.snapshot]! : NaN,
  };
}

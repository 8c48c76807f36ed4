/**
 * Connection heat map: x = time bins over a range, y = TCP state (or peer / local port / process for
 * one state), cell = sockets. Pure functions over the model.
 *
 * A bin shows the MAX over the snapshots that fall in it (so a short spike survives zooming out), and
 * remembers which snapshot reached it (`cellSnapshot`, the latest on ties) so a click lists exactly
 * the sockets behind the number. Bins without any snapshot have `binSnapshots[bin] === 0`: draw them
 * as "no data", not as zero.
 */
import {
  formatEndpoint,
  TCP_INFO_FIELDS,
  type SnapshotIndex,
  type SocketCaptureModel,
  type SocketRow,
  type TcpInfoField,
} from '../../model/sockets.ts';
import type { Nanoseconds } from '../../model/time.ts';
import {
  addSnapshotCounts,
  groupRows,
  grouping,
  keyOf,
  OTHER,
  snapshotCounts,
  snapshotsInRange,
  type SocketGrouping,
  type SocketMeasure,
  type TimeRange,
} from './socket-series.ts';

export type HeatmapMode = SocketGrouping;

export interface HeatmapOptions {
  /** Defaults to [first snapshot, last snapshot]. */
  range?: TimeRange;
  bins: number;
  mode: HeatmapMode;
  /** For 'peer' / 'localPort' / 'process': count only sockets in this state (all states when omitted). */
  state?: string;
  /** Rows kept for 'peer' / 'localPort' / 'process' before OTHER; default 10. */
  topN?: number;
  host?: string;
  /** What a cell adds up: sockets (default), or their Recv-Q / Send-Q bytes (rows then rank by bytes). */
  measure?: SocketMeasure;
  /**
   * One row only, the whole capture's total (of `state` when given, else of every socket), named
   * `state` or ALL: what a host contributes when hosts are the rows of a fleet's heat map.
   */
  total?: boolean;
}

/** The row of a `total` heat map over every state. */
export const ALL = 'all sockets';

export interface SocketHeatmap {
  rows: string[];
  /** bins + 1 edges: bin i covers [binEdgesNs[i], binEdgesNs[i+1]) (the last bin includes its end). */
  binEdgesNs: Float64Array;
  /** What counts holds: sockets, or queued bytes. */
  measure: SocketMeasure;
  /**
   * rows × bins, row-major: counts[row * bins + bin]. Max over the bin's snapshots. Sockets as
   * Uint32Array; bytes as Float64Array (a snapshot's sum can pass 4 GiB).
   */
  counts: Uint32Array | Float64Array;
  /** Snapshots that fell in each bin; 0 = no data. */
  binSnapshots: Uint32Array;
  /** rows × bins: the snapshot whose count a cell shows, -1 for a bin without data. */
  cellSnapshot: Int32Array;
  max: number;
  /** True when the last row is OTHER (keys outside the top N). */
  hasOther: boolean;
}

export function socketHeatmap(m: SocketCaptureModel, opts: HeatmapOptions): SocketHeatmap {
  const bins = Math.max(1, Math.floor(opts.bins));
  const t = m.snapshots.timeNs;
  const n = m.snapshotCount;
  const start = opts.range?.startNs ?? (n > 0 ? t[0]! : 0);
  let end = opts.range?.endNs ?? (n > 0 ? t[n - 1]! : 0);
  if (!(end >= start)) end = start;
  const snaps = snapshotsInRange(m, { startNs: start, endNs: end }, opts.host);
  // A zero-width range (one snapshot) still gets bins of some width.
  const width = end > start ? (end - start) / bins : 1 / bins;
  if (end === start) end = start + 1;
  const binEdgesNs = new Float64Array(bins + 1);
  for (let i = 0; i <= bins; i++) binEdgesNs[i] = start + i * width;
  binEdgesNs[bins] = end;

  const measure = opts.measure ?? 'sockets';
  const g = opts.total ? grouping(m, 'state') : grouping(m, opts.mode, opts.mode === 'state' ? undefined : opts.state);
  const { rows, rowOfKey, hasOther } = opts.total ? totalRow(m, g.keyCount, opts.state) : groupRows(m, g, opts.mode, snaps, opts.topN ?? 10, measure);
  const sc = snapshotCounts(m, g, measure);
  const nRows = rows.length;
  const bytes = measure !== 'sockets';
  const counts = bytes ? new Float64Array(nRows * bins) : new Uint32Array(nRows * bins);
  const cellSnapshot = new Int32Array(nRows * bins).fill(-1);
  const binSnapshots = new Uint32Array(bins);
  const scratch = bytes ? new Float64Array(nRows + 1) : new Uint32Array(nRows + 1);
  let max = 0;
  for (const s of snaps) {
    const bin = Math.min(bins - 1, Math.max(0, Math.floor((t[s]! - start) / width)));
    binSnapshots[bin]!++;
    scratch.fill(0);
    addSnapshotCounts(sc, s, rowOfKey, scratch);
    for (let i = 0; i < nRows; i++) {
      const c = scratch[i]!;
      const cell = i * bins + bin;
      if (c >= counts[cell]!) {
        counts[cell] = c;
        cellSnapshot[cell] = s;
        if (c > max) max = c;
      }
    }
  }
  return { rows, binEdgesNs, measure, counts, binSnapshots, cellSnapshot, max, hasOther };
}

/** Every state key into row 0 (or only `state`'s; the others into the discarded slot 1). */
function totalRow(m: SocketCaptureModel, keyCount: number, state: string | undefined): { rows: string[]; rowOfKey: Int32Array; hasOther: boolean } {
  const rowOfKey = new Int32Array(keyCount).fill(1);
  for (let k = 0; k < keyCount; k++) if (!state || m.states[k] === state) rowOfKey[k] = 0;
  return { rows: [state || ALL], rowOfKey, hasOther: false };
}

/** One socket as a cell's table lists it. */
export interface SocketView {
  row: SocketRow;
  state: string;
  local: string;
  peer: string;
  localAddr: string;
  localPort: number;
  peerAddr: string;
  peerPort: number;
  recvQ: number;
  sendQ: number;
  timer: { kind: string; remainingMs: number; retrans: number } | null;
  process: { name: string; pid: number | null; fd: number | null } | null;
  /** Fields present in the `-i` details (absent fields omitted); null when there were none. */
  tcpInfo: Partial<Record<TcpInfoField, number>> | null;
}

export function socketView(m: SocketCaptureModel, r: SocketRow): SocketView {
  const so = m.sockets;
  const localAddr = m.strings[so.localAddr[r]!]!;
  const peerAddr = m.strings[so.peerAddr[r]!]!;
  const tk = so.timerKind[r]!;
  const proc = so.process[r]!;
  const pid = so.pid[r]!;
  const fd = so.fd[r]!;
  let tcpInfo: Partial<Record<TcpInfoField, number>> | null = null;
  const ir = so.info[r]!;
  if (ir >= 0) {
    tcpInfo = {};
    for (const f of TCP_INFO_FIELDS) {
      const col = m.tcpInfo[f];
      const v = col[ir]!;
      // float32 columns: show the 7 digits they hold, not the binary rounding (1.506, not 1.50600004).
      if (v === v) tcpInfo[f] = col instanceof Float32Array ? Number(v.toPrecision(7)) : v;
    }
  }
  return {
    row: r,
    state: m.states[so.state[r]!]!,
    local: formatEndpoint(localAddr, so.localPort[r]!),
    peer: formatEndpoint(peerAddr, so.peerPort[r]!),
    localAddr,
    localPort: so.localPort[r]!,
    peerAddr,
    peerPort: so.peerPort[r]!,
    recvQ: so.recvQ[r]!,
    sendQ: so.sendQ[r]!,
    timer: tk === 0 ? null : { kind: m.timerKinds[tk]!, remainingMs: so.timerMs[r]!, retrans: so.timerRetrans[r]! },
    process:
      proc < 0 && pid < 0
        ? null
        : { name: proc < 0 ? '' : m.strings[proc]!, pid: pid < 0 ? null : pid, fd: fd < 0 ? null : fd },
    tcpInfo,
  };
}

export interface CellQuery {
  /** The snapshot to list (e.g. heatmap.cellSnapshot[cell]); or give timeNs. */
  snapshot?: SnapshotIndex;
  /** Picks the last snapshot at or before this time (the first one when earlier than all). */
  timeNs?: Nanoseconds;
  /** Row label as in SocketHeatmap.rows. */
  row: string;
  mode: HeatmapMode;
  state?: string;
  /** The heat map's rows: needed to resolve OTHER (every key not among them). */
  rows?: readonly string[];
}

/** The sockets behind one heat-map cell, in capture order. */
export function socketsInCell(m: SocketCaptureModel, q: CellQuery): SocketView[] {
  const s = q.snapshot ?? (q.timeNs === undefined ? -1 : snapshotAt(m, q.timeNs));
  if (!(s >= 0 && s < m.snapshotCount)) return [];
  const g = grouping(m, q.mode, q.mode === 'state' ? undefined : q.state);
  const shown = new Set(q.rows ?? []);
  shown.delete(OTHER);
  const out: SocketView[] = [];
  const first = m.snapshots.firstRow[s]!;
  const end = first + m.snapshots.rowCount[s]!;
  for (let r = first; r < end; r++) {
    const k = keyOf(m, g, r);
    if (k < 0) continue;
    const label = g.label(k);
    if (q.row === OTHER && q.mode !== 'state' ? !shown.has(label) : label === q.row) out.push(socketView(m, r));
  }
  return out;
}

/** Index of the last snapshot at or before t (0 when t precedes them all), -1 when there are none. */
export function snapshotAt(m: SocketCaptureModel, t: Nanoseconds): SnapshotIndex {
  const times = m.snapshots.timeNs;
  let lo = 0;
  let hi = m.snapshotCount;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (times[mid]! <= t) lo = mid + 1;
    else hi = mid;
  }
  return m.snapshotCount === 0 ? -1 : Math.max(0, lo - 1);
}

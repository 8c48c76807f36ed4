/**
 * Growable column storage for the socket model (growth and trimming: shared/model/column.ts). Columns
 * double when full and are trimmed once at the end, so appending a row is a handful of typed-array
 * stores. Optional columns get their "empty" value ahead of use, a block of rows at a time with native fills, rather than per row.
 */

/** Rows pre-filled with empty values at a time. */
const FILL_BLOCK = 4096;
import type {
  CollectionGap,
  FdCountTable,
  SnapshotTable,
  SocketCaptureModel,
  SocketSummaryTotals,
  SocketTable,
  TcpInfoField,
  TcpInfoTable,
} from '../../model/sockets.ts';
import { TCP_INFO_F32, TCP_INFO_F64 } from '../../model/sockets.ts';
import { ensureCapacity, trimTo } from '../../model/column.ts';

export class SocketColumns {
  length = 0;
  cap: number;
  state: Uint8Array;
  localAddr: Int32Array;
  localPort: Uint16Array;
  peerAddr: Int32Array;
  peerPort: Uint16Array;
  recvQ: Uint32Array;
  sendQ: Uint32Array;
  timerKind: Uint8Array;
  timerMs: Uint32Array;
  timerRetrans: Uint16Array;
  process: Int32Array;
  pid: Int32Array;
  fd: Int32Array;
  info: Int32Array;

  constructor(cap: number) {
    this.cap = Math.max(16, Math.floor(cap));
    const c = this.cap;
    this.state = new Uint8Array(c);
    this.localAddr = new Int32Array(c);
    this.localPort = new Uint16Array(c);
    this.peerAddr = new Int32Array(c);
    this.peerPort = new Uint16Array(c);
    this.recvQ = new Uint32Array(c);
    this.sendQ = new Uint32Array(c);
    this.timerKind = new Uint8Array(c);
    this.timerMs = new Uint32Array(c);
    this.timerRetrans = new Uint16Array(c);
    this.process = new Int32Array(c);
    this.pid = new Int32Array(c);
    this.fd = new Int32Array(c);
    this.info = new Int32Array(c);
  }

  /** Rows below this hold empty optional columns (or were appended). */
  private filled = 0;

  /** Appends a row with every optional column empty; returns its index. */
  add(): number {
    if (this.length === this.filled) this.fillBlock();
    return this.length++;
  }

  /** Drops every row. */
  reset(): void {
    this.length = 0;
    this.filled = 0;
  }

  private fillBlock(): void {
    if (this.length === this.cap) this.grow();
    const a = this.filled;
    const b = Math.min(this.cap, a + FILL_BLOCK);
    this.timerKind.fill(0, a, b);
    this.timerMs.fill(0, a, b);
    this.timerRetrans.fill(0, a, b);
    this.process.fill(-1, a, b);
    this.pid.fill(-1, a, b);
    this.fd.fill(-1, a, b);
    this.info.fill(-1, a, b);
    this.filled = b;
  }

  private grow(): void {
    const c = this.cap * 2;
    this.cap = c;
    this.state = ensureCapacity(this.state, c);
    this.localAddr = ensureCapacity(this.localAddr, c);
    this.localPort = ensureCapacity(this.localPort, c);
    this.peerAddr = ensureCapacity(this.peerAddr, c);
    this.peerPort = ensureCapacity(this.peerPort, c);
    this.recvQ = ensureCapacity(this.recvQ, c);
    this.sendQ = ensureCapacity(this.sendQ, c);
    this.timerKind = ensureCapacity(this.timerKind, c);
    this.timerMs = ensureCapacity(this.timerMs, c);
    this.timerRetrans = ensureCapacity(this.timerRetrans, c);
    this.process = ensureCapacity(this.process, c);
    this.pid = ensureCapacity(this.pid, c);
    this.fd = ensureCapacity(this.fd, c);
    this.info = ensureCapacity(this.info, c);
  }

  finish(): SocketTable {
    const n = this.length;
    return {
      length: n,
      state: trimTo(this.state, n),
      localAddr: trimTo(this.localAddr, n),
      localPort: trimTo(this.localPort, n),
      peerAddr: trimTo(this.peerAddr, n),
      peerPort: trimTo(this.peerPort, n),
      recvQ: trimTo(this.recvQ, n),
      sendQ: trimTo(this.sendQ, n),
      timerKind: trimTo(this.timerKind, n),
      timerMs: trimTo(this.timerMs, n),
      timerRetrans: trimTo(this.timerRetrans, n),
      process: trimTo(this.process, n),
      pid: trimTo(this.pid, n),
      fd: trimTo(this.fd, n),
      info: trimTo(this.info, n),
    };
  }
}

/** tcp_info columns: float32 for small quantities and rates, float64 for byte counters (exceed 2^24). */
export class TcpInfoColumns {
  length = 0;
  cap: number;
  f32: Float32Array[];
  f64: Float64Array[];
  static readonly F32 = TCP_INFO_F32;
  static readonly F64 = TCP_INFO_F64;

  /** f32 then f64 columns in one list (slots: COL_SLOT), for stores picked by a table. */
  cols: (Float32Array | Float64Array)[];

  constructor(cap: number) {
    this.cap = Math.max(16, Math.floor(cap));
    this.f32 = TcpInfoColumns.F32.map(() => new Float32Array(this.cap));
    this.f64 = TcpInfoColumns.F64.map(() => new Float64Array(this.cap));
    this.cols = [...this.f32, ...this.f64];
  }

  /** Rows below this are NaN (or were appended). */
  private filled = 0;

  /** Appends a row with every field absent (NaN); returns its index. */
  add(): number {
    if (this.length === this.filled) this.fillBlock();
    return this.length++;
  }

  /** Drops every row. */
  reset(): void {
    this.length = 0;
    this.filled = 0;
  }

  private fillBlock(): void {
    if (this.length === this.cap) {
      this.cap *= 2;
      this.f32 = this.f32.map((a) => ensureCapacity(a, this.cap));
      this.f64 = this.f64.map((a) => ensureCapacity(a, this.cap));
      this.cols = [...this.f32, ...this.f64];
    }
    const a = this.filled;
    const b = Math.min(this.cap, a + FILL_BLOCK);
    for (const col of this.f32) col.fill(NaN, a, b);
    for (const col of this.f64) col.fill(NaN, a, b);
    this.filled = b;
  }

  finish(): TcpInfoTable {
    const n = this.length;
    const t: Record<string, Float32Array | Float64Array | number> = { length: n };
    TcpInfoColumns.F32.forEach((k, i) => (t[k] = trimTo(this.f32[i]!, n)));
    TcpInfoColumns.F64.forEach((k, i) => (t[k] = trimTo(this.f64[i]!, n)));
    return t as unknown as TcpInfoTable;
  }
}

/** Column slots in TcpInfoColumns.f32 / f64, by field. */
export const F32_SLOT = Object.fromEntries(TcpInfoColumns.F32.map((k, i) => [k, i])) as Record<
  (typeof TcpInfoColumns.F32)[number],
  number
>;
export const F64_SLOT = Object.fromEntries(TcpInfoColumns.F64.map((k, i) => [k, i])) as Record<
  (typeof TcpInfoColumns.F64)[number],
  number
>;
/** Slots in TcpInfoColumns.cols, by field. */
export const COL_SLOT = Object.fromEntries(
  [...TcpInfoColumns.F32, ...TcpInfoColumns.F64].map((k, i) => [k, i]),
) as Record<TcpInfoField, number>;

export interface SnapshotDraft {
  /** ns relative to the first header seen (re-based to the earliest at the end). */
  timeNs: number;
  host: number;
  firstRow: number;
  rowCount: number;
}

export interface FdDraft {
  timeNs: number;
  host: number;
  pid: number;
  count: number;
}

/** Sorts by time (stable) and returns whether the input was out of order. */
export function sortByTime<T extends { timeNs: number }>(items: T[]): boolean {
  for (let i = 1; i < items.length; i++) {
    if (items[i]!.timeNs < items[i - 1]!.timeNs) {
      items.sort((a, b) => a.timeNs - b.timeNs);
      return true;
    }
  }
  return false;
}

export function buildModel(parts: {
  snapshots: SnapshotDraft[];
  shiftNs: number;
  sockets: SocketColumns;
  tcpInfo: TcpInfoColumns;
  strings: string[];
  states: string[];
  timerKinds: string[];
  fdCounts: FdDraft[];
  gaps: CollectionGap[];
  summary: SocketSummaryTotals | null;
  skippedLines: number;
}): SocketCaptureModel {
  const s = parts.snapshots;
  const snapshots: SnapshotTable = {
    length: s.length,
    timeNs: Float64Array.from(s, (x) => x.timeNs - parts.shiftNs),
    host: Int32Array.from(s, (x) => x.host),
    firstRow: Uint32Array.from(s, (x) => x.firstRow),
    rowCount: Uint32Array.from(s, (x) => x.rowCount),
  };
  const f = parts.fdCounts;
  const fdCounts: FdCountTable = {
    length: f.length,
    timeNs: Float64Array.from(f, (x) => x.timeNs - parts.shiftNs),
    host: Int32Array.from(f, (x) => x.host),
    pid: Int32Array.from(f, (x) => x.pid),
    count: Float64Array.from(f, (x) => x.count),
  };
  return {
    snapshotCount: s.length,
    snapshots,
    sockets: parts.sockets.finish(),
    tcpInfo: parts.tcpInfo.finish(),
    strings: parts.strings,
    states: parts.states,
    timerKinds: parts.timerKinds,
    fdCounts,
    gaps: parts.gaps.map((g) => ({ ...g, timeNs: g.timeNs - parts.shiftNs })),
    summary: parts.summary,
    skippedLines: parts.skippedLines,
  };
}

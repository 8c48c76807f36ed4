/**
 * Time series over socket snapshots, one point per snapshot: sockets per state, per peer address,
 * per local port, per process; and the fd-count series of live captures. Pure functions over the model.
 * Also the grouping helpers ("keys") the heat map shares.
 */
import { TCP_STATES, type SnapshotIndex, type SocketCaptureModel, type SocketRow } from '../../model/sockets.ts';
import type { Nanoseconds } from '../../model/time.ts';

export type SocketGrouping = 'state' | 'peer' | 'localPort' | 'process';

/**
 * What a cell / point adds up: sockets, or the bytes queued on them (Recv-Q: received but not yet
 * read by the process, the mark of a reader that stopped; Send-Q: written but not yet acknowledged).
 */
export type SocketMeasure = 'sockets' | 'recvQ' | 'sendQ';
export const SOCKET_MEASURES: readonly SocketMeasure[] = ['sockets', 'recvQ', 'sendQ'];

export interface TimeRange {
  startNs: Nanoseconds;
  endNs: Nanoseconds;
}

export interface SocketSeries {
  /** Snapshot times (relative to the source origin). */
  timeNs: Float64Array;
  /** Snapshot index of each point. */
  snapshot: Int32Array;
  series: { name: string; values: Uint32Array }[];
}

/** Label of sockets that no process owns (TIME-WAIT, orphans) in 'process' grouping. */
export const NO_PROCESS = '(no process)';
/** Row collecting every key outside the top N. */
export const OTHER = 'other';

/** Snapshots whose time lies in [startNs, endNs] (all when no range), optionally of one host. */
export function snapshotsInRange(m: SocketCaptureModel, range?: TimeRange, host?: string): SnapshotIndex[] {
  const t = m.snapshots.timeNs;
  let lo = 0;
  let hi = m.snapshotCount;
  if (range) {
    lo = lowerBound(t, range.startNs, hi);
    hi = lowerBound(t, nextUp(range.endNs), hi);
  }
  const hostIdx = host === undefined ? -1 : m.strings.indexOf(host);
  const out: SnapshotIndex[] = [];
  for (let s = lo; s < hi; s++) if (hostIdx < 0 ? host === undefined : m.snapshots.host[s] === hostIdx) out.push(s);
  return out;
}

function nextUp(x: number): number {
  return x + Math.max(Number.MIN_VALUE, Math.abs(x) * Number.EPSILON);
}

function lowerBound(a: Float64Array, x: number, n: number): number {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * How sockets are grouped. The key of row r is `col[r] + offset` (a small dense integer, so counting
 * is array indexing), or none when `state >= 0` and the row is in another state. Plain typed arrays
 * rather than a per-row callback keep the 10 M-row loops fast.
 */
export interface Grouping {
  keyCount: number;
  col: Uint8Array | Uint16Array | Int32Array;
  offset: number;
  /** State filter (index into model.states), -1 = every state. */
  state: number;
  label: (k: number) => string;
}

export function grouping(m: SocketCaptureModel, by: SocketGrouping, state?: string): Grouping {
  const so = m.sockets;
  let st = state === undefined ? -1 : m.states.indexOf(state);
  // An unknown state matches nothing: filter on an index no row has.
  if (state !== undefined && st < 0) st = m.states.length;
  switch (by) {
    case 'state':
      return { keyCount: m.states.length, col: so.state, offset: 0, state: st, label: (k) => m.states[k]! };
    case 'peer':
      return { keyCount: m.strings.length, col: so.peerAddr, offset: 0, state: st, label: (k) => m.strings[k]! };
    case 'localPort':
      return { keyCount: 65536, col: so.localPort, offset: 0, state: st, label: (k) => (k === 0 ? '*' : String(k)) };
    case 'process': {
      // One key per owning process (pid), not per name: a client and its upstream built from the
      // same binary are two rows. key 0 = no process.
      const o = owners(m);
      return { keyCount: o.labels.length, col: o.col, offset: 0, state: st, label: (k) => o.labels[k]! };
    }
  }
}

/** Per model: each row's owner key (index into labels; 0 = no process) and the owners' row labels. */
interface Owners {
  col: Int32Array;
  labels: string[];
}
const ownersCache = new WeakMap<SocketCaptureModel, Owners>();

/**
 * Owners keyed by (name, pid), and by host too when the capture holds several hosts (the same pid on
 * two hosts is two processes). Labels read "name (pid N)", or "pid N" when ss showed no name.
 */
function owners(m: SocketCaptureModel): Owners {
  const hit = ownersCache.get(m);
  if (hit) return hit;
  const so = m.sockets;
  const { firstRow, rowCount, host } = m.snapshots;
  const hosts = new Set<number>();
  for (let s = 0; s < m.snapshotCount; s++) hosts.add(host[s]!);
  const manyHosts = hosts.size > 1;
  const col = new Int32Array(so.length);
  const labels = [NO_PROCESS];
  const keyOfOwner = new Map<string, number>();
  for (let s = 0; s < m.snapshotCount; s++) {
    const h = manyHosts ? host[s]! : -1;
    for (let r = firstRow[s]!, end = r + rowCount[s]!; r < end; r++) {
      const proc = so.process[r]!;
      const pid = so.pid[r]!;
      if (proc < 0 && pid < 0) continue;
      const id = `${proc}:${pid}:${h}`;
      let k = keyOfOwner.get(id);
      if (k === undefined) {
        const name = proc < 0 ? '' : m.strings[proc]!;
        const who = pid < 0 ? name : name ? `${name} (pid ${pid})` : `pid ${pid}`;
        keyOfOwner.set(id, (k = labels.length));
        labels.push(h < 0 ? who : `${who} @ ${m.strings[h]}`);
      }
      col[r] = k;
    }
  }
  const built = { col, labels };
  ownersCache.set(m, built);
  return built;
}

/** Key of one row, -1 when the state filter excludes it. */
export function keyOf(m: SocketCaptureModel, g: Grouping, r: SocketRow): number {
  return g.state >= 0 && m.sockets.state[r] !== g.state ? -1 : g.col[r]! + g.offset;
}

/**
 * Adds the rows of snapshot s into `acc[map[key]]` (or `acc[key]` when map is null). Branch-free on
 * the state filter (a row in another state adds 0), since states interleave unpredictably.
 */
export function accumulate(
  m: SocketCaptureModel,
  g: Grouping,
  s: SnapshotIndex,
  map: Int32Array | null,
  acc: Uint32Array | Float64Array,
): void {
  const col = g.col;
  const off = g.offset;
  const st = g.state;
  const stateCol = m.sockets.state;
  const first = m.snapshots.firstRow[s]!;
  const end = first + m.snapshots.rowCount[s]!;
  if (map === null) {
    if (st < 0) for (let r = first; r < end; r++) acc[col[r]! + off]!++;
    else for (let r = first; r < end; r++) acc[col[r]! + off]! += +(stateCol[r] === st);
  } else if (st < 0) {
    for (let r = first; r < end; r++) acc[map[col[r]! + off]!]!++;
  } else {
    for (let r = first; r < end; r++) acc[map[col[r]! + off]!]! += +(stateCol[r] === st);
  }
}

/**
 * Per-snapshot counts of one grouping (with its state filter), sparse: snapshot s has the keys
 * keys[offsets[s] .. offsets[s+1]) with sockets counts[…]. One pass over the rows builds it; every
 * heat map / series / top-N after that reads only these (a few entries per snapshot), so redrawing
 * a 10 M-row capture at another range or bin count does not touch the rows again.
 */
export interface SnapshotCounts {
  offsets: Uint32Array;
  keys: Int32Array;
  /** Sockets (Uint32Array), or queued bytes (Float64Array: a snapshot's sum can pass 4 GiB). */
  counts: Uint32Array | Float64Array;
}

/** Built counts per model, then per grouping (`column:state:offset:keyCount`). */
const countsCache = new WeakMap<SocketCaptureModel, Map<string, SnapshotCounts>>();
/** Above this many entries (~32 MB) counts are rebuilt per query rather than kept. */
const MAX_CACHED_ENTRIES = 4 << 20;

/**
 * Counts a model inherits from the one it grew from (a live capture's refresh appends snapshots):
 * per grouping id, built over its first `from` snapshots. Kept instead of the older model itself, so
 * that one can be freed.
 */
const inherited = new WeakMap<SocketCaptureModel, { from: number; counts: Map<string, SnapshotCounts> }>();

/**
 * Tells the counts cache that `next` is `prev` with snapshots appended (the engine calls this after
 * a live capture's refresh): the socket counts already built for `prev` are extended by the new
 * snapshots instead of built again over the whole capture. Checked: the last snapshot of `prev`
 * must be the same in `next`, else nothing is inherited.
 */
export function noteCaptureGrowth(prev: SocketCaptureModel, next: SocketCaptureModel): void {
  const n = prev.snapshotCount;
  const built = countsCache.get(prev);
  if (!built || n === 0 || next.snapshotCount < n || prev === next) return;
  const a = prev.snapshots;
  const b = next.snapshots;
  const last = n - 1;
  if (a.timeNs[last] !== b.timeNs[last] || a.firstRow[last] !== b.firstRow[last] || a.rowCount[last] !== b.rowCount[last]) return;
  const counts = new Map<string, SnapshotCounts>();
  // Socket counts by state or local port: their keys mean the same in both models (peers and owners are
  // numbered per model and may grow).
  for (const [id, c] of built) if (id.endsWith(':sockets') && (id.startsWith('state:') || id.startsWith('port:'))) counts.set(id, c);
  if (counts.size > 0) inherited.set(next, { from: n, counts });
}

/** `base` (the first `from` snapshots' counts) followed by the counts of snapshots from `from` on. */
function extendCounts(m: SocketCaptureModel, g: Grouping, base: SnapshotCounts, from: number): SnapshotCounts {
  const tail = buildCounts(m, g, from);
  const n = m.snapshotCount;
  const nnz0 = base.offsets[from]!;
  const offsets = new Uint32Array(n + 1);
  offsets.set(base.offsets.subarray(0, from + 1));
  for (let s = from; s < n; s++) offsets[s + 1] = nnz0 + tail.offsets[s - from + 1]!;
  const keys = new Int32Array(nnz0 + tail.keys.length);
  keys.set(base.keys.subarray(0, nnz0));
  keys.set(tail.keys, nnz0);
  const counts = new Uint32Array(keys.length);
  counts.set(base.counts.subarray(0, nnz0));
  counts.set(tail.counts, nnz0);
  return { offsets, keys, counts };
}

export function snapshotCounts(m: SocketCaptureModel, g: Grouping, measure: SocketMeasure = 'sockets'): SnapshotCounts {
  const so = m.sockets;
  const c = g.col;
  const column =
    c === so.state ? 'state' : c === so.peerAddr ? 'peer' : c === so.localPort ? 'port' : c === owners(m).col ? 'owner' : '';
  // A grouping over some other array (not one of this model's columns) is never cached.
  const build = () => (measure === 'sockets' ? buildCounts(m, g) : buildSums(m, g, so[measure]));
  if (column === '') return build();
  const id = `${column}:${g.state}:${g.offset}:${g.keyCount}:${measure}`;
  let perModel = countsCache.get(m);
  const hit = perModel?.get(id);
  if (hit) return hit;
  const from = inherited.get(m);
  const base = from?.counts.get(id);
  const built = base ? extendCounts(m, g, base, from!.from) : build();
  if (built.keys.length <= MAX_CACHED_ENTRIES) {
    if (!perModel) countsCache.set(m, (perModel = new Map()));
    perModel.set(id, built);
  }
  return built;
}

/** Counts of snapshots `from` … last (offsets relative to `from`: offsets[s - from]). */
function buildCounts(m: SocketCaptureModel, g: Grouping, from = 0): SnapshotCounts {
  const n = m.snapshotCount;
  const { firstRow, rowCount } = m.snapshots;
  const col = g.col;
  const off = g.offset;
  const st = g.state;
  const stateCol = m.sockets.state;
  const nk = g.keyCount;
  // Four counters per key, row r adding to counter r & 3 when filtering: adding 0 or 1 to one
  // counter per key would make a chain of dependent increments through memory.
  const cnt = new Uint32Array(nk * 4);
  const seen = new Uint8Array(nk);
  const touched = new Int32Array(nk);
  const offsets = new Uint32Array(n - from + 1);
  let keys = new Int32Array(Math.max(16, (n - from) * 4));
  let counts = new Uint32Array(keys.length);
  let nnz = 0;
  for (let s = from; s < n; s++) {
    const first = firstRow[s]!;
    const end = first + rowCount[s]!;
    let nt = 0;
    // A key outside [0, keyCount) (corrupt data) reads undefined in `seen` and is never counted, as
    // out-of-range typed-array stores never were. The state filter adds 0 rather than branching
    // (the state of consecutive rows is unpredictable).
    if (st < 0) {
      for (let r = first; r < end; r++) {
        const k = col[r]! + off;
        if (cnt[k * 4]!++ === 0) touched[nt++] = k;
      }
    } else {
      for (let r = first; r < end; r++) {
        const k = col[r]! + off;
        if (seen[k] === 0) {
          seen[k] = 1;
          touched[nt++] = k;
        }
        cnt[k * 4 + (r & 3)]! += +(stateCol[r] === st);
      }
    }
    if (nnz + nt > keys.length) {
      const cap = Math.max(keys.length * 2, nnz + nt);
      const k2 = new Int32Array(cap);
      k2.set(keys);
      keys = k2;
      const c2 = new Uint32Array(cap);
      c2.set(counts);
      counts = c2;
    }
    for (let i = 0; i < nt; i++) {
      const k = touched[i]!;
      const j = k * 4;
      const c = cnt[j]! + cnt[j + 1]! + cnt[j + 2]! + cnt[j + 3]!;
      cnt[j] = cnt[j + 1] = cnt[j + 2] = cnt[j + 3] = 0;
      seen[k] = 0;
      if (c > 0) {
        keys[nnz] = k;
        counts[nnz] = c;
        nnz++;
      }
    }
    offsets[s - from + 1] = nnz;
  }
  return { offsets, keys: keys.slice(0, nnz), counts: counts.slice(0, nnz) };
}

/**
 * snapshotCounts for a byte measure: per snapshot, the sum of `weight` (recvQ or sendQ) per key, only
 * keys with a non-zero sum kept. Plainer than buildCounts: a Float64 sum per key needs no lanes.
 */
function buildSums(m: SocketCaptureModel, g: Grouping, weight: Uint32Array): SnapshotCounts {
  const n = m.snapshotCount;
  const { firstRow, rowCount } = m.snapshots;
  const col = g.col;
  const off = g.offset;
  const st = g.state;
  const stateCol = m.sockets.state;
  const sum = new Float64Array(g.keyCount);
  const touched = new Int32Array(g.keyCount);
  const offsets = new Uint32Array(n + 1);
  const keys: number[] = [];
  const sums: number[] = [];
  for (let s = 0; s < n; s++) {
    const first = firstRow[s]!;
    const end = first + rowCount[s]!;
    let nt = 0;
    for (let r = first; r < end; r++) {
      const w = weight[r]!;
      if (w === 0 || (st >= 0 && stateCol[r] !== st)) continue;
      const k = col[r]! + off;
      if (!(k >= 0 && k < sum.length)) continue; // corrupt key: never counted (as in buildCounts)
      if (sum[k] === 0) touched[nt++] = k;
      sum[k]! += w;
    }
    for (let i = 0; i < nt; i++) {
      const k = touched[i]!;
      keys.push(k);
      sums.push(sum[k]!);
      sum[k] = 0;
    }
    offsets[s + 1] = keys.length;
  }
  return { offsets, keys: Int32Array.from(keys), counts: Float64Array.from(sums) };
}

/** Per-key totals (socket-snapshots, or byte-snapshots for a byte measure) over the given snapshots. */
export function keyTotals(m: SocketCaptureModel, g: Grouping, snaps: readonly SnapshotIndex[], measure: SocketMeasure = 'sockets'): Float64Array {
  const totals = new Float64Array(g.keyCount);
  const { offsets, keys, counts } = snapshotCounts(m, g, measure);
  for (const s of snaps) {
    for (let e = offsets[s]!, end = offsets[s + 1]!; e < end; e++) totals[keys[e]!]! += counts[e]!;
  }
  return totals;
}

/** Adds the counts of snapshot s into acc[map[key]] (snapshotCounts form of `accumulate`). */
export function addSnapshotCounts(c: SnapshotCounts, s: SnapshotIndex, map: Int32Array, acc: Uint32Array | Float64Array): void {
  const { offsets, keys, counts } = c;
  for (let e = offsets[s]!, end = offsets[s + 1]!; e < end; e++) acc[map[keys[e]!]!]! += counts[e]!;
}

/** Per model: whether each state index occurs in any row (for the state rows beyond TCP_STATES). */
const statesPresent = new WeakMap<SocketCaptureModel, Uint8Array>();

function presentStates(m: SocketCaptureModel): Uint8Array {
  let present = statesPresent.get(m);
  if (!present) {
    present = new Uint8Array(m.states.length);
    const col = m.sockets.state;
    for (let r = 0; r < col.length; r++) present[col[r]!] = 1;
    statesPresent.set(m, present);
  }
  return present;
}

/**
 * Rows for a grouping: for 'state', every TCP state in heat-map order plus any other state present in
 * the model; otherwise the topN keys by their total of the measure (ties by label) plus OTHER when anything
 * else is counted. Returns the labels and a key → row map (rows.length-1 = OTHER when present); keys
 * on no row map to rows.length, a spare slot callers give their counters so the hot loops need no test.
 */
export function groupRows(
  m: SocketCaptureModel,
  g: Grouping,
  by: SocketGrouping,
  snaps: readonly SnapshotIndex[],
  topN: number,
  measure: SocketMeasure = 'sockets',
): { rows: string[]; rowOfKey: Int32Array; hasOther: boolean } {
  const rowOfKey = new Int32Array(g.keyCount);
  const rows: string[] = [];
  if (by === 'state') {
    const present = m.states.length > TCP_STATES.length ? presentStates(m) : new Uint8Array(m.states.length);
    const keep: number[] = [];
    for (let k = 0; k < m.states.length; k++) {
      if (k < TCP_STATES.length || present[k]) {
        keep.push(k);
        rows.push(m.states[k]!);
      }
    }
    rowOfKey.fill(rows.length);
    keep.forEach((k, i) => (rowOfKey[k] = i));
    return { rows, rowOfKey, hasOther: false };
  }
  const totals = keyTotals(m, g, snaps, measure);
  const keys: number[] = [];
  for (let k = 0; k < totals.length; k++) if (totals[k]! > 0) keys.push(k);
  keys.sort((a, b) => totals[b]! - totals[a]! || cmp(g.label(a), g.label(b)));
  const top = keys.slice(0, Math.max(0, topN));
  const hasOther = keys.length > top.length;
  rowOfKey.fill(top.length + (hasOther ? 1 : 0));
  for (const k of top) {
    rowOfKey[k] = rows.length;
    rows.push(g.label(k));
  }
  if (hasOther) {
    for (const k of keys.slice(top.length)) rowOfKey[k] = rows.length;
    rows.push(OTHER);
  }
  return { rows, rowOfKey, hasOther };
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export interface SeriesOptions {
  range?: TimeRange;
  host?: string;
  /** Only sockets in this state ('peer' / 'localPort' / 'process' groupings). */
  state?: string;
  /** Keys kept for 'peer' / 'localPort' / 'process' (the rest sum into OTHER); default 10. */
  topN?: number;
  /** Drop series that are zero at every point (default true). */
  dropEmpty?: boolean;
}

/** Sockets per group at each snapshot. */
export function socketSeries(m: SocketCaptureModel, by: SocketGrouping, opts: SeriesOptions = {}): SocketSeries {
  const snaps = snapshotsInRange(m, opts.range, opts.host);
  const g = grouping(m, by, by === 'state' ? undefined : opts.state);
  const { rows, rowOfKey } = groupRows(m, g, by, snaps, opts.topN ?? 10);
  const values = rows.map(() => new Uint32Array(snaps.length));
  const scratch = new Uint32Array(rows.length + 1);
  const counts = snapshotCounts(m, g);
  snaps.forEach((s, i) => {
    scratch.fill(0);
    addSnapshotCounts(counts, s, rowOfKey, scratch);
    for (let row = 0; row < rows.length; row++) values[row]![i] = scratch[row]!;
  });
  let series = rows.map((name, i) => ({ name, values: values[i]! }));
  if (opts.dropEmpty ?? true) series = series.filter((x) => x.values.some((v) => v > 0));
  return {
    timeNs: Float64Array.from(snaps, (s) => m.snapshots.timeNs[s]!),
    snapshot: Int32Array.from(snaps),
    series,
  };
}

export interface QueuedBytes {
  timeNs: Float64Array;
  snapshot: Int32Array;
  /** Sum of Recv-Q over the snapshot's sockets (bytes received, not yet read by the process). */
  recvQ: Float64Array;
  /** Sum of Send-Q (bytes written, not yet acknowledged by the peer). */
  sendQ: Float64Array;
}

/** Bytes queued on all sockets at each snapshot: the per-snapshot totals of Recv-Q and Send-Q. */
export function queuedBytes(m: SocketCaptureModel, opts: { range?: TimeRange; host?: string } = {}): QueuedBytes {
  const snaps = snapshotsInRange(m, opts.range, opts.host);
  const { firstRow, rowCount } = m.snapshots;
  const { recvQ, sendQ } = m.sockets;
  const rq = new Float64Array(snaps.length);
  const sq = new Float64Array(snaps.length);
  snaps.forEach((s, i) => {
    let a = 0;
    let b = 0;
    for (let r = firstRow[s]!, end = r + rowCount[s]!; r < end; r++) {
      a += recvQ[r]!;
      b += sendQ[r]!;
    }
    rq[i] = a;
    sq[i] = b;
  });
  return { timeNs: Float64Array.from(snaps, (s) => m.snapshots.timeNs[s]!), snapshot: Int32Array.from(snaps), recvQ: rq, sendQ: sq };
}

/** Sockets per state at each snapshot (states that never occur omitted unless dropEmpty is false). */
export function socketsByState(m: SocketCaptureModel, opts: Omit<SeriesOptions, 'state' | 'topN'> = {}): SocketSeries {
  return socketSeries(m, 'state', opts);
}

export interface StateStats {
  first: number;
  /** At snapshot floor(n/2). */
  mid: number;
  last: number;
  max: number;
  /** Time of the first snapshot reaching max, relative to the first snapshot. */
  maxAtNs: Nanoseconds;
}

/** first / mid / max / last sockets in one state across the whole capture. */
export function stateStats(m: SocketCaptureModel, state: string): StateStats {
  const ser = socketSeries(m, 'state', { dropEmpty: false });
  const v = ser.series.find((x) => x.name === state)?.values ?? new Uint32Array(ser.timeNs.length);
  const n = v.length;
  let max = 0;
  let at = 0;
  for (let i = 0; i < n; i++) {
    if (v[i]! > max) {
      max = v[i]!;
      at = i;
    }
  }
  const t0 = n > 0 ? ser.timeNs[0]! : 0;
  return {
    first: n > 0 ? v[0]! : 0,
    mid: n > 0 ? v[n >> 1]! : 0,
    last: n > 0 ? v[n - 1]! : 0,
    max,
    maxAtNs: n > 0 ? ser.timeNs[at]! - t0 : 0,
  };
}

export interface FdSeries {
  host: string;
  pid: number;
  timeNs: Float64Array;
  values: Float64Array;
}

/** `### fd-count` samples grouped by (host, pid), in time order. */
export function fdCountSeries(m: SocketCaptureModel): FdSeries[] {
  const f = m.fdCounts;
  const groups = new Map<string, { host: string; pid: number; idx: number[] }>();
  for (let i = 0; i < f.length; i++) {
    const host = m.strings[f.host[i]!]!;
    const pid = f.pid[i]!;
    const key = `${host}\0${pid}`;
    let gr = groups.get(key);
    if (!gr) groups.set(key, (gr = { host, pid, idx: [] }));
    gr.idx.push(i);
  }
  return [...groups.values()].map((gr) => ({
    host: gr.host,
    pid: gr.pid,
    timeNs: Float64Array.from(gr.idx, (i) => f.timeNs[i]!),
    values: Float64Array.from(gr.idx, (i) => f.count[i]!),
  }));
}

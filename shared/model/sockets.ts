/**
 * Socket snapshots (`ss` / `netstat` output, one or many over time) — owned by shared/ingest/ss.
 *
 * Struct-of-arrays, so 10k snapshots × 1k sockets (10 M rows) stay in typed arrays (~48 bytes a row,
 * plus ~88 bytes for each row that carried `-i` tcp_info details):
 *
 *   snapshots  (one per `### ss-snapshot` header, or one for a lone ss/netstat output)
 *     timeNs[s] host[s] firstRow[s] rowCount[s]     sorted by time; rows of snapshot s are
 *                                                    firstRow[s] .. firstRow[s]+rowCount[s]-1
 *   sockets    (one per socket line; continuation lines fold into their socket)
 *     state[r] → states[]        localAddr[r] peerAddr[r] process[r] → strings[]
 *     localPort[r] peerPort[r]   (0 = `*`)     recvQ[r] sendQ[r]
 *     timerKind[r] → timerKinds[] (0 = none)   timerMs[r] timerRetrans[r]
 *     pid[r] fd[r] (-1 = none)   info[r] → tcp_info row (-1 = no details)
 *   tcpInfo    (rows that had a `-i` continuation line with fields; NaN = field absent)
 *     rtt rttVar rto ato mss cwnd ssthresh unacked retransNow retransTotal lost   (float32, ms / counts)
 *     bytesSent bytesAcked bytesReceived bytesRetrans                              (float64)
 *     sendBps pacingBps deliveryBps                                                (float32, bits/s)
 *
 * Addresses are stored as printed minus the port and minus IPv6 brackets (`[::1]:80` → `::1`,
 * `[fe80::1]%eth0:22` → `fe80::1%eth0`, `*:*` → `*`); `formatEndpoint` puts brackets back.
 */
import type { EpochNsString, Nanoseconds } from './time.ts';

export type SnapshotIndex = number;
/** Row of the socket table. */
export type SocketRow = number;
/** Index into SocketCaptureModel.strings. */
export type SocketStringIndex = number;
/** Index into SocketCaptureModel.states. */
export type StateIndex = number;

/** TCP states in the order the heat map shows them (ss spelling). Index = StateIndex for these. */
export const TCP_STATES = [
  'ESTAB',
  'SYN-SENT',
  'SYN-RECV',
  'FIN-WAIT-1',
  'FIN-WAIT-2',
  'TIME-WAIT',
  'CLOSE',
  'CLOSE-WAIT',
  'LAST-ACK',
  'LISTEN',
  'CLOSING',
] as const;

/** The state given to socket lines of a state-filtered ss output whose filter is not known. */
export const UNKNOWN_STATE = 'UNKNOWN';

export interface SnapshotTable {
  readonly length: number;
  /** Relative to the source's clock.originEpochNs. */
  readonly timeNs: Float64Array;
  /** Host name (index into strings; '' when unknown). */
  readonly host: Int32Array;
  readonly firstRow: Uint32Array;
  readonly rowCount: Uint32Array;
}

export interface SocketTable {
  readonly length: number;
  readonly state: Uint8Array;
  readonly localAddr: Int32Array;
  readonly localPort: Uint16Array;
  readonly peerAddr: Int32Array;
  readonly peerPort: Uint16Array;
  readonly recvQ: Uint32Array;
  readonly sendQ: Uint32Array;
  /** Index into timerKinds; 0 = no timer shown. */
  readonly timerKind: Uint8Array;
  /** Time left on the timer in ms (as ss rounds it). */
  readonly timerMs: Uint32Array;
  /** Third timer field: retransmits / keepalive probes sent. */
  readonly timerRetrans: Uint16Array;
  /** First owning process name (index into strings), -1 when none is shown. */
  readonly process: Int32Array;
  readonly pid: Int32Array;
  readonly fd: Int32Array;
  /** Row of tcpInfo, -1 when the socket had no `-i` details. */
  readonly info: Int32Array;
}

export interface TcpInfoTable {
  readonly length: number;
  readonly rtt: Float32Array;
  readonly rttVar: Float32Array;
  readonly rto: Float32Array;
  readonly ato: Float32Array;
  readonly mss: Float32Array;
  readonly cwnd: Float32Array;
  readonly ssthresh: Float32Array;
  readonly unacked: Float32Array;
  /** `retrans:a/b` — a: currently retransmitted segments, b: total retransmits. */
  readonly retransNow: Float32Array;
  readonly retransTotal: Float32Array;
  readonly lost: Float32Array;
  readonly bytesSent: Float64Array;
  readonly bytesAcked: Float64Array;
  readonly bytesReceived: Float64Array;
  readonly bytesRetrans: Float64Array;
  readonly sendBps: Float32Array;
  readonly pacingBps: Float32Array;
  readonly deliveryBps: Float32Array;
}

/** tcp_info columns held as float32: small quantities and rates. */
export const TCP_INFO_F32 = [
  'rtt',
  'rttVar',
  'rto',
  'ato',
  'mss',
  'cwnd',
  'ssthresh',
  'unacked',
  'retransNow',
  'retransTotal',
  'lost',
  'sendBps',
  'pacingBps',
  'deliveryBps',
] as const;
/** tcp_info byte counters, held as float64: they pass float32's exact integers (2^24). */
export const TCP_INFO_F64 = ['bytesSent', 'bytesAcked', 'bytesReceived', 'bytesRetrans'] as const;
/** Names of the numeric tcp_info columns (for generic listing). */
export const TCP_INFO_FIELDS = [...TCP_INFO_F32, ...TCP_INFO_F64] as const;
export type TcpInfoField = (typeof TCP_INFO_FIELDS)[number];

/** `### fd-count` samples (from the live collector), in time order. */
export interface FdCountTable {
  readonly length: number;
  readonly timeNs: Float64Array;
  readonly host: Int32Array;
  readonly pid: Int32Array;
  readonly count: Float64Array;
}

/** A collection gap (`### gap`), e.g. an SSH disconnect. */
export interface CollectionGap {
  timeNs: Nanoseconds;
  host: string;
  reason: string;
}

/** `ss -s` totals: the `TCP:` line's numbers (`total`, `estab`, `closed`, `orphaned`, `timewait`, …). */
export interface SocketSummaryTotals {
  /** Epoch of the summary when known (capture header), else null. */
  epochNs: EpochNsString | null;
  tcp: Record<string, number>;
  /** `Total: N` (all socket families), when printed. */
  total: number | null;
}

export interface SocketCaptureModel {
  readonly snapshotCount: number;
  readonly snapshots: SnapshotTable;
  readonly sockets: SocketTable;
  readonly tcpInfo: TcpInfoTable;
  /** Interned addresses, process names and host names. */
  readonly strings: readonly string[];
  /** State names; the first TCP_STATES.length entries are TCP_STATES, then UNKNOWN, then others as seen. */
  readonly states: readonly string[];
  /** Timer kinds; index 0 is '' (no timer). */
  readonly timerKinds: readonly string[];
  readonly fdCounts: FdCountTable;
  readonly gaps: readonly CollectionGap[];
  /** Present for `ss -s` input. */
  readonly summary: SocketSummaryTotals | null;
  /** Lines that could not be read and were skipped (see the source's warnings). */
  readonly skippedLines: number;
}

/** `addr:port` as ss prints it (IPv6 in brackets, `*` for port 0). */
export function formatEndpoint(addr: string, port: number): string {
  const a = addr.includes(':') ? bracketV6(addr) : addr;
  return `${a}:${port === 0 ? '*' : port}`;
}

function bracketV6(addr: string): string {
  const pct = addr.indexOf('%');
  return pct < 0 ? `[${addr}]` : `[${addr.slice(0, pct)}]${addr.slice(pct)}`;
}

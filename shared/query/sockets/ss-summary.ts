/**
 * The reference figures of a socket source (fixtures README, "Reference figures" → ss capture):
 * what `tracedeck inspect --json` prints for ss captures and what expected.json holds.
 */
import { fdCountSeries } from './socket-series.ts';
import type { ParsedSource } from '../../model/source.ts';
import type { SocketCaptureModel, SnapshotIndex } from '../../model/sockets.ts';
import { epochAdd, type EpochNsString } from '../../model/time.ts';

type SocketSource = Extract<ParsedSource, { kind: 'ss' }>;

export interface PeerCount {
  peer: string;
  count: number;
}

export interface SocketFigures {
  format: string;
  snapshots: number;
  /** First / last snapshot time as epoch ns (null when the source has no wall clock). */
  startNs: EpochNsString | null;
  endNs: EpochNsString | null;
  /** Socket lines over all snapshots (continuation lines excluded). */
  sockets: number;
  /** {state: count} of the first / last snapshot, states as ss prints them; zero counts omitted. */
  first: Record<string, number>;
  last: Record<string, number>;
  /** In the last snapshot: up to 5 peer addresses with the most sockets in that state, most first. */
  topPeers: { ESTAB: PeerCount[]; 'TIME-WAIT': PeerCount[] };
  /** `ss -s` totals, for summary input only. */
  totals?: Record<string, number>;
  /** Open fds per process at the last count (lsof, /proc/PID/fd, live collections with a pid). */
  fds?: { host: string; pid: number; count: number; samples: number }[];
}

export function summarizeSockets(src: SocketSource): SocketFigures {
  const m = src.model;
  const snaps = m.snapshots;
  const n = snaps.length;
  const origin = src.clock.originEpochNs;
  const at = (s: SnapshotIndex) => (origin === null || n === 0 ? null : epochAdd(origin, snaps.timeNs[s]!));
  const fig: SocketFigures = {
    format: src.format,
    snapshots: n,
    startNs: at(0),
    endNs: at(n - 1),
    sockets: m.sockets.length,
    first: n > 0 ? stateCounts(m, 0) : {},
    last: n > 0 ? stateCounts(m, n - 1) : {},
    topPeers: {
      ESTAB: n > 0 ? topPeers(m, n - 1, 'ESTAB', 5) : [],
      'TIME-WAIT': n > 0 ? topPeers(m, n - 1, 'TIME-WAIT', 5) : [],
    },
  };
  if (m.summary) fig.totals = { ...m.summary.tcp };
  // fd counts (lsof, /proc/PID/fd listings, live collections with a pid): the last count per process.
  const fds = fdCountSeries(m);
  if (fds.length) fig.fds = fds.map((f) => ({ host: f.host, pid: f.pid, count: f.values[f.values.length - 1]!, samples: f.values.length }));
  return fig;
}

/** {state: count} for one snapshot (states with no sockets omitted). */
export function stateCounts(m: SocketCaptureModel, s: SnapshotIndex): Record<string, number> {
  const counts = new Uint32Array(m.states.length);
  const start = m.snapshots.firstRow[s]!;
  const end = start + m.snapshots.rowCount[s]!;
  for (let r = start; r < end; r++) counts[m.sockets.state[r]!]!++;
  const out: Record<string, number> = {};
  counts.forEach((c, i) => {
    if (c > 0) out[m.states[i]!] = c;
  });
  return out;
}

/** Peer addresses (no port) with the most sockets in `state` in snapshot s; ties by address. */
export function topPeers(m: SocketCaptureModel, s: SnapshotIndex, state: string, limit: number): PeerCount[] {
  const st = m.states.indexOf(state);
  if (st < 0) return [];
  const counts = new Map<number, number>();
  const start = m.snapshots.firstRow[s]!;
  const end = start + m.snapshots.rowCount[s]!;
  for (let r = start; r < end; r++) {
    if (m.sockets.state[r] !== st) continue;
    const a = m.sockets.peerAddr[r]!;
    counts.set(a, (counts.get(a) ?? 0) + 1);
  }
  return [...counts]
    .map(([a, count]) => ({ peer: m.strings[a]!, count }))
    .sort((x, y) => y.count - x.count || (x.peer < y.peer ? -1 : x.peer > y.peer ? 1 : 0))
    .slice(0, limit);
}

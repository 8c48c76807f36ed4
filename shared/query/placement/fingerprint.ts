/**
 * What a source's content says about *when* it was taken, in a compact form the host can compare
 * across sources without their models (which stay in their engines):
 *
 * - goroutines: the multiset of goroutine stacks (a dump, debug=1 or 2, or a goroutine profile);
 *   runtime frames are left out, because `debug=1` and `debug=2` hide the ones the protobuf keeps.
 * - sockets: per snapshot, each owner's sockets as keys a listing and an ss snapshot can share: the
 *   fd and, where ports are known, `state local-port peer-port` (lsof, ss); plus the counts by state
 *   (what `ss -s` prints).
 *
 * Computed once in the engine after parsing (see SourceHeader.fingerprint), compared by pairing.ts.
 */
import type { ParsedSource } from '../../model/source.ts';
import type { SocketCaptureModel } from '../../model/sockets.ts';
import { frameFuncName, stackFramesLeafFirst, type StackTable } from '../../model/stacks.ts';
import type { Nanoseconds } from '../../model/time.ts';

export interface GoroutineFingerprint {
  type: 'goroutines';
  /** Source-relative time the goroutines were seen (the profile's start; 0 for a dump). */
  atNs: Nanoseconds;
  total: number;
  /** Stack key (outermost-first function names without runtime frames) → goroutines with it. */
  stacks: Record<string, number>;
}

export interface SocketSnapshotPrint {
  /** Source-relative time of the snapshot. */
  timeNs: Nanoseconds;
  /**
   * The owned sockets by owner pid: `fd FD` and, where ports are known, `STATE LOCAL-PORT PEER-PORT`;
   * sorted, unique. Unowned sockets (TIME-WAIT, orphans) have none: a listing of one process never
   * shows them. Grouped by pid so that a listing is compared with its own processes' sockets only.
   */
  keys: Record<string, string[]>;
  /** Sockets by TCP state. */
  counts: Record<string, number>;
}

export interface SocketFingerprint {
  type: 'sockets';
  snapshots: SocketSnapshotPrint[];
  /** `ss -s` totals (TCP line), for a summary. */
  summary: Record<string, number> | null;
}

export type PlacementFingerprint = GoroutineFingerprint | SocketFingerprint;

/** Frames the text formats hide (debug=1 drops the runtime frames at the leaf; debug=2 prints no runtime.goexit). */
function hiddenFrame(func: string): boolean {
  return func.startsWith('runtime.');
}

function stackKey(t: StackTable, stack: number, cache: Map<number, string>): string {
  if (stack < 0) return '';
  let k = cache.get(stack);
  if (k === undefined) {
    const funcs = stackFramesLeafFirst(t, stack)
      .map((f) => frameFuncName(t, f))
      .filter((f) => !hiddenFrame(f));
    k = funcs.reverse().join(';');
    cache.set(stack, k);
  }
  return k;
}

function goroutinePrint(src: ParsedSource): GoroutineFingerprint | null {
  const stacks: Record<string, number> = {};
  const cache = new Map<number, string>();
  let total = 0;
  const add = (k: string, n: number) => {
    stacks[k] = (stacks[k] ?? 0) + n;
    total += n;
  };
  if (src.kind === 'goroutine-dump') {
    const m = src.model;
    if (m.debug === 2) {
      const g = m.goroutines;
      for (let i = 0; i < g.count; i++) add(stackKey(m.stacks, g.stack[i]!, cache), 1);
    } else {
      const gr = m.groups;
      for (let i = 0; i < gr.count; i++) add(stackKey(m.stacks, gr.stack[i]!, cache), gr.size[i]!);
    }
    return { type: 'goroutines', atNs: src.startNs, total, stacks };
  }
  if (src.kind === 'pprof') {
    const m = src.model;
    const st = m.sampleTypes[0];
    if (!st || st.type !== 'goroutine' || st.unit !== 'count' || m.sampleTypes.length !== 1) return null;
    const v = m.sampleValues[0]!;
    for (let i = 0; i < m.sampleCount; i++) add(stackKey(m.stacks, m.sampleStack[i]!, cache), v[i]!);
    return { type: 'goroutines', atNs: src.startNs, total, stacks };
  }
  return null;
}

/**
 * Past this many socket rows a capture's prints carry counts only: the keys of a long SSH capture
 * (10k snapshots × 1k sockets) would cost hundreds of MB; listings are small and keep theirs.
 */
export const MAX_KEYED_SOCKET_ROWS = 500_000;

function socketPrint(m: SocketCaptureModel, earlier: readonly SocketSnapshotPrint[] = []): SocketFingerprint {
  const s = m.sockets;
  const keyed = s.length <= MAX_KEYED_SOCKET_ROWS;
  const snapshots: SocketSnapshotPrint[] = earlier.slice();
  for (let i = earlier.length; i < m.snapshotCount; i++) {
    const keys = new Map<number, Set<string>>();
    const counts: Record<string, number> = {};
    const first = m.snapshots.firstRow[i]!;
    for (let r = first; r < first + m.snapshots.rowCount[i]!; r++) {
      const state = m.states[s.state[r]!]!;
      counts[state] = (counts[state] ?? 0) + 1;
      const pid = s.pid[r]!;
      if (pid <= 0 || !keyed) continue;
      let own = keys.get(pid);
      if (!own) keys.set(pid, (own = new Set()));
      if (s.fd[r]! >= 0) own.add(`fd ${s.fd[r]}`);
      if (s.localPort[r]! > 0) own.add(`${state} ${s.localPort[r]} ${s.peerPort[r]}`);
    }
    const byPid: Record<string, string[]> = {};
    for (const [pid, own] of keys) byPid[pid] = [...own].sort();
    snapshots.push({ timeNs: m.snapshots.timeNs[i]!, keys: byPid, counts });
  }
  return { type: 'sockets', snapshots, summary: m.summary ? { ...m.summary.tcp } : null };
}

/**
 * The fingerprint of a live capture that grew: `prev` (its print before the new snapshots) extended
 * by the new snapshots' prints, so a refresh costs the new part, not the whole capture again. Falls
 * back to the whole print when `prev` is not a prefix of it (rewritten) or the keyed limit was crossed.
 */
export function extendPlacementFingerprint(prev: PlacementFingerprint | null | undefined, src: ParsedSource): PlacementFingerprint | null {
  if (src.kind !== 'ss' || prev?.type !== 'sockets' || prev.snapshots.length === 0) return placementFingerprint(src);
  const m = src.model;
  const n = prev.snapshots.length;
  const last = n - 1;
  const sameLast = n <= m.snapshotCount && prev.snapshots[last]!.timeNs === m.snapshots.timeNs[last];
  const sameCounts = sameLast && Object.values(prev.snapshots[last]!.counts).reduce((a, b) => a + b, 0) === m.snapshots.rowCount[last];
  const keyedAll = m.sockets.length <= MAX_KEYED_SOCKET_ROWS || prev.snapshots.every((p) => Object.keys(p.keys).length === 0);
  return sameCounts && keyedAll ? socketPrint(m, prev.snapshots) : placementFingerprint(src);
}

/** The fingerprint of a parsed source, or null for kinds that pairing does not use (traces). */
export function placementFingerprint(src: ParsedSource): PlacementFingerprint | null {
  if (src.kind === 'ss') return socketPrint(src.model);
  return goroutinePrint(src);
}

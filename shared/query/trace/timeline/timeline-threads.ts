/**
 * Per-thread (M) lanes: what each OS thread did, from the model's thread columns
 * (ProcTransitionTable.m, GoTransitionTable.syscallP.m and syscallExits), built once per model:
 *
 *   running          the M held a P (from the P's transition to Running by this M until the P's next
 *                    transition out of Running) and the P ran goroutine g (the P lane's runs)
 *   syscall          a goroutine on this M was in a syscall while the M kept its P
 *   syscall-blocked  the rest of that syscall, after the P was taken (or the whole syscall when it
 *                    began without a P)
 *
 * Syscalls whose thread is unknown are on lanes with ids -1, -2, … (placeUnknown).
 *
 * Empty when the model has no thread columns.
 */
import { G_SYSCALL, G_UNDETERMINED, P_RUNNING, P_UNDETERMINED, type TraceModel } from '../../../model/trace.ts';
import { firstRunEndingAfter, gOf, kindOf, RunsBuilder, type LaneRuns } from './lane-runs.ts';
import { K_RUNNING, K_SYSCALL, K_SYSCALL_BLOCKED, procLanes } from './timeline-index.ts';


interface Held {
  start: number;
  end: number;
  p: number;
}

const cache = new WeakMap<TraceModel, Map<number, LaneRuns>>();

/** A syscall whose thread neither its entry nor its exit names. */
interface Unknown {
  s: number;
  e: number;
  g: number;
  kind: number;
  src: number;
}

/**
 * Syscalls on no known thread go to lanes -1, -2, … ("syscall (thread unknown)"): a syscall a Go ≤ 1.21
 * trace finds in progress at its start (EvGoInSyscall) has no thread in Go either (its converter gives
 * NoThread) and, when it never ends, no exit names one; and the rest of a Go ≤ 1.21 syscall after its
 * thread (named by its P) ran goroutines again. Each takes the first such lane free at its start,
 * so a lane never holds two at once.
 */
function placeUnknown(list: Unknown[], builder: (m: number) => RunsBuilder): void {
  list.sort((a, b) => a.s - b.s || a.e - b.e);
  const laneEnd: number[] = [];
  for (const u of list) {
    let k = laneEnd.findIndex((end) => end <= u.s);
    if (k < 0) k = laneEnd.push(u.s) - 1;
    laneEnd[k] = u.e;
    if (u.e > u.s) builder(-(k + 1)).push(u.s, u.e, u.kind, u.g, -1, u.src);
  }
}

/** Index of `j` in an ascending array, or -1. */
function indexOf(a: Int32Array, j: number): number {
  let l = 0;
  let r = a.length;
  while (l < r) {
    const m = (l + r) >>> 1;
    if (a[m]! < j) l = m + 1;
    else r = m;
  }
  return l < a.length && a[l] === j ? l : -1;
}

/** Each M's stretches holding a P. */
function heldByThread(model: TraceModel): Map<number, Held[]> {
  const pr = model.procs;
  const out = new Map<number, Held[]>();
  const M = pr.m;
  if (!M) return out;
  const holder = new Map<number, { m: number; since: number }>();
  const close = (p: number, at: number) => {
    const h = holder.get(p);
    if (!h) return;
    holder.delete(p);
    let list = out.get(h.m);
    if (!list) out.set(h.m, (list = []));
    list.push({ start: h.since, end: at, p });
  };
  for (let i = 0; i < pr.count; i++) {
    const from = pr.from[i]!;
    const to = pr.to[i]!;
    if (from === to) continue;
    const p = pr.p[i]!;
    const t = from === P_UNDETERMINED ? model.startNs : pr.t[i]!;
    if (from === P_RUNNING || holder.has(p)) close(p, t);
    if (to === P_RUNNING && M[i]! >= 0) holder.set(p, { m: M[i]!, since: t });
  }
  for (const p of [...holder.keys()]) close(p, Math.max(model.endNs, holder.get(p)!.since));
  for (const list of out.values()) list.sort((a, b) => a.start - b.start);
  return out;
}

/** The held stretch of `list` containing t, or null. */
function heldAt(list: Held[] | undefined, t: number): Held | null {
  if (!list) return null;
  let l = 0;
  let r = list.length;
  while (l < r) {
    const m = (l + r) >>> 1;
    if (list[m]!.start <= t) l = m + 1;
    else r = m;
  }
  const h = list[l - 1];
  return h && h.end > t ? h : null;
}

export function threadLanes(model: TraceModel): Map<number, LaneRuns> {
  const hit = cache.get(model);
  if (hit) return hit;
  const lanes = new Map<number, LaneRuns>();
  cache.set(model, lanes);
  const tr = model.transitions;
  const held = heldByThread(model);
  const sys = tr.syscallP;
  if (!held.size && !sys?.m) return lanes;
  const builders = new Map<number, RunsBuilder>();
  const builder = (m: number) => {
    let b = builders.get(m);
    if (!b) builders.set(m, (b = new RunsBuilder()));
    return b;
  };
  // Running: the P lane's runs inside each stretch the M held that P.
  const pl = procLanes(model);
  const running = new Map<number, number[]>();
  for (const [m, list] of held) {
    for (const h of list) {
      const runs = pl.get(h.p);
      if (!runs) continue;
      for (let i = firstRunEndingAfter(runs, h.start); i < runs.n && runs.start.at(i) < h.end; i++) {
        const s = Math.max(runs.start.at(i), h.start);
        const e = Math.min(runs.end.at(i), h.end);
        // (The P lane's syscall runs are the thread's own syscalls, read below.)
        if (e > s && kindOf(runs, i) === K_RUNNING) {
          builder(m).push(s, e, K_RUNNING, gOf(runs, i), -1, runs.src ? runs.src[i]! : -1);
          let r = running.get(m);
          if (!r) running.set(m, (r = []));
          r.push(s, e);
        }
      }
    }
  }
  // Each M's running stretches as [start, end] pairs in time order (held stretches are sorted per M).
  const runningOf = new Map([...running].map(([m, r]) => [m, Float64Array.from(r)]));
  /**
   * Where a syscall on M from s must stop: the start of M's first running stretch ending after s (s
   * itself when one holds s), or Infinity. A Go <= 1.21 trace names the thread of a syscall by its P
   * (Go's converter), and when that syscall blocks the P goes on running other goroutines on that
   * thread: the syscall's rest is on a thread the trace does not name.
   */
  const runningFrom = (m: number, s: number): number => {
    const r = runningOf.get(m);
    if (!r) return Infinity;
    let a = 0;
    let b = r.length / 2;
    while (a < b) {
      const x = (a + b) >>> 1;
      if (r[2 * x + 1]! <= s) a = x + 1;
      else b = x;
    }
    return a < r.length / 2 ? Math.max(s, r[2 * a]!) : Infinity;
  };
  // Syscalls: from each entry to the goroutine's next transition out of Syscall.
  const unknown: Unknown[] = [];
  if (sys?.m) {
    const exits = tr.syscallExits;
    const pending = new Int32Array(model.goroutines.count).fill(-1);
    const entryT = new Float64Array(model.goroutines.count);
    const close = (g: number, e: number, t: number, exitAt: number) => {
      let m = sys.m[e]!;
      if (m < 0 && exitAt >= 0 && exits) {
        const x = indexOf(exits.at, exitAt);
        if (x >= 0) m = exits.m[x]!;
      }
      const s = entryT[g]!;
      if (m < 0) {
        unknown.push({ s, e: t, g, kind: sys.p[e]! >= 0 ? K_SYSCALL : K_SYSCALL_BLOCKED, src: sys.at[e]! });
        return;
      }
      const h = sys.p[e]! >= 0 ? heldAt(held.get(m), s) : null;
      const split = h ? Math.min(t, h.end) : s;
      // The part from where M runs goroutines again is on an unknown thread.
      const cut = Math.min(t, runningFrom(m, s));
      if (Math.min(split, cut) > s) builder(m).push(s, Math.min(split, cut), K_SYSCALL, g, -1, sys.at[e]!);
      if (cut > split) builder(m).push(split, cut, K_SYSCALL_BLOCKED, g, -1, sys.at[e]!);
      if (t > cut) unknown.push({ s: cut, e: t, g, kind: K_SYSCALL_BLOCKED, src: sys.at[e]! });
    };
    let k = 0;
    for (let i = 0; i < tr.count; i++) {
      const from = tr.from[i]!;
      const to = tr.to[i]!;
      const g = tr.g[i]!;
      if (from === G_SYSCALL && to !== G_SYSCALL && pending[g]! >= 0) {
        close(g, pending[g]!, tr.t.at(i), i);
        pending[g] = -1;
      }
      while (k < sys.at.length && sys.at[k]! < i) k++;
      if (k < sys.at.length && sys.at[k] === i && from !== to) {
        pending[g] = k;
        entryT[g] = from === G_UNDETERMINED ? model.startNs : tr.t.at(i);
      }
    }
    // Syscalls still running when the trace ends, end there.
    for (let g = 0; g < pending.length; g++) if (pending[g]! >= 0) close(g, pending[g]!, Math.max(model.endNs, entryT[g]!), -1);
  }
  placeUnknown(unknown, builder);
  for (const [m, b] of [...builders].sort((x, y) => x[0] - y[0])) {
    lanes.set(m, b.finish({ kind: true, g: true, label: false, src: false, clipOverlaps: true }));
  }
  return lanes;
}

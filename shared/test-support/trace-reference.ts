/**
 * Test-only. Goroutine groups and lanes (trace-goroutine-groups.ts) are checked against Go's own
 * per-goroutine figures (go-trace-summary outputs committed under ./oracles), summed here the way
 * each view sums them: no second walk of the transitions that could share a mistake with the first.
 * The blocking queries keep their plain, unindexed walks as they were before the transition index
 * (shared/query/trace/transition-index.ts), so tests can check the indexed paths give the same
 * results on real fixtures. Never imported by production code.
 */
import type { TraceModel } from '../model/trace.ts';
import { normalizeWaitReason } from '../query/dumps/goroutine-groups.ts';
import type { BlockingKind, BlockingProfile, TimeRange } from '../query/trace/trace-blocking.ts';
// The state codes, reason classes, goroutine windows and profile building are shared: what this
// file keeps as it was is the walks themselves.
import { goroutineWindows, profileOfIntervals, KIND_MASK, KIND_STATE, overlap, reasonClasses } from '../query/trace/trace-blocking.ts';
import { G_RUNNABLE as RUNNABLE, G_RUNNING as RUNNING, G_SYSCALL as SYSCALL, G_WAITING as WAITING } from '../model/trace.ts';
import type { GoroutineLane, TraceGoroutineGroupsResult } from '../query/trace/trace-goroutine-groups.ts';
import { UNKNOWN_PRE_TRACE_REASON } from '../query/trace/trace-goroutine-groups.ts';
import { oracleOutputs } from './oracles.ts';

// ---- trace-goroutine-groups.ts: checked against Go's own figures, not a second walk ----

/**
 * Go's per-goroutine summary of a whole trace (go-trace-summary, committed under
 * oracles/go-trace-summary): every output Go printed for it (old traces vary run to run).
 */
export interface GoGoroutineSummary {
  id: number;
  execNs: number;
  schedWaitNs: number;
  syscallNs: number;
  syscallBlockNs: number;
  blockNsByReason: Record<string, number>;
}

export function goSummaries(fixture: string): GoGoroutineSummary[][] {
  return oracleOutputs<GoGoroutineSummary[]>('go-trace-summary', fixture.replaceAll('/', '_'));
}

/** Blocked time and goroutines per wait state. Go gives no reason ('') both for waits begun before the trace and for reasonless ones. */
export type BlockedByState = Map<string, { ns: number; ids: Set<number> }>;

const NO_REASON = '';

/** Go's figures per state: wait reasons (normalised as every view does), and syscalls (time in and blocked in). */
export function goBlockedByState(summary: readonly GoGoroutineSummary[]): BlockedByState {
  const out: BlockedByState = new Map();
  const add = (state: string, ns: number, id: number) => {
    if (!ns) return;
    let e = out.get(state);
    if (!e) out.set(state, (e = { ns: 0, ids: new Set() }));
    e.ns += ns;
    e.ids.add(id);
  };
  for (const g of summary) {
    for (const [reason, ns] of Object.entries(g.blockNsByReason)) add(reason === '' ? NO_REASON : normalizeWaitReason(reason), ns, g.id);
    add('syscall', g.syscallNs + g.syscallBlockNs, g.id);
  }
  return out;
}

/** Our groups of a whole trace, summed per state the way goBlockedByState sums Go's (needs every id: a large maxIds). */
export function groupsBlockedByState(result: TraceGoroutineGroupsResult): BlockedByState {
  const out: BlockedByState = new Map();
  for (const g of result.groups) {
    const state = g.state === UNKNOWN_PRE_TRACE_REASON || g.state === 'waiting' ? NO_REASON : g.state;
    let e = out.get(state);
    if (!e) out.set(state, (e = { ns: 0, ids: new Set() }));
    e.ns += g.totalNs;
    for (const id of g.goroutineIds) e.ids.add(id);
  }
  return out;
}

/** Per goroutine of `summary`: [running, runnable, in syscall, waiting] ns, as Go sums them. */
export function goStateTimes(summary: readonly GoGoroutineSummary[]): Map<number, number[]> {
  return new Map(
    summary.map((g) => [g.id, [g.execNs, g.schedWaitNs, g.syscallNs + g.syscallBlockNs, Object.values(g.blockNsByReason).reduce((a, b) => a + b, 0)]]),
  );
}

/** The same four times summed from lanes' runs. */
export function laneStateTimes(lanes: readonly GoroutineLane[]): Map<number, number[]> {
  const at = { [RUNNING]: 0, [RUNNABLE]: 1, [SYSCALL]: 2, [WAITING]: 3 } as Record<number, number>;
  return new Map(
    lanes.map((l) => {
      const t = [0, 0, 0, 0];
      for (let i = 0; i < l.start.length; i++) {
        const k = at[l.state[i]!];
        if (k !== undefined) t[k]! += l.end[i]! - l.start[i]!;
      }
      return [l.id, t];
    }),
  );
}

// ---- trace-blocking.ts ----

/**
 * Sum and per-stack totals for several kinds in one pass. `onInterval` (optional) sees every
 * counted interval.
 */
export function plainBlockingTotals(model: TraceModel, kinds: readonly BlockingKind[], range?: TimeRange): Record<BlockingKind, number> {
  const res = { sync: 0, net: 0, syscall: 0, sched: 0 };
  for (const k of kinds) res[k] = 0;
  plainWalk(model, kinds, range, (k, _stack, d) => {
    res[k] += d;
  });
  return res;
}

function plainWalk(model: TraceModel, kinds: readonly BlockingKind[], range: TimeRange | undefined, add: (kind: BlockingKind, stack: number, ns: number) => void): void {
  const tr = model.transitions;
  const gs = model.goroutines;
  const cls = reasonClasses(model.strings);
  const nk = kinds.length;
  const nG = gs.count;
  const { lo, hi } = goroutineWindows(model, range);
  const start = new Float64Array(nG * nk).fill(NaN);
  const stk = new Int32Array(nG * nk);
  const states = kinds.map((k) => KIND_STATE[k]);
  const masks = kinds.map((k) => KIND_MASK[k]);
  const n = tr.count;
  const T = tr.t;
  const G = tr.g;
  const TO = tr.to;
  const R = tr.reason;
  const S = tr.stack;
  for (let i = 0; i < n; i++) {
    const g = G[i]!;
    const to = TO[i]!;
    for (let k = 0; k < nk; k++) {
      const slot = g * nk + k;
      const s0 = start[slot]!;
      const state = states[k]!;
      if (s0 !== s0) {
        if (to === state) {
          const m = masks[k]!;
          if (m === 0 || (cls[R[i]!]! & m) !== 0) {
            start[slot] = T.at(i);
            stk[slot] = S[i]!;
          }
        }
        continue;
      }
      if (to === state) continue;
      start[slot] = NaN;
      if (lo[g]! > hi[g]!) continue;
      const d = overlap(lo[g]!, hi[g]!, s0, T.at(i));
      if (d > 0) add(kinds[k]!, stk[slot]!, d);
    }
  }
}

/** Go's `go tool trace -pprof=KIND` profile, optionally narrowed to a time range (model ns). */
export function plainBlockingProfile(model: TraceModel, kind: BlockingKind, range?: TimeRange): BlockingProfile {
  return profileOfIntervals(model.stacks, (add) => plainWalk(model, [kind], range, (_k, stack, d) => add(stack, d)));
}

// ---- per-goroutine state integral ----

export interface GoroutineTimeBreakdown {
  /** Goroutine ids, and ns per category in the range for each. */
  id: Float64Array;
  execNs: Float64Array;
  syncNs: Float64Array;
  netNs: Float64Array;
  syscallNs: Float64Array;
  schedNs: Float64Array;
  gcNs: Float64Array;
  otherNs: Float64Array;
}

/**
 * An independent per-goroutine state integral (the views use Go's summary: trace-goroutine-summary.ts):
 * where each goroutine's time went in a range, from its state intervals: running → exec, runnable →
 * sched wait, syscall, and waiting split by reason (sync: chan/sync/select, net: "network",
 * gc: GC-related reasons, other). Time before a goroutine's first transition is not attributed.
 */
export function goroutineTimeBreakdown(model: TraceModel, range?: TimeRange): GoroutineTimeBreakdown {
  const gs = model.goroutines;
  const nG = gs.count;
  const out: GoroutineTimeBreakdown = {
    id: gs.id.slice(),
    execNs: new Float64Array(nG),
    syncNs: new Float64Array(nG),
    netNs: new Float64Array(nG),
    syscallNs: new Float64Array(nG),
    schedNs: new Float64Array(nG),
    gcNs: new Float64Array(nG),
    otherNs: new Float64Array(nG),
  };
  const cls = reasonClasses(model.strings);
  const gc = new Uint8Array(model.strings.length);
  for (let i = 0; i < gc.length; i++) gc[i] = /GC|garbage/.test(model.strings[i]!) ? 1 : 0;
  const lo = range ? range.startNs : -Infinity;
  const hi = range ? range.endNs : model.endNs;
  const since = new Float64Array(nG).fill(NaN);
  const state = new Uint8Array(nG);
  const reason = new Uint16Array(nG);
  const credit = (g: number, a: number, b: number): void => {
    const s = a > lo ? a : lo;
    const e = b < hi ? b : hi;
    if (e <= s) return;
    const d = e - s;
    switch (state[g]) {
      case 3:
        out.execNs[g]! += d;
        break;
      case RUNNABLE:
        out.schedNs[g]! += d;
        break;
      case SYSCALL:
        out.syscallNs[g]! += d;
        break;
      case WAITING: {
        const r = reason[g]!;
        if (cls[r]! & 1) out.syncNs[g]! += d;
        else if (cls[r]! & 2) out.netNs[g]! += d;
        else if (gc[r]) out.gcNs[g]! += d;
        else out.otherNs[g]! += d;
        break;
      }
    }
  };
  const tr = model.transitions;
  for (let i = 0; i < tr.count; i++) {
    const g = tr.g[i]!;
    const t = tr.t.at(i);
    // Same-state events (each generation's status re-statement) carry no reason: keep the one we
    // have, as Go's summarizer skips old == new.
    if (tr.from[i] === tr.to[i] && since[g] === since[g] && state[g] === tr.to[i]) continue;
    if (since[g] === since[g]) credit(g, since[g]!, t);
    since[g] = t;
    state[g] = tr.to[i]!;
    reason[g] = tr.reason[i]!;
  }
  for (let g = 0; g < nG; g++) if (since[g] === since[g]) credit(g, since[g]!, model.endNs);
  return out;
}

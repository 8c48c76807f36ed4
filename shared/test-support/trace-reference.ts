/**
 * Test-only: the plain, unindexed trace queries as they were before the transition index
 * (shared/query/trace/transition-index.ts), their walks kept as they were, so tests can check that the
 * indexed paths give exactly the same results on real fixtures. Never imported by production code.
 */
import { frameFuncName, stackFramesLeafFirst, type StackIndex } from '../model/stacks.ts';
import type { TraceModel } from '../model/trace.ts';
import { framesOf, goroutineGroupKey, keyFunctions, normalizeWaitReason } from '../query/dumps/goroutine-groups.ts';
import type { BlockingKind, BlockingProfile, TimeRange } from '../query/trace/trace-blocking.ts';
// The state codes, reason classes, goroutine windows and profile building are shared: what this
// file keeps as it was is the walks themselves.
import { goroutineWindows, profileOfIntervals, KIND_MASK, KIND_STATE, overlap, reasonClasses } from '../query/trace/trace-blocking.ts';
import { G_RUNNABLE as RUNNABLE, G_SYSCALL as SYSCALL, G_UNDETERMINED as UNDETERMINED, G_WAITING as WAITING } from '../model/trace.ts';
import type { GoroutineLane, TraceGoroutineGroup, TraceGoroutineGroupsResult } from '../query/trace/trace-goroutine-groups.ts';
import { START_FUNCTION_NOTE, UNKNOWN_PRE_TRACE_REASON } from '../query/trace/trace-goroutine-groups.ts';

// ---- trace-goroutine-groups.ts ----

interface Acc {
  g: TraceGoroutineGroup;
  raw: Set<string>;
  perG: Map<number, number>;
}

export function plainTraceGoroutineGroups(model: TraceModel, range?: TimeRange, opts: { limit?: number; maxIds?: number } = {}): TraceGoroutineGroupsResult {
  const lo = range?.startNs ?? model.startNs;
  const hi = range?.endNs ?? model.endNs;
  const tr = model.transitions;
  const st = model.stacks;
  const n = model.goroutines.count;
  // Per goroutine row: the open blocked interval (start time, reason, stack), or NaN.
  const openAt = new Float64Array(n).fill(NaN);
  const openReason = new Int32Array(n);
  const openStack = new Int32Array(n);
  const openSyscall = new Uint8Array(n);
  // 0 began in the trace, 1 found blocked at its start, 2 that and keyed by the start function.
  const openOrigin = new Uint8Array(n);
  const funcsOfStack = new Map<StackIndex, string[]>();
  const groups = new Map<string, Acc>();

  const close = (row: number, end: number) => {
    const start = openAt[row]!;
    openAt[row] = NaN;
    const a = Math.max(start, lo);
    const b = Math.min(end, hi);
    if (!(b > a) && !(start >= lo && start <= hi && end === start)) return;
    const stack = openStack[row]!;
    let funcs = funcsOfStack.get(stack);
    if (!funcs) {
      funcs = stack < 0 ? [] : keyFunctions(stackFramesLeafFirst(st, stack).map((f) => frameFuncName(st, f)));
      funcsOfStack.set(stack, funcs);
    }
    const origin = openOrigin[row]!;
    const raw = openSyscall[row] ? 'syscall' : model.strings[openReason[row]!] || (origin === 0 ? 'waiting' : UNKNOWN_PRE_TRACE_REASON);
    const state = normalizeWaitReason(raw);
    let key = goroutineGroupKey(state, funcs.length ? stackFramesLeafFirst(st, stack).map((f) => frameFuncName(st, f)) : []);
    if (origin === 2) key += '|start function';
    let acc = groups.get(key);
    if (!acc) {
      acc = {
        g: {
          key,
          state,
          rawReasons: [],
          function: funcs[0] ?? null,
          frames: framesOf(st, stack),
          stack,
          goroutines: 0,
          intervals: 0,
          totalNs: 0,
          longestNs: 0,
          goroutineIds: [],
          note: origin === 2 ? START_FUNCTION_NOTE : null,
        },
        raw: new Set(),
        perG: new Map(),
      };
      groups.set(key, acc);
    }
    const d = Math.max(0, b - a);
    acc.raw.add(raw);
    acc.g.intervals++;
    acc.g.totalNs += d;
    acc.g.longestNs = Math.max(acc.g.longestNs, d);
    const id = model.goroutines.id[row]!;
    acc.perG.set(id, (acc.perG.get(id) ?? 0) + d);
  };

  /** Opens the blocked interval transition i begins, if it begins one. */
  const openFrom = (row: number, i: number) => {
    const to = tr.to[i]!;
    if ((to === WAITING && model.strings[tr.reason[i]!] !== 'forever') || to === SYSCALL) {
      const pre = tr.from[i] === UNDETERMINED;
      const startFn = pre && tr.stack[i]! < 0 && model.goroutines.startStack[row]! >= 0;
      openAt[row] = pre ? model.startNs : tr.t[i]!;
      openReason[row] = tr.reason[i]!;
      openStack[row] = startFn ? model.goroutines.startStack[row]! : tr.stack[i]!;
      openSyscall[row] = to === SYSCALL ? 1 : 0;
      openOrigin[row] = startFn ? 2 : pre ? 1 : 0;
    }
  };
  // A goroutine's first status holds from the trace's start, however late it comes: rows in order,
  // each opened at its first transition when that is a status.
  const firstOf = new Int32Array(n).fill(-1);
  for (let i = 0; i < tr.count; i++) if (firstOf[tr.g[i]!] === -1) firstOf[tr.g[i]!] = i;
  for (let row = 0; row < n; row++) if (firstOf[row]! >= 0 && tr.from[firstOf[row]!] === UNDETERMINED) openFrom(row, firstOf[row]!);
  for (let i = 0; i < tr.count; i++) {
    const t = tr.t[i]!;
    if (t > hi) break;
    if (tr.from[i] === tr.to[i] || tr.from[i] === UNDETERMINED) continue; // a re-stated or first status
    const row = tr.g[i]!;
    if (openAt[row]! === openAt[row]!) close(row, t);
    openFrom(row, i);
  }
  for (let row = 0; row < n; row++) if (openAt[row]! === openAt[row]!) close(row, Math.min(model.endNs, hi));

  const maxIds = opts.maxIds ?? 2000;
  const out = [...groups.values()].map(({ g, raw, perG }) => {
    g.rawReasons = [...raw].sort();
    g.goroutines = perG.size;
    g.goroutineIds = [...perG.entries()]
      .sort((a, b) => b[1] - a[1] || a[0] - b[0])
      .slice(0, maxIds)
      .map(([id]) => id);
    return g;
  });
  out.sort((a, b) => b.totalNs - a.totalNs || b.goroutines - a.goroutines || (a.key < b.key ? -1 : 1));
  return { range: { startNs: lo, endNs: hi }, groups: opts.limit === undefined ? out : out.slice(0, opts.limit) };
}

/** Lanes for the given goroutine ids over the range (state runs clipped to it). */
export function plainGoroutineLanes(model: TraceModel, ids: readonly number[], range?: TimeRange): GoroutineLane[] {
  const lo = range?.startNs ?? model.startNs;
  const hi = range?.endNs ?? model.endNs;
  const want = new Map<number, number>();
  ids.forEach((id, i) => want.set(id, i));
  const runs: { s: number[]; e: number[]; st: number[]; last: number; lastState: number }[] = ids.map(() => ({ s: [], e: [], st: [], last: NaN, lastState: -1 }));
  const tr = model.transitions;
  const push = (r: (typeof runs)[number], a: number, b: number, state: number) => {
    const x = Math.max(a, lo);
    const y = Math.min(b, hi);
    if (y > x) {
      r.s.push(x);
      r.e.push(y);
      r.st.push(state);
    }
  };
  const seen = new Uint8Array(ids.length);
  for (let i = 0; i < tr.count; i++) {
    const k = want.get(model.goroutines.id[tr.g[i]!]!);
    if (k === undefined || seen[k]) continue;
    seen[k] = 1;
    if (tr.from[i] === UNDETERMINED) {
      runs[k]!.last = model.startNs;
      runs[k]!.lastState = tr.to[i]!;
    }
  }
  for (let i = 0; i < tr.count; i++) {
    const t = tr.t[i]!;
    const k = want.get(model.goroutines.id[tr.g[i]!]!);
    if (k === undefined) continue;
    const r = runs[k]!;
    if ((tr.from[i] === tr.to[i] || tr.from[i] === UNDETERMINED) && r.last === r.last) continue;
    const at = tr.from[i] === UNDETERMINED ? model.startNs : t;
    if (r.last === r.last) push(r, r.last, at, r.lastState);
    r.last = at;
    r.lastState = tr.to[i]!;
    if (t > hi) break;
  }
  return ids.map((id, k) => {
    const r = runs[k]!;
    if (r.last === r.last && r.lastState !== 1) push(r, r.last, model.endNs, r.lastState);
    return { id, start: Float64Array.from(r.s), end: Float64Array.from(r.e), state: Uint8Array.from(r.st) };
  });
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
            start[slot] = T[i]!;
            stk[slot] = S[i]!;
          }
        }
        continue;
      }
      if (to === state) continue;
      start[slot] = NaN;
      if (lo[g]! > hi[g]!) continue;
      const d = overlap(lo[g]!, hi[g]!, s0, T[i]!);
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
    const t = tr.t[i]!;
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

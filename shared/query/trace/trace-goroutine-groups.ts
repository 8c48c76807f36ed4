/**
 * The goroutine blocking view for a trace: goroutines grouped by (wait reason, blocking stack) over a
 * time range, with how many goroutines, the total and the longest time blocked inside the range, and
 * the goroutines of each group for their lanes. The grouping key is the dump view's
 * (goroutineGroupKey), so a trace group and a dump group of the same wait compare directly.
 *
 * Blocked intervals are those of Go's goroutine summary (trace-goroutine-summary.ts): one runs from a
 * real change into Waiting (or Syscall) to the goroutine's next real change; the status every
 * generation re-states (Waiting → Waiting) changes nothing, so a goroutine blocked for the whole
 * trace is one interval. A goroutine found blocked when the trace starts is blocked from the trace's
 * start, with the reason Go knows (none: "reason unknown (blocked before the trace)"); when old
 * formats record no stack for it, it is grouped by its start function and the group says why. A
 * block "forever" ends the goroutine, as in Go's summary. An interval still open at the end of the
 * trace runs to the trace's end.
 *
 * Speed (a 105 MB trace holds 13.8 M transitions): a range query binary-searches where the range
 * starts and reads each goroutine's state there from the transition index; the grouping key of a
 * (stack, reason) pair is computed once per model. Results are those of a walk from the first
 * transition, sums added in the same order (goroutine-groups-go.test.ts checks both groups and lanes
 * against Go's own per-goroutine summary on every trace fixture).
 */
import type { TraceModel } from '../../model/trace.ts';
import { frameFuncName, stackFramesLeafFirst, type StackIndex } from '../../model/stacks.ts';
import { framesOf, goroutineGroupKey, keyFunctions, normalizeWaitReason, type GoroutineGroupFrame } from '../dumps/goroutine-groups.ts';
import type { TimeRange } from './trace-blocking.ts';
import { firstPosAfterTime, firstPosFrom, lowerBound, transitionIndex, type TransitionIndex } from './transition-index.ts';
import { G_NOTEXIST as NOTEXIST, G_SYSCALL as SYSCALL, G_UNDETERMINED as UNDETERMINED, G_WAITING as WAITING } from '../../model/trace.ts';

/** What a wait the trace found in progress, without a reason, is called. */
export const UNKNOWN_PRE_TRACE_REASON = 'reason unknown (blocked before the trace)';
/** Why a group of goroutines is keyed by their start function only (old trace formats). */
export const START_FUNCTION_NOTE =
  'blocked since before the trace began: old trace formats (Go ≤ 1.21) record no stack for these goroutines, so they are grouped by their start function';

/** How an interval began: in the trace, found in progress at its start, or that and keyed by start function. */
const IN_TRACE = 0;
const PRE_TRACE = 1;
const PRE_TRACE_START_FN = 2;

export interface TraceGoroutineGroup {
  key: string;
  /** Normalised wait reason ("syscall" for syscalls). */
  state: string;
  /** Reasons as the trace names them. */
  rawReasons: string[];
  function: string | null;
  frames: GoroutineGroupFrame[];
  stack: StackIndex;
  /** Distinct goroutines blocked here inside the range. */
  goroutines: number;
  /** Blocked intervals inside the range. */
  intervals: number;
  totalNs: number;
  longestNs: number;
  /** Goroutine ids of the group, longest-blocked first (at most `maxIds`). */
  goroutineIds: number[];
  /** Why the group is keyed as it is, when that needs saying (START_FUNCTION_NOTE), else null. */
  note: string | null;
}

export interface TraceGoroutineGroupsResult {
  range: TimeRange;
  groups: TraceGoroutineGroup[];
}

/** What a (stack, reason) pair of a trace groups under; computed once per model. */
interface Combo {
  group: number;
  raw: string;
  stack: StackIndex;
  origin: number;
}

/** One grouping key of a trace (several combos may share it: same functions, other lines). */
interface GroupInfo {
  key: string;
  state: string;
}

interface GroupCache {
  comboOf: Map<number, number>;
  combos: Combo[];
  groupOf: Map<string, number>;
  groups: GroupInfo[];
  funcsOfStack: Map<StackIndex, string[]>;
}

const groupCaches = new WeakMap<TraceModel, GroupCache>();

function groupCache(model: TraceModel): GroupCache {
  let c = groupCaches.get(model);
  if (!c) groupCaches.set(model, (c = { comboOf: new Map(), combos: [], groupOf: new Map(), groups: [], funcsOfStack: new Map() }));
  return c;
}

/** A combo's number: stack, reason (or "syscall", whatever the reason) and origin side by side. */
const comboKey = (stack: number, reason: number, syscall: number, origin: number) => ((stack + 1) * 131072 + (syscall ? 131071 : reason * 2)) * 4 + origin;

function comboOf(model: TraceModel, c: GroupCache, stack: StackIndex, reason: number, syscall: number, origin: number): number {
  const ck = comboKey(stack, reason, syscall, origin);
  let id = c.comboOf.get(ck);
  if (id !== undefined) return id;
  const st = model.stacks;
  let funcs = c.funcsOfStack.get(stack);
  if (!funcs) {
    funcs = stack < 0 ? [] : keyFunctions(stackFramesLeafFirst(st, stack).map((f) => frameFuncName(st, f)));
    c.funcsOfStack.set(stack, funcs);
  }
  const raw = syscall ? 'syscall' : model.strings[reason] || (origin === IN_TRACE ? 'waiting' : UNKNOWN_PRE_TRACE_REASON);
  const state = normalizeWaitReason(raw);
  let key = goroutineGroupKey(state, funcs.length ? stackFramesLeafFirst(st, stack).map((f) => frameFuncName(st, f)) : []);
  if (origin === PRE_TRACE_START_FN) key += '|start function';
  let group = c.groupOf.get(key);
  if (group === undefined) {
    group = c.groups.length;
    c.groups.push({ key, state });
    c.groupOf.set(key, group);
  }
  id = c.combos.length;
  c.combos.push({ group, raw, stack, origin });
  c.comboOf.set(ck, id);
  return id;
}

/** Per query: what one group collected. */
interface Acc {
  /** The combo that opened the group in this query: its stack is the group's stack. */
  firstCombo: number;
  raw: Set<string>;
  intervals: number;
  totalNs: number;
  longestNs: number;
}

/** Recent results per model, by range and maxIds: the blocking view and "what changed" ask for the same ranges. */
const resultCaches = new WeakMap<TraceModel, Map<string, TraceGoroutineGroup[]>>();
const RESULT_CACHE_SIZE = 6;

/**
 * Goroutine groups over the range, biggest total first. The group objects may be shared with other
 * callers (a small per-model cache): treat them as read-only.
 */
export function traceGoroutineGroups(model: TraceModel, range?: TimeRange, opts: { limit?: number; maxIds?: number } = {}): TraceGoroutineGroupsResult {
  const lo = range?.startNs ?? model.startNs;
  const hi = range?.endNs ?? model.endNs;
  const maxIds = opts.maxIds ?? 2000;
  let cache = resultCaches.get(model);
  if (!cache) resultCaches.set(model, (cache = new Map()));
  const ck = `${lo}|${hi}|${maxIds}`;
  let out = cache.get(ck);
  if (out) {
    cache.delete(ck); // most recent last
    cache.set(ck, out);
  } else {
    out = groupsOf(model, lo, hi, maxIds);
    if (cache.size >= RESULT_CACHE_SIZE) cache.delete(cache.keys().next().value!);
    cache.set(ck, out);
  }
  return { range: { startNs: lo, endNs: hi }, groups: opts.limit === undefined ? out.slice() : out.slice(0, opts.limit) };
}

function groupsOf(model: TraceModel, lo: number, hi: number, maxIds: number): TraceGoroutineGroup[] {
  const tr = model.transitions;
  const st = model.stacks;
  const n = model.goroutines.count;
  const ix = transitionIndex(model);
  const cache = groupCache(model);
  // Per goroutine row: the open blocked interval (start time, reason, stack), or NaN.
  const openAt = new Float64Array(n).fill(NaN);
  const openReason = new Int32Array(n);
  const openStack = new Int32Array(n);
  const openSyscall = new Uint8Array(n);
  const openOrigin = new Uint8Array(n);
  // Per row: the combo of its last counted interval (a goroutine blocks at the same place again and
  // again), and where its blocked ns in that group accumulate.
  const lastCk = new Float64Array(n).fill(-1);
  const lastCombo = new Int32Array(n);
  const lastPairGroup = new Int32Array(n).fill(-1);
  const lastPair = new Int32Array(n);
  const accs: (Acc | undefined)[] = [];
  const touched: number[] = [];
  // Blocked ns per (group, goroutine id), as pairs; ids of one group become its goroutineIds.
  const pairOf = new Map<number, number>();
  let pairNs = new Float64Array(1024);
  let pairGroup = new Int32Array(1024);
  let pairRow = new Int32Array(1024);
  let pairs = 0;
  const T = tr.t;
  const TO = tr.to;

  const close = (row: number, end: number) => {
    const start = openAt[row]!;
    openAt[row] = NaN;
    const a = start > lo ? start : lo;
    const b = end < hi ? end : hi;
    if (!(b > a) && !(start >= lo && start <= hi && end === start)) return;
    const stack = openStack[row]!;
    const ck = comboKey(stack, openReason[row]!, openSyscall[row]!, openOrigin[row]!);
    let combo: number;
    if (lastCk[row] === ck) combo = lastCombo[row]!;
    else {
      combo = comboOf(model, cache, stack, openReason[row]!, openSyscall[row]!, openOrigin[row]!);
      lastCk[row] = ck;
      lastCombo[row] = combo;
    }
    const c = cache.combos[combo]!;
    const group = c.group;
    let acc = accs[group];
    if (!acc) {
      accs[group] = acc = { firstCombo: combo, raw: new Set(), intervals: 0, totalNs: 0, longestNs: 0 };
      touched.push(group);
    }
    const d = Math.max(0, b - a);
    acc.raw.add(c.raw);
    acc.intervals++;
    acc.totalNs += d;
    acc.longestNs = Math.max(acc.longestNs, d);
    let p: number;
    if (lastPairGroup[row] === group) p = lastPair[row]!;
    else {
      const key = group * n + ix.canonRow[row]!;
      const found = pairOf.get(key);
      if (found !== undefined) p = found;
      else {
        if (pairs === pairNs.length) {
          pairNs = grow(pairNs, new Float64Array(pairs * 2));
          pairGroup = grow(pairGroup, new Int32Array(pairs * 2));
          pairRow = grow(pairRow, new Int32Array(pairs * 2));
        }
        p = pairs++;
        pairGroup[p] = group;
        pairRow[p] = ix.canonRow[row]!;
        pairOf.set(key, p);
      }
      lastPairGroup[row] = group;
      lastPair[row] = p;
    }
    pairNs[p]! += d;
  };

  const FROM = tr.from;
  const forever = model.strings.indexOf('forever');
  const startStack = model.goroutines.startStack;
  /** Opens the blocked interval transition j begins for `row`, if it begins one. */
  const open = (row: number, j: number) => {
    const to = TO[j]!;
    if (to !== WAITING && to !== SYSCALL) return;
    if (to === WAITING && forever >= 0 && tr.reason[j] === forever) return; // Go: the goroutine ends
    const pre = FROM[j] === UNDETERMINED;
    let stack = tr.stack[j]!;
    let origin = pre ? PRE_TRACE : IN_TRACE;
    if (pre && stack < 0 && startStack[row]! >= 0) {
      stack = startStack[row]!;
      origin = PRE_TRACE_START_FN;
    }
    // Found blocked at the trace's start: blocked since its first sync (Go counts it from there).
    openAt[row] = pre ? model.startNs : T.at(j);
    openReason[row] = tr.reason[j]!;
    openStack[row] = stack;
    openSyscall[row] = to === SYSCALL ? 1 : 0;
    openOrigin[row] = origin;
  };

  // Where to start: intervals that ended before the range count for nothing, so only the state each
  // goroutine is in when the range starts matters (its last real change before it).
  let i0 = 0;
  if (ix.sorted) {
    i0 = lowerBound(T, tr.count, lo);
    if (i0 > 0) {
      for (let row = 0; row < n; row++) {
        const p = lastRealChange(ix, FROM, TO, row, firstPosFrom(ix, row, i0) - 1);
        if (p >= 0) open(row, ix.byG[p]!);
      }
    }
  }
  // A goroutine first seen through its status has been in that state since the trace's start, even
  // when the status comes later (Go states the goroutines it has not met at a generation's end).
  for (let row = 0; row < n; row++) {
    const g0 = ix.gStart[row]!;
    if (openAt[row]! === openAt[row]! || g0 === ix.gStart[row + 1]!) continue;
    const j = ix.byG[g0]!;
    if (FROM[j] === UNDETERMINED && j >= i0) open(row, j);
  }
  for (let i = i0; i < tr.count; i++) {
    const t = T.at(i);
    if (t > hi) break;
    // A re-stated status is no change (Go's summary skips it); a first status was taken above.
    if (FROM[i] === TO[i] || FROM[i] === UNDETERMINED) continue;
    const row = tr.g[i]!;
    if (openAt[row]! === openAt[row]!) close(row, t);
    open(row, i);
  }
  for (let row = 0; row < n; row++) if (openAt[row]! === openAt[row]!) close(row, Math.min(model.endNs, hi));

  const perGroup = new Map<number, [number, number][]>();
  for (let p = 0; p < pairs; p++) {
    const g = pairGroup[p]!;
    let list = perGroup.get(g);
    if (!list) perGroup.set(g, (list = []));
    list.push([model.goroutines.id[pairRow[p]!]!, pairNs[p]!]);
  }
  const out = touched.map((group): TraceGoroutineGroup => {
    const acc = accs[group]!;
    const info = cache.groups[group]!;
    const stack = cache.combos[acc.firstCombo]!.stack;
    const funcs = cache.funcsOfStack.get(stack) ?? [];
    const perG = perGroup.get(group) ?? [];
    return {
      key: info.key,
      state: info.state,
      rawReasons: [...acc.raw].sort(),
      function: funcs[0] ?? null,
      frames: framesOf(st, stack),
      stack,
      goroutines: perG.length,
      intervals: acc.intervals,
      totalNs: acc.totalNs,
      longestNs: acc.longestNs,
      goroutineIds: maxIds > 0 ? perG.sort((a, b) => b[1] - a[1] || a[0] - b[0]).slice(0, maxIds).map(([id]) => id) : [],
      note: cache.combos[acc.firstCombo]!.origin === PRE_TRACE_START_FN ? START_FUNCTION_NOTE : null,
    };
  });
  out.sort((a, b) => b.totalNs - a.totalNs || b.goroutines - a.goroutines || (a.key < b.key ? -1 : 1));
  return out;
}

/**
 * Position (in the goroutine's index order) of its last real state change at or before `p`, skipping
 * the statuses generations re-state; -1 when there is none.
 */
function lastRealChange(ix: TransitionIndex, from: Uint8Array, to: Uint8Array, row: number, p: number): number {
  const g0 = ix.gStart[row]!;
  while (p >= g0 && from[ix.byG[p]!] === to[ix.byG[p]!]) p--;
  return p >= g0 ? p : -1;
}

function grow<T extends Float64Array | Int32Array>(from: T, to: T): T {
  to.set(from);
  return to;
}

/** One goroutine's state over a range, as runs for a lane: [start, end, state] with GoState numbers. */
export interface GoroutineLane {
  id: number;
  start: Float64Array;
  end: Float64Array;
  state: Uint8Array;
}

export interface LaneOptions {
  /**
   * Drawing resolution (ns per pixel): runs shorter than this are merged into one run per such
   * stretch, coloured by the state that held most of it, so a lane of a long range stays a few
   * thousand runs instead of hundreds of thousands. Exact runs when absent.
   */
  resolutionNs?: number;
}

class RunBuilder {
  s: number[] = [];
  e: number[] = [];
  st: number[] = [];
  // A pending merged cell of short runs: [cellStart, cellEnd), time per state.
  private cellStart = NaN;
  private cellLimit = NaN;
  private cellEnd = NaN;
  private perState = new Float64Array(8);
  constructor(private readonly res: number) {}

  add(x: number, y: number, state: number): void {
    if (!(this.res > 0)) return this.emit(x, y, state);
    if (y - x >= this.res) {
      this.flush();
      return this.emit(x, y, state);
    }
    if (this.cellStart === this.cellStart && x >= this.cellLimit) this.flush();
    if (this.cellStart !== this.cellStart) {
      this.cellStart = x;
      this.cellLimit = x + this.res;
    }
    this.perState[state & 7]! += y - x;
    this.cellEnd = y;
  }

  flush(): void {
    if (this.cellStart !== this.cellStart) return;
    let best = 0;
    for (let k = 1; k < 8; k++) if (this.perState[k]! > this.perState[best]!) best = k;
    this.emit(this.cellStart, this.cellEnd, best);
    this.perState.fill(0);
    this.cellStart = NaN;
  }

  private emit(x: number, y: number, state: number): void {
    this.s.push(x);
    this.e.push(y);
    this.st.push(state);
  }
}

/**
 * Lanes for the given goroutine ids over the range (state runs clipped to it), as a walk of every
 * transition from the first would give them, reading only each goroutine's own transitions.
 */
export function goroutineLanes(model: TraceModel, ids: readonly number[], range?: TimeRange, opts: LaneOptions = {}): GoroutineLane[] {
  const lo = range?.startNs ?? model.startNs;
  const hi = range?.endNs ?? model.endNs;
  const ix = transitionIndex(model);
  const res = opts.resolutionNs ?? 0;
  if (!ix.sorted || !ix.uniqueIds) return lanesByWalk(model, ids, lo, hi, res);
  const tr = model.transitions;
  const T = tr.t;
  const TO = tr.to;
  const FROM = tr.from;
  const stateAfter = laneStateAfter(model);
  const want = new Map<number, number>();
  ids.forEach((id, i) => want.set(id, i));
  // The walk stops after the first transition past the range of any wanted goroutine.
  let stopAt = Infinity;
  for (const [id] of want) {
    if (!(hi === hi)) break;
    const row = ix.rowOfId.get(id);
    if (row === undefined) continue;
    const p = firstPosAfterTime(ix, T, row, hi);
    if (p < ix.gStart[row + 1]!) stopAt = Math.min(stopAt, ix.byG[p]!);
  }
  return ids.map((id, k) => {
    const r = new RunBuilder(res);
    const row = want.get(id) === k ? ix.rowOfId.get(id) : undefined;
    if (row !== undefined) {
      const push = (a: number, b: number, state: number) => {
        const x = Math.max(a, lo);
        const y = Math.min(b, hi);
        if (y > x) r.add(x, y, state);
      };
      const end = ix.gStart[row + 1]!;
      // Runs that end by the range's start are clipped away: begin at the one in progress there.
      let p = firstPosAfterTime(ix, T, row, lo);
      let last = NaN;
      let lastState = -1;
      const q = lastRealChange(ix, FROM, TO, row, p - 1);
      if (q >= 0) {
        const j = ix.byG[q]!;
        last = FROM[j] === UNDETERMINED ? model.startNs : T.at(j);
        lastState = stateAfter(j);
      } else if (p < end && p === ix.gStart[row]! && FROM[ix.byG[p]!] === UNDETERMINED) {
        // First seen through its status, however late that comes: in that state from the start.
        last = model.startNs;
        lastState = stateAfter(ix.byG[p]!);
        p++;
      }
      for (; p < end; p++) {
        const j = ix.byG[p]!;
        if (j > stopAt) break;
        // Re-stated statuses continue the run; a status found at the start holds from the start.
        if (FROM[j] === TO[j] && last === last) continue;
        const t = FROM[j] === UNDETERMINED ? model.startNs : T.at(j);
        if (last === last) push(last, t, lastState);
        last = t;
        lastState = stateAfter(j);
      }
      if (last === last && lastState !== NOTEXIST) push(last, model.endNs, lastState);
    }
    r.flush();
    return { id, start: Float64Array.from(r.s), end: Float64Array.from(r.e), state: Uint8Array.from(r.st) };
  });
}

/**
 * The state a lane shows after transition j: its target state, except that a block "forever" (a
 * select with no cases, or a goroutine parked for good) ends the goroutine as Go's summary counts it
 * (and the blocking groups above): the lane stops there instead of showing waiting to the trace's end.
 */
function laneStateAfter(model: TraceModel): (j: number) => number {
  const tr = model.transitions;
  const forever = model.strings.indexOf('forever');
  if (forever < 0) return (j) => tr.to[j]!;
  return (j) => (tr.to[j] === WAITING && tr.reason[j] === forever ? NOTEXIST : tr.to[j]!);
}

/** Lanes by walking every transition (unsorted times or repeated goroutine ids: malformed input). */
function lanesByWalk(model: TraceModel, ids: readonly number[], lo: number, hi: number, res: number): GoroutineLane[] {
  const want = new Map<number, number>();
  ids.forEach((id, i) => want.set(id, i));
  const runs = ids.map(() => ({ b: new RunBuilder(res), last: NaN, lastState: -1 }));
  const tr = model.transitions;
  const stateAfter = laneStateAfter(model);
  const push = (r: (typeof runs)[number], a: number, b: number, state: number) => {
    const x = Math.max(a, lo);
    const y = Math.min(b, hi);
    if (y > x) r.b.add(x, y, state);
  };
  // A goroutine first seen through its status is in that state from the start, however late the status.
  const seen = new Uint8Array(ids.length);
  for (let i = 0; i < tr.count; i++) {
    const k = want.get(model.goroutines.id[tr.g[i]!]!);
    if (k === undefined || seen[k]) continue;
    seen[k] = 1;
    if (tr.from[i] === UNDETERMINED) {
      runs[k]!.last = model.startNs;
      runs[k]!.lastState = stateAfter(i);
    }
  }
  for (let i = 0; i < tr.count; i++) {
    const t = tr.t.at(i);
    const k = want.get(model.goroutines.id[tr.g[i]!]!);
    if (k === undefined) continue;
    const r = runs[k]!;
    if ((tr.from[i] === tr.to[i] || tr.from[i] === UNDETERMINED) && r.last === r.last) continue;
    const at = tr.from[i] === UNDETERMINED ? model.startNs : t;
    if (r.last === r.last) push(r, r.last, at, r.lastState);
    r.last = at;
    r.lastState = stateAfter(i);
    if (t > hi) break;
  }
  return ids.map((id, k) => {
    const r = runs[k]!;
    if (r.last === r.last && r.lastState !== NOTEXIST) push(r, r.last, model.endNs, r.lastState);
    r.b.flush();
    return { id, start: Float64Array.from(r.b.s), end: Float64Array.from(r.b.e), state: Uint8Array.from(r.b.st) };
  });
}

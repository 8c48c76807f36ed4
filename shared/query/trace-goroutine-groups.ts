/**
 * The goroutine blocking view for a trace: goroutines grouped by (wait reason, blocking stack) over a
 * time range, with how many goroutines, the total and the longest time blocked inside the range, and
 * the goroutines of each group for their lanes. The grouping key is the dump view's
 * (goroutineGroupKey), so a trace group and a dump group of the same wait compare directly.
 *
 * A blocked interval runs from a transition into Waiting (or Syscall) to the goroutine's next
 * transition; an interval still open at the end of the trace runs to the trace's end.
 */
import type { TraceModel } from '../model/trace.ts';
import { frameFuncName, stackFramesLeafFirst, type StackIndex } from '../model/stacks.ts';
import { goroutineGroupKey, keyFunctions, normalizeWaitReason, type GoroutineGroupFrame } from './goroutine-groups.ts';
import type { TimeRange } from './trace-blocking.ts';

const WAITING = 4;
const SYSCALL = 5;

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
}

export interface TraceGoroutineGroupsResult {
  range: TimeRange;
  groups: TraceGoroutineGroup[];
}

interface Acc {
  g: TraceGoroutineGroup;
  raw: Set<string>;
  perG: Map<number, number>;
}

export function traceGoroutineGroups(model: TraceModel, range?: TimeRange, opts: { limit?: number; maxIds?: number } = {}): TraceGoroutineGroupsResult {
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
    const raw = openSyscall[row] ? 'syscall' : model.strings[openReason[row]!] || 'waiting';
    const state = normalizeWaitReason(raw);
    const key = goroutineGroupKey(state, funcs.length ? stackFramesLeafFirst(st, stack).map((f) => frameFuncName(st, f)) : []);
    let acc = groups.get(key);
    if (!acc) {
      acc = {
        g: {
          key,
          state,
          rawReasons: [],
          function: funcs[0] ?? null,
          frames:
            stack < 0
              ? []
              : stackFramesLeafFirst(st, stack).map((f) => ({
                  function: frameFuncName(st, f),
                  file: st.strings[st.frameFile[f]!] ?? '',
                  line: st.frameLine[f]!,
                })),
          stack,
          goroutines: 0,
          intervals: 0,
          totalNs: 0,
          longestNs: 0,
          goroutineIds: [],
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

  for (let i = 0; i < tr.count; i++) {
    const t = tr.t[i]!;
    if (t > hi) break;
    const row = tr.g[i]!;
    if (openAt[row]! === openAt[row]!) close(row, t);
    const to = tr.to[i]!;
    if (to === WAITING || to === SYSCALL) {
      openAt[row] = t;
      openReason[row] = tr.reason[i]!;
      openStack[row] = tr.stack[i]!;
      openSyscall[row] = to === SYSCALL ? 1 : 0;
    }
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

/** One goroutine's state over a range, as runs for a lane: [start, end, state] with GoState numbers. */
export interface GoroutineLane {
  id: number;
  start: Float64Array;
  end: Float64Array;
  state: Uint8Array;
}

/** Lanes for the given goroutine ids over the range (state runs clipped to it). */
export function goroutineLanes(model: TraceModel, ids: readonly number[], range?: TimeRange): GoroutineLane[] {
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
  for (let i = 0; i < tr.count; i++) {
    const t = tr.t[i]!;
    const k = want.get(model.goroutines.id[tr.g[i]!]!);
    if (k === undefined) continue;
    const r = runs[k]!;
    if (r.last === r.last) push(r, r.last, t, r.lastState);
    r.last = t;
    r.lastState = tr.to[i]!;
    if (t > hi) break;
  }
  return ids.map((id, k) => {
    const r = runs[k]!;
    if (r.last === r.last && r.lastState !== 1) push(r, r.last, model.endNs, r.lastState);
    return { id, start: Float64Array.from(r.s), end: Float64Array.from(r.e), state: Uint8Array.from(r.st) };
  });
}

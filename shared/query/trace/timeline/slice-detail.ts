/**
 * What a click on a timeline slice opens: the goroutine behind it, its state and why, the stack in
 * effect at that moment, who woke it and whom it woke, and its events around the moment.
 */
import { frameFuncName, stackFramesLeafFirst } from '../../../model/stacks.ts';
import { G_RUNNING, G_SYSCALL, G_UNDETERMINED, type TraceModel } from '../../../model/trace.ts';
import { goroutineStartFunctions } from '../trace-annotations.ts';
import { firstPosAfterTime, transitionIndex } from '../transition-index.ts';
import { gOf, kindOf, runAt } from './lane-runs.ts';
import { flowsOfGoroutine } from './timeline-flows.ts';
import { goroutineRuns, K_RUNNABLE, K_RUNNING, NO_PROC_ID } from './timeline-index.ts';
import { laneRuns } from './timeline-window.ts';
import { SLICE_KINDS, type GoroutineEventRow, type LaneRef, type SliceDetail, type StackFrameRef } from './timeline-types.ts';

export interface SliceDetailArgs {
  lane: LaneRef;
  t: number;
  /** How many of the goroutine's events around t (default 50). */
  eventLimit?: number;
}

const STATE_NAMES = ['undetermined', 'not-exist', 'runnable', 'running', 'waiting', 'syscall'];
/** How many earlier transitions the stack lookup reads back for one the goroutine itself recorded. */
const STACK_LOOKBACK = 16;
const WOKE_LIMIT = 200;

function framesOf(model: TraceModel, stack: number): StackFrameRef[] {
  if (stack < 0) return [];
  const st = model.stacks;
  return stackFramesLeafFirst(st, stack).map((f) => ({ fn: frameFuncName(st, f), file: st.strings[st.frameFile[f]!] ?? '', line: st.frameLine[f]! }));
}

/** Whether transition j's stack is the goroutine's own (it was executing, or it is its status), not its waker's. */
function ownStack(model: TraceModel, j: number): boolean {
  const from = model.transitions.from[j]!;
  return model.transitions.stack[j]! >= 0 && (from === G_RUNNING || from === G_SYSCALL || from === G_UNDETERMINED);
}

/** Index of j in the ascending wakers.at, or -1. */
function wakerRow(at: Int32Array, j: number): number {
  let l = 0;
  let r = at.length;
  while (l < r) {
    const m = (l + r) >>> 1;
    if (at[m]! < j) l = m + 1;
    else r = m;
  }
  return l < at.length && at[l] === j ? l : -1;
}

/** The detail of the slice of `lane` holding time t, or null when the lane has nothing there. */
export function timelineSliceDetail(model: TraceModel, args: SliceDetailArgs): SliceDetail | null {
  const runs = laneRuns(model, args.lane);
  if (!runs) return null;
  const i = runAt(runs, args.t);
  if (i < 0) return null;
  const gRow = gOf(runs, i);
  if (gRow < 0) return null;
  const tr = model.transitions;
  const ix = transitionIndex(model);
  const ids = model.goroutines.id;
  // The goroutine's own run at t: its state, the transition that began it, the reason.
  const own = goroutineRuns(model, gRow);
  const oi = runAt(own, args.t);
  const src = oi >= 0 && own.src ? own.src[oi]! : runs.src ? runs.src[i]! : -1;
  const kind = args.lane.kind === 'goroutine' || oi < 0 ? kindOf(runs, i) : kindOf(own, oi);
  const P = tr.p;
  const pOf = (j: number) => (j >= 0 && P ? (P[j] === NO_PROC_ID ? -1 : P[j]!) : -1);

  // The stack in effect: where a running slice stopped, else where the goroutine last recorded one.
  let stack = -1;
  const g0 = ix.gStart[gRow]!;
  const posOf = (j: number) => {
    let l = g0;
    let r = ix.gStart[gRow + 1]!;
    while (l < r) {
      const m = (l + r) >>> 1;
      if (ix.byG[m]! < j) l = m + 1;
      else r = m;
    }
    return l;
  };
  const srcPos = src >= 0 ? posOf(src) : firstPosAfterTime(ix, tr.t, gRow, args.t) - 1;
  if (kind === K_RUNNING && oi >= 0 && oi + 1 < own.n && own.src) {
    const next = own.src[oi + 1]!;
    if (ownStack(model, next)) stack = tr.stack[next]!;
  }
  for (let p = srcPos, k = 0; stack < 0 && p >= g0 && k < STACK_LOOKBACK; p--, k++) if (ownStack(model, ix.byG[p]!)) stack = tr.stack[ix.byG[p]!]!;
  if (stack < 0) stack = model.goroutines.startStack[gRow]! >= 0 ? model.goroutines.startStack[gRow]! : model.goroutines.createStack[gRow]!;

  // Who made it runnable: the wake-up that began this runnable slice, or the one before this run.
  let wokenBy: SliceDetail['wokenBy'] = null;
  const names = goroutineStartFunctions(model);
  if (tr.wakers && oi >= 0 && own.src) {
    const wakeSrc = kind === K_RUNNABLE ? own.src[oi]! : kind === K_RUNNING && oi > 0 && kindOf(own, oi - 1) === K_RUNNABLE ? own.src[oi - 1]! : -1;
    const k = wakeSrc >= 0 ? wakerRow(tr.wakers.at, wakeSrc) : -1;
    if (k >= 0) {
      const by = tr.wakers.by[k]!;
      wokenBy = { g: by >= 0 ? ids[by]! : -1, t: tr.t.at(wakeSrc), fn: by >= 0 ? (names[by] ?? '') : '' };
    }
  }
  const start = runs.start.at(i);
  const end = runs.end.at(i);
  const woke = (flowsOfGoroutine(model, gRow, start, end)?.woke ?? []).slice(0, WOKE_LIMIT).map((k) => {
    const j = tr.wakers!.at[k]!;
    return { g: ids[tr.g[j]!]!, t: tr.t.at(j) };
  });

  // Its real transitions around t.
  const real: number[] = [];
  for (let p = g0; p < ix.gStart[gRow + 1]!; p++) if (tr.from[ix.byG[p]!] !== tr.to[ix.byG[p]!]) real.push(ix.byG[p]!);
  const limit = Math.max(0, args.eventLimit ?? 50);
  let at = 0;
  while (at < real.length && tr.t.at(real[at]!) <= args.t) at++;
  const from = Math.max(0, Math.min(at - Math.ceil(limit / 2), real.length - limit));
  const st = model.stacks;
  const events: GoroutineEventRow[] = real.slice(from, from + limit).map((j) => {
    const k = tr.wakers ? wakerRow(tr.wakers.at, j) : -1;
    const by = k >= 0 ? tr.wakers!.by[k]! : -1;
    const s = tr.stack[j]!;
    return {
      t: tr.t.at(j),
      from: STATE_NAMES[tr.from[j]!] ?? '',
      to: STATE_NAMES[tr.to[j]!] ?? '',
      reason: model.strings[tr.reason[j]!] ?? '',
      p: pOf(j),
      byG: by >= 0 ? ids[by]! : -1,
      where: s >= 0 ? frameFuncName(st, st.stackFrame[s]!) : '',
    };
  });

  return {
    lane: args.lane,
    g: ids[gRow]!,
    fn: names[gRow] ?? '',
    state: SLICE_KINDS[kind]!,
    reason: src >= 0 && kind !== K_RUNNING ? (model.strings[tr.reason[src]!] ?? '') : '',
    start,
    end,
    p: args.lane.kind === 'proc' ? args.lane.id : pOf(src),
    stack: framesOf(model, stack),
    wokenBy,
    woke,
    events,
    eventsTotal: real.length,
  };
}

/**
 * Per-goroutine figures of a Go execution trace with the semantics of Go's own summary
 * (internal/trace summary.go, the Summarizer behind `go tool trace`'s goroutine analysis), so that
 * `tracedeck goroutines` equals `go-trace-summary` goroutine by goroutine:
 *
 *  - only real changes count: a transition into the state a goroutine is already in (each
 *    generation re-states every goroutine's status) is skipped, so a goroutine blocked for the
 *    whole trace is one blocked interval;
 *  - a goroutine first seen through its status (it existed before the trace) is created at the
 *    last sync (the trace's first event: statuses are only "undetermined" before the second sync)
 *    and its time since that sync counts in the state it is found in, with the reason the status
 *    gives (none: "" — Go does not know why it was blocked);
 *  - a goroutine is named by the root frame of the first stack one of its transitions carries
 *    (a creation's start stack, a block / stop / syscall / status stack; never an unblock's);
 *  - a syscall is syscall time until its P goes idle, then syscall block time; a goroutine found
 *    in a syscall without a P counts syscall block time from the sync;
 *  - exit, or a block "forever", ends the goroutine (Go's EndTime);
 *  - Go keeps "unset" timestamps as 0; an event at trace time 0 (old formats start there) is
 *    therefore unset too, and so is the quirk reproduced (see `set`).
 *
 * Times are model ns (relative to the trace's first event, Go's first Sync). With a range, every
 * interval Go adds up is clipped to it (the views' selection); without, the sums are Go's exactly.
 */
import type { StackTable } from '../../model/stacks.ts';
import type { TraceModel } from '../../model/trace.ts';
import { G_NOTEXIST, G_RUNNABLE, G_RUNNING, G_SYSCALL, G_UNDETERMINED, G_WAITING, P_IDLE } from '../../model/trace.ts';
import type { TimeRange } from './trace-blocking.ts';

export interface GoroutineSummaryRow {
  id: number;
  /** Go's name: the start function, as the root frame of its first transition stack ('' = none seen). */
  name: string;
  creationNs: number;
  /** First time it ran (0: never ran in the trace, as Go prints it). */
  startNs: number;
  /** Exit or "forever" block (0: neither, as Go prints it). */
  endNs: number;
  execNs: number;
  schedWaitNs: number;
  syscallNs: number;
  syscallBlockNs: number;
  /** Block time per reason as Go spells it ('' = a wait whose reason the trace does not give). */
  blockNsByReason: Record<string, number>;
  totalNs: number;
}

/** Per-goroutine figures of the summary, one entry per model goroutine row (null: none in Go's summary). */
export interface GoroutineSummaryColumns {
  /** Model row → whether Go's summary has the goroutine. */
  present: Uint8Array;
  name: string[];
  creationNs: Float64Array;
  /** NaN = unset (Go's 0). */
  startNs: Float64Array;
  endNs: Float64Array;
  execNs: Float64Array;
  schedWaitNs: Float64Array;
  syscallNs: Float64Array;
  syscallBlockNs: Float64Array;
  /** Block ns per reason (model string index → ns); null when it never blocked. */
  blockNs: (Map<number, number> | null)[];
  totalNs: Float64Array;
}

/** Root (outermost) frame's function of a stack ('' when the stack is empty). */
function rootFunc(st: StackTable, stack: number): string {
  let s = stack;
  for (let p = st.stackPrefix[s]!; p >= 0; p = st.stackPrefix[s]!) s = p;
  return st.strings[st.frameFunc[st.stackFrame[s]!]!] ?? '';
}

const wholeCache = new WeakMap<TraceModel, GoroutineSummaryColumns>();

/**
 * Go's summary of every goroutine, as columns by model row; clipped to `range` when given.
 * The whole-trace result is cached per model.
 */
export function goroutineSummaryColumns(model: TraceModel, range?: TimeRange): GoroutineSummaryColumns {
  if (!range) {
    let c = wholeCache.get(model);
    if (!c) wholeCache.set(model, (c = summarize(model, -Infinity, Infinity)));
    return c;
  }
  return summarize(model, range.startNs, range.endNs);
}

/** Go's summary as rows (go-trace-summary's JSON), by goroutine id. */
export function goroutineSummary(model: TraceModel): GoroutineSummaryRow[] {
  const c = goroutineSummaryColumns(model);
  const gs = model.goroutines;
  const rows: GoroutineSummaryRow[] = [];
  for (let r = 0; r < gs.count; r++) {
    if (!c.present[r]) continue;
    const byReason: Record<string, number> = {};
    const m = c.blockNs[r];
    if (m) {
      const keys = [...m.keys()].map((k) => model.strings[k] ?? '').sort();
      const byName = new Map<string, number>();
      for (const [k, v] of m) byName.set(model.strings[k] ?? '', (byName.get(model.strings[k] ?? '') ?? 0) + v);
      for (const k of keys) byReason[k] = byName.get(k)!;
    }
    const start = c.startNs[r]!;
    const end = c.endNs[r]!;
    rows.push({
      id: gs.id[r]!,
      name: c.name[r]!,
      creationNs: c.creationNs[r]!,
      startNs: start === start ? start : 0,
      endNs: end === end ? end : 0,
      execNs: c.execNs[r]!,
      schedWaitNs: c.schedWaitNs[r]!,
      syscallNs: c.syscallNs[r]!,
      syscallBlockNs: c.syscallBlockNs[r]!,
      blockNsByReason: byReason,
      totalNs: c.totalNs[r]!,
    });
  }
  rows.sort((a, b) => a.id - b.id);
  return rows;
}

function summarize(model: TraceModel, lo: number, hi: number): GoroutineSummaryColumns {
  const gs = model.goroutines;
  const n = gs.count;
  const tr = model.transitions;
  const pr = model.procs;
  const st = model.stacks;
  const clipped = lo > -Infinity || hi < Infinity;
  // Model time of Go's trace time 0: a timestamp there is "unset" for Go.
  const zeroRel = -model.clockBaseNs;
  const set = (t: number): number => (t === zeroRel ? NaN : t);
  const raw = (t: number): number => (t === t ? t : zeroRel);
  /** Go adds b - a; a view adds the part inside the range. */
  const span = (a: number, b: number): number => {
    if (!clipped) return b - a;
    const x = a > lo ? a : lo;
    const y = b < hi ? b : hi;
    return y > x ? y - x : 0;
  };
  const syncTs = 0;

  const out: GoroutineSummaryColumns = {
    present: new Uint8Array(n),
    name: new Array<string>(n).fill(''),
    creationNs: new Float64Array(n),
    startNs: new Float64Array(n).fill(NaN),
    endNs: new Float64Array(n).fill(NaN),
    execNs: new Float64Array(n),
    schedWaitNs: new Float64Array(n),
    syscallNs: new Float64Array(n),
    syscallBlockNs: new Float64Array(n),
    blockNs: new Array<Map<number, number> | null>(n).fill(null),
    totalNs: new Float64Array(n),
  };
  const named = new Uint8Array(n);
  const lastStart = new Float64Array(n).fill(NaN);
  const lastRunnable = new Float64Array(n).fill(NaN);
  const lastBlock = new Float64Array(n).fill(NaN);
  const lastBlockReason = new Int32Array(n);
  const lastSyscall = new Float64Array(n).fill(NaN);
  const lastSyscallBlock = new Float64Array(n).fill(NaN);
  /** The interval TotalTime spans ends where the goroutine was finalized (NaN: not yet). */
  const totalSet = new Uint8Array(n);
  // Go's syscall bindings, by goroutine id and P id.
  const syscallingP = new Map<number, number>();
  const syscallingG = new Map<number, number>();

  const addBlock = (g: number, reason: number, d: number) => {
    let m = out.blockNs[g];
    if (!m) out.blockNs[g] = m = new Map();
    m.set(reason, (m.get(reason) ?? 0) + d);
  };
  const reset = (g: number, creation: number) => {
    out.present[g] = 1;
    out.name[g] = '';
    named[g] = 0;
    out.creationNs[g] = creation;
    out.startNs[g] = NaN;
    out.endNs[g] = NaN;
    out.execNs[g] = 0;
    out.schedWaitNs[g] = 0;
    out.syscallNs[g] = 0;
    out.syscallBlockNs[g] = 0;
    out.blockNs[g] = null;
    out.totalNs[g] = 0;
    totalSet[g] = 0;
    lastStart[g] = lastRunnable[g] = lastBlock[g] = lastSyscall[g] = lastSyscallBlock[g] = NaN;
    lastBlockReason[g] = 0;
  };
  /** Go's finalize: pending intervals up to `ts`, then no pending state. */
  const finalize = (g: number, ts: number) => {
    if (!totalSet[g] && out.totalNs[g] === 0) {
      out.totalNs[g] = span(out.creationNs[g]!, ts);
      totalSet[g] = clipped ? 1 : out.totalNs[g] !== 0 ? 1 : 0;
    }
    if (lastStart[g] === lastStart[g]) out.execNs[g]! += span(lastStart[g]!, ts);
    if (lastRunnable[g] === lastRunnable[g]) out.schedWaitNs[g]! += span(lastRunnable[g]!, ts);
    if (lastBlock[g] === lastBlock[g]) addBlock(g, lastBlockReason[g]!, span(lastBlock[g]!, ts));
    if (lastSyscall[g] === lastSyscall[g]) out.syscallNs[g]! += span(lastSyscall[g]!, ts);
    // Go counts a syscall still blocked at the end as scheduler wait.
    if (lastSyscallBlock[g] === lastSyscallBlock[g]) out.schedWaitNs[g]! += span(lastSyscallBlock[g]!, ts);
    lastStart[g] = lastRunnable[g] = lastBlock[g] = lastSyscall[g] = lastSyscallBlock[g] = NaN;
    lastBlockReason[g] = 0;
  };

  const T = tr.t;
  const G = tr.g;
  const FROM = tr.from;
  const TO = tr.to;
  const R = tr.reason;
  const S = tr.stack;
  const sAt = tr.syscallP?.at;
  const sP = tr.syscallP?.p;
  let sk = 0;
  const foreverIdx = model.strings.indexOf('forever');
  const PT = pr.t;
  let j = 0;
  /** Proc transitions before `t`, in the global order: a P going idle under a syscall blocks it. */
  const procsUntil = (t: number) => {
    for (; j < pr.count && PT[j]! < t; j++) {
      if (pr.to[j] !== P_IDLE || pr.from[j] === P_IDLE) continue;
      const p = pr.p[j]!;
      const id = syscallingP.get(p);
      if (id === undefined) continue;
      const g = rowOfId(model, id);
      if (g >= 0) lastSyscallBlock[g] = set(PT[j]!);
      syscallingP.delete(p);
    }
  };
  for (let i = 0; i < tr.count; i++) {
    const t = T.at(i);
    procsUntil(t);
    let evP = -1;
    if (sAt !== undefined && sk < sAt.length && sAt[sk] === i) evP = sP![sk++]!;
    const from = FROM[i]!;
    const to = TO[i]!;
    if (from === to) continue;
    const g = G[i]!;
    const id = gs.id[g]!;

    // Out of the old state.
    switch (from) {
      case G_UNDETERMINED: {
        reset(g, syncTs);
        const d = span(syncTs, t);
        if (to === G_RUNNING) out.execNs[g]! += d;
        else if (to === G_WAITING) addBlock(g, R[i]!, d);
        else if (to === G_RUNNABLE) out.schedWaitNs[g]! += d;
        else if (to === G_SYSCALL) {
          if (evP === -1) out.syscallBlockNs[g]! += d;
          else out.syscallNs[g]! += d;
        }
        break;
      }
      case G_NOTEXIST:
        reset(g, t);
        break;
      case G_RUNNING:
        if (!out.present[g]) reset(g, syncTs);
        out.execNs[g]! += span(raw(lastStart[g]!), t);
        lastStart[g] = NaN;
        break;
      case G_WAITING:
        if (!out.present[g]) reset(g, syncTs);
        if (lastBlock[g] === lastBlock[g]) {
          addBlock(g, lastBlockReason[g]!, span(lastBlock[g]!, t));
          lastBlock[g] = NaN;
        }
        break;
      case G_RUNNABLE:
        if (!out.present[g]) reset(g, syncTs);
        if (lastRunnable[g] === lastRunnable[g]) {
          out.schedWaitNs[g]! += span(lastRunnable[g]!, t);
          lastRunnable[g] = NaN;
        }
        break;
      case G_SYSCALL:
        if (!out.present[g]) reset(g, syncTs);
        if (lastSyscall[g] === lastSyscall[g]) {
          const blockedAt = lastSyscallBlock[g]!;
          if (blockedAt === blockedAt) {
            out.syscallBlockNs[g]! += span(blockedAt, t);
            out.syscallNs[g]! += span(lastSyscall[g]!, blockedAt);
          } else {
            out.syscallNs[g]! += span(lastSyscall[g]!, t);
          }
          lastSyscall[g] = NaN;
          lastSyscallBlock[g] = NaN;
          // Go deletes the binding of the P it recorded (P 0 when it has none recorded).
          syscallingP.delete(syscallingG.get(id) ?? 0);
          syscallingG.delete(id);
        }
        break;
    }

    // The name: the root frame of the first stack of the goroutine's own transitions.
    if (!named[g]) {
      const stack = from === G_NOTEXIST ? gs.startStack[g]! : from === G_WAITING && to === G_RUNNABLE ? -1 : S[i]!;
      if (stack >= 0) {
        out.name[g] = rootFunc(st, stack);
        named[g] = out.name[g] !== '' ? 1 : 0;
      }
    }

    // Into the new state.
    switch (to) {
      case G_RUNNING:
        lastStart[g] = set(t);
        if (out.startNs[g] !== out.startNs[g]) out.startNs[g] = set(t);
        break;
      case G_RUNNABLE:
        lastRunnable[g] = set(t);
        break;
      case G_WAITING:
        if (R[i] !== foreverIdx || foreverIdx < 0) {
          lastBlock[g] = set(t);
          lastBlockReason[g] = R[i]!;
          break;
        }
        out.endNs[g] = set(t);
        finalize(g, t);
        break;
      case G_NOTEXIST:
        out.endNs[g] = set(t);
        finalize(g, t);
        break;
      case G_SYSCALL:
        syscallingP.set(evP, id);
        syscallingG.set(id, evP);
        lastSyscall[g] = set(t);
        break;
    }
  }
  procsUntil(Infinity);
  for (let g = 0; g < n; g++) if (out.present[g]) finalize(g, model.endNs);
  return out;
}

const rowCaches = new WeakMap<TraceModel, Map<number, number>>();
function rowOfId(model: TraceModel, id: number): number {
  let m = rowCaches.get(model);
  if (!m) {
    m = new Map();
    for (let r = 0; r < model.goroutines.count; r++) m.set(model.goroutines.id[r]!, r);
    rowCaches.set(model, m);
  }
  return m.get(id) ?? -1;
}

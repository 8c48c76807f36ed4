/**
 * Mutator utilization over time, from the trace model: the step functions Go's
 * `internal/trace.MutatorUtilizationV2` computes (gc.go), point for point, for Go's UtilFlags.
 *
 * Go walks its event stream keeping, per P, how many GC things hold it (a sweep or mark assist on it, a
 * background mark worker or an assisting goroutine running on it) and a stop-the-world count; after
 * every event it records the utilization: one series for the whole program (the share of Ps free of GC)
 * or, per-P, a 0/1 series for each P. The model keeps exactly what that walk reads: the goroutine
 * transitions with their P, and `gcEvents` (ranges, GC labels, GOMAXPROCS, syncs, the last event's time)
 * interleaved with them by `seq`. Go's quirks are kept on purpose, because the figures must equal Go's:
 * a series starts when GOMAXPROCS is first seen, at one timestamp the lowest utilization wins, a
 * background worker stays one for good, and a series ends at the last event with utilization 0 (or where
 * it last dropped to 0, when it stayed there).
 *
 * One of those quirks shapes every curve of a new-format trace: a background mark worker that runs again
 * is counted twice on its P (once as it starts running, being a worker already, once more for the GC label
 * it then emits) but released once as it stops, so after a GC cycle or two Go holds the Ps for good and
 * the utilization stays 0 to the end (Go's series for the 18 s bench trace end 2 ms in). We keep it: the
 * figures must be Go's.
 */
import {
  G_RUNNING,
  G_SYSCALL,
  GC_EV_ASSIST_ACTIVE,
  GC_EV_ASSIST_BEGIN,
  GC_EV_ASSIST_END,
  GC_EV_GOMAXPROCS,
  GC_EV_LABEL,
  GC_EV_LAST,
  GC_EV_STW_BEGIN,
  GC_EV_STW_END,
  GC_EV_SWEEP_ACTIVE,
  GC_EV_SWEEP_BEGIN,
  GC_EV_SWEEP_END,
  GC_EV_SYNC,
  GC_LABEL_DEDICATED,
  GC_LABEL_IDLE,
  type TraceModel,
} from '../../../model/trace.ts';
import type { MmuFlags } from '../timeline/timeline-types.ts';
import type { UtilSeries } from './mmu-curve.ts';

const executing = (state: number): boolean => state === G_RUNNING || state === G_SYSCALL;

/** Appends a utilization change (Go's addUtil): equal values merge, and at one timestamp the lowest wins. */
function addUtil(s: UtilSeries, time: number, util: number): void {
  const n = s.time.length;
  if (n > 0) {
    if (util === s.util[n - 1]) return;
    if (time === s.time[n - 1]) {
      if (util < s.util[n - 1]!) s.util[n - 1] = util;
      return;
    }
  }
  s.time.push(time);
  s.util.push(util);
}

/**
 * The mutator utilization series of the trace for these flags: one series, or one per P (and per P
 * re-added after GOMAXPROCS dropped) with `perProc`. Empty when the trace never states GOMAXPROCS.
 */
export function mutatorUtilization(model: TraceModel, flags: MmuFlags): UtilSeries[] {
  const perProc = !!flags.perProc;
  const tr = model.transitions;
  const ev = model.gcEvents;
  const nG = model.goroutines.count;

  const out: UtilSeries[] = [];
  let stw = 0;
  // Per P: how many GC things hold it, and the series it writes to.
  const pGc: number[] = [];
  const pSeries: number[] = [];
  const inGC = new Uint8Array(nG);
  const bgMark = new Uint8Array(nG);
  const states = new Uint8Array(nG);
  const procs: { time: number; n: number }[] = [];
  let nSync = 0;
  // Recording only when something changed, or when an earlier record at the same timestamp kept a
  // lower value than the state now has (the next event then records it, as Go's every-event walk does).
  let dirty = false;

  const validP = (p: number): boolean => p >= 0 && p < pGc.length;
  const holdP = (p: number, d: number): void => {
    // Go indexes its P slice directly (a P it has not sized for would be a crash there); skip it here.
    if (!validP(p)) return;
    pGc[p]! += d;
    dirty = true;
  };

  const record = (time: number): void => {
    if (pGc.length === 0 || !dirty) return;
    dirty = false;
    if (!perProc) {
      let gcPs = 0;
      if (stw > 0) gcPs = pGc.length;
      else for (const gc of pGc) if (gc > 0) gcPs++;
      const mu = 1 - gcPs / pGc.length;
      const s = out[0]!;
      addUtil(s, time, mu);
      if (s.util[s.util.length - 1] !== mu) dirty = true;
    } else {
      for (let p = 0; p < pGc.length; p++) {
        const util = stw > 0 || pGc[p]! > 0 ? 0 : 1;
        const s = out[pSeries[p]!]!;
        addUtil(s, time, util);
        if (s.util[s.util.length - 1] !== util) dirty = true;
      }
    }
  };

  /** A range found already running at the trace's start: take it out of the utilization so far. */
  const backdateActive = (): void => {
    if (perProc) return;
    const s = out[0]!;
    let pi = 0;
    for (let mi = 0; mi < s.time.length; ) {
      if (pi < procs.length - 1 && procs[pi + 1]!.time < s.time[mi]!) {
        pi++;
        continue;
      }
      s.util[mi] = Math.max(0, s.util[mi]! - 1 / procs[pi]!.n);
      mi++;
    }
    dirty = true;
  };

  const gcEvent = (k: number): void => {
    const kind = ev.kind[k]!;
    const t = ev.t.at(k);
    const p = ev.p[k]!;
    if (kind === GC_EV_SYNC) nSync = ev.value[k]!;
    else if (kind === GC_EV_GOMAXPROCS) setProcs(t, ev.value[k]!);
    if (pGc.length === 0) return;
    switch (kind) {
      case GC_EV_SWEEP_ACTIVE:
      case GC_EV_ASSIST_ACTIVE: {
        // Only a first generation's "already active" matters: after that they restate what is known.
        if (nSync > 1) break;
        const assist = kind === GC_EV_ASSIST_ACTIVE;
        if (assist ? flags.assist : flags.sweep) {
          const g = ev.g[k]!;
          // An assist counts only if its goroutine is running on the P.
          if (!assist || (g >= 0 && executing(states[g]!))) backdateActive();
        }
        begin(kind === GC_EV_ASSIST_ACTIVE ? GC_EV_ASSIST_BEGIN : GC_EV_SWEEP_BEGIN, k);
        break;
      }
      case GC_EV_STW_BEGIN:
      case GC_EV_SWEEP_BEGIN:
      case GC_EV_ASSIST_BEGIN:
        begin(kind, k);
        break;
      case GC_EV_STW_END:
        if (flags.stw && ev.value[k] === 1) {
          stw--;
          dirty = true;
        }
        break;
      case GC_EV_SWEEP_END:
        if (flags.sweep) holdP(p, -1);
        break;
      case GC_EV_ASSIST_END:
        if (flags.assist) {
          holdP(p, -1);
          const g = ev.value[k]!;
          if (g >= 0) inGC[g] = 0;
        }
        break;
      case GC_EV_LABEL: {
        // A background mark worker (idle-time workers are not counted). Per P, dedicated workers are not
        // either: they push every goroutine off their P rather than delay one.
        const label = ev.value[k]!;
        if (flags.background && label !== GC_LABEL_IDLE && !(perProc && label === GC_LABEL_DEDICATED)) {
          const g = ev.g[k]!;
          if (g >= 0) bgMark[g] = 1;
          holdP(p, 1);
        }
        break;
      }
      case GC_EV_LAST:
        break;
    }
    record(t);
  };

  const begin = (kind: number, k: number): void => {
    const p = ev.p[k]!;
    if (kind === GC_EV_STW_BEGIN) {
      if (flags.stw && ev.value[k] === 1) {
        stw++;
        dirty = true;
      }
    } else if (kind === GC_EV_SWEEP_BEGIN) {
      if (flags.sweep) holdP(p, 1);
    } else if (flags.assist) {
      holdP(p, 1);
      const g = ev.value[k]!;
      if (g >= 0) inGC[g] = 1;
    }
  };

  const setProcs = (t: number, n: number): void => {
    if (pGc.length > n) {
      if (perProc) for (let p = n; p < pGc.length; p++) addUtil(out[pSeries[p]!]!, t, 0);
      pGc.length = n;
      pSeries.length = n;
    }
    while (pGc.length < n) {
      let series = 0;
      if (perProc || out.length === 0) {
        series = out.length;
        out.push({ time: [t], util: [1] });
      }
      pGc.push(0);
      pSeries.push(series);
    }
    if (procs.length === 0 || n !== procs[procs.length - 1]!.n) procs.push({ time: t, n });
    dirty = true;
  };

  // The transitions between two GC log rows, in a tight loop: most of them change nothing here.
  const { g: trG, to: trTo, from: trFrom, p: trP, t: trT } = tr;
  let k = 0;
  for (let i = 0; i < tr.count; ) {
    while (k < ev.count && ev.seq[k]! <= i) gcEvent(k++);
    // The next GC row comes after transition upTo - 1 (> i: its seq is past i).
    const upTo = k < ev.count ? Math.min(tr.count, ev.seq[k]!) : tr.count;
    // Before GOMAXPROCS is known Go reads nothing, not even goroutine states.
    if (pGc.length === 0) {
      i = upTo;
      continue;
    }
    for (; i < upTo; i++) {
      const g = trG[i]!;
      const to = trTo[i]!;
      if (inGC[g] || bgMark[g]) {
        const was = executing(trFrom[i]!);
        const is = executing(to);
        // A goroutine doing GC work started or stopped running: its P is held or freed with it.
        if (!was && is) holdP(trP[i]!, 1);
        else if (was && !is) holdP(trP[i]!, -1);
      }
      states[g] = to;
      if (dirty) record(trT.at(i));
    }
  }
  while (k < ev.count) gcEvent(k++);
  if (tr.count === 0 && ev.count === 0) return [];

  // Every series ends at the last event with utilization 0, marking the trace's end.
  let last = NaN;
  for (let j = ev.count - 1; j >= 0; j--) {
    if (ev.kind[j] === GC_EV_LAST) {
      last = ev.t.at(j);
      break;
    }
  }
  if (Number.isNaN(last)) last = Math.max(tr.count ? tr.t.at(tr.count - 1) : -Infinity, ev.count ? ev.t.at(ev.count - 1) : -Infinity);
  for (let p = 0; p < pGc.length; p++) addUtil(out[pSeries[p]!]!, last, 0);
  return out;
}

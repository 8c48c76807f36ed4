import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseTrace } from '../../../ingest/gotrace/parse-trace.ts';
import { G_RUNNABLE, G_WAITING, type TraceModel } from '../../../model/trace.ts';
import { FIXTURES } from '../../../test-support/fixtures.ts';
import { gOf, kindOf, kindTotals, runAt, type LaneRuns } from './lane-runs.ts';
import { transitionIndex } from '../transition-index.ts';
import { timelineSliceDetail } from './slice-detail.ts';
import { wakeFlows } from './timeline-flows.ts';
import { goroutineRuns, K_RUNNING, K_SYSCALL, K_SYSCALL_BLOCKED, procLanes } from './timeline-index.ts';
import { threadLanes } from './timeline-threads.ts';
import { timelineOverview, timelineWindow } from './timeline-window.ts';

const load = (rel: string): TraceModel => parseTrace(readFileSync(join(FIXTURES, rel))).model;

function totals(lanes: Iterable<LaneRuns>): number[] {
  const out: number[] = [];
  for (const r of lanes) kindTotals(r, -Infinity, Infinity).forEach((v, k) => (out[k] = (out[k] ?? 0) + v));
  return out;
}

describe('thread (M) lanes', () => {
  // Go 1.22+ traces name the thread of every P and syscall event: every ns is on some thread.
  for (const rel of ['scenarios/cpu-pool-go1.27/trace.out', 'scenarios/conn-leak-go1.27/trace.out']) {
    it(`${rel}: running time = the P lanes' time; syscall + blocked = the goroutines' syscall time`, () => {
      const m = load(rel);
      const th = threadLanes(m);
      expect(th.size).toBeGreaterThan(1);
      const t = totals(th.values());
      const p = totals(procLanes(m).values());
      const g = totals(Array.from({ length: m.goroutines.count }, (_, r) => goroutineRuns(m, r)));
      expect(t[K_RUNNING]).toBe(p[K_RUNNING]);
      expect(t[K_SYSCALL]! + t[K_SYSCALL_BLOCKED]!).toBe(g[K_SYSCALL]);
      // The syscalls are split: some kept their P, some lost it.
      expect(t[K_SYSCALL]).toBeGreaterThan(0);
      expect(t[K_SYSCALL_BLOCKED]).toBeGreaterThan(0);
      // Never two things at once on one thread.
      for (const r of th.values()) for (let i = 1; i < r.n; i++) expect(r.start.at(i)).toBeGreaterThanOrEqual(r.end.at(i - 1));
      const o = timelineOverview(m);
      expect(o.threads.map((x) => x.id)).toEqual([...th.keys()]);
      expect(o.procs.reduce((a, x) => a + x.busyNs, 0)).toBe(p[K_RUNNING]);
    });
  }
});

describe('P lanes: syscalls holding the P', () => {
  for (const rel of ['scenarios/cpu-pool-go1.27/trace.out', 'scenarios/conn-leak-go1.27/trace.out', 'scenarios/lock-contention-go1.21/trace.out']) {
    it(`${rel}: each lies inside its goroutine's syscall, none overlaps, and their time is the threads' syscall-with-P time`, () => {
      const m = load(rel);
      const ix = transitionIndex(m);
      let n = 0;
      for (const r of procLanes(m).values()) {
        for (let i = 0; i < r.n; i++) {
          if (i) expect(r.start.at(i)).toBeGreaterThanOrEqual(r.end.at(i - 1));
          if (kindOf(r, i) !== K_SYSCALL) continue;
          n++;
          const own = goroutineRuns(m, gOf(r, i));
          const k = runAt(own, r.start.at(i));
          expect(k, `g ${m.goroutines.id[gOf(r, i)]} at ${r.start.at(i)}`).toBeGreaterThanOrEqual(0);
          expect(kindOf(own, k)).toBe(K_SYSCALL);
          expect(own.end.at(k)).toBeGreaterThanOrEqual(r.end.at(i));
        }
      }
      expect(n).toBeGreaterThan(0);
      expect(ix.rowOfId.size).toBeGreaterThan(0);
      if (rel.includes('1.27')) expect(totals(procLanes(m).values())[K_SYSCALL]).toBe(totals(threadLanes(m).values())[K_SYSCALL]);
    });
  }
});

describe('syscalls on no known thread', () => {
  it('lock-contention 1.21: the syscall found in progress at the start (Go: NoThread) is on lane -1; thread lanes hold every syscall ns and every running ns', () => {
    const m = load('scenarios/lock-contention-go1.21/trace.out');
    const th = threadLanes(m);
    const g = totals(Array.from({ length: m.goroutines.count }, (_, r) => goroutineRuns(m, r)));
    const t = totals(th.values());
    expect(t[K_SYSCALL]! + t[K_SYSCALL_BLOCKED]!).toBe(g[K_SYSCALL]);
    const unknown = th.get(-1);
    // Held from the trace's start to its end (it never exits).
    expect([unknown!.start.at(0), unknown!.end.at(0)]).toEqual([m.startNs, m.endNs]);
    // The running time is the P lanes' to the ns: a syscall named on a thread (by its P) that then runs
    // another goroutine goes on on an unknown thread.
    expect(t[K_RUNNING]).toBe(totals(procLanes(m).values())[K_RUNNING]);
    expect([...th.keys()].filter((id) => id < 0).length).toBeGreaterThanOrEqual(1);
    for (const r of th.values()) for (let i = 1; i < r.n; i++) expect(r.start.at(i)).toBeGreaterThanOrEqual(r.end.at(i - 1));
  });
});

describe('wake-up flows', () => {
  const m = load('scenarios/lock-contention-go1.27/trace.out');
  const w = m.transitions.wakers;
  const ids = m.goroutines.id;
  it('all flows of a range: every one when they fit, else spread over the range, the rest counted', () => {
    const lo = 1e9;
    const hi = 1.1e9;
    const brute = [...w.at].filter((j) => m.transitions.t.at(j) >= lo && m.transitions.t.at(j) < hi);
    expect(brute.length).toBeGreaterThan(200);
    const all = wakeFlows(m, lo, hi, null, 1e9);
    expect(all.omitted).toBe(0);
    expect(all.flows.map((f) => f.t)).toEqual(brute.map((j) => m.transitions.t.at(j)));
    expect(all.flows.map((f) => f.toG)).toEqual(brute.map((j) => ids[m.transitions.g[j]!]));
    const r = wakeFlows(m, lo, hi, null, 100);
    expect(r.flows.length).toBe(100);
    expect(r.flows.length + r.omitted).toBe(brute.length);
    // In time order, from the range's first wake-up to its last tenth.
    const ts = r.flows.map((f) => f.t);
    expect(ts).toEqual([...ts].sort((a, b) => a - b));
    expect(ts[0]).toBe(m.transitions.t.at(brute[0]!));
    expect(ts[99]!).toBeGreaterThan(lo + 0.9 * (hi - lo));
    for (const f of r.flows) {
      // The woken goroutine runs after it was woken (or never again in the trace).
      if (f.toRunT === f.toRunT) expect(f.toRunT).toBeGreaterThanOrEqual(f.t);
    }
  });
  it("a goroutine's flows: those it woke and those that woke it", () => {
    // The goroutine that woke the most others.
    const count = new Map<number, number>();
    for (const by of w.by) if (by >= 0) count.set(by, (count.get(by) ?? 0) + 1);
    const [row] = [...count].sort((a, b) => b[1] - a[1])[0]!;
    const id = ids[row]!;
    const r = wakeFlows(m, m.startNs, m.endNs, [id], 1e9);
    const brute = [...w.at.keys()].filter((k) => w.by[k] === row || m.transitions.g[w.at[k]!] === row);
    expect(r.omitted).toBe(0);
    expect(r.flows.length).toBe(brute.length);
    for (const f of r.flows) expect(f.fromG === id || f.toG === id).toBe(true);
    // In the window query, with the flows limited.
    const win = timelineWindow(m, { range: { startNs: m.startNs, endNs: m.endNs }, resolutionNs: 1e6, lanes: [{ kind: 'goroutine', id }], flowLimit: 10 });
    expect(win.flows.length).toBe(10);
    expect(win.flowsOmitted).toBe(brute.length - 10);
  });
  it('slice detail: who woke a runnable slice, and whom a running slice woke', () => {
    // A wake-up from a goroutine (not the runtime) into Runnable from Waiting.
    const k = [...w.at.keys()].find((x) => w.by[x]! >= 0 && m.transitions.from[w.at[x]!] === G_WAITING && m.transitions.to[w.at[x]!] === G_RUNNABLE)!;
    const j = w.at[k]!;
    const woken = ids[m.transitions.g[j]!]!;
    const t = m.transitions.t.at(j);
    const d = timelineSliceDetail(m, { lane: { kind: 'goroutine', id: woken }, t })!;
    expect(d.state).toBe('runnable');
    expect(d.start).toBe(t);
    expect(d.wokenBy).toEqual({ g: ids[w.by[k]!], t, fn: expect.any(String) });
    // The waker was running on a P at t, and its slice lists this wake-up.
    const waker = timelineSliceDetail(m, { lane: { kind: 'goroutine', id: ids[w.by[k]!]! }, t })!;
    expect(waker.state).toBe('running');
    expect(waker.woke).toContainEqual({ g: woken, t });
    const onP = timelineSliceDetail(m, { lane: { kind: 'proc', id: waker.p }, t })!;
    expect(onP.g).toBe(waker.g);
    expect(onP.p).toBe(waker.p);
  });
});

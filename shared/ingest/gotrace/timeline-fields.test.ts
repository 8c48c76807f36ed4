/**
 * The model's timeline fields (transition P, wakers, syscall threads, P-transition threads, the GC
 * event log) equal what Go's own reader says, on every trace fixture (go 1.11 … 1.27 formats): the
 * digest td-trace-events-oracle printed (shared/test-support/oracles/trace-events) is recomputed from
 * the model and compared — counts per P / thread / waker / GC kind, hashes over every row, and the
 * first/last rows (which make a mismatch readable).
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  GC_EV_ASSIST_ACTIVE,
  GC_EV_ASSIST_BEGIN,
  GC_EV_ASSIST_END,
  GC_EV_GOMAXPROCS,
  GC_EV_LABEL,
  GC_EV_LAST,
  GC_EV_SYNC,
  NO_PROC,
  P_IDLE,
  type TraceModel,
} from '../../model/trace.ts';
import { FIXTURES } from '../../test-support/fixtures.ts';
import { oracleOutputs, oracleTraces, readTrace } from '../../test-support/oracles.ts';
import { parseTrace } from './parse-trace.ts';

interface Rows {
  first: number[][];
  last: number[][];
}
interface Digest {
  transitions: { count: number; perP: Record<string, number>; hash: number; rows: Rows };
  wakers: { count: number; perWaker: Record<string, number>; hash: number };
  syscalls: { entries: number; exits: number; entryPerThread: Record<string, number>; exitPerThread: Record<string, number>; entryHash: number; exitHash: number };
  procs: { count: number; perThread: Record<string, number>; hash: number };
  gc: { count: number; perKind: Record<string, number>; hash: number; rows: Rows };
}

/** The oracle's FNV-1a over 32-bit words; int64 values as (low, high) words. */
class Hash {
  h = 2166136261;
  word(v: number): void {
    this.h = Math.imul((this.h ^ v) >>> 0, 16777619) >>> 0;
  }
  int64(v: number): void {
    const hi = Math.floor(v / 4294967296);
    this.word((v - hi * 4294967296) >>> 0);
    this.word(hi | 0);
  }
}

class RowKeeper {
  first: number[][] = [];
  last: number[][] = [];
  add(row: number[]): void {
    if (this.first.length < 20) this.first.push(row);
    this.last.push(row);
    if (this.last.length > 20) this.last.shift();
  }
}

function bump(m: Record<string, number>, k: number): void {
  m[String(k)] = (m[String(k)] ?? 0) + 1;
}

/** The oracle's digest, computed from our model. */
function digestOf(model: TraceModel): Digest {
  const tr = model.transitions;
  const gid = (row: number) => (row < 0 ? -1 : model.goroutines.id[row]!);
  const tRows = new RowKeeper();
  const perP: Record<string, number> = {};
  const th = new Hash();
  for (let i = 0; i < tr.count; i++) {
    const row = [tr.t.at(i), gid(tr.g[i]!), tr.from[i]!, tr.to[i]!, tr.p[i]!];
    for (const v of row) th.int64(v);
    tRows.add(row);
    bump(perP, tr.p[i]!);
  }
  const wh = new Hash();
  const perWaker: Record<string, number> = {};
  for (let k = 0; k < tr.wakers.at.length; k++) {
    const by = gid(tr.wakers.by[k]!);
    wh.int64(tr.wakers.at[k]!);
    wh.int64(by);
    bump(perWaker, by);
  }
  const seh = new Hash();
  const entryPerThread: Record<string, number> = {};
  for (let k = 0; k < tr.syscallP.at.length; k++) {
    seh.int64(tr.syscallP.at[k]!);
    seh.int64(tr.syscallP.p[k]!);
    seh.int64(tr.syscallP.m[k]!);
    bump(entryPerThread, tr.syscallP.m[k]!);
  }
  const sxh = new Hash();
  const exitPerThread: Record<string, number> = {};
  for (let k = 0; k < tr.syscallExits.at.length; k++) {
    sxh.int64(tr.syscallExits.at[k]!);
    sxh.int64(tr.syscallExits.m[k]!);
    bump(exitPerThread, tr.syscallExits.m[k]!);
  }
  const pr = model.procs;
  const ph = new Hash();
  const perThread: Record<string, number> = {};
  for (let i = 0; i < pr.count; i++) {
    for (const v of [pr.t[i]!, pr.p[i]!, pr.from[i]!, pr.to[i]!, pr.m[i]!]) ph.int64(v);
    bump(perThread, pr.m[i]!);
  }
  const ev = model.gcEvents;
  const gh = new Hash();
  const gRows = new RowKeeper();
  const perKind: Record<string, number> = {};
  for (let i = 0; i < ev.count; i++) {
    const kind = ev.kind[i]!;
    const assist = kind === GC_EV_ASSIST_BEGIN || kind === GC_EV_ASSIST_END || kind === GC_EV_ASSIST_ACTIVE;
    const value = assist ? gid(ev.value[i]!) : ev.value[i]!;
    const row = [ev.t.at(i), kind, ev.p[i]!, gid(ev.g[i]!), value, ev.seq[i]!];
    for (const v of row) gh.int64(v);
    gRows.add(row);
    bump(perKind, kind);
  }
  return {
    transitions: { count: tr.count, perP, hash: th.h, rows: { first: tRows.first, last: tRows.last } },
    wakers: { count: tr.wakers.at.length, perWaker, hash: wh.h },
    syscalls: {
      entries: tr.syscallP.at.length,
      exits: tr.syscallExits.at.length,
      entryPerThread,
      exitPerThread,
      entryHash: seh.h,
      exitHash: sxh.h,
    },
    procs: { count: pr.count, perThread, hash: ph.h },
    gc: { count: ev.count, perKind, hash: gh.h, rows: { first: gRows.first, last: gRows.last } },
  };
}

/** JSON with object keys sorted (Go sorts map keys as strings; JS puts integer keys first). */
function canonical(v: unknown): string {
  return JSON.stringify(v, (_k, x: unknown) =>
    x !== null && typeof x === 'object' && !Array.isArray(x) ? Object.fromEntries(Object.entries(x).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : x,
  );
}

describe("timeline fields equal Go's internal/trace (td-trace-events-oracle) on every trace", () => {
  const all = oracleTraces();
  it('covers every trace format in the fixtures (go 1.11 … 1.27)', () => {
    expect(all.length).toBeGreaterThanOrEqual(17);
  });
  for (const { name, path } of all) {
    it(name, () => {
      const refs = oracleOutputs<Digest>('trace-events', name);
      expect(refs.length, `no digest for ${name}: run shared/test-support/oracles/trace-events/make.sh`).toBeGreaterThan(0);
      const model = parseTrace(readTrace(path)).model;
      const ours = digestOf(model);
      const mine = canonical(ours);
      if (refs.some((ref) => canonical(ref) === mine)) return;
      // No digest matches whole: report part by part against the first (readable diffs first).
      const ref = refs[0]!;
      expect(ours.transitions.rows).toEqual(ref.transitions.rows);
      expect(ours.transitions).toEqual(ref.transitions);
      expect(ours.wakers).toEqual(ref.wakers);
      expect(ours.syscalls).toEqual(ref.syscalls);
      expect(ours.procs).toEqual(ref.procs);
      expect(ours.gc.rows).toEqual(ref.gc.rows);
      expect(ours.gc).toEqual(ref.gc);
      expect(ours).toEqual(ref);
    });
  }

  it('stores real content: the fixtures have wakers by goroutines, threads on syscalls, GC worker labels and GOMAXPROCS', () => {
    const model = parseTrace(readTrace(join(FIXTURES, 'scenarios/lock-contention-go1.27/trace.out'))).model;
    const tr = model.transitions;
    let byG = 0;
    for (let k = 0; k < tr.wakers.by.length; k++) if (tr.wakers.by[k]! >= 0) byG++;
    expect(byG).toBeGreaterThan(0);
    let withP = 0;
    for (let i = 0; i < tr.count; i++) if (tr.p[i] !== NO_PROC) withP++;
    expect(withP).toBeGreaterThan(tr.count / 2);
    const kinds = new Set(model.gcEvents.kind);
    for (const k of [GC_EV_LABEL, GC_EV_GOMAXPROCS, GC_EV_SYNC, GC_EV_LAST]) expect(kinds.has(k), `kind ${k}`).toBe(true);
    expect(model.gcEvents.kind[model.gcEvents.count - 1]).toBe(GC_EV_LAST);
    // seq interleaves the log with the transitions: never decreasing, never past the table.
    for (let i = 1; i < model.gcEvents.count; i++) expect(model.gcEvents.seq[i]! >= model.gcEvents.seq[i - 1]!).toBe(true);
    expect(model.gcEvents.seq[model.gcEvents.count - 1]).toBe(tr.count);
  });

  it('marks ProcSteal transitions (Go has no public flag for them, so checked for shape): a P taken to idle by a known thread', () => {
    // cpu-pool's workers make syscalls while both Ps are busy: sysmon takes their Ps.
    const pr = parseTrace(readTrace(join(FIXTURES, 'scenarios/cpu-pool-go1.27/trace.out'))).model.procs;
    let stolen = 0;
    for (let i = 0; i < pr.count; i++) {
      if (pr.stolen[i] !== 1) continue;
      stolen++;
      expect(pr.to[i]).toBe(P_IDLE);
      expect(pr.m[i]).toBeGreaterThanOrEqual(0);
    }
    expect(stolen).toBeGreaterThan(10);
    // Old formats have no steals.
    const old = parseTrace(readTrace(join(FIXTURES, 'scenarios/lock-contention-go1.21/trace.out'))).model.procs;
    expect(old.stolen.includes(1)).toBe(false);
    expect(old.m.some((m) => m >= 0)).toBe(true);
  });
});

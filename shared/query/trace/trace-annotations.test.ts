import { readFileSync } from 'node:fs';
import { describe, it, expect } from 'vitest';
import { fixturePath, fixturesOfKind, readFixture } from '../../test-support/fixtures.ts';
import { parseTrace } from '../../ingest/gotrace/parse-trace.ts';
import type { TraceModel } from '../../model/trace.ts';
import type { TimeRange } from './trace-blocking.ts';
import { BREAKDOWN_CATEGORIES, goroutineBreakdown, goroutineStartFunctions, nearestRank, traceAnnotations } from './trace-annotations.ts';
import { goroutineSummary } from './trace-goroutine-summary.ts';

const TRACES = fixturesOfKind('gotrace').map(([rel]) => rel);
const models = new Map<string, TraceModel>();
function model(rel: string): TraceModel {
  let m = models.get(rel);
  if (!m) models.set(rel, (m = parseTrace(readFixture(rel), {}).model));
  return m;
}

/**
 * The fixtures README's "N user tasks, N regions, N logs" per trace (go tool trace -d=parsed):
 * annotations that *begin* in the trace, and every log.
 */
function readmeAnnotationFigures(): Map<string, { tasks: number; regions: number; logs: number }> {
  const text = readFileSync(fixturePath('README.md'), 'utf8');
  const out = new Map<string, { tasks: number; regions: number; logs: number }>();
  const num = (s: string) => Number(s.replace(/,/g, ''));
  let folder = '';
  for (const line of text.split('\n')) {
    const h = /^### `(scenarios\/[^`]+)\/`/.exec(line);
    if (h) folder = h[1]!;
    const m = /^\| `trace\.out` .*?([\d,]+) user tasks, ([\d,]+) regions, ([\d,]+) logs/.exec(line);
    if (m && folder) out.set(`${folder}/trace.out`, { tasks: num(m[1]!), regions: num(m[2]!), logs: num(m[3]!) });
    const t = /^\| `(user_task_region_1_\d+_good)` .*?(\d+) (?:user )?tasks?, (\d+) regions?, (\d+) logs?/.exec(line);
    if (t) out.set(`third-party/golang-go-trace/${t[1]}`, { tasks: num(t[2]!), regions: num(t[3]!), logs: num(t[4]!) });
  }
  return out;
}

/** A few ranges per trace: whole, middle third, a 50 ms window, one outside the trace. */
function rangesOf(m: TraceModel): (TimeRange | undefined)[] {
  const d = m.endNs - m.startNs;
  return [
    undefined,
    { startNs: Math.round(m.startNs + d / 3), endNs: Math.round(m.startNs + (2 * d) / 3) },
    { startNs: Math.round(m.startNs + d * 0.41), endNs: Math.round(m.startNs + d * 0.41) + 50e6 },
    { startNs: m.endNs + 1e9, endNs: m.endNs + 2e9 },
  ];
}

/** Independent reference: per type name, the annotations overlapping [lo, hi] by a plain reading. */
function naiveByType(m: TraceModel, kind: 'tasks' | 'regions', r: TimeRange | undefined) {
  const t = m[kind];
  const lo = r ? r.startNs : m.startNs;
  const hi = r ? r.endNs : m.endNs;
  const by = new Map<string, { count: number; begun: number; completed: number; d: number[] }>();
  for (let i = 0; i < t.count; i++) {
    const s = t.start[i]!;
    const e = t.end[i]!;
    const first = Number.isNaN(s) ? -Infinity : s;
    const last = Number.isNaN(e) ? Infinity : e;
    if (last < lo || first > hi) continue;
    const name = m.strings[t.type[i]!]!;
    const a = by.get(name) ?? { count: 0, begun: 0, completed: 0, d: [] };
    by.set(name, a);
    a.count += 1;
    if (!Number.isNaN(s)) a.begun += 1;
    if (!Number.isNaN(e)) a.completed += 1;
    if (!Number.isNaN(s) && !Number.isNaN(e)) a.d.push(e - s);
  }
  return by;
}

describe('traceAnnotations', () => {
  const readme = readmeAnnotationFigures();

  it('finds the README figures for every scenario trace and both user_task_region traces', () => {
    expect(readme.get('scenarios/conn-leak-go1.27/trace.out')).toEqual({ tasks: 52, regions: 189, logs: 104 });
    expect(readme.get('scenarios/timewait-storm-go1.25/trace.out')).toEqual({ tasks: 600, regions: 600, logs: 0 });
    expect(readme.get('scenarios/lock-contention-go1.21/trace.out')).toEqual({ tasks: 9735, regions: 29198, logs: 119 });
    expect(readme.get('third-party/golang-go-trace/user_task_region_1_21_good')).toEqual({ tasks: 1, regions: 3, logs: 1 });
    expect(readme.size).toBe(12);
  });

  for (const [rel, fig] of readmeAnnotationFigures()) {
    it(`whole-trace totals equal go tool trace -d=parsed (README): ${rel}`, () => {
      const a = traceAnnotations(model(rel), undefined, { logLimit: 0 });
      expect(a.tasks.reduce((s, r) => s + r.begun, 0)).toBe(fig.tasks);
      expect(a.regions.reduce((s, r) => s + r.begun, 0)).toBe(fig.regions);
      expect(a.logsInRange).toBe(fig.logs);
      expect(a.logs).toEqual([]);
    });
  }

  it('cpu-pool: both Ps busy with job:<kind> tasks, one region per job (README pattern)', () => {
    const a = traceAnnotations(model('scenarios/cpu-pool-go1.27/trace.out'));
    const jobs = a.tasks.filter((r) => r.type.startsWith('job:'));
    expect(jobs.map((r) => r.type).sort()).toEqual(['job:big', 'job:gzip', 'job:hash', 'job:json', 'job:regexp', 'job:sort']);
    expect(jobs.reduce((s, r) => s + r.begun, 0)).toBe(1289);
    // The 4 tasks that began before the trace have no type and no duration.
    expect(a.tasks.find((r) => r.type === '')).toMatchObject({ count: 4, begun: 0, completed: 4, meanNs: null, maxNs: null, totalNs: 0 });
  });

  for (const rel of TRACES) {
    it(`per-type counts and duration stats equal a plain reading of the model tables: ${rel}`, () => {
      const m = model(rel);
      for (const r of rangesOf(m)) {
        const a = traceAnnotations(m, r);
        for (const kind of ['tasks', 'regions'] as const) {
          const ref = naiveByType(m, kind, r);
          expect(a[kind].map((x) => x.type).sort()).toEqual([...ref.keys()].sort());
          for (const row of a[kind]) {
            const x = ref.get(row.type)!;
            const d = [...x.d].sort((p, q) => p - q);
            const n = d.length;
            expect([row.count, row.begun, row.completed]).toEqual([x.count, x.begun, x.completed]);
            expect(row.totalNs).toBe(d.reduce((s, v) => s + v, 0));
            expect(row.maxNs).toBe(n ? Math.max(...d) : null);
            expect(row.p50Ns).toBe(n ? d[Math.ceil(n / 2) - 1] : null);
            expect(row.p90Ns).toBe(n ? d[Math.ceil((n * 9) / 10) - 1] : null);
            if (n) expect(row.meanNs).toBeCloseTo(row.totalNs / n, 6);
            if (n) expect(row.p50Ns! <= row.p90Ns! && row.p90Ns! <= row.maxNs!).toBe(true);
          }
          // Sorted most first.
          for (let i = 1; i < a[kind].length; i++) expect(a[kind][i - 1]!.count).toBeGreaterThanOrEqual(a[kind][i]!.count);
        }
        // Logs: in range, in time order, capped, total by plain count.
        const lo = r ? r.startNs : m.startNs;
        const hi = r ? r.endNs : m.endNs;
        let n = 0;
        for (let i = 0; i < m.logs.count; i++) if (m.logs.t[i]! >= lo && m.logs.t[i]! <= hi) n++;
        expect(a.logsInRange).toBe(n);
        expect(a.logs.length).toBe(Math.min(n, 200));
        for (let i = 0; i < a.logs.length; i++) {
          expect(a.logs[i]!.tNs >= lo && a.logs[i]!.tNs <= hi).toBe(true);
          if (i) expect(a.logs[i]!.tNs).toBeGreaterThanOrEqual(a.logs[i - 1]!.tNs);
        }
      }
    });
  }

  it('conn-leak logs carry their category, message, goroutine and task', () => {
    const a = traceAnnotations(model('scenarios/conn-leak-go1.27/trace.out'), undefined, { logLimit: 1000 });
    expect(a.logs).toHaveLength(104);
    expect(a.logs[0]).toEqual({ tNs: 51858560, category: 'path', message: '/items', goroutine: 7, task: 117 });
    // Every log belongs to an upstreamCall task (one `path` log per call, plus one more).
    const tasks = new Set(Array.from(model('scenarios/conn-leak-go1.27/trace.out').tasks.id));
    for (const l of a.logs) expect(tasks.has(l.task!)).toBe(true);
  });

  it('lists one type’s instances in start order; a task’s span narrows the counts to what overlaps it', () => {
    const m = model('scenarios/conn-leak-go1.27/trace.out');
    const a = traceAnnotations(m, undefined, { instances: { kind: 'task', type: 'upstreamCall', limit: 10 } });
    const inst = a.instances!;
    expect(inst.total).toBe(52);
    expect(inst.rows).toHaveLength(10);
    expect(inst.rows[0]).toEqual({
      id: 117,
      task: null,
      goroutine: 7,
      startNs: 51822080,
      endNs: 60071616,
      durationNs: 8249536,
      spanStartNs: 51822080,
      spanEndNs: 60071616,
    });
    for (let i = 1; i < inst.rows.length; i++) expect(inst.rows[i]!.startNs!).toBeGreaterThanOrEqual(inst.rows[i - 1]!.startNs!);
    // Selecting task 117's span: it and every task overlapping it, counted independently.
    const span = { startNs: 51822080, endNs: 60071616 };
    let overlapping = 0;
    for (let i = 0; i < m.tasks.count; i++) if (!(m.tasks.end[i]! < span.startNs) && !(m.tasks.start[i]! > span.endNs)) overlapping++;
    const narrowed = traceAnnotations(m, span);
    expect(narrowed.tasks[0]!.count).toBe(overlapping);
    expect(overlapping).toBeGreaterThanOrEqual(1);
    expect(overlapping).toBeLessThan(52);
  });

  it('instances with an unknown end span to the trace end (cpu-pool task still open)', () => {
    const m = model('scenarios/cpu-pool-go1.27/trace.out');
    const inst = traceAnnotations(m, undefined, { instances: { kind: 'task', type: 'job:gzip', limit: 5000 } }).instances!;
    expect(inst.total).toBe(199);
    const open = inst.rows.filter((r) => r.endNs === null);
    expect(open).toHaveLength(1);
    expect(open[0]).toMatchObject({ durationNs: null, spanEndNs: m.endNs, goroutine: 9 });
    const unknown = traceAnnotations(m, undefined, { instances: { kind: 'region', type: 'gzip' } }).instances!;
    expect(unknown.rows[0]).toMatchObject({ startNs: null, spanStartNs: m.startNs });
  });

  it('percentiles: nearest rank', () => {
    expect(nearestRank([5], 0.5)).toBe(5);
    expect(nearestRank([1, 2, 3, 4], 0.5)).toBe(2);
    expect(nearestRank([1, 2, 3, 4], 0.9)).toBe(4);
    expect(nearestRank(Float64Array.from({ length: 10 }, (_, i) => i + 1), 0.9)).toBe(9);
  });
});

describe('goroutineBreakdown', () => {
  const total = (ns: number[]) => ns.reduce((a, b) => a + b, 0);

  for (const rel of TRACES) {
    it(`rows are Go's goroutine summary, clipped to each range: ${rel}`, () => {
      const m = model(rel);
      // Whole trace: each goroutine's categories are Go's figures (go-trace-summary).
      const go = new Map(goroutineSummary(m).map((g) => [g.id, g]));
      for (const row of goroutineBreakdown(m, undefined, { groupBy: 'goroutine', limit: 5000 }).rows) {
        const g = go.get(row.id!)!;
        const blocked = Object.values(g.blockNsByReason).reduce((a, b) => a + b, 0);
        expect([row.ns[0], row.ns[1], row.ns[2], row.ns[3]]).toEqual([g.execNs, g.schedWaitNs, g.syscallNs, g.syscallBlockNs]);
        expect(row.ns[4]! + row.ns[5]! + row.ns[6]! + row.ns[7]!).toBe(blocked);
      }
      const whole = goroutineBreakdown(m, undefined, { limit: 5000 });
      for (const r of rangesOf(m)) {
        const b = goroutineBreakdown(m, r, { limit: 5000 });
        // A range holds at most the whole trace's time, category by category.
        BREAKDOWN_CATEGORIES.forEach((_, c) => expect(b.totals[c]!).toBeLessThanOrEqual(whole.totals[c]! + 1));
        // A goroutine spends at most the range's length in any one category inside it.
        const len = Math.max(0, Math.min(r?.endNs ?? m.endNs, m.endNs) - Math.max(r?.startNs ?? 0, 0));
        for (const row of goroutineBreakdown(m, r, { groupBy: 'goroutine', limit: 5000 }).rows) for (const ns of row.ns) expect(ns).toBeLessThanOrEqual(len);
        // Groups partition the goroutines and their time.
        expect(b.rows.reduce((s, x) => s + x.goroutines, 0)).toBe(b.goroutines);
        BREAKDOWN_CATEGORIES.forEach((_, c) => expect(b.rows.reduce((s, x) => s + x.ns[c]!, 0)).toBe(b.totals[c]));
        for (const row of b.rows) expect(row.totalNs).toBe(total(row.ns));
        if (r && r.startNs > m.endNs) expect(b.goroutines).toBe(0);
        // Exec time can never exceed range × Ps.
        expect(b.totals[0]!).toBeLessThanOrEqual(len * m.figures.procs);
      }
    });
  }

  for (const [rel, e] of fixturesOfKind('gotrace')) {
    it(`each blocking category covers at least Go's -pprof=KIND total (expected.json): ${rel}`, () => {
      // Same intervals as go tool trace -pprof, plus those it leaves out (before a goroutine first
      // runs, still open at the end): never less. A wait reason lost at a generation boundary fails it.
      const b = goroutineBreakdown(model(rel));
      const go = e.blockingNs as Record<'sync' | 'net' | 'syscall' | 'sched', number>;
      expect(b.totals[4]!).toBeGreaterThanOrEqual(go.sync);
      expect(b.totals[5]!).toBeGreaterThanOrEqual(go.net);
      expect(b.totals[2]! + b.totals[3]!).toBeGreaterThanOrEqual(go.syscall);
      expect(b.totals[1]!).toBeGreaterThanOrEqual(go.sched);
    });
  }

  it('per-goroutine rows of a group add up to the group row', () => {
    const m = model('scenarios/conn-leak-go1.27/trace.out');
    const groups = goroutineBreakdown(m);
    const g = groups.rows.find((x) => x.name === 'net/http.(*persistConn).readLoop')!;
    const per = goroutineBreakdown(m, undefined, { groupBy: 'goroutine', name: g.name, limit: 5000 });
    expect(per.rows).toHaveLength(g.goroutines);
    expect(per.totals).toEqual(g.ns);
    for (const row of per.rows) expect(row.id).not.toBeNull();
    for (let i = 1; i < per.rows.length; i++) expect(per.rows[i - 1]!.totalNs).toBeGreaterThanOrEqual(per.rows[i]!.totalNs);
    const capped = goroutineBreakdown(m, undefined, { groupBy: 'goroutine', limit: 3 });
    expect(capped.rows).toHaveLength(3);
    expect(capped.leftOff).toBe(capped.goroutines - 3);
  });

  it('groups by start function as go tool trace names goroutines (README patterns)', () => {
    const cl = goroutineBreakdown(model('scenarios/conn-leak-go1.27/trace.out'));
    const count = (b: typeof cl, name: string) => b.rows.find((x) => x.name === name)?.goroutines;
    // One readLoop + writeLoop pair per connection.
    expect(count(cl, 'net/http.(*persistConn).readLoop')).toBe(54);
    expect(count(cl, 'net/http.(*persistConn).writeLoop')).toBe(54);
    // Connection loops sit blocked: in select (sync), reading (net), or in a wait begun before the
    // trace, whose reason no trace event states (other).
    const rl = cl.rows.find((x) => x.name === 'net/http.(*persistConn).readLoop')!;
    expect(rl.ns[4]! + rl.ns[5]! + rl.ns[7]!).toBeGreaterThan(0.95 * rl.totalNs);
    expect(rl.ns[4]!).toBeGreaterThan(0.1 * rl.totalNs);
    // cpu-pool: a pool of 2×GOMAXPROCS = 4 workers, mostly executing or waiting for a P.
    const cp = goroutineBreakdown(model('scenarios/cpu-pool-go1.27/trace.out'));
    const w = cp.rows.find((x) => x.name === 'main.worker')!;
    expect(w.goroutines).toBe(4);
    expect(w.ns[0]! + w.ns[1]!).toBeGreaterThan(0.5 * w.totalNs);
  });

  it('names every goroutine that ever shows a stack of its own', () => {
    const m = model('scenarios/conn-leak-go1.27/trace.out');
    const names = goroutineStartFunctions(m);
    expect(names).toHaveLength(m.goroutines.count);
    expect(names.filter((n) => n === '')).toHaveLength(0);
  });
});

/**
 * `tracedeck diagnose` on real recordings: the fixtures' scenario folders and our own recordings
 * (shared/test-support/recordings) must get the right pattern first, the healthy recording nothing
 * above low, and every evidence figure must equal what the view's own query returns for that source.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cmdDiagnose, diagnoseFiles, type DiagnoseOutput } from './cli-diagnose.ts';
import { fixturePath } from '../shared/test-support/fixtures.ts';
import { ingestInput } from './host/ingest-input.ts';
import type { ParsedSource } from '../shared/model/source.ts';
import { epochDiffNs } from '../shared/model/time.ts';
import type { Evidence, PatternId } from '../shared/query/findings/types.ts';
import { socketSeries, socketsByState, snapshotsInRange, fdCountSeries } from '../shared/query/sockets/socket-series.ts';
import { snapshotAt, socketsInCell } from '../shared/query/sockets/socket-heatmap.ts';
import { stateCounts } from '../shared/query/sockets/ss-summary.ts';
import { goroutineGroups } from '../shared/query/dumps/goroutine-groups.ts';
import { traceGoroutineGroups } from '../shared/query/trace/trace-goroutine-groups.ts';
import { funcsOfKey, traceWindows, LOCK_RELEASE_RE, LOCK_WAIT_RE } from '../shared/query/findings/facts.ts';
import { seriesTrend } from '../shared/query/findings/series-trend.ts';
import { topTable } from '../shared/query/stacks/top-table.ts';
import { pprofWeightedStacks, summarizePprof } from '../shared/query/stacks/pprof-summary.ts';
import { blockingProfile } from '../shared/query/trace/trace-blocking.ts';
import { summarizeTrace } from '../shared/query/trace/trace-summary.ts';

const SCENARIOS = fixturePath('scenarios');
const RECORDINGS = join(import.meta.dirname, '../shared/test-support/recordings');
const PATTERN_OF_SCENARIO: Record<string, PatternId> = {
  'conn-leak': 'conn-leak',
  'cpu-pool': 'cpu-saturation',
  'fd-leak': 'fd-leak',
  'lock-contention': 'lock-contention',
  'timewait-storm': 'timewait-storm',
};
const scenarios = readdirSync(SCENARIOS).sort();
const recordings = JSON.parse(readFileSync(join(RECORDINGS, 'expected.json'), 'utf8')) as Record<string, { pattern: PatternId; confidence: string } | null>;

const cache = new Map<string, Promise<DiagnoseOutput>>();
const diagnoseDir = (dir: string) => {
  if (!cache.has(dir)) cache.set(dir, diagnoseFiles([dir]));
  return cache.get(dir)!;
};

/** Source ns of an axis range, for a source whose origin is `origin`. */
function shiftOf(src: ParsedSource, out: DiagnoseOutput): number {
  return src.clock.originEpochNs && out.originEpochNs ? epochDiffNs(src.clock.originEpochNs, out.originEpochNs) : 0;
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

/**
 * Recomputes an evidence's values with the query its view uses; returns how many values it
 * compared (0 = a kind of evidence this check does not know, which the test refuses).
 */
function checkEvidence(e: Evidence, src: ParsedSource, shift: number): number {
  const v = e.values;
  const lo = e.range.startNs - shift;
  const hi = e.range.endNs - shift;
  let n = 0;
  const eq = (got: number, want: number, what: string) => {
    expect(got, `${e.sourceName} ${e.figure}: ${what}`).toBeCloseTo(want, 6);
    n++;
  };
  if (src.kind === 'ss') {
    const m = src.model;
    if (v.earlyMean !== undefined && e.focus?.state && v.earlySnapshots !== undefined) {
      // The heat map's state row: the first / last snapshots of the evidence range.
      const ser = socketsByState(m, { dropEmpty: false });
      const row = ser.series.find((s) => s.name === e.focus!.state)!.values;
      const inRange = snapshotsInRange(m, { startNs: lo, endNs: hi });
      const idx = (s: number) => ser.snapshot.indexOf(s);
      eq(mean(inRange.slice(0, v.earlySnapshots).map((s) => row[idx(s)]!)), v.earlyMean, 'early mean');
      eq(mean(inRange.slice(-v.lateSnapshots!).map((s) => row[idx(s)]!)), v.lateMean!, 'late mean');
      eq(Math.max(...row), v.max!, 'max');
    } else if (e.focus?.peer) {
      const ser = socketSeries(m, 'peer', { state: e.focus.state, topN: 3 });
      eq(Math.max(...ser.series.find((s) => s.name === e.focus!.peer)!.values), v.max!, 'peer max');
      eq(Math.max(...socketsByState(m).series.find((s) => s.name === e.focus!.state)!.values), v.stateMax!, 'state max');
    } else if (v.withData !== undefined) {
      const cell = socketsInCell(m, { snapshot: snapshotAt(m, lo), row: 'ESTAB', mode: 'state' });
      eq(cell.length, v.sockets!, 'ESTAB sockets');
      eq(cell.filter((s) => s.recvQ > 0).length, v.withData, 'with Recv-Q');
      eq(cell.reduce((a, s) => a + s.recvQ, 0), v.bytes!, 'Recv-Q bytes');
    } else if (v.closeWait !== undefined) eq(stateCounts(m, 0)['CLOSE-WAIT'] ?? 0, v.closeWait, 'CLOSE-WAIT');
    else if (v.fds !== undefined) eq(Math.max(...fdCountSeries(m).flatMap((f) => [...f.values])), v.fds, 'fds');
    else if (v.earlyMean !== undefined) {
      // Sockets of one owning process (the heat map's process row), or one pid's fd-count series:
      // their early / late windows, read from the view's own series.
      const owner = /^sockets owned by (.+): /.exec(e.figure);
      const pid = /^fd count of pid (\d+):/.exec(e.figure);
      let t: ReturnType<typeof seriesTrend> | null = null;
      if (owner) {
        const ser = socketSeries(m, 'process', { topN: 5 });
        const row = ser.series.find((x) => x.name === owner[1]);
        expect(row, `process row ${owner[1]}`).toBeDefined();
        t = seriesTrend(ser.timeNs, row!.values);
      } else if (pid) {
        const f = fdCountSeries(m).find((x) => x.pid === Number(pid[1]));
        expect(f, `fd series of pid ${pid[1]}`).toBeDefined();
        t = seriesTrend(f!.timeNs, f!.values);
      }
      expect(t, `an owner or fd-count figure: ${e.figure}`).not.toBeNull();
      eq(t!.early!.mean, v.earlyMean, 'early mean');
      eq(t!.late!.mean, v.lateMean!, 'late mean');
      eq(t!.early!.startNs, lo, 'range start');
      eq(t!.late!.endNs, hi, 'range end');
    }
  } else if (e.focus?.search && v.goroutines !== undefined && src.kind !== 'pprof') {
    // Goroutines summed over every group whose stack holds a matching function.
    const re = new RegExp(e.focus.search);
    const got =
      src.kind === 'goroutine-dump'
        ? goroutineGroups([{ sourceId: e.source, model: src.model }]).rows.filter((r) => funcsOfKey(r.key).some((f) => re.test(f))).reduce((a, r) => a + r.counts[0]!, 0)
        : src.kind === 'gotrace'
          ? traceGoroutineGroups(src.model, traceWindows(src.model).late, { maxIds: 0 }).groups.filter((g) => funcsOfKey(g.key).some((f) => re.test(f))).reduce((a, g) => a + g.goroutines, 0)
          : NaN;
    eq(got, v.goroutines, 'goroutines over matching groups');
  } else if (e.focus?.search && v.early !== undefined && src.kind === 'gotrace') {
    const re = new RegExp(e.focus.search);
    const w = traceWindows(src.model);
    const sum = (r: { startNs: number; endNs: number }) => traceGoroutineGroups(src.model, r, { maxIds: 0 }).groups.filter((g) => funcsOfKey(g.key).some((f) => re.test(f))).reduce((a, g) => a + g.goroutines, 0);
    eq(sum(w.early), v.early, 'early goroutines');
    eq(sum(w.late), v.late!, 'late goroutines');
  } else if (src.kind === 'goroutine-dump' && e.focus?.groupKey) {
    const g = goroutineGroups([{ sourceId: e.source, model: src.model }]);
    const rows = g.rows.filter((r) => r.key === e.focus!.groupKey);
    if (v.goroutines !== undefined && e.figure.includes('Lock')) {
      // The lock waiters of a dump: every group whose stack waits in a Mutex Lock.
      const locked = g.rows.filter((r) => r.frames.some((f) => new RegExp(LOCK_WAIT_RE).test(f.function)));
      eq(locked.reduce((a, r) => a + r.counts[0]!, 0), v.goroutines, 'goroutines in Lock');
    } else eq(rows[0]!.counts[0]!, v.goroutines!, 'group count');
    eq(src.model.total, v.total!, 'dump total');
  } else if (src.kind === 'gotrace') {
    const m = src.model;
    if (v.early !== undefined && e.focus?.groupKey) {
      const w = traceWindows(m);
      const at = (r: { startNs: number; endNs: number }) => traceGoroutineGroups(m, r, { maxIds: 0 }).groups.find((g) => g.key === e.focus!.groupKey)?.goroutines ?? 0;
      eq(at(w.early), v.early, 'early goroutines');
      eq(at(w.late), v.late!, 'late goroutines');
    }
    if (v.lockNs !== undefined) {
      eq(topTable(blockingProfile(m, 'sync'), { focus: LOCK_WAIT_RE }).total, v.lockNs, 'sync lock ns');
      eq(summarizeTrace(src).blockingNs.sync, v.syncNs!, 'sync ns');
    }
    if (v.procs !== undefined) eq(summarizeTrace(src).procs, v.procs, 'procs');
  } else if (src.kind === 'pprof') {
    const m = src.model;
    const totals = summarizePprof(src).totals;
    if (v.lockNs !== undefined) {
      const delay = m.sampleTypes.findIndex((t) => t.type === 'delay');
      const focus = e.focus?.function?.includes('Unlock') ? LOCK_RELEASE_RE : LOCK_WAIT_RE;
      eq(topTable(pprofWeightedStacks(m, delay), { focus }).total, v.lockNs, 'lock ns');
      eq(totals.delay!, v.total!, 'delay total');
    }
    if (v.cpuNs !== undefined) {
      eq(totals.cpu!, v.cpuNs, 'cpu ns');
      eq(m.durationNanos, v.durationNs!, 'duration');
    }
    if (v.goroutines !== undefined && v.total !== undefined) eq(totals.goroutine!, v.total, 'goroutines total');
    else if (v.goroutines !== undefined && e.focus?.search) {
      // Goroutines of the profile whose stacks hold a matching function (its top table, focused).
      const goroutine = m.sampleTypes.findIndex((t) => t.type === 'goroutine');
      eq(topTable(pprofWeightedStacks(m, goroutine), { focus: e.focus.search }).total, v.goroutines, 'goroutines over matching stacks');
    }
  }
  return n;
}

async function expectEvidenceMatchesViews(out: DiagnoseOutput): Promise<void> {
  const sources = new Map<string, ParsedSource>();
  for (const f of out.findings) {
    expect(f.evidence.length, `${f.pattern} has evidence`).toBeGreaterThan(0);
    for (const e of f.evidence) {
      if (!sources.has(e.source)) sources.set(e.source, (await ingestInput({ path: e.source })).source);
      const src = sources.get(e.source)!;
      expect(checkEvidence(e, src, shiftOf(src, out)), `${f.pattern}: ${e.sourceName}: ${e.figure}`).toBeGreaterThan(0);
    }
  }
}

describe('diagnose on the fixtures\' scenario folders', () => {
  for (const name of scenarios) {
    const want = PATTERN_OF_SCENARIO[name.replace(/-go1\.\d+$/, '')]!;
    it(`${name}: ${want} first, high, with figures the views show`, async () => {
      const out = await diagnoseDir(join(SCENARIOS, name));
      expect(out.findings[0]?.pattern).toBe(want);
      expect(out.findings[0]!.confidence).toBe('high');
      expect(out.findings[0]!.next.length).toBeGreaterThan(0);
      // meta.json is not evidence; it is skipped with a reason, not fatal.
      expect(out.errors.map((x) => x.file.split('/').pop())).toEqual(['meta.json']);
      await expectEvidenceMatchesViews(out);
    }, 120_000);
  }
});

describe('diagnose on the profile series (cumulative profiles every 2 s, exact clocks)', () => {
  it('names the goroutine leak from the goroutine profiles and the lock from the block/mutex deltas', async () => {
    const out = await diagnoseDir(fixturePath('profile-series/go1.26'));
    expect(out.findings.map((f) => [f.pattern, f.confidence])).toEqual([
      ['goroutine-leak', 'high'],
      ['lock-contention', 'high'],
    ]);
    // The fixture's README: the leaked goroutines block in chansend, 3,476 goroutines in the last file.
    expect(out.findings[0]!.title).toContain('[chan send]');
    expect(out.findings[0]!.evidence.at(-1)!.values.total).toBe(3476);
    // 8 workers on one mutex: about 7 wait while one holds it.
    expect(out.findings[1]!.summary).toMatch(/: 7 goroutines waiting at any moment/);
    await expectEvidenceMatchesViews(out);
  }, 120_000);
});

describe('diagnose on our own recordings', () => {
  for (const [name, want] of Object.entries(recordings)) {
    it(`${name}: ${want ? `${want.pattern} (${want.confidence})` : 'nothing above low'}`, async () => {
      const out = await diagnoseDir(join(RECORDINGS, name));
      if (want === null) expect(out.findings.filter((f) => f.confidence !== 'low')).toEqual([]);
      else {
        expect(out.findings[0]?.pattern).toBe(want.pattern);
        expect(out.findings[0]!.confidence).toBe(want.confidence);
      }
      await expectEvidenceMatchesViews(out);
    }, 120_000);
  }

  it("evidence totals equal Go's own pprof totals (reference.json)", async () => {
    const out = await diagnoseDir(join(RECORDINGS, 'lock-global-map'));
    const ref = JSON.parse(readFileSync(join(RECORDINGS, 'lock-global-map/reference.json'), 'utf8'));
    const lock = out.findings.find((f) => f.pattern === 'lock-contention')!;
    const block = lock.evidence.find((e) => e.sourceName === 'block.pb.gz')!;
    const mutex = lock.evidence.find((e) => e.sourceName === 'mutex.pb.gz')!;
    expect(block.values.total).toBe(ref['block.pb.gz'].delayNs);
    expect(mutex.values.total).toBe(ref['mutex.pb.gz'].delayNs);
    const leak = (await diagnoseDir(join(RECORDINGS, 'leak-first-result'))).findings[0]!;
    const lref = JSON.parse(readFileSync(join(RECORDINGS, 'leak-first-result/reference.json'), 'utf8'));
    expect(leak.evidence.map((e) => e.values.total).filter((x) => x !== undefined)).toEqual([lref['goroutine-start.pb.gz'].goroutines, lref['goroutine-end.pb.gz'].goroutines]);
  }, 120_000);
});

describe('tracedeck diagnose --json', () => {
  afterEach(() => vi.restoreAllMocks());

  it('prints {"findings": [...]} strongest first', async () => {
    let text = '';
    vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => ((text += String(s)), true));
    vi.spyOn(console, 'error').mockImplementation(() => {});
    expect(await cmdDiagnose([join(RECORDINGS, 'tw-transport-per-request'), '--json'])).toBe(0);
    const json = JSON.parse(text) as { findings: { pattern: string; confidence: string; evidence: { source: string; view: string; range: { startNs: number; endNs: number }; figure: string }[]; next: string[] }[] };
    expect(json.findings[0]!.pattern).toBe('timewait-storm');
    const rank = { high: 0, medium: 1, low: 2 } as Record<string, number>;
    const ranks = json.findings.map((f) => rank[f.confidence]!);
    expect(ranks).toEqual([...ranks].sort((a, b) => a - b));
    const ev = json.findings[0]!.evidence[0]!;
    expect(ev.view).toBe('heatmap');
    expect(ev.range.endNs).toBeGreaterThan(ev.range.startNs);
    expect(ev.figure).toMatch(/TIME-WAIT/);
  });

  it('refuses no inputs, and fails when nothing can be read', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => {});
    expect(await cmdDiagnose([])).toBe(2);
    expect(await cmdDiagnose([join(RECORDINGS, 'no-such-file')])).toBe(1);
  });
});

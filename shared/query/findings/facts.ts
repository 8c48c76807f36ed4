/**
 * The facts one source contributes to a diagnosis, computed where its model lives from the queries
 * the views already use (socket series, goroutine groups, top tables, trace blocking profiles), so a
 * finding's figure is the figure the view shows. Output is small and JSON-serializable.
 */
import type { ParsedSource } from '../../model/source.ts';
import type { SocketCaptureModel } from '../../model/sockets.ts';
import type { TraceModel } from '../../model/trace.ts';
import type { PprofModel } from '../../model/pprof.ts';
import { frameFuncName, stackFramesLeafFirst } from '../../model/stacks.ts';
import { fdCountSeries, NO_PROCESS, socketSeries, socketsByState } from '../sockets/socket-series.ts';
import { goroutineGroups, keyFunctions, goroutineGroupKey } from '../dumps/goroutine-groups.ts';
import { snapshotAt, socketsInCell } from '../sockets/socket-heatmap.ts';
import { topTable } from '../stacks/top-table.ts';
import { pprofWeightedStacks } from '../stacks/pprof-summary.ts';
import { traceGoroutineGroups } from '../trace/trace-goroutine-groups.ts';
import { blockingProfile, cpuSampleStacks } from '../trace/trace-blocking.ts';
import { goroutineStateSeries } from '../trace/trace-series.ts';
import { summarizeTrace } from '../trace/trace-summary.ts';
import { seriesTrend } from './series-trend.ts';
import { PER_CONNECTION_RE } from './stacks-seen.ts';
import type {
  DumpFacts,
  DumpGroupFact,
  FindingFacts,
  NamedTrend,
  ProfileFacts,
  ProfileKind,
  SocketFacts,
  SourceRef,
  TopFact,
  TraceFacts,
  TraceGroupFact,
} from './types.ts';

/** Frames of a wait on a sync.Mutex / RWMutex (Go ≥ 1.24 moved the slow paths to internal/sync). */
export const LOCK_WAIT_RE = '^(internal/)?sync\\.\\(\\*(RW)?Mutex\\)\\.(R?Lock|lockSlow|rLockSlow)$';
/** Frames where a mutex profile charges the delay: the unlock by the goroutine that held the lock. */
export const LOCK_RELEASE_RE = '^(internal/)?sync\\.\\(\\*(RW)?Mutex\\)\\.(R?Unlock|unlockSlow|rUnlockSlow)$';

/** States whose series the rules read by peer / local port. */
const PEER_STATES = ['ESTAB', 'TIME-WAIT', 'CLOSE-WAIT'];
const GROUP_LIMIT = 40;
/** Groups the connection rules sum over are always kept whole, however small (stacks-seen.ts). */
const alwaysKept = (funcs: readonly string[]) => funcs.some((f) => PER_CONNECTION_RE.test(f));

/**
 * Facts per model: models never change (a live capture's reload makes a new one), and the panel asks
 * again whenever any source moves or grows — a big trace must not be walked again each time.
 */
const cache = new WeakMap<object, FindingFacts | null>();

export function findingFacts(src: ParsedSource, ref: SourceRef): FindingFacts | null {
  let facts = cache.get(src.model);
  if (facts === undefined) cache.set(src.model, (facts = computeFacts(src, ref)));
  return facts && { ...facts, ref };
}

function computeFacts(src: ParsedSource, ref: SourceRef): FindingFacts | null {
  switch (src.kind) {
    case 'ss':
      return socketFacts(src.model, src.format, src.startNs, src.endNs, ref);
    case 'goroutine-dump': {
      const g = goroutineGroups([{ sourceId: ref.sourceId, model: src.model }]);
      const groups: DumpGroupFact[] = g.rows.filter((r, i) => i < GROUP_LIMIT || alwaysKept(funcsOfKey(r.key))).map((r) => ({
        key: r.key,
        state: r.state,
        function: r.function,
        count: r.counts[0] ?? 0,
        maxWaitMinutes: r.maxWaitMinutes,
        funcs: funcsOfKey(r.key),
      }));
      const out: DumpFacts = { kind: 'dump', ref, atNs: src.startNs, total: src.model.total, withState: g.withState, groups };
      return out;
    }
    case 'pprof':
      return profileFacts(src.model, src.startNs, ref);
    case 'gotrace':
      return traceFacts(src, ref);
  }
}

/** Function names of a group key (`state|f1;f2…`), leaf first. */
export function funcsOfKey(key: string): string[] {
  const s = key.slice(key.indexOf('|') + 1);
  return s === '' ? [] : s.split(';');
}

function trends(timeNs: Float64Array, series: { name: string; values: Uint32Array }[]): NamedTrend[] {
  return series.map((s) => ({ name: s.name, ...seriesTrend(timeNs, s.values) }));
}

function socketFacts(m: SocketCaptureModel, format: string, startNs: number, endNs: number, ref: SourceRef): SocketFacts {
  const byState = socketsByState(m);
  const states = trends(byState.timeNs, byState.series);
  const seen = new Set(states.map((s) => s.name));
  const per = (by: 'peer' | 'localPort', state: string) => {
    const ser = socketSeries(m, by, { state, topN: 3 });
    return { state, top: trends(ser.timeNs, ser.series).sort((a, b) => b.max - a.max) };
  };
  const owners = socketSeries(m, 'process', { topN: 5 });
  const estab = states.find((s) => s.name === 'ESTAB');
  return {
    kind: 'sockets',
    ref,
    format,
    startNs,
    endNs,
    snapshots: m.snapshotCount,
    states,
    peers: PEER_STATES.filter((s) => seen.has(s)).map((s) => per('peer', s)),
    localPorts: PEER_STATES.filter((s) => seen.has(s)).map((s) => per('localPort', s)),
    owners: trends(owners.timeNs, owners.series).filter((o) => o.name !== NO_PROCESS),
    recvQ: estab && estab.max > 0 ? recvQAt(m, estab.maxAtNs) : null,
    fds: fdCountSeries(m).map((f) => ({ pid: f.pid, trend: seriesTrend(f.timeNs, f.values) })),
  };
}

/** ESTAB sockets holding unread bytes in the snapshot at `atNs`: the heat map's ESTAB cell there. */
function recvQAt(m: SocketCaptureModel, atNs: number): SocketFacts['recvQ'] {
  const snapshot = snapshotAt(m, atNs);
  const cell = socketsInCell(m, { snapshot, row: 'ESTAB', mode: 'state' });
  let withData = 0;
  let bytes = 0;
  for (const s of cell) {
    if (s.recvQ > 0) {
      withData++;
      bytes += s.recvQ;
    }
  }
  return { atNs: m.snapshots.timeNs[snapshot]!, sockets: cell.length, withData, bytes };
}

function tops(rows: { function: string; flat: number; cum: number }[]): TopFact[] {
  return rows.map((r) => ({ function: r.function, flat: r.flat, cum: r.cum }));
}

function profileKind(m: PprofModel): { kind: ProfileKind; type: number } {
  const idx = (t: string) => m.sampleTypes.findIndex((x) => x.type === t);
  if (idx('cpu') >= 0) return { kind: 'cpu', type: idx('cpu') };
  if (idx('goroutine') >= 0) return { kind: 'goroutine', type: idx('goroutine') };
  const delay = idx('delay');
  if (delay >= 0) {
    // Block and mutex profiles share their sample types; a mutex profile charges every delay to an
    // unlock (the holder's release), a block profile to the wait.
    const top = topTable(pprofWeightedStacks(m, delay), { limit: 1 }).rows[0];
    return { kind: top && /[Uu]nlock/.test(top.function) ? 'mutex' : 'block', type: delay };
  }
  return { kind: 'other', type: m.defaultSampleType };
}

function profileFacts(m: PprofModel, atNs: number, ref: SourceRef): ProfileFacts | null {
  if (m.sampleTypes.length === 0) return null;
  const { kind, type } = profileKind(m);
  const ws = pprofWeightedStacks(m, type);
  const flat = topTable(ws, { limit: 12 });
  const out: ProfileFacts = {
    kind: 'profile',
    ref,
    profile: kind,
    sampleType: m.sampleTypes[type]!.type,
    unit: m.sampleTypes[type]!.unit,
    atNs,
    durationNs: m.durationNanos,
    total: flat.total,
    topFlat: tops(flat.rows),
    topCum: tops(topTable(ws, { sortBy: 'cum', limit: 25 }).rows),
  };
  if (kind === 'block' || kind === 'mutex') {
    const focus = kind === 'block' ? LOCK_WAIT_RE : LOCK_RELEASE_RE;
    const locked = topTable(ws, { focus, sortBy: 'cum', limit: 25 });
    out.lockNs = locked.total;
    out.lockTopCum = tops(locked.rows);
  }
  if (kind === 'goroutine') out.groups = goroutineProfileGroups(m, type);
  return out;
}

/** The runtime frames a parked goroutine's stack ends in, and the wait Go's dumps name for them. */
const WAIT_OF_FRAME: [RegExp, string][] = [
  [/^runtime\.chansend1?$/, 'chan send'],
  [/^runtime\.chanrecv[12]?$/, 'chan receive'],
  [/^runtime\.selectgo$/, 'select'],
  [/^(internal\/poll\.runtime_pollWait|runtime\.netpollblock)$/, 'IO wait'],
  [/^sync\.runtime_notifyListWait$/, 'sync.Cond.Wait'],
  [/^(sync\.runtime_Semacquire(Mutex|RWMutexR?|WaitGroup)?|internal\/sync\.runtime_SemacquireMutex)$/, 'sync'],
  [/^time\.Sleep$/, 'sleep'],
];

/** A goroutine profile has no states: the innermost runtime frame it is parked in tells the wait. */
function waitOfFrames(funcsLeafFirst: readonly string[]): string {
  for (const f of funcsLeafFirst.slice(0, 6)) for (const [re, state] of WAIT_OF_FRAME) if (re.test(f)) return state;
  return '';
}

/**
 * A goroutine profile's stacks keyed as the blocking view keys dump groups (state-less keys, so they
 * join debug=1 dumps); `state` says the wait the stack's runtime frames show.
 */
function goroutineProfileGroups(m: PprofModel, type: number): DumpGroupFact[] {
  const t = m.stacks;
  const w = m.sampleValues[type]!;
  const byKey = new Map<string, DumpGroupFact>();
  for (let i = 0; i < m.sampleCount; i++) {
    const st = m.sampleStack[i]!;
    const raw = st < 0 ? [] : stackFramesLeafFirst(t, st).map((f) => frameFuncName(t, f));
    const funcs = keyFunctions(raw);
    const key = goroutineGroupKey('', funcs);
    let g = byKey.get(key);
    if (!g) byKey.set(key, (g = { key, state: waitOfFrames(raw), function: funcs[0] ?? null, count: 0, funcs }));
    g.count += w[i]!;
  }
  return [...byKey.values()].sort((a, b) => b.count - a.count || (a.key < b.key ? -1 : 1)).filter((g, i) => i < GROUP_LIMIT || alwaysKept(g.funcs));
}

/** Early / late windows of a trace: its first and last fifth. */
export function traceWindows(model: TraceModel): TraceFacts['windows'] {
  const span = model.endNs - model.startNs;
  return {
    early: { startNs: model.startNs, endNs: model.startNs + span / 5 },
    late: { startNs: model.endNs - span / 5, endNs: model.endNs },
  };
}

function traceFacts(src: Extract<ParsedSource, { kind: 'gotrace' }>, ref: SourceRef): TraceFacts {
  const model = src.model;
  const sum = summarizeTrace(src);
  const series = goroutineStateSeries(model, undefined, 50);
  const mean = (state: string) => {
    const row = series.states.indexOf(state as (typeof series.states)[number]);
    let s = 0;
    for (let k = 0; k < series.buckets; k++) s += series.values[row * series.buckets + k]!;
    return s / series.buckets;
  };
  const windows = traceWindows(model);
  const whole = traceGoroutineGroups(model, undefined, { maxIds: 0 }).groups;
  const early = new Map(traceGoroutineGroups(model, windows.early, { maxIds: 0 }).groups.map((g) => [g.key, g.goroutines]));
  const lateGroups = traceGoroutineGroups(model, windows.late, { maxIds: 0 }).groups;
  const late = new Map(lateGroups.map((g) => [g.key, g.goroutines]));
  const keys = new Set<string>();
  for (const g of whole.slice(0, 20)) keys.add(g.key);
  for (const g of [...lateGroups].sort((a, b) => b.goroutines - a.goroutines).slice(0, 20)) keys.add(g.key);
  const groups: TraceGroupFact[] = whole
    .filter((g) => keys.has(g.key) || alwaysKept(funcsOfKey(g.key)))
    .map((g) => ({
      key: g.key,
      state: g.state,
      function: g.function,
      funcs: funcsOfKey(g.key),
      early: early.get(g.key) ?? 0,
      late: late.get(g.key) ?? 0,
      goroutines: g.goroutines,
      totalNs: g.totalNs,
    }));
  const sync = blockingProfile(model, 'sync');
  const syncLocked = topTable(sync, { focus: LOCK_WAIT_RE, sortBy: 'cum', limit: 25 });
  return {
    kind: 'trace',
    ref,
    startNs: model.startNs,
    endNs: model.endNs,
    procs: sum.procs,
    blockingNs: sum.blockingNs,
    meanRunning: mean('running'),
    meanRunnable: mean('runnable'),
    meanWaiting: mean('waiting'),
    windows,
    groups,
    syncLockNs: syncLocked.total,
    syncLockTopCum: tops(syncLocked.rows),
    syncTopCum: tops(topTable(sync, { sortBy: 'cum', limit: 20 }).rows),
    cpuTopFlat: tops(topTable(cpuSampleStacks(model), { limit: 10 }).rows),
  };
}

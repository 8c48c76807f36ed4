/**
 * Profiles over time. Go's block, mutex, allocs, goroutine and threadcreate profiles are cumulative
 * (goroutine: a count at that moment), so two snapshots of one process say what happened between
 * them: `go tool pprof -base OLD NEW`. Several snapshots of one kind and binary form a SERIES on the
 * axis, placed by their time_nanos, and each consecutive pair is the delta of its INTERVAL:
 *
 *   snapshots   s0 ────── s1 ────── s2 ────── s3        (axis time)
 *   intervals        #1        #2        #3              interval k = (t[k-1], t[k]]
 *   brush                  [=====]                       → intervals #2..#2: s2 − s1
 *   brush              [==========]                      → intervals #1..#2: s2 − s0
 *
 * Boundary rule: a brushed range uses every interval it overlaps by more than an instant — the
 * smallest run of whole intervals that contains the range (the last snapshot at or before its start
 * to the first at or after its end). Nothing is known about when inside an interval something
 * happened, so the delta shown always covers the brush and says which window it really is. Merged
 * deltas of consecutive intervals telescope: the sum of (s[k] − s[k-1]) over k = a+1..b is s[b] − s[a],
 * which is why one subtraction of two snapshots gives the merged deltas exactly.
 *
 * Here: what makes a pprof source part of a series (identity, in its engine), the series of a
 * session (host, pure), the window a range uses, and the delta profiles (in the engine of the
 * window's end snapshot, with the start snapshot's stacks exported from its own engine).
 */
import type { ParsedSource } from '../../model/source.ts';
import type { PprofModel } from '../../model/pprof.ts';
import { mergeWeightedStacks } from './stack-merge.ts';
import { childrenOf } from './stack-index.ts';
import { buildCallTree, buildDiffTree } from './call-tree.ts';
import { topTable } from './top-table.ts';
import type { WeightedStacks } from './weighted-stacks.ts';
import { stackProfileInfo, weightedStacksOf } from './stack-sources.ts';
import type { ExportedStacks } from './stack-types.ts';
import type { CallTreeArgs, CallTreeResult, QueryResultOf, TopTableArgs } from '../query-types.ts';

/** Profile kinds whose snapshots subtract (goroutine: a gauge, the delta is growth per stack). */
export type SeriesKind = 'block' | 'mutex' | 'allocs' | 'goroutine' | 'threadcreate';

/**
 * What a pprof source says about the series it can join: its kind, the program (main mapping's file
 * and build id) and its sample types. `contentions` profiles are block or mutex: Go writes both the
 * same way, so the stacks' leaves decide (mutex stacks end in the unlock that released the lock);
 * an empty one stays 'contentions' and the file name decides (SessionStore).
 */
export interface SeriesIdentity {
  kind: SeriesKind | 'contentions';
  binary: string;
  sampleTypes: string;
  /**
   * The sum of the first cumulative sample type (contentions, alloc_objects, threadcreate): it never
   * falls within one process, so a fall between two snapshots is a restart. Null for goroutines (a gauge).
   */
  cumulativeTotal: number | null;
}

const UNLOCK_LEAF = /(?:\.\(\*R?W?Mutex\)\.(?:R?Unlock)|^runtime\.unlock|^runtime\._LostContendedRuntimeLock)$/;

/** The series identity of a source, or null when it cannot be part of one (not a cumulative pprof profile). */
export function seriesIdentity(src: ParsedSource): SeriesIdentity | null {
  if (src.kind !== 'pprof') return null;
  const m = src.model;
  // A profile covering a duration (CPU, `?seconds=N` deltas) is already an interval, not a snapshot.
  if (m.timeNanos === null || m.durationNanos > 0) return null;
  const types = m.sampleTypes.map((t) => t.type);
  const kind = kindOf(m, types);
  if (!kind) return null;
  const main = m.mappings[0];
  const cum = kind === 'goroutine' ? -1 : types.findIndex((t) => t === 'contentions' || t === 'alloc_objects' || t === 'threadcreate');
  return {
    kind,
    binary: main ? `${main.file} ${main.buildId}`.trim() : '',
    sampleTypes: m.sampleTypes.map((t) => `${t.type}/${t.unit}`).join(','),
    cumulativeTotal: cum < 0 ? null : m.sampleValues[cum]!.reduce((a, v) => a + v, 0),
  };
}

function kindOf(m: PprofModel, types: string[]): SeriesIdentity['kind'] | null {
  if (types.includes('alloc_space') || types.includes('alloc_objects')) return 'allocs';
  if (types.length === 1 && (types[0] === 'goroutine' || types[0] === 'goroutines')) return 'goroutine';
  if (types.length === 1 && types[0] === 'threadcreate') return 'threadcreate';
  if (types.length === 2 && types[0] === 'contentions' && types[1] === 'delay') {
    let leaves = 0;
    const t = m.stacks;
    for (let i = 0; i < m.sampleCount; i++) {
      const s = m.sampleStack[i]!;
      if (s < 0) continue;
      leaves++;
      if (UNLOCK_LEAF.test(t.strings[t.frameFunc[t.stackFrame[s]!]!] ?? '')) return 'mutex';
    }
    return leaves > 0 ? 'block' : 'contentions';
  }
  return null;
}

// ---- the series of a session (host side, pure) ----------------------------------------------------

/** One snapshot of a series, at its place on the session axis. */
export interface SeriesMember {
  id: string;
  name: string;
  /** Session-axis ns. */
  atNs: number;
}

export interface ProfileSeriesInfo {
  /** `series:<kind>:<first member's id>`: stable while that member stays. */
  id: string;
  kind: SeriesKind;
  /** e.g. "block profiles of pairs126 · 6 snapshots". */
  label: string;
  /** In time order; interval k (1-based) runs from members[k-1] to members[k]. */
  members: SeriesMember[];
}

/** What the host knows of a ready pprof source. */
export interface SeriesCandidate {
  id: string;
  name: string;
  /** Session-axis ns (the profile's time_nanos placed on the axis). */
  atNs: number;
  identity: SeriesIdentity;
  /** The SSH host it came from, if any: snapshots of one binary on two hosts are two processes. */
  host?: string;
}

/**
 * Groups snapshots into series: same kind, binary, sample types and host; two or more members.
 * An undecided contention profile (empty: no leaf to tell) takes its kind from its file name. A
 * cumulative total that falls from one snapshot to the next is another process of the same binary
 * (a restart, another run): the series ends there and the next one begins.
 */
export function profileSeries(cands: readonly SeriesCandidate[]): ProfileSeriesInfo[] {
  const groups = new Map<string, { kind: SeriesKind; binary: string; members: (SeriesMember & { total: number | null })[] }>();
  for (const c of cands) {
    let kind = c.identity.kind;
    if (kind === 'contentions') {
      const hint = /mutex/i.test(c.name) ? 'mutex' : /block/i.test(c.name) ? 'block' : null;
      if (!hint) continue;
      kind = hint;
    }
    const key = JSON.stringify([kind, c.identity.binary, c.identity.sampleTypes, c.host ?? '']);
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { kind, binary: c.identity.binary, members: [] }));
    g.members.push({ id: c.id, name: c.name, atNs: c.atNs, total: c.identity.cumulativeTotal });
  }
  const out: ProfileSeriesInfo[] = [];
  for (const g of groups.values()) {
    const sorted = g.members.sort((a, b) => a.atNs - b.atNs || a.id.localeCompare(b.id));
    const runs: (typeof sorted)[] = [];
    for (const m of sorted) {
      const run = runs[runs.length - 1];
      const prev = run?.[run.length - 1];
      if (run && prev && !(prev.total !== null && m.total !== null && m.total < prev.total)) run.push(m);
      else runs.push([m]);
    }
    const program = g.binary.split(' ')[0]?.split('/').pop() || 'one program';
    for (const run of runs) {
      if (run.length < 2) continue;
      const members = run.map(({ id, name, atNs }) => ({ id, name, atNs }));
      out.push({
        id: `series:${g.kind}:${members[0]!.id}`,
        kind: g.kind,
        label: `${g.kind} profiles of ${program} · ${members.length} snapshots`,
        members,
      });
    }
  }
  return out.sort((a, b) => a.members[0]!.atNs - b.members[0]!.atNs || a.id.localeCompare(b.id));
}

/** The snapshots a range uses: the delta is members[to] − members[from]; intervals from+1..to. */
export interface SeriesWindow {
  from: number;
  to: number;
}

/**
 * The window of whole intervals a range [startNs, endNs] (axis ns) uses (the boundary rule above), or
 * null when it overlaps no interval (it lies before the first or after the last snapshot, or is an instant).
 */
export function seriesWindow(times: readonly number[], range: { startNs: number; endNs: number }): SeriesWindow | null {
  const n = times.length;
  if (n < 2 || !(range.endNs > range.startNs) || !(range.endNs > times[0]!) || !(range.startNs < times[n - 1]!)) return null;
  let from = 0;
  while (from + 1 < n && times[from + 1]! <= range.startNs) from++;
  let to = n - 1;
  while (to - 1 > from && times[to - 1]! >= range.endNs) to--;
  return from < to ? { from, to } : null;
}

/** A window as the UI states it: which snapshots, which intervals (1-based, inclusive), of how many. */
export interface SeriesWindowInfo {
  seriesId: string;
  kind: SeriesKind;
  from: SeriesMember;
  to: SeriesMember;
  firstInterval: number;
  lastInterval: number;
  intervals: number;
  /** The boundary rule, in words (the UI and docs show it). */
  rule: string;
}

export const SERIES_BOUNDARY_RULE =
  'a range uses every interval between two snapshots that it overlaps: from the last snapshot at or before its start to the first at or after its end';

/** The window `range` (axis ns) uses in `series`, described; null when it overlaps no interval. */
export function describeSeriesWindow(series: ProfileSeriesInfo, range: { startNs: number; endNs: number }): SeriesWindowInfo | null {
  const w = seriesWindow(
    series.members.map((m) => m.atNs),
    range,
  );
  if (!w) return null;
  return {
    seriesId: series.id,
    kind: series.kind,
    from: series.members[w.from]!,
    to: series.members[w.to]!,
    firstInterval: w.from + 1,
    lastInterval: w.to,
    intervals: series.members.length - 1,
    rule: SERIES_BOUNDARY_RULE,
  };
}

// ---- the deltas (engine side) -------------------------------------------------------------------

/**
 * The snapshot's stacks as its model holds them (its own stack table, every frame field): what the
 * engine of a later snapshot subtracts, re-interning frames by (function, file, line, inlined,
 * module) as pprof -base compares them. Sent as is: rebuilding a table here first cost ~12 s on a
 * 28 MB heap profile for nothing the receiver does not do again.
 */
export function exportSnapshotStacks(src: ParsedSource, key: string | undefined): ExportedStacks {
  const unit = stackProfileInfo(src, key).unit;
  const { stacks, sampleStack, weight } = weightedStacksOf(src, key);
  return { unit, stacks, sampleStack, weight: weight instanceof Float64Array ? weight : Float64Array.from(weight) };
}

/**
 * `end − start` over the END's own stack table: the start's stacks are looked up in it (frames
 * compared by function, file, line, inlined and module, as pprof compares them) instead of both
 * being re-interned into a new table, and weights are summed per end stack, zeros left out — what
 * mergeWeightedStacks gives, in a fraction of the time (a cumulative profile keeps every stack it
 * ever had, so the start's are all there). Null when a weighted start stack is not in the end's table
 * (a goroutine that ended, a restarted process): the caller then merges.
 */
export function subtractOnEndTable(end: WeightedStacks, start: WeightedStacks): WeightedStacks | null {
  const et = end.stacks;
  const st = start.stacks;
  const s = (t: typeof et, i: number | undefined) => (i === undefined ? '' : (t.strings[i] ?? ''));
  const frameKey = (t: typeof et, f: number) =>
    `${s(t, t.frameFunc[f])}\0${s(t, t.frameFile[f])}\0${t.frameLine[f]}\0${t.frameInlined[f]}\0${s(t, t.frameModule?.[f])}`;
  // One id per distinct end frame; start frames take the id of their equal (or -1).
  const ids = new Map<string, number>();
  const endFrame = new Int32Array(et.frameCount);
  for (let f = 0; f < et.frameCount; f++) {
    const k = frameKey(et, f);
    let id = ids.get(k);
    if (id === undefined) ids.set(k, (id = ids.size));
    endFrame[f] = id;
  }
  const startFrame = new Int32Array(st.frameCount);
  for (let f = 0; f < st.frameCount; f++) startFrame[f] = ids.get(frameKey(st, f)) ?? -1;
  // Start stacks → end stacks, parents first (a prefix has a smaller index), through the end's children.
  const kids = childrenOf(et);
  const mapped = new Int32Array(st.stackCount);
  for (let x = 0; x < st.stackCount; x++) {
    const p = st.stackPrefix[x]!;
    const mp = p < 0 ? -1 : mapped[p]!;
    const want = startFrame[st.stackFrame[x]!]!;
    let found = -2;
    if (want >= 0 && mp !== -2) {
      for (let i = kids.start[mp + 1]!, e = kids.start[mp + 2]!; i < e; i++) {
        const c = kids.list[i]!;
        if (endFrame[et.stackFrame[c]!] === want) {
          found = c;
          break;
        }
      }
    }
    mapped[x] = found;
  }
  const acc = new Float64Array(et.stackCount);
  let rootSelf = 0;
  const touched: number[] = [];
  const add = (stack: number, w: number) => {
    if (w === 0 || w !== w) return;
    if (stack < 0) {
      rootSelf += w;
      return;
    }
    if (acc[stack] === 0) touched.push(stack);
    acc[stack]! += w;
  };
  for (let i = 0; i < end.sampleStack.length; i++) add(end.sampleStack[i]!, end.weight[i]!);
  for (let i = 0; i < start.sampleStack.length; i++) {
    const w = start.weight[i]!;
    if (w === 0 || w !== w) continue;
    const x = start.sampleStack[i]!;
    const m = x < 0 ? -1 : mapped[x]!;
    if (m === -2) return null;
    add(m, -w);
  }
  const out = [...new Set(touched)].filter((x) => acc[x] !== 0);
  const sampleStack = Int32Array.from(out);
  const weight = Float64Array.from(out, (x) => acc[x]!);
  if (rootSelf === 0) return { stacks: et, sampleStack, weight };
  return { stacks: et, sampleStack: Int32Array.from([...sampleStack, -1]), weight: Float64Array.from([...weight, rootSelf]) };
}

function checkUnit(unit: string, other: ExportedStacks, what: string) {
  if (other.unit !== unit) throw new Error(`cannot subtract ${what} in ${other.unit} from a profile in ${unit}`);
}

/**
 * Another snapshot's exported stacks, by a key naming its content (the host: source id, sha-256 and
 * profile). The host first sends the key alone: exporting and sending a big snapshot costs seconds
 * (a 28 MB heap profile: ~12 s to export, ~0.7 s to copy), and zoom, search and the top table re-ask
 * the same window. An engine that no longer holds it answers SERIES_NEEDS_STACKS, and the host sends
 * them again with the stacks.
 */
export interface StacksRef {
  key: string;
  stacks?: ExportedStacks;
}

/** The start of the error an engine answers when a StacksRef it does not hold came without its stacks. */
export const SERIES_NEEDS_STACKS = 'series: stacks not held:';

/** Received snapshots, most recent last (a window's start, a baseline's two ends, and some slack). */
const received = new Map<string, ExportedStacks>();
const RECEIVED_KEPT = 6;

function resolve(ref: StacksRef): ExportedStacks {
  if (ref.stacks) {
    received.delete(ref.key);
    received.set(ref.key, ref.stacks);
    while (received.size > RECEIVED_KEPT) received.delete(received.keys().next().value!);
    return ref.stacks;
  }
  const got = received.get(ref.key);
  if (!got) throw new Error(`${SERIES_NEEDS_STACKS} ${ref.key}`);
  received.delete(ref.key);
  received.set(ref.key, got);
  return got;
}

/**
 * `end − start` as one input (pprof -base start end), kept per end profile for the last start (the
 * subtraction re-interns both tables: ~30 s on that heap profile, so it is done once per window).
 */
const deltaCache = new WeakMap<object, { startKey: string; ws: WeightedStacks }>();

function deltaOf(end: WeightedStacks, start: StacksRef, unit: string): WeightedStacks {
  const hit = deltaCache.get(end.weight);
  if (hit && hit.startKey === start.key) return hit.ws;
  const st = resolve(start);
  checkUnit(unit, st, 'the start snapshot');
  const ws =
    subtractOnEndTable(end, st) ??
    mergeWeightedStacks([
      { input: end, sign: 1 },
      { input: st, sign: -1 },
    ]);
  deltaCache.set(end.weight, { startKey: start.key, ws });
  return ws;
}

/** The baseline window's delta, kept for the last baseline. */
let baselineCache: { key: string; ws: WeightedStacks } | null = null;

function baselineDelta(end: StacksRef, start: StacksRef, unit: string): WeightedStacks {
  const key = `${end.key}\n${start.key}`;
  if (baselineCache?.key === key) return baselineCache.ws;
  const e = resolve(end);
  const s = resolve(start);
  checkUnit(unit, e, 'the baseline');
  const ws = mergeWeightedStacks([
    { input: e, sign: 1 },
    { input: s, sign: -1 },
  ]);
  baselineCache = { key, ws };
  return ws;
}

/** Arguments of the engine queries below: `start` is the window's start snapshot. */
export interface SeriesDeltaArgs {
  start: StacksRef;
  /**
   * growth: the end snapshot drawn as a diff against the start (a goroutine series: growth per stack);
   * baseline: this delta against another window's delta (`baselineEnd − baselineStart`).
   */
  compare?: { type: 'growth' } | { type: 'baseline'; end: StacksRef; start: StacksRef };
}

function treeOpts(q: CallTreeArgs) {
  const { inverted, focus, ignore, hide, search, rootPath, minFraction, maxNodes } = q;
  return { inverted, focus, ignore, hide, search, rootPath, minFraction, maxNodes };
}

/** The flame graph of a series window, computed in the engine of its end snapshot. */
export function seriesCallTree(src: ParsedSource, q: CallTreeArgs & SeriesDeltaArgs): CallTreeResult {
  const profile = stackProfileInfo(src, q.profile);
  const end = weightedStacksOf(src, profile.key);
  const c = q.compare;
  if (c?.type === 'growth') {
    const start = resolve(q.start);
    checkUnit(profile.unit, start, 'the start snapshot');
    return { type: 'callTree', profile, tree: buildDiffTree(end, start, treeOpts(q)), diff: true };
  }
  const delta = deltaOf(end, q.start, profile.unit);
  if (c?.type === 'baseline') {
    const base = baselineDelta(c.end, c.start, profile.unit);
    return { type: 'callTree', profile, tree: buildDiffTree(delta, base, treeOpts(q)), diff: true };
  }
  return { type: 'callTree', profile, tree: buildCallTree(delta, treeOpts(q)), diff: false };
}

/** The top table of a series window (pprof -top -base start end), in the engine of its end snapshot. */
export function seriesTopTable(src: ParsedSource, q: TopTableArgs & Omit<SeriesDeltaArgs, 'compare'>): QueryResultOf<'topTable'> {
  const profile = stackProfileInfo(src, q.profile);
  const { focus, ignore, hide, sortBy, reverse, limit } = q;
  const table = topTable(deltaOf(weightedStacksOf(src, profile.key), q.start, profile.unit), { focus, ignore, hide, sortBy, reverse, limit });
  return { type: 'topTable', profile, table };
}

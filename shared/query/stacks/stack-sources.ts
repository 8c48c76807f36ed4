/**
 * The stack profiles a source offers to the flame graph, whatever its kind, and their weighted
 * stacks (the one input shape of call-tree.ts / top-table.ts):
 *
 *   pprof           one profile per sample type (`delay`, `contentions`, `inuse_space` …)
 *   gotrace         blocking profiles as `go tool trace -pprof=sync|net|syscall|sched` (ns), and CPU samples
 *   goroutine-dump  goroutines by stack (count)
 *
 * Also the compact, source-independent export of a profile (frames reduced to function + file) that
 * crosses from one engine to another for a diff against another source.
 */
import type { ParsedSource } from '../../model/source.ts';
import { StackTableBuilder } from '../../model/stacks.ts';
import type { WeightedStacks } from './weighted-stacks.ts';
import { StackMapper } from './stack-merge.ts';
import type { ExportedStacks, SourceRange, StackProfileInfo } from './stack-types.ts';
import { buildCallTree, buildDiffTree, type FlameNode } from './call-tree.ts';
import { warmBottomUpLevel } from './call-tree-input.ts';
import { topTable, warmTopTable } from './top-table.ts';
import type { QueryResult, SourceQuery } from '../query-types.ts';
import { blockingProfile, cpuSampleStacks } from '../trace/trace-blocking.ts';
import { hasLabelOptions, labelSummary, labelTableFromPairs, tagRootKeys, withLabels, type LabelOptions, type LabelTable } from './stack-labels.ts';
import { parseLabelText } from '../labels/label-text.ts';
import { peek } from './peek.ts';
import { sourceLines, startLineKey } from './source-lines.ts';
import type { PprofModel } from '../../model/pprof.ts';

/** The quantity a pprof sample type measures (see StackProfileInfo.quantity). */
export function pprofQuantity(type: string): string {
  if (type === 'goroutine' || type === 'goroutines') return 'goroutines';
  return type;
}

/** Whether `base` can be subtracted from `cur` in a diff. */
export function diffCompatible(cur: StackProfileInfo, base: StackProfileInfo): boolean {
  return cur.quantity === base.quantity && cur.unit === base.unit;
}

const TRACE_PROFILES: readonly { key: 'sync' | 'net' | 'syscall' | 'sched'; label: string }[] = [
  { key: 'sync', label: 'sync blocking' },
  { key: 'net', label: 'network blocking' },
  { key: 'syscall', label: 'syscall blocking' },
  { key: 'sched', label: 'scheduler latency' },
];

/** The profiles `src` offers, default first-marked (exactly one has default: true, if any exist). */
export function stackProfilesOf(src: ParsedSource): StackProfileInfo[] {
  switch (src.kind) {
    case 'pprof': {
      const m = src.model;
      return m.sampleTypes.map((t, i) => ({
        key: t.type,
        label: `${t.type} (${t.unit})`,
        unit: t.unit,
        default: i === m.defaultSampleType,
        rangeable: false,
        quantity: pprofQuantity(t.type),
      }));
    }
    case 'gotrace':
      return [
        ...TRACE_PROFILES.map((p, i) => ({ key: p.key, label: p.label, unit: 'nanoseconds', default: i === 0, rangeable: true, quantity: 'delay' })),
        { key: 'cpu', label: 'CPU time (samples × 10 ms)', unit: 'nanoseconds', default: false, rangeable: true, quantity: 'cpu' },
      ];
    case 'goroutine-dump':
      return [{ key: 'goroutines', label: 'goroutines', unit: 'count', default: true, rangeable: false, quantity: 'goroutines' }];
    case 'ss':
      return [];
  }
}

/** The profile named `key` (or the default one when key is undefined); throws naming the choices. */
export function stackProfileInfo(src: ParsedSource, key: string | undefined): StackProfileInfo {
  const all = stackProfilesOf(src);
  const p = key === undefined ? (all.find((x) => x.default) ?? all[0]) : all.find((x) => x.key === key);
  if (!p) {
    const names = all.map((x) => x.key).join(', ');
    throw new Error(
      all.length === 0 ? `a ${src.kind} source has no stack profiles` : `no profile ${JSON.stringify(key)} (this source offers ${names})`,
    );
  }
  return p;
}

const TRACE_CACHE_SIZE = 8;
const traceCache = new WeakMap<object, Map<string, WeightedStacks>>();
const dumpStacks = new WeakMap<object, WeightedStacks>();

/** The weighted stacks of profile `key` of `src`, narrowed to `range` for trace-derived ones. */
export function weightedStacksOf(src: ParsedSource, key: string | undefined, range?: SourceRange): WeightedStacks {
  const p = stackProfileInfo(src, key);
  switch (src.kind) {
    case 'pprof': {
      const m = src.model;
      const t = m.sampleTypes.findIndex((x) => x.type === p.key);
      return { stacks: m.stacks, sampleStack: m.sampleStack, weight: m.sampleValues[t]! };
    }
    case 'gotrace': {
      // Zoom, search and filters re-query the same range: keep the last few walks of the trace.
      const model = src.model;
      let cache = traceCache.get(model);
      if (!cache) traceCache.set(model, (cache = new Map()));
      const ck = `${p.key}|${range ? `${range.startNs}|${range.endNs}` : ''}`;
      let ws = cache.get(ck);
      if (!ws) {
        ws = p.key === 'cpu' ? cpuTime(cpuSampleStacks(model, range)) : pcZeroAsNoStack(blockingProfile(model, p.key as 'sync' | 'net' | 'syscall' | 'sched', range));
        if (cache.size >= TRACE_CACHE_SIZE) cache.delete(cache.keys().next().value!);
        cache.set(ck, ws);
      }
      return ws;
    }
    case 'goroutine-dump': {
      // One entry per group, weighted by its goroutine count. Groups without a printed frame
      // (stack -1) stay in, as root self weight: the total must be the dump's goroutine count.
      // The same object every time, so that call-tree.ts's per-input cache recognises it.
      let ws = dumpStacks.get(src.model);
      const g = src.model.groups;
      if (!ws || ws.stacks !== src.model.stacks || ws.sampleStack.buffer !== g.stack.buffer || ws.sampleStack.length !== g.count) {
        ws = { stacks: src.model.stacks, sampleStack: g.stack.subarray(0, g.count), weight: g.size.subarray(0, g.count) };
        dumpStacks.set(src.model, ws);
      }
      return ws;
    }
    case 'ss':
      throw new Error('an ss capture has no stacks');
  }
}

/**
 * The trace's CPU samples are those of the runtime's CPU profiler (they appear only while
 * runtime/pprof.StartCPUProfile runs), which samples at 100 Hz: one sample stands for 10 ms of CPU.
 * The trace does not record the rate; a program that changed it with SetCPUProfileRate is the
 * exception the profile's label names ("samples × 10 ms").
 */
export const TRACE_CPU_SAMPLE_NS = 10e6;

function cpuTime(p: WeightedStacks): WeightedStacks {
  return { ...p, weight: Float64Array.from(p.weight, (w) => w * TRACE_CPU_SAMPLE_NS) };
}

/**
 * Go keys a trace profile's stacks by PCs, and a stack whose only frame has PC 0 (no function) is the
 * same record as an event without a stack (`go tool trace -pprof=sched` files it so): such samples
 * become frameless (-1), counted in the total but under no function. Returns `p` when there are none.
 */
export function pcZeroAsNoStack<T extends WeightedStacks>(p: T): T {
  const t = p.stacks;
  let out: Int32Array | null = null;
  for (let i = 0; i < p.sampleStack.length; i++) {
    const s = p.sampleStack[i]!;
    if (s < 0 || t.stackPrefix[s] !== -1) continue;
    const f = t.stackFrame[s]!;
    if ((t.strings[t.frameFunc[f]!] ?? '') !== '' || t.frameLine[f] !== 0) continue;
    out ??= Int32Array.from(p.sampleStack);
    out[i] = -1;
  }
  return out ? { ...p, sampleStack: out } : p;
}

const pprofLabels = new WeakMap<object, LabelTable>();
const dumpLabelled = new WeakMap<object, { input: WeightedStacks; labels: LabelTable }>();

/** Each label text of a dump read once (one text per distinct label set). */
function dumpLabelTable(texts: readonly string[], perSample: Int32Array): LabelTable {
  const pairs = texts.map((x) => parseLabelText(x));
  return labelTableFromPairs(Array.from(perSample, (k) => pairs[k] ?? []));
}

/**
 * The input label options apply to, and its samples' labels: a pprof profile's samples; a debug=2
 * dump's goroutines one by one (its groups merge goroutines whose labels differ), a debug=1 dump's
 * records (already one per label set); a trace's stacks carry none.
 */
function labelledInput(src: ParsedSource, key: string | undefined, range?: SourceRange): { input: WeightedStacks; labels: LabelTable | null } {
  const input = weightedStacksOf(src, key, range);
  switch (src.kind) {
    case 'pprof': {
      const m = src.model;
      let labels = pprofLabels.get(m);
      if (!labels) pprofLabels.set(m, (labels = { strings: m.stacks.strings, ...m.labels }));
      return { input, labels };
    }
    case 'goroutine-dump': {
      const m = src.model;
      let hit = dumpLabelled.get(m);
      if (!hit) {
        const g = m.goroutines;
        hit =
          m.debug === 2 && g.count > 0
            ? { input: { stacks: m.stacks, sampleStack: g.stack.subarray(0, g.count), weight: new Float64Array(g.count).fill(1) }, labels: dumpLabelTable(m.labels, g.labels.subarray(0, g.count)) }
            : { input, labels: dumpLabelTable(m.labels, m.groups.labels.subarray(0, m.groups.count)) };
        dumpLabelled.set(m, hit);
      }
      return hit;
    }
    default:
      return { input, labels: null };
  }
}

/** The weighted stacks of profile `key` under label options (stack-labels.ts): what stack queries show. */
export function labelledStacksOf(src: ParsedSource, key: string | undefined, range: SourceRange | undefined, o: LabelOptions | undefined): WeightedStacks {
  if (!hasLabelOptions(o)) return weightedStacksOf(src, key, range);
  const { input, labels } = labelledInput(src, key, range);
  return withLabels(input, labels, o!);
}

/**
 * The weighted stacks of profile `key` under label options, with each sample's labels (null when no
 * sample of the source carries one): what "Save as pprof" writes, labels and all. Unlike
 * labelledStacksOf, a debug=2 dump gives its goroutines one by one even without options (its groups
 * merge goroutines whose labels differ).
 */
export function stacksWithLabelsOf(src: ParsedSource, key: string | undefined, range: SourceRange | undefined, o: LabelOptions | undefined): { input: WeightedStacks; labels: LabelTable | null } {
  const { input, labels } = labelledInput(src, key, range);
  // A profile whose samples carry no label at all is written (and merged) as before: by stack.
  return { input: o ? withLabels(input, labels, o) : input, labels: labels && labels.key.length > 0 ? labels : null };
}

/**
 * Profile `key` reduced to function paths and weights, for a diff in another engine. Label options
 * apply here, on the side that has the labels, as pprof's -diff_base / -base applies -tagfocus,
 * -tagignore and -tagroot to the base's samples as well as the profile's.
 */
export function exportStacks(src: ParsedSource, key: string | undefined, range?: SourceRange, o?: LabelOptions): ExportedStacks {
  const unit = stackProfileInfo(src, key).unit;
  const input = labelledStacksOf(src, key, range, o);
  const t = input.stacks;
  const b = new StackTableBuilder();
  const mapper = new StackMapper(t, b, 'function');
  const sums = new Map<number, number>();
  const ss = input.sampleStack;
  for (let i = 0; i < ss.length; i++) {
    const w = input.weight[i]!;
    if (w === 0 || w !== w) continue;
    const s = ss[i]!;
    const ns = s < 0 ? -1 : mapper.stack(s);
    sums.set(ns, (sums.get(ns) ?? 0) + w);
  }
  const sampleStack = new Int32Array(sums.size);
  const weight = new Float64Array(sums.size);
  let j = 0;
  for (const [s, w] of sums) {
    sampleStack[j] = s;
    weight[j++] = w;
  }
  return { unit, stacks: b.build(), sampleStack, weight };
}

type Q<T extends SourceQuery['type']> = Extract<SourceQuery, { type: T }>;
type R<T extends QueryResult['type']> = Extract<QueryResult, { type: T }>;

function treeOptions(q: Q<'callTree'> | Q<'callTreeDiff'>) {
  return {
    inverted: q.inverted,
    focus: q.focus,
    ignore: q.ignore,
    hide: q.hide,
    search: q.search,
    rootPath: q.rootPath,
    minFraction: q.minFraction,
    maxNodes: q.maxNodes,
  };
}

/** The flame graph's call tree of one profile of `src`. */
export function callTreeQuery(src: ParsedSource, q: Q<'callTree'>): R<'callTree'> {
  const profile = stackProfileInfo(src, q.profile);
  const tree = labelRootDisplay(buildCallTree(labelledStacksOf(src, profile.key, q.range, q), treeOptions(q)), q.tagroot);
  return { type: 'callTree', profile, tree, diff: false };
}

/** The call tree of `src` as a diff against `q.base` (pprof -diff_base: current minus base). */
export function callTreeDiffQuery(src: ParsedSource, q: Q<'callTreeDiff'>): R<'callTree'> {
  const profile = stackProfileInfo(src, q.profile);
  if (q.base.unit !== profile.unit) {
    throw new Error(`cannot diff ${profile.key} (${profile.unit}) against a base in ${q.base.unit}`);
  }
  const tree = labelRootDisplay(buildDiffTree(labelledStacksOf(src, profile.key, q.range, q), q.base, treeOptions(q)), q.tagroot);
  return { type: 'callTree', profile, tree, diff: true };
}

/**
 * tagroot's frames are named by the label's value alone (as pprof names them, so the top table equals
 * pprof's); the flame graph draws them as `key:value`, known by their file being the key.
 */
function labelRootDisplay<T extends { root: FlameNode }>(tree: T, tagroot: string | undefined): T {
  const keys = new Set(tagRootKeys(tagroot));
  if (keys.size === 0) return tree;
  const walk = (n: FlameNode) => {
    if (n.file !== undefined && keys.has(n.file)) n.display = `${n.file}:${n.name === '' ? '(none)' : n.name}`;
    n.children.forEach(walk);
  };
  walk(tree.root);
  return tree;
}

/** One piece of idle work: run() does a slice and returns true while more remains. */
export interface WarmUpStep {
  run: () => boolean;
  /** 'short': slices of ~10–20 ms, fine between two queries; 'long': one block, for a quiet spell. */
  slices: 'short' | 'long';
}

/**
 * Idle work after a profile's first plain flame graph (the engine worker runs it while the user looks
 * at the graph): the indexes a filtered top table and a bottom-up tree build on first use — a few
 * hundred ms each on millions of stack nodes — so that applying a filter or switching to inverted
 * answers at once. Results never depend on it: a query that finds no index walks the stacks or
 * builds it.
 */
export function stackIndexWarmUps(src: ParsedSource, q: Q<'callTree'>): WarmUpStep[] {
  return [
    // 10–20 ms slices on a profile of 7.6 M stack nodes.
    { slices: 'short', run: () => warmTopTable(labelledStacksOf(src, stackProfileInfo(src, q.profile).key, q.range, q), WARM_LEAVES_PER_SLICE) },
    // The bottom-up levels, one per slice (5–10 ms each there)…
    { slices: 'short', run: () => warmBottomUpLevel(labelledStacksOf(src, stackProfileInfo(src, q.profile).key, q.range, q), q.minFraction ?? 0) },
    // …then the bottom-up tree itself (about 130 ms there).
    {
      slices: 'long',
      run: () => {
        callTreeQuery(src, { ...q, inverted: true, search: undefined });
        return false;
      },
    },
  ];
}

const WARM_LEAVES_PER_SLICE = 50_000;

export function topTableQuery(src: ParsedSource, q: Q<'topTable'>): R<'topTable'> {
  const profile = stackProfileInfo(src, q.profile);
  const { focus, ignore, hide, sortBy, reverse, limit } = q;
  const table = topTable(labelledStacksOf(src, profile.key, q.range, q), { focus, ignore, hide, sortBy, reverse, limit });
  return { type: 'topTable', profile, table };
}

/** Callers and callees of the functions matching q.regex (pprof -peek). */
export function peekQuery(src: ParsedSource, q: Q<'peek'>): R<'peek'> {
  const profile = stackProfileInfo(src, q.profile);
  const { focus, ignore, hide, regex, limit } = q;
  return { type: 'peek', profile, peek: peek(labelledStacksOf(src, profile.key, q.range, q), { focus, ignore, hide, regex, limit }) };
}

/** Flat and cum per source line of the functions matching q.regex (pprof -list), before the host reads the files. */
export function sourceLinesQuery(src: ParsedSource, q: Q<'sourceLines'>): R<'sourceLines'> {
  const profile = stackProfileInfo(src, q.profile);
  const { focus, ignore, hide, regex, limit } = q;
  const startLines = startLinesOf(src);
  return { type: 'sourceLines', profile, ...sourceLines(labelledStacksOf(src, profile.key, q.range, q), { focus, ignore, hide, regex, limit, startLines }) };
}

const startLineMaps = new WeakMap<object, Map<string, number>>();

/** A pprof profile's function start lines by name and file (source-lines.ts startLineKey); other sources give none. */
export function startLinesOf(src: ParsedSource): Map<string, number> | undefined {
  return src.kind === 'pprof' ? startLinesOfModel(src.model) : undefined;
}

function startLinesOfModel(m: PprofModel): Map<string, number> {
  let map = startLineMaps.get(m);
  if (!map) {
    map = new Map((m.functionStartLines ?? []).map((f) => [startLineKey(f.func, f.file), f.startLine]));
    startLineMaps.set(m, map);
  }
  return map;
}

/** The label keys of profile `key` and their heaviest values (pprof -tags), for the label controls. */
export function labelKeysQuery(src: ParsedSource, q: Q<'labelKeys'>): R<'labelKeys'> {
  const profile = stackProfileInfo(src, q.profile);
  const { input, labels } = labelledInput(src, profile.key, q.range);
  return { type: 'labelKeys', profile, keys: labelSummary(input, labels) };
}

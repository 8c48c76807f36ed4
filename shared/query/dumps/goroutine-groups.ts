/**
 * Goroutines grouped by wait reason and stack, comparable across dumps (and, through the same key,
 * across execution traces): the rows of the goroutine blocking view. Pure over the models.
 *
 * Key = normalised wait reason + '|' + the stack's function names, leaf first, joined with ';'.
 * Function names only (no lines): two Go builds of the same code, or a debug=1 and a debug=2
 * dump, print different line numbers and different runtime frames for the same place. So the key
 * drops what one source shows and another hides:
 *   - runtime frames at the leaf (`runtime.gopark`, `runtime.selectgo` …: traces show them, debug=1
 *     hides every leaf `runtime.*` frame, debug=2 hides the unexported ones);
 *   - unexported runtime frames anywhere (`runtime.main`, `runtime.goexit`: debug=1 shows them).
 */
import type { GoroutineDumpModel } from '../../model/goroutines.ts';
import { NO_WAIT } from '../../model/goroutines.ts';
import type { StackIndex, StackTable } from '../../model/stacks.ts';
import { frameFuncName, stackFramesLeafFirst } from '../../model/stacks.ts';
import { compileTagFilter, labelTableFromPairs, type LabelTable } from '../labels/label-filter.ts';
import { labelPairsText, parseLabelText } from '../labels/label-text.ts';

export interface GoroutineGroupFrame {
  function: string;
  file: string;
  line: number;
}

export interface GoroutineGroupRow {
  key: string;
  /** Normalised wait reason ('' when unknown, e.g. debug=1 or `withState: false`). */
  state: string;
  /** The state texts as printed that fell into this row (e.g. `chan receive (nil chan)`). */
  rawStates: string[];
  /** Goroutines in this row in each input dump, in input order (0 where absent). */
  counts: number[];
  /** counts[last] - counts[first]. */
  growth: number;
  /** Longest `N minutes` over all dumps, or null when none was printed. */
  maxWaitMinutes: number | null;
  /** Innermost function of the key (after dropping leaf runtime frames), or null for no frames. */
  function: string | null;
  /** The whole stack as printed in the first dump that has the row, LEAF FIRST, for display. */
  frames: GoroutineGroupFrame[];
  /** Where those frames come from: the source and its StackIndex (for "show in flame graph"). */
  stackRef: { sourceId: string; stack: StackIndex } | null;
  /**
   * The pprof label sets of the row's goroutines (`k=v, k2=v2`; '' for none), with how many goroutines
   * carry each over all dumps, most first. Go prints them in debug=1 records and, from Go 1.27, in
   * debug=2 headers.
   */
  labels: { text: string; count: number }[];
}

export interface GoroutineGroupsOptions {
  /** Key rows by state as well as stack. Default: true, unless an input is debug=1 (no states). */
  withState?: boolean;
  /** Keep only the first `limit` rows after sorting. */
  limit?: number;
  /** pprof's -tagfocus / -tagignore over each goroutine's labels (../labels/label-filter.ts). */
  tagfocus?: string;
  tagignore?: string;
}

export interface GoroutineGroupsResult {
  sourceIds: string[];
  withState: boolean;
  rows: GoroutineGroupRow[];
}

/** Flags Go appends to a state for the moment (GC scan, leak detector, synctest): not part of the reason. */
const TRANSIENT_SUFFIX = / \((?:scan|leaked|durable)\)$/;

/**
 * One vocabulary for wait reasons from dumps (runtime waitReason strings) and traces (block
 * reasons), so the same wait groups together whichever source saw it.
 */
const REASON_ALIASES: Record<string, string> = {
  'chan receive (nil chan)': 'chan receive',
  'chan send (nil chan)': 'chan send',
  'select (no cases)': 'select',
  network: 'IO wait',
  'sync.(*Cond).Wait': 'sync.Cond.Wait',
  'sync.Mutex.Lock': 'sync',
  'sync.RWMutex.Lock': 'sync',
  'sync.RWMutex.RLock': 'sync',
  'sync.WaitGroup.Wait': 'sync',
  semacquire: 'sync',
};

export function normalizeWaitReason(state: string): string {
  let s = state.trim();
  while (TRANSIENT_SUFFIX.test(s)) s = s.replace(TRANSIENT_SUFFIX, '');
  return REASON_ALIASES[s] ?? s;
}

function isRuntimeFunc(name: string): boolean {
  return name.startsWith('runtime.') || name.startsWith('internal/runtime/');
}

/** runtime.lowercase: what Go's tracebacks hide (exported runtime functions such as runtime.Gosched stay). */
function isUnexportedRuntime(name: string): boolean {
  if (name.startsWith('internal/runtime/')) return true;
  if (!name.startsWith('runtime.')) return false;
  const c = name.charCodeAt('runtime.'.length);
  return !(c >= 65 && c <= 90);
}

/** The function names of the key, leaf first (see the header comment for what is dropped). */
export function keyFunctions(funcsLeafFirst: readonly string[]): string[] {
  let i = 0;
  while (i < funcsLeafFirst.length && isRuntimeFunc(funcsLeafFirst[i]!)) i++;
  const kept = funcsLeafFirst.slice(i).filter((f) => !isUnexportedRuntime(f));
  // An all-runtime stack (system goroutines) keeps its frames, or all of them would share one key.
  return kept.length > 0 ? kept : funcsLeafFirst.slice();
}

/** The grouping key for a wait reason and a stack (function names leaf first). */
export function goroutineGroupKey(state: string, funcsLeafFirst: readonly string[]): string {
  return `${state}|${keyFunctions(funcsLeafFirst).join(';')}`;
}

/** A stack's frames, leaf first, as groups list them (none for -1, a stack without frames). */
export function framesOf(t: StackTable, stack: StackIndex): GoroutineGroupFrame[] {
  if (stack < 0) return [];
  return stackFramesLeafFirst(t, stack).map((f) => ({
    function: frameFuncName(t, f),
    file: t.strings[t.frameFile[f]!] ?? '',
    line: t.frameLine[f]!,
  }));
}

interface RowAcc {
  row: GoroutineGroupRow;
  rawStates: Set<string>;
  maxWait: number;
  labels: Map<string, number>;
}

/**
 * The goroutines of a dump as members to group: one per goroutine for debug=2 (its groups join
 * goroutines whose labels differ), one per `N @` record for debug=1 (already one per label set).
 */
interface Members {
  count: number;
  stack: (i: number) => StackIndex;
  state: (i: number) => number;
  size: (i: number) => number;
  wait: (i: number) => number;
  /** Index into model.labels. */
  labels: (i: number) => number;
}

function membersOf(model: GoroutineDumpModel): Members {
  const g = model.goroutines;
  if (model.debug === 2 && g.count > 0) {
    return { count: g.count, stack: (i) => g.stack[i]!, state: (i) => g.state[i]!, size: () => 1, wait: (i) => g.waitMinutes[i]!, labels: (i) => g.labels[i]! };
  }
  const gr = model.groups;
  return { count: gr.count, stack: (i) => gr.stack[i]!, state: (i) => gr.state[i]!, size: (i) => gr.size[i]!, wait: (i) => gr.maxWaitMinutes[i]!, labels: (i) => gr.labels[i]! };
}

/** A dump's label texts read once: per text, its pairs as one display line and as a label table row. */
function dumpLabels(model: GoroutineDumpModel): { text: string[]; table: LabelTable } {
  const pairs = model.labels.map((t) => {
    try {
      return parseLabelText(t);
    } catch {
      return []; // a label text Go did not write: shown as none rather than failing the table
    }
  });
  return { text: pairs.map(labelPairsText), table: labelTableFromPairs(pairs) };
}

/** Row order over n dumps: growth first (what leaks); for one dump growth is 0, so the count decides. */
export function byGrowth(n: number): (a: GoroutineGroupRow, b: GoroutineGroupRow) => number {
  return (a, b) =>
    b.growth - a.growth || (b.counts[n - 1] ?? 0) - (a.counts[n - 1] ?? 0) || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);
}

export function goroutineGroups(
  models: readonly { sourceId: string; model: GoroutineDumpModel }[],
  opts: GoroutineGroupsOptions = {},
): GoroutineGroupsResult {
  const withState = opts.withState ?? models.every((m) => m.model.debug === 2);
  const n = models.length;
  const rows = new Map<string, RowAcc>();
  models.forEach(({ sourceId, model }, d) => {
    const t = model.stacks;
    // Keys per stack are cached: many groups of one dump share a stack under different states.
    const funcsByStack = new Map<StackIndex, string[]>();
    const mem = membersOf(model);
    const lab = dumpLabels(model);
    // The filters test a label text once (a table row per distinct text), not each goroutine.
    const keepText = (opts.tagfocus || opts.tagignore) ? labelTextFilter(lab.table, opts) : null;
    for (let g = 0; g < mem.count; g++) {
      const li = mem.labels(g);
      if (keepText && !keepText[li]) continue;
      const stack = mem.stack(g);
      let funcs = funcsByStack.get(stack);
      if (!funcs) {
        funcs = stack < 0 ? [] : keyFunctions(stackFramesLeafFirst(t, stack).map((f) => frameFuncName(t, f)));
        funcsByStack.set(stack, funcs);
      }
      const raw = model.states[mem.state(g)] ?? '';
      const state = withState ? normalizeWaitReason(raw) : '';
      const key = `${state}|${funcs.join(';')}`;
      let acc = rows.get(key);
      if (!acc) {
        acc = {
          row: {
            key,
            state,
            rawStates: [],
            counts: new Array<number>(n).fill(0),
            growth: 0,
            maxWaitMinutes: null,
            function: funcs[0] ?? null,
            frames: framesOf(t, stack),
            stackRef: stack < 0 ? null : { sourceId, stack },
            labels: [],
          },
          rawStates: new Set(),
          maxWait: NO_WAIT,
          labels: new Map(),
        };
        rows.set(key, acc);
      }
      const size = mem.size(g);
      acc.row.counts[d]! += size;
      if (raw !== '') acc.rawStates.add(raw);
      acc.maxWait = Math.max(acc.maxWait, mem.wait(g));
      const lt = lab.text[li] ?? '';
      acc.labels.set(lt, (acc.labels.get(lt) ?? 0) + size);
    }
  });
  const out: GoroutineGroupRow[] = [];
  for (const acc of rows.values()) {
    const r = acc.row;
    r.rawStates = [...acc.rawStates].sort();
    r.maxWaitMinutes = acc.maxWait === NO_WAIT ? null : acc.maxWait;
    r.labels = labelCounts(acc.labels);
    r.growth = n === 0 ? 0 : r.counts[n - 1]! - r.counts[0]!;
    out.push(r);
  }
  out.sort(byGrowth(n));
  return { sourceIds: models.map((m) => m.sourceId), withState, rows: opts.limit === undefined ? out : out.slice(0, opts.limit) };
}

/** Stacks with weights, the input shape of the call-tree query (shared/query/stacks/weighted-stacks.ts). */
export interface GoroutineWeightedStacks {
  stacks: StackTable;
  sampleStack: Int32Array;
  weight: Float64Array;
}

/**
 * One entry per group, weighted by its goroutine count, so a flame graph shows goroutines by
 * stack. Groups with no printed frame (stack -1) have no place in a call tree and are left out.
 */
export function goroutineDumpWeightedStacks(model: GoroutineDumpModel): GoroutineWeightedStacks {
  const gr = model.groups;
  let n = 0;
  for (let g = 0; g < gr.count; g++) if (gr.stack[g]! >= 0) n++;
  const sampleStack = new Int32Array(n);
  const weight = new Float64Array(n);
  let j = 0;
  for (let g = 0; g < gr.count; g++) {
    if (gr.stack[g]! < 0) continue;
    sampleStack[j] = gr.stack[g]!;
    weight[j++] = gr.size[g]!;
  }
  return { stacks: model.stacks, sampleStack, weight };
}

/** Label sets by count, most first (then by text). */
export function labelCounts(m: Map<string, number>): { text: string; count: number }[] {
  return [...m].map(([text, count]) => ({ text, count })).sort((a, b) => b.count - a.count || (a.text < b.text ? -1 : a.text > b.text ? 1 : 0));
}

/** Per label text of a dump: whether goroutines carrying it pass -tagfocus / -tagignore. Throws naming a bad filter. */
function labelTextFilter(table: LabelTable, opts: GoroutineGroupsOptions): Uint8Array {
  const focus = compileTagFilter('tagfocus', opts.tagfocus, new Map());
  const ignore = compileTagFilter('tagignore', opts.tagignore, new Map());
  const n = table.start.length - 1;
  const keep = new Uint8Array(n);
  for (let i = 0; i < n; i++) keep[i] = (focus && !focus(table, i)) || (ignore && ignore(table, i)) ? 0 : 1;
  return keep;
}

/**
 * What focus / ignore / hide make of one input, for call-tree.ts and top-table.ts. The stack table's
 * indexes (stack-index.ts) do not depend on the filters; what does is small: per leaf slot, the
 * weight of the samples kept there, and its prefix sums (a stack's inclusive weight is then two
 * reads). Cached per (weights, focus, ignore, hide), with the trees expanded from it; also the
 * search's matched weight and the top table's per-function sums.
 */
import type { StackTable } from '../../model/stacks.ts';
import type { StackFilterOptions, WeightedStacks } from './weighted-stacks.ts';
import { cumOf, type Prepared } from './prepared.ts';
import type { Expander } from './call-tree-expander.ts';
import { builtOutermostCalls, frameNamesOf, leafLevelsOf, leafSlotsOf, visibleFrom, type OutermostCalls, type FrameNames, type LeafSlots } from './stack-index.ts';

export { compileGoRegex as compile } from '../go-regex.ts';
import { compileGoRegex as compile } from '../go-regex.ts';

const F_FOCUS = 1;
const F_IGNORE = 2;

/**
 * Applies focus / ignore / hide to one input: one pass over the leaf slots (over the samples for
 * fractional or negative weights), plus, for focus / ignore, the matched functions' outermost
 * ranges once the warm-up built them, else one pass over the stacks.
 */
function prepare(input: WeightedStacks, opts: StackFilterOptions): Prepared {
  const t = input.stacks;
  const focus = compile(opts.focus, 'focus');
  const ignore = compile(opts.ignore, 'ignore');
  const hide = compile(opts.hide, 'hide');
  const slots = leafSlotsOf(t, input.sampleStack);
  const fn = frameNamesOf(t);
  const frameMatch = (re: RegExp) => {
    const byString = new Int8Array(t.strings.length).fill(-1);
    const m = (si: number) => {
      let x = byString[si]!;
      if (x < 0) x = byString[si] = re.test(t.strings[si] ?? '') ? 1 : 0;
      return x;
    };
    // As pprof matches a location: its function names, file names and its mapping's file (a frame
    // without a module has no mapping to match: a pattern that matches "" must not select it).
    const out = new Uint8Array(t.frameCount);
    const mod = t.frameModule;
    for (let f = 0; f < t.frameCount; f++) {
      const mf = mod && t.strings[mod[f]!] ? m(mod[f]!) : 0;
      out[f] = m(t.frameFunc[f]!) | m(t.frameFile[f]!) | mf;
    }
    return out;
  };
  const hidden = hide ? frameMatch(hide) : null;
  const prefix = t.stackPrefix;
  const frame = t.stackFrame;

  // Focus and ignore look at every frame of a sample, hidden or not (as pprof does): per leaf slot,
  // the flags of the frames on its path.
  let slotFlags: Uint8Array | null = null;
  if (focus || ignore) {
    const ff = new Uint8Array(t.frameCount);
    if (focus) frameMatch(focus).forEach((x, f) => (ff[f]! |= x ? F_FOCUS : 0));
    if (ignore) frameMatch(ignore).forEach((x, f) => (ff[f]! |= x ? F_IGNORE : 0));
    slotFlags = slotFlagsByOutermostCalls(slots, fn, ff) ?? slotFlagsByStacks(slots, ff);
  }

  // Per slot (-1: a sample without frames): whether its samples stay under these filters.
  const { slotFrame, slotStack } = slots;
  const slotKept = (j: number): boolean => {
    const fl = slotFlags && j >= 0 ? slotFlags[j]! : 0;
    if (focus && !(fl & F_FOCUS)) return false;
    if (ignore && fl & F_IGNORE) return false;
    if (j < 0) return !(focus || ignore || hidden); // pprof drops samples without any location under any filter
    return !(hidden && hidden[slotFrame[j]!] && visibleFrom(slotStack[j]!, hidden, frame, prefix) < 0);
  };

  const base = slotWeightsOf(input, slots);
  const { exact } = base;
  const keptSample = exact ? null : new Uint8Array(input.sampleStack.length);
  const W = new Float64Array(slots.slotCount);
  let rootSelf = 0;
  let total = 0;
  let negative = false;
  if (exact && !base.negative) {
    // A slot's samples are kept or dropped together: one pass over the slots' cached sums, in order.
    const bw = base.W;
    for (let j = 0; j < bw.length; j++) {
      const x = bw[j]!;
      if (x !== 0 && slotKept(j)) {
        W[j] = x;
        total += x;
      }
    }
    if (base.rootSelf !== 0 && slotKept(-1)) total += rootSelf = base.rootSelf;
  } else {
    // Inexact or negative weights: sample by sample (the kept samples and the sign are needed).
    const { sampleSlot } = slots;
    const w = input.weight;
    for (let i = 0; i < sampleSlot.length; i++) {
      const wi = w[i]!;
      if (wi === 0 || wi !== wi) continue;
      const j = sampleSlot[i]!;
      if (!slotKept(j)) continue;
      if (j < 0) rootSelf += wi;
      else W[j]! += wi;
      total += wi;
      if (wi < 0) negative = true;
      if (keptSample) keptSample[i] = 1;
    }
  }
  let S: Float64Array | null = null;
  let dense: Float64Array | null = null;
  if (exact) {
    S = new Float64Array(W.length + 1);
    for (let j = 0; j < W.length; j++) S[j + 1] = S[j]! + W[j]!;
  } else {
    dense = new Float64Array(t.stackCount);
    const { slotStack } = slots;
    for (let j = 0; j < W.length; j++) dense[slotStack[j]!] = W[j]!;
    for (let s = dense.length - 1; s >= 0; s--) {
      const p = prefix[s]!;
      if (p >= 0) dense[p]! += dense[s]!;
    }
  }
  return { t, slots, fn, hidden, hideKey: opts.hide ?? '', W, S, dense, rootSelf, total, negative, keptSample, exact };
}

/** Per slot, the OR of `frameFlags` over its path: one pass over the whole stack table. */
function slotFlagsByStacks(slots: LeafSlots, frameFlags: Uint8Array): Uint8Array {
  const { t, slotStack } = slots;
  const prefix = t.stackPrefix;
  const frame = t.stackFrame;
  const stackFlags = new Uint8Array(t.stackCount);
  for (let s = 0; s < t.stackCount; s++) {
    const p = prefix[s]!;
    stackFlags[s] = frameFlags[frame[s]!]! | (p >= 0 ? stackFlags[p]! : 0);
  }
  const out = new Uint8Array(slots.slotCount);
  for (let j = 0; j < out.length; j++) out[j] = stackFlags[slotStack[j]!]!;
  return out;
}

/**
 * The same from the outermost-calls index, once the idle warm-up built it: a slot has a function on
 * its path exactly when it lies in one of that function's outermost ranges, so each flag is a
 * union of slot ranges (a difference array) instead of a pass over millions of stacks. Undefined
 * without the index, or when a function's frames differ in flags (a pattern matched the file of
 * only some of them).
 */
function slotFlagsByOutermostCalls(slots: LeafSlots, fn: FrameNames, frameFlags: Uint8Array): Uint8Array | undefined {
  const oc = builtOutermostCalls(slots);
  if (!oc) return undefined;
  const byName = flagsByName(fn, frameFlags);
  if (!byName) return undefined;
  const n = slots.slotCount;
  const focusDepth = new Int32Array(n + 1);
  const ignoreDepth = new Int32Array(n + 1);
  const { lo, hi, nameStart } = oc;
  for (let id = 0; id < byName.length; id++) {
    const fl = byName[id]!;
    if (fl === 0) continue;
    // Only the matched functions' entries: a few, however big the table.
    for (let k = nameStart[id]!; k < nameStart[id + 1]!; k++) {
      if (fl & F_FOCUS) {
        focusDepth[lo[k]!]!++;
        focusDepth[hi[k]!]!--;
      }
      if (fl & F_IGNORE) {
        ignoreDepth[lo[k]!]!++;
        ignoreDepth[hi[k]!]!--;
      }
    }
  }
  const out = new Uint8Array(n);
  let inFocus = 0;
  let inIgnore = 0;
  for (let j = 0; j < n; j++) {
    inFocus += focusDepth[j]!;
    inIgnore += ignoreDepth[j]!;
    out[j] = (inFocus > 0 ? F_FOCUS : 0) | (inIgnore > 0 ? F_IGNORE : 0);
  }
  return out;
}

/**
 * Per name id, the flags all its frames share (hide: 1 = hidden); undefined when two frames of one
 * name differ (a pattern matched the file of only some of them): the index-based paths then step aside.
 */
function flagsByName({ names, nameOf }: FrameNames, frameFlags: Uint8Array): Uint8Array | undefined {
  const byName = new Int16Array(names.names.length).fill(-1);
  for (let f = 0; f < nameOf.length; f++) {
    const id = nameOf[f]!;
    const fl = frameFlags[f]!;
    if (byName[id] === -1) byName[id] = fl;
    else if (byName[id] !== fl) return undefined;
  }
  return Uint8Array.from(byName, (x) => Math.max(0, x));
}

/** Per weight column: its samples' weights summed per slot, and what decides how filters may use them. */
interface SlotWeights {
  slots: LeafSlots;
  W: Float64Array;
  /** Weight of the samples without frames. */
  rootSelf: number;
  exact: boolean;
  /** Some weight is negative (a per-slot sum may then hide a sign). */
  negative: boolean;
}

const slotWeightsCache = new WeakMap<object, SlotWeights>();

/** Built once per weight column (the first plain flame graph): later filters pass over slots, not samples. */
function slotWeightsOf(input: WeightedStacks, slots: LeafSlots): SlotWeights {
  const hit = slotWeightsCache.get(input.weight);
  if (hit && hit.slots === slots) return hit;
  const W = new Float64Array(slots.slotCount);
  const { sampleSlot } = slots;
  const w = input.weight;
  let rootSelf = 0;
  let negative = false;
  for (let i = 0; i < sampleSlot.length; i++) {
    const wi = w[i]!;
    if (wi === 0 || wi !== wi) continue;
    if (wi < 0) negative = true;
    const j = sampleSlot[i]!;
    if (j < 0) rootSelf += wi;
    else W[j]! += wi;
  }
  const sw: SlotWeights = { slots, W, rootSelf, exact: integralWeights(w), negative };
  slotWeightsCache.set(input.weight, sw);
  return sw;
}

function integralWeights(w: Float64Array | number[]): boolean {
  let sum = 0;
  for (let i = 0; i < w.length; i++) {
    const x = w[i]!;
    if (x !== x) continue; // NaN weights are skipped
    if (!Number.isInteger(x)) return false;
    sum += Math.abs(x);
  }
  return sum <= Number.MAX_SAFE_INTEGER;
}

// ---------------------------------------------------------------------------------------------
// Prepared inputs cached across queries: every zoom, search and reset of the flame graph asks again
// for the same stacks with the same filters (search only changes `matched`, computed separately).

export interface CacheEntry {
  stacks: StackTable;
  sampleStack: Int32Array;
  weight: Float64Array | number[];
  weightLength: number;
  key: string;
  p: Prepared;
  /** topTable's per-name flat and cum. */
  top?: { flat: Float64Array; cum: Float64Array };
  /** The call trees expanded so far (buildCallTree). */
  trees?: { topDown?: Expander; inverted?: Expander };
}

/** Keyed by the weight column (pprof makes a fresh WeightedStacks per query around the same arrays). */
const prepCache = new WeakMap<object, CacheEntry[]>();
/**
 * Recently used entries, oldest first, for the memory bound. Weak: a dropped source's entries
 * go with it (the WeakMap above), not when the bound pushes them out.
 */
const prepLru: { weight: WeakRef<object>; entry: WeakRef<CacheEntry> }[] = [];
/** Bytes of typed arrays the cache may hold. */
const PREP_CACHE_BYTES = 256 * 2 ** 20;

function entryBytes(e: CacheEntry): number {
  const trees = (e.trees?.topDown?.bytes() ?? 0) + (e.trees?.inverted?.bytes() ?? 0);
  return e.p.W.byteLength + (e.p.S?.byteLength ?? 0) + (e.p.dense?.byteLength ?? 0) + trees;
}

function touch(weight: object, entry: CacheEntry): void {
  const i = prepLru.findIndex((x) => x.entry.deref() === entry);
  if (i >= 0) prepLru.splice(i, 1);
  prepLru.push({ weight: new WeakRef(weight), entry: new WeakRef(entry) });
  let total = 0;
  for (let j = prepLru.length - 1; j >= 0; j--) {
    const e = prepLru[j]!.entry.deref();
    if (e) total += entryBytes(e);
    else prepLru.splice(j, 1);
  }
  while (prepLru.length > 1 && total > PREP_CACHE_BYTES) {
    const old = prepLru.shift()!;
    const e = old.entry.deref();
    if (!e) continue;
    total -= entryBytes(e);
    const w = old.weight.deref();
    const list = w && prepCache.get(w);
    const j = list ? list.indexOf(e) : -1;
    if (j >= 0) list!.splice(j, 1);
  }
}

/** The prepared stacks of `input` under opts' focus / ignore / hide, from the cache when possible. */
export function cachedPrep(input: WeightedStacks, opts: StackFilterOptions): CacheEntry {
  const key = JSON.stringify([opts.focus ?? '', opts.ignore ?? '', opts.hide ?? '']);
  const w = input.weight as object;
  let list = prepCache.get(w);
  if (!list) prepCache.set(w, (list = []));
  let e = list.find(
    (x) => x.key === key && x.stacks === input.stacks && x.sampleStack === input.sampleStack && x.weightLength === input.weight.length,
  );
  if (!e) {
    const p = prepare(input, { focus: opts.focus, ignore: opts.ignore, hide: opts.hide });
    e = { stacks: input.stacks, sampleStack: input.sampleStack, weight: input.weight, weightLength: input.weight.length, key, p };
    list.push(e);
  }
  touch(w, e);
  return e;
}

/**
 * Weight of the kept samples with a visible frame matching `search` (function or file name): from
 * the outermost matching stacks when they are few, else with flags inherited from the prefix.
 */
export function matchedWeight(e: CacheEntry, search: string): number {
  const rx = compile(search, 'search')!;
  const p = e.p;
  const t = p.t;
  const strMatch = new Int8Array(t.strings.length).fill(-1);
  const matches = (si: number): boolean => {
    let m = strMatch[si]!;
    if (m < 0) m = strMatch[si] = rx.test(t.strings[si] ?? '') ? 1 : 0;
    return m === 1;
  };
  const fm = new Uint8Array(t.frameCount);
  let any = false;
  for (let f = 0; f < t.frameCount; f++) {
    if (p.hidden?.[f]) continue; // a hidden frame is not there to be found
    if (!(matches(t.frameFunc[f]!) || matches(t.frameFile[f]!))) continue;
    fm[f] = 1;
    any = true;
  }
  if (!any) return 0;
  const n = t.stackCount;
  const prefix = t.stackPrefix;
  const frame = t.stackFrame;

  // Few stacks with a matching frame (a function name, the usual search): the matched weight is the
  // inclusive weight of the outermost of them, found by looking up each one's ancestors. Exact
  // weights only: it sums per stack, not in sample order.
  const few = new Int32Array(Math.max(16, n >>> 5));
  let k = p.exact ? 0 : -1;
  for (let s = 0; s < n && k >= 0; s++) {
    if (fm[frame[s]!]) {
      if (k === few.length) k = -1;
      else few[k++] = s;
    }
  }
  if (k >= 0) {
    let matched = 0;
    let budget = n; // deep stacks: past n steps, the pass below is cheaper
    for (let j = 0; j < k && budget >= 0; j++) {
      const s = few[j]!;
      let outer = true;
      for (let x = prefix[s]!; x >= 0; x = prefix[x]!) {
        budget--;
        if (fm[frame[x]!]) {
          outer = false;
          break;
        }
      }
      if (outer) matched += cumOf(p, s);
    }
    if (budget >= 0) return matched;
  }

  const has = new Uint8Array(n);
  for (let s = 0; s < n; s++) {
    const q = prefix[s]!;
    has[s] = fm[frame[s]!]! | (q >= 0 ? has[q]! : 0);
  }
  let matched = 0;
  if (p.keptSample) {
    // Fractional weights: float sums depend on their order; sum sample by sample, as they come.
    const ss = e.sampleStack;
    const w = e.weight;
    for (let i = 0; i < ss.length; i++) if (p.keptSample[i] && ss[i]! >= 0 && has[ss[i]!]) matched += w[i]!;
    return matched;
  }
  const { slotStack } = p.slots;
  for (let j = 0; j < p.W.length; j++) if (has[slotStack[j]!]) matched += p.W[j]!;
  return matched;
}

/**
 * Idle warm-up of a plain bottom-up tree: builds one more of its leaf levels (one pass over the
 * slots) while the slots that reach that deep still weigh at least `minFraction` of the total — a
 * first inverted graph drawn at that resolution shows nothing deeper. False once nothing more is
 * worth building; the inverted query then only groups what is built.
 */
export function warmBottomUpLevel(input: WeightedStacks, minFraction: number): boolean {
  const { p } = cachedPrep(input, {});
  const levels = leafLevelsOf(p.slots, null, '');
  const deepest = levels.nameAt(levels.depth - 1);
  let reaching = 0;
  let all = 0;
  for (let j = 0; j < deepest.length; j++) {
    const w = Math.abs(p.W[j]!);
    all += w;
    if (deepest[j]! >= 0) reaching += w;
  }
  if (reaching === 0 || reaching < minFraction * all) return false;
  levels.nameAt(levels.depth);
  return true;
}

/** For top-table.ts: per function name, flat and cum over the kept samples (cached with the entry). */
export function topByName(
  input: WeightedStacks,
  opts: StackFilterOptions,
): { names: readonly string[]; flat: Float64Array; cum: Float64Array; total: number; matched: number } {
  const e = cachedPrep(input, opts);
  const p = e.p;
  e.top ??= perName(p);
  return { names: p.fn.names.names, ...e.top, total: p.total, matched: opts.search ? matchedWeight(e, opts.search) : 0 };
}

/**
 * flat: weight of the samples whose (visible) leaf is the function; cum: of the samples with the
 * function anywhere on their visible stack, once per sample however often it recurses.
 */
function perName(p: Prepared): { flat: Float64Array; cum: Float64Array } {
  const nNames = p.fn.names.names.length;
  const flat = new Float64Array(nNames);
  const { slotFrame, slotStack } = p.slots;
  const { nameOf } = p.fn;
  const { hidden, W } = p;
  for (let j = 0; j < W.length; j++) {
    const w = W[j]!;
    if (w === 0) continue;
    const f = slotFrame[j]!;
    // A hidden leaf hands its weight to its nearest visible caller (a short walk, for those slots only).
    flat[nameOf[hidden && hidden[f] ? p.t.stackFrame[visibleFrom(slotStack[j]!, hidden, p.t.stackFrame, p.t.stackPrefix)]! : f]!]! += w;
  }
  // The outermost-calls index once built (idle warm-up), for integer weights (sums in any order are
  // then the same number); until then, or when a hide splits a name, a walk up every leaf.
  const oc = p.exact ? builtOutermostCalls(p.slots) : undefined;
  const hiddenNames = oc && hidden ? flagsByName(p.fn, hidden) : null;
  return { flat, cum: oc && hiddenNames !== undefined ? cumByOutermostCalls(p, oc, hiddenNames) : cumByLeafWalks(p) };
}

/** cum as the inclusive weights of each name's outermost calls: one pass over them (outermostCallsOf). */
function cumByOutermostCalls(p: Prepared, { lo, hi, nameStart }: OutermostCalls, hiddenNames: Uint8Array | null): Float64Array {
  const cum = new Float64Array(p.fn.names.names.length);
  const S = p.S!;
  for (let id = 0; id < cum.length; id++) {
    if (hiddenNames && hiddenNames[id]) continue;
    let c = 0;
    for (let k = nameStart[id]!; k < nameStart[id + 1]!; k++) c += S[hi[k]!]! - S[lo[k]!]!;
    cum[id] = c;
  }
  return cum;
}

/** cum by walking up from every distinct leaf, in stack order so that the walks read the table almost front to back. */
function cumByLeafWalks(p: Prepared): Float64Array {
  const cum = new Float64Array(p.fn.names.names.length);
  const lastSeen = new Int32Array(cum.length).fill(-1);
  const { slotsByStack } = p.slots;
  const { nameOf } = p.fn;
  const frame = p.t.stackFrame;
  const prefix = p.t.stackPrefix;
  const { hidden, W } = p;
  for (let i = 0; i < slotsByStack.length; i++) {
    const j = slotsByStack[i]!;
    const w = W[j]!;
    if (w === 0) continue;
    for (let x = p.slots.slotStack[j]!; x >= 0; x = prefix[x]!) {
      const f = frame[x]!;
      if (hidden && hidden[f]) continue;
      const id = nameOf[f]!;
      if (lastSeen[id] !== j) {
        lastSeen[id] = j;
        cum[id]! += w;
      }
    }
  }
  return cum;
}

/** What focus / ignore / hide leave of an input: for writing it out as a profile of its own. */
export interface KeptStacks {
  stacks: StackTable;
  /** One entry per kept leaf stack (-1: the samples without frames), weights summed. */
  sampleStack: Int32Array;
  weight: Float64Array;
  /** Per frame: 1 when hide removes it from every stack, else null. */
  hidden: Uint8Array | null;
}

export function keptStacks(input: WeightedStacks, opts: StackFilterOptions): KeptStacks {
  const { p } = cachedPrep(input, opts);
  const stacks: number[] = [];
  const weights: number[] = [];
  for (let j = 0; j < p.W.length; j++) {
    if (p.W[j] === 0) continue;
    stacks.push(p.slots.slotStack[j]!);
    weights.push(p.W[j]!);
  }
  if (p.rootSelf !== 0) {
    stacks.push(-1);
    weights.push(p.rootSelf);
  }
  return { stacks: p.t, sampleStack: Int32Array.from(stacks), weight: Float64Array.from(weights), hidden: p.hidden };
}

/**
 * The same filters sample by sample, for a writer that keeps what each sample carries besides its
 * stack (its labels): every sample keeps its place and stack, a dropped one gets weight 0; `hidden`
 * as in keptStacks.
 */
export function keptSamples(input: WeightedStacks, opts: StackFilterOptions): KeptStacks {
  const { p } = cachedPrep(input, opts);
  const n = input.sampleStack.length;
  const weight = new Float64Array(n);
  const { sampleSlot } = p.slots;
  for (let i = 0; i < n; i++) {
    const w = input.weight[i]!;
    if (w === 0 || w !== w) continue;
    const j = sampleSlot[i]!;
    // Exact weights: a slot's samples are kept together (a kept slot has weight); else per sample.
    const kept = p.keptSample ? p.keptSample[i] === 1 : j < 0 ? p.rootSelf !== 0 : p.W[j] !== 0;
    if (kept) weight[i] = w;
  }
  return { stacks: p.t, sampleStack: input.sampleStack, weight, hidden: p.hidden };
}

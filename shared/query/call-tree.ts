/**
 * Call trees for the flame graph, over any weighted stacks (pprof samples, trace blocking events,
 * goroutine dumps): aggregated by function name, with pprof's focus / ignore / hide semantics, an
 * inverted (bottom-up) mode, zoom to a path, and a diff against a base profile.
 *
 * Big profiles have millions of stack nodes, so nothing is built eagerly and no filter walks them
 * all: the table's indexes (stack-index.ts) are built once; a filter then costs one pass over the
 * samples (plus one over the stacks for focus/ignore), giving a weight per leaf slot whose prefix
 * sums answer any stack's inclusive weight. Tree nodes are expanded best-first from the root and
 * only while they are at least `minValue` and fewer than `maxNodes`: the renderer gets what it can
 * draw, no more. Per (input, focus, ignore, hide) the prepared weights and the expanded trees are
 * cached, so a zoom, a search or a reset only walks the tree again.
 */
import type { StackTable } from '../model/stacks.ts';
import {
  NameIds,
  childrenOf,
  frameNamesOf,
  leafSlotsOf,
  leafLevelsOf,
  type Children,
  type FrameNames,
  type LeafLevels,
  type LeafSlots,
  visibleFrom,
} from './stack-index.ts';

export { NameIds };

/** Any stacks with a weight per sample. The table must list a prefix before its extensions (as
 * StackTableBuilder and the pprof parser do): per-stack passes run in index order. */
export interface WeightedStacks {
  stacks: StackTable;
  /** Stack of each sample (-1 = no frames). */
  sampleStack: Int32Array;
  /** Weight of each sample (same length as sampleStack). */
  weight: Float64Array | number[];
}

/** Sample filters, matched against function names and file names (as pprof matches them). */
export interface StackFilterOptions {
  /** Keep only samples with a frame matching this regex. */
  focus?: string;
  /** Drop samples with a frame matching this regex. */
  ignore?: string;
  /** Remove matching frames from stacks; their weight goes to their caller. */
  hide?: string;
  /** Report the weight of samples with a (visible) frame matching this regex as `matched`. */
  search?: string;
}

export interface CallTreeOptions extends StackFilterOptions {
  /** Bottom-up: leaf functions become roots. */
  inverted?: boolean;
  /** Return the subtree under this path of function names (below the root). */
  rootPath?: string[];
  /** Nodes below this value are left out (their weight stays in their parent's value). */
  minValue?: number;
  /** Same as minValue, as a fraction of the returned root's value (e.g. 1 / widthInPixels). */
  minFraction?: number;
  /** Never return more nodes than this (default 100 000); the heaviest are kept. */
  maxNodes?: number;
}

export interface FlameNode {
  name: string;
  /** Total (inclusive) weight. */
  value: number;
  /** Weight of samples whose leaf is this node. */
  self: number;
  file?: string;
  children: FlameNode[];
  /** Diff trees only: the base profile's total for the same path, and value - baseValue. */
  baseValue?: number;
  delta?: number;
}

export interface CallTree {
  root: FlameNode;
  /** Total weight of the samples kept by focus/ignore/hide (the whole profile's total). */
  total: number;
  /** With `search`: weight of the kept samples having a matching frame. */
  matched?: number;
  nodeCount: number;
  /** True when some non-zero node was left out by minValue/minFraction/maxNodes. */
  truncated: boolean;
  /** False when `rootPath` names no existing node (the root is then empty). */
  rootPathFound?: boolean;
}

export interface DiffCallTree extends CallTree {
  baseTotal: number;
}

const DEFAULT_MAX_NODES = 100_000;

function compile(re: string | undefined, what: string): RegExp | null {
  if (re === undefined || re === '') return null;
  try {
    return new RegExp(re);
  } catch (e) {
    throw new Error(`invalid ${what} regex ${JSON.stringify(re)}: ${(e as Error).message}`);
  }
}

const F_FOCUS = 1;
const F_IGNORE = 2;

// ---------------------------------------------------------------------------------------------
// Per-input preparation. The stack table's indexes (stack-index.ts) do not depend on the filters;
// what does is small: per leaf slot, the weight of the samples kept there, and its prefix sums.

interface Prepared {
  t: StackTable;
  slots: LeafSlots;
  /** The table's own function-name ids. */
  fn: FrameNames;
  /** Per frame: 1 when hidden (hide), else null. */
  hidden: Uint8Array | null;
  /** The hide regex ('' for none): names `hidden` for the stack indexes' caches. */
  hideKey: string;
  /** Per slot: weight of the kept samples ending at that slot's stack. */
  W: Float64Array;
  /** Prefix sums of W (exact weights only): a stack's inclusive weight is S[hi] - S[lo]. */
  S: Float64Array | null;
  /** Inexact weights: per stack, its inclusive weight summed up the tree. */
  dense: Float64Array | null;
  rootSelf: number;
  total: number;
  /** Some kept weight is negative (a subtree may then sum to 0 and still hold weight). */
  negative: boolean;
  /** Inexact weights only: per sample, 1 when kept (so `matched` can be summed sample by sample). */
  keptSample: Uint8Array | null;
  /**
   * Weights are integers with sums below 2^53, so sums do not depend on their order: prefix-sum
   * differences, per-stack sums and per-sample sums are all the same number.
   */
  exact: boolean;
}

/** Applies focus / ignore / hide to one input: O(samples), plus one pass over the stacks for focus/ignore. */
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
    const out = new Uint8Array(t.frameCount);
    for (let f = 0; f < t.frameCount; f++) out[f] = m(t.frameFunc[f]!) | m(t.frameFile[f]!);
    return out;
  };
  const hidden = hide ? frameMatch(hide) : null;
  const prefix = t.stackPrefix;
  const frame = t.stackFrame;

  // Focus and ignore look at every frame of a sample, hidden or not (as pprof does).
  let stackFlags: Uint8Array | null = null;
  if (focus || ignore) {
    const ff = new Uint8Array(t.frameCount);
    if (focus) frameMatch(focus).forEach((x, f) => (ff[f]! |= x ? F_FOCUS : 0));
    if (ignore) frameMatch(ignore).forEach((x, f) => (ff[f]! |= x ? F_IGNORE : 0));
    const n = t.stackCount;
    stackFlags = new Uint8Array(n);
    for (let s = 0; s < n; s++) {
      const p = prefix[s]!;
      stackFlags[s] = ff[frame[s]!]! | (p >= 0 ? stackFlags[p]! : 0);
    }
  }

  const { lo } = slots;
  const exact = integralWeights(input.weight);
  const keptSample = exact ? null : new Uint8Array(input.sampleStack.length);
  const W = new Float64Array(slots.slotCount);
  let rootSelf = 0;
  let total = 0;
  let negative = false;
  const ss = input.sampleStack;
  const w = input.weight;
  for (let i = 0; i < ss.length; i++) {
    const wi = w[i]!;
    if (wi === 0 || wi !== wi) continue;
    const s = ss[i]!;
    if (stackFlags) {
      const fl = s >= 0 ? stackFlags[s]! : 0;
      if (focus && !(fl & F_FOCUS)) continue;
      if (ignore && fl & F_IGNORE) continue;
    }
    if (s < 0) {
      if (hidden) continue; // pprof drops samples left without any location
      rootSelf += wi;
    } else {
      if (hidden && visibleFrom(s, hidden, frame, prefix) < 0) continue;
      W[lo[s]!]! += wi;
    }
    total += wi;
    if (wi < 0) negative = true;
    if (keptSample) keptSample[i] = 1;
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

/** Inclusive weight of stack s (its kept samples and those of every stack under it). */
function cumOf(p: Prepared, s: number): number {
  if (p.dense) return p.dense[s]!;
  const a = p.slots.lo[s]!;
  return p.S![a + p.slots.size[s]!]! - p.S![a]!;
}

/** Weight of the kept samples ending exactly at stack s. */
function ownOf(p: Prepared, s: number): number {
  const { lo, size, slotStack } = p.slots;
  const a = lo[s]!;
  return size[s]! > 0 && slotStack[a] === s ? p.W[a]! : 0;
}

/** Reusable traversal stacks for walks through hidden stacks (selfOf runs inside expandTopDown's walk). */
let walk = new Int32Array(256);
let selfWalk = new Int32Array(256);

/**
 * Self weight of visible stack s: its own samples, and (hide) those of hidden stacks below it
 * reached through hidden stacks only, whose weight goes to s, their nearest visible caller.
 */
function selfOf(p: Prepared, s: number, ch: Children): number {
  let self = ownOf(p, s);
  if (!p.hidden) return self;
  const { start, list } = ch;
  const frame = p.t.stackFrame;
  let top = 0;
  selfWalk[top++] = s;
  while (top > 0) {
    const x = selfWalk[--top]!;
    for (let i = start[x + 1]!; i < start[x + 2]!; i++) {
      const c = list[i]!;
      if (!p.hidden[frame[c]!] || p.slots.size[c] === 0) continue;
      self += ownOf(p, c);
      if (top === selfWalk.length) selfWalk = growI32(selfWalk, top + 1);
      selfWalk[top++] = c;
    }
  }
  return self;
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

interface CacheEntry {
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
function cachedPrep(input: WeightedStacks, opts: StackFilterOptions): CacheEntry {
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
function matchedWeight(e: CacheEntry, search: string): number {
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
 * function anywhere on their visible stack, once per sample however often it recurses. One walk
 * per distinct leaf, in stack order so that the walks read the table almost front to back.
 */
function perName(p: Prepared): { flat: Float64Array; cum: Float64Array } {
  const nNames = p.fn.names.names.length;
  const flat = new Float64Array(nNames);
  const cum = new Float64Array(nNames);
  const lastSeen = new Int32Array(nNames).fill(-1);
  const { slotStack, slotsByStack } = p.slots;
  const { nameOf } = p.fn;
  const frame = p.t.stackFrame;
  const prefix = p.t.stackPrefix;
  const { hidden, W } = p;
  for (let i = 0; i < slotsByStack.length; i++) {
    const j = slotsByStack[i]!;
    const w = W[j]!;
    if (w === 0) continue;
    const leaf = visibleFrom(slotStack[j]!, hidden, frame, prefix);
    flat[nameOf[frame[leaf]!]!]! += w;
    for (let x = leaf; x >= 0; x = prefix[x]!) {
      const f = frame[x]!;
      if (hidden && hidden[f]) continue;
      const id = nameOf[f]!;
      if (lastSeen[id] !== j) {
        lastSeen[id] = j;
        cum[id]! += w;
      }
    }
  }
  return { flat, cum };
}

// ---------------------------------------------------------------------------------------------
// Lazy tree expansion over one or two sides (a diff's current and base).

interface Side {
  p: Prepared;
  /** Table-local name id -> the expander's name id (null: the same ids). */
  idMap: Int32Array | null;
  ch: Children | null; // non-inverted only
  levels: LeafLevels | null; // inverted only
  /**
   * Member pool: a tree node owns pool[start .. start+len). Non-inverted: member stacks.
   * Inverted: member leaf slots (the node's function is at level depth - 1 of each).
   */
  pool: Int32Array<ArrayBuffer>;
  poolLen: number;
}

class Expander {
  readonly sides: Side[];
  readonly k: number;
  // Tree nodes (growable).
  name: Int32Array<ArrayBuffer> = new Int32Array(1024);
  /** A member of each node (non-inverted: a stack; inverted: a slot), for `file`. */
  firstMember: Int32Array<ArrayBuffer> = new Int32Array(1024);
  /** Inverted: each node's depth below the root. */
  depth: Int32Array<ArrayBuffer> = new Int32Array(1024);
  firstSide: Uint8Array = new Uint8Array(1024);
  value: Float64Array<ArrayBuffer>[]; // [side][node]
  self: Float64Array<ArrayBuffer>[];
  mStart: Int32Array<ArrayBuffer>[];
  mLen: Int32Array<ArrayBuffer>[];
  count = 0;
  private slot: Int32Array;
  private touched: number[] = [];
  private expanded = new Uint8Array(1024);
  private scratchNext = new Int32Array(1024);
  private scratchLocal = new Int32Array(1024);
  private tmpA = new Int32Array(0);

  /** Node 0: the synthetic root (all samples). */
  readonly root = 0;
  private childStart: Int32Array<ArrayBuffer> = new Int32Array(1024);
  private childCount: Int32Array<ArrayBuffer> = new Int32Array(1024);

  constructor(
    sides: { p: Prepared; idMap: Int32Array | null }[],
    readonly names: NameIds,
    readonly inverted: boolean,
  ) {
    this.k = sides.length;
    this.sides = sides.map(({ p, idMap }) => ({
      p,
      idMap,
      ch: inverted ? null : childrenOf(p.t),
      levels: inverted ? leafLevelsOf(p.slots, p.hidden, p.hideKey) : null,
      pool: new Int32Array(1024),
      poolLen: 0,
    }));
    this.value = sides.map(() => new Float64Array(1024));
    this.self = sides.map(() => new Float64Array(1024));
    this.mStart = sides.map(() => new Int32Array(1024));
    this.mLen = sides.map(() => new Int32Array(1024));
    this.slot = new Int32Array(names.names.length).fill(-1);
    this.ensureNodes(1);
    const r = this.newNode(-1);
    for (let k = 0; k < this.k; k++) {
      const p = this.sides[k]!.p;
      this.value[k]![r] = p.total;
      this.self[k]![r] = p.rootSelf;
      this.mStart[k]![r] = -1; // marks "the root": its children are the tree's roots
    }
  }

  /** Bytes held (for the cache's bound). */
  bytes(): number {
    let b = this.name.byteLength * (5 + 6 * this.k); // per node: 5 arrays, and 4 per side (value/self 8 bytes)
    for (const sd of this.sides) b += sd.pool.byteLength;
    return b + this.tmpA.byteLength + this.scratchNext.byteLength * 2;
  }

  /** Room for `extra` more nodes: expand() grows the node arrays up front, so loops may hold them. */
  private ensureNodes(extra: number): void {
    const need = this.count + extra;
    if (need <= this.name.length) return;
    const cap = Math.max(need, this.name.length * 2);
    this.name = growI32(this.name, cap);
    this.firstMember = growI32(this.firstMember, cap);
    this.depth = growI32(this.depth, cap);
    const fs = new Uint8Array(cap);
    fs.set(this.firstSide);
    this.firstSide = fs;
    const ex = new Uint8Array(cap);
    ex.set(this.expanded);
    this.expanded = ex;
    this.childStart = growI32(this.childStart, cap);
    this.childCount = growI32(this.childCount, cap);
    for (let k = 0; k < this.k; k++) {
      this.value[k] = growF64(this.value[k]!, cap);
      this.self[k] = growF64(this.self[k]!, cap);
      this.mStart[k] = growI32(this.mStart[k]!, cap);
      this.mLen[k] = growI32(this.mLen[k]!, cap);
    }
  }

  private newNode(nameId: number): number {
    const i = this.count++;
    this.name[i] = nameId;
    this.firstMember[i] = -1;
    for (let k = 0; k < this.k; k++) {
      this.value[k]![i] = 0;
      this.self[k]![i] = 0;
      this.mStart[k]![i] = 0;
      this.mLen[k]![i] = 0;
    }
    return i;
  }

  private reserve(sd: Side, extra: number): void {
    const need = sd.poolLen + extra;
    if (need > sd.pool.length) {
      sd.pool = growI32(sd.pool, need);
    }
  }

  private claim(id: number, children: number[]): number {
    let node = this.slot[id]!;
    if (node < 0) {
      node = this.slot[id] = this.newNode(id);
      this.touched.push(id);
      children.push(node);
    }
    return node;
  }

  /**
   * The children of node `t` (created on the first call); their ids. Inverted nodes partition
   * their member segment in place among their children (a child's members are a subset of its
   * parent's), so bottom-up trees need no more memory than the leaf slots.
   */
  expand(t: number): number[] {
    const children: number[] = [];
    if (this.expanded[t]) {
      for (let i = 0; i < this.childCount[t]!; i++) children.push(this.childStart[t]! + i);
      return children;
    }
    this.expanded[t] = 1;
    // At most one child per function name.
    this.ensureNodes(this.names.names.length);
    const base = this.count; // children get consecutive ids from here
    for (let k = 0; k < this.k; k++) {
      if (this.inverted) this.expandInverted(k, t, base, children);
      else this.expandTopDown(k, t, base, children);
    }
    for (const id of this.touched) this.slot[id] = -1;
    this.touched.length = 0;
    this.childStart[t] = base;
    this.childCount[t] = children.length;
    return children;
  }

  /** Top-down: a node's members are stacks; its children's members are their visible child stacks. */
  private expandTopDown(k: number, t: number, base: number, children: number[]): void {
    const sd = this.sides[k]!;
    const { p, idMap } = sd;
    const nameOf = p.fn.nameOf;
    const { start: cs, list } = sd.ch!;
    const frame = p.t.stackFrame;
    const hidden = p.hidden;
    const keepZero = p.negative;
    const size = p.slots.size;
    const start = this.mStart[k]![t]!;
    const len = this.mLen[k]![t]!;
    const isRoot = start === -1;
    const value = this.value[k]!;
    const self = this.self[k]!;
    // Pass 1: each member's visible children, the child node each belongs to, values summed.
    let q = 0;
    const m0 = isRoot ? -1 : start;
    const m1 = isRoot ? 0 : start + len;
    let top = 0;
    for (let j = m0; j < m1; j++) {
      walk[top++] = j < 0 ? -1 : sd.pool[j]!;
      while (top > 0) {
        const m = walk[--top]!;
        for (let x = cs[m + 1]!; x < cs[m + 2]!; x++) {
          const c = list[x]!;
          if (size[c] === 0) continue; // no sample under it
          if (hidden && hidden[frame[c]!]) {
            // A hidden stack's children belong to its nearest visible caller.
            if (top === walk.length) walk = growI32(walk, top + 1);
            walk[top++] = c;
            continue;
          }
          const v = cumOf(p, c);
          if (v === 0 && !keepZero) continue;
          const local = nameOf[frame[c]!]!;
          const node = this.claim(idMap ? idMap[local]! : local, children);
          if (q === this.scratchNext.length) this.growScratch(q + 1);
          this.scratchNext[q] = c;
          this.scratchLocal[q++] = node - base;
          value[node]! += v;
          self[node]! += selfOf(p, c, sd.ch!);
          if (this.firstMember[node] === -1) {
            this.firstMember[node] = c;
            this.firstSide[node] = k;
          }
        }
      }
    }
    if (q === 0) return;
    // Pass 2: contiguous member segments per child.
    const nKids = children.length;
    const counts = new Int32Array(nKids + 1);
    for (let j = 0; j < q; j++) counts[this.scratchLocal[j]! + 1]!++;
    for (let i = 1; i <= nKids; i++) counts[i]! += counts[i - 1]!;
    this.reserve(sd, q);
    const seg = sd.poolLen;
    sd.poolLen += q;
    const mStart = this.mStart[k]!;
    const mLen = this.mLen[k]!;
    for (let i = 0; i < nKids; i++) {
      mStart[base + i] = seg + counts[i]!;
      mLen[base + i] = counts[i + 1]! - counts[i]!;
    }
    const pool = sd.pool;
    for (let j = 0; j < q; j++) pool[seg + counts[this.scratchLocal[j]!]!++] = this.scratchNext[j]!;
  }

  /**
   * Bottom-up: a node's members are leaf slots, starting with every slot that has weight; a node
   * at depth d groups its members by their function at level d (LeafLevels) into its children.
   */
  private expandInverted(k: number, t: number, base: number, children: number[]): void {
    const sd = this.sides[k]!;
    const { p } = sd;
    let start = this.mStart[k]![t]!;
    let len = this.mLen[k]![t]!;
    if (start === -1) {
      this.reserve(sd, p.W.length);
      start = sd.poolLen;
      for (let j = 0; j < p.W.length; j++) if (p.W[j] !== 0) sd.pool[sd.poolLen++] = j;
      len = sd.poolLen - start;
      this.mStart[k]![t] = start;
      this.mLen[k]![t] = len;
    }
    const d = this.depth[t]!;
    const names = sd.levels!.nameAt(d);
    if (len > this.scratchLocal.length) this.growScratch(len);
    const local = this.scratchLocal;
    const pool = sd.pool;
    // Each member's child (local index; -1: its stack ends at this node), values summed.
    const slot = this.slot;
    const idMap = sd.idMap;
    const W = p.W;
    const value = this.value[k]!;
    let ended = 0;
    for (let j = 0; j < len; j++) {
      const m = pool[start + j]!;
      const id = names[m]!;
      if (id < 0) {
        local[j] = -1;
        ended += W[m]!;
        continue;
      }
      const gid = idMap ? idMap[id]! : id;
      let node = slot[gid]!;
      if (node < 0) {
        node = this.claim(gid, children);
        this.firstMember[node] = m;
        this.firstSide[node] = k;
        this.depth[node] = d + 1;
      }
      local[j] = node - base;
      value[node]! += W[m]!;
    }
    if (t !== this.root) this.self[k]![t] = ended;
    const nKids = children.length;
    // Counting sort of the segment by child (members that end here go last), values summed.
    const counts = new Int32Array(nKids + 2);
    for (let j = 0; j < len; j++) counts[(local[j]! < 0 ? nKids : local[j]!) + 1]!++;
    for (let i = 1; i <= nKids + 1; i++) counts[i]! += counts[i - 1]!;
    const mStart = this.mStart[k]!;
    const mLen = this.mLen[k]!;
    for (let i = 0; i < nKids; i++) {
      mStart[base + i] = start + counts[i]!;
      mLen[base + i] = counts[i + 1]! - counts[i]!;
    }
    // One child and nothing ending here (a frame every member shares): already in order.
    if (nKids === 1 && counts[1] === len) return;
    if (len > this.tmpA.length) this.tmpA = new Int32Array(Math.max(len, this.tmpA.length * 2));
    scatterByChild(pool, start, len, local, counts, nKids, this.tmpA);
  }

  /**
   * Self weight of side k at `node`. Bottom-up nodes learn theirs when expanded (their members that
   * end there); one never expanded sums them from its segment here.
   */
  selfOf(k: number, node: number): number {
    if (this.inverted && !this.expanded[node] && node !== this.root) {
      const sd = this.sides[k]!;
      const names = sd.levels!.nameAt(this.depth[node]!);
      const start = this.mStart[k]![node]!;
      let self = 0;
      for (let j = start; j < start + this.mLen[k]![node]!; j++) {
        const m = sd.pool[j]!;
        if (names[m]! < 0) self += sd.p.W[m]!;
      }
      return self;
    }
    return this.self[k]![node]!;
  }

  private growScratch(need: number): void {
    const cap = Math.max(need, this.scratchNext.length * 2);
    this.scratchNext = growI32(this.scratchNext, cap);
    this.scratchLocal = growI32(this.scratchLocal, cap);
  }

  priority(node: number): number {
    let p = 0;
    for (let k = 0; k < this.k; k++) p = Math.max(p, Math.abs(this.value[k]![node]!));
    return p;
  }

  fileOf(node: number): string | undefined {
    const m = this.firstMember[node]!;
    if (m < 0) return undefined;
    const sd = this.sides[this.firstSide[node]!]!;
    const t = sd.p.t;
    const s = sd.levels ? sd.levels.stackAt(m, this.depth[node]! - 1) : m;
    return s < 0 ? undefined : t.strings[t.frameFile[t.stackFrame[s]!]!] || undefined;
  }
}

/**
 * Counting sort of an inverted member segment by child (`counts` holds each child's start; members
 * that end here go last), written back in place. A module function: it gets type feedback of its
 * own, so its first, huge call is optimised.
 */
function scatterByChild(pool: Int32Array, start: number, len: number, local: Int32Array, counts: Int32Array, nKids: number, tmp: Int32Array): void {
  for (let j = 0; j < len; j++) {
    const l = local[j]!;
    tmp[counts[l < 0 ? nKids : l]!++] = pool[start + j]!;
  }
  pool.set(tmp.subarray(0, len), start);
}

function growI32(a: Int32Array<ArrayBuffer>, need: number): Int32Array<ArrayBuffer> {
  if (need <= a.length) return a;
  const b = new Int32Array(Math.max(need, a.length * 2));
  b.set(a);
  return b;
}
function growF64(a: Float64Array<ArrayBuffer>, need: number): Float64Array<ArrayBuffer> {
  if (need <= a.length) return a;
  const b = new Float64Array(Math.max(need, a.length * 2));
  b.set(a);
  return b;
}

/** Max-heap of node ids by priority. */
class Heap {
  private ids: number[] = [];
  private pr: number[] = [];
  get size(): number {
    return this.ids.length;
  }
  push(id: number, p: number): void {
    const { ids, pr } = this;
    let i = ids.length;
    ids.push(id);
    pr.push(p);
    while (i > 0) {
      const up = (i - 1) >> 1;
      if (pr[up]! >= p) break;
      ids[i] = ids[up]!;
      pr[i] = pr[up]!;
      i = up;
    }
    ids[i] = id;
    pr[i] = p;
  }
  pop(): number {
    const { ids, pr } = this;
    const top = ids[0]!;
    const lastId = ids.pop()!;
    const lastP = pr.pop()!;
    const n = ids.length;
    if (n > 0) {
      let i = 0;
      for (;;) {
        let c = 2 * i + 1;
        if (c >= n) break;
        if (c + 1 < n && pr[c + 1]! > pr[c]!) c++;
        if (pr[c]! <= lastP) break;
        ids[i] = ids[c]!;
        pr[i] = pr[c]!;
        i = c;
      }
      ids[i] = lastId;
      pr[i] = lastP;
    }
    return top;
  }
}

interface Built {
  root: FlameNode;
  nodeCount: number;
  truncated: boolean;
  rootPathFound?: boolean;
}

function buildTree(ex: Expander, opts: CallTreeOptions, diff: boolean): Built {
  let start = ex.root;
  let rootPathFound: boolean | undefined;
  if (opts.rootPath && opts.rootPath.length > 0) {
    rootPathFound = true;
    for (const name of opts.rootPath) {
      const kids = ex.expand(start);
      const next = kids.find((c) => ex.names.names[ex.name[c]!] === name);
      if (next === undefined) {
        rootPathFound = false;
        break;
      }
      start = next;
    }
    if (!rootPathFound) {
      const name = opts.rootPath[opts.rootPath.length - 1]!;
      const root: FlameNode = { name, value: 0, self: 0, children: [] };
      if (diff) Object.assign(root, { baseValue: 0, delta: 0 });
      return { root, nodeCount: 1, truncated: false, rootPathFound };
    }
  }
  const maxNodes = Math.max(1, opts.maxNodes ?? DEFAULT_MAX_NODES);
  const threshold = Math.max(opts.minValue ?? 0, (opts.minFraction ?? 0) * ex.priority(start));

  const toNode = (id: number): FlameNode => {
    const nameId = ex.name[id]!;
    const node: FlameNode = {
      name: nameId < 0 ? 'root' : ex.names.names[nameId]!,
      value: ex.value[0]![id]!,
      self: ex.selfOf(0, id),
      children: [],
    };
    const file = ex.fileOf(id);
    if (file) node.file = file;
    if (diff) {
      node.baseValue = ex.value[1]![id]!;
      node.delta = node.value - node.baseValue;
    }
    return node;
  };

  const objects = new Map<number, FlameNode>();
  const parentOf = new Map<number, number>();
  const heap = new Heap();
  heap.push(start, ex.priority(start));
  let nodeCount = 0;
  let truncated = false;
  const root = toNode(start);
  objects.set(start, root);
  while (heap.size > 0) {
    if (nodeCount >= maxNodes) {
      truncated = true;
      break;
    }
    const id = heap.pop();
    let obj = objects.get(id);
    if (!obj) {
      obj = toNode(id);
      objects.set(id, obj);
      objects.get(parentOf.get(id)!)!.children.push(obj);
    }
    nodeCount++;
    for (const c of ex.expand(id)) {
      const p = ex.priority(c);
      if (p === 0) continue;
      if (p < threshold) {
        truncated = true;
        continue;
      }
      parentOf.set(c, id);
      heap.push(c, p);
    }
  }
  // Stable, renderer-friendly order: children by name.
  const sortRec = (n: FlameNode) => {
    if (n.children.length > 1) n.children.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const c of n.children) sortRec(c);
  };
  sortRec(root);
  return { root, nodeCount, truncated, rootPathFound };
}

/** A call tree (flame graph data) aggregated by function name. */
export function buildCallTree(input: WeightedStacks, opts: CallTreeOptions = {}): CallTree {
  // Zoom, search and reset re-query the same stacks and filters: the prepared input comes from the
  // cache, and only the tree expansion (and the search's match pass) runs again.
  const e = cachedPrep(input, opts);
  const matched = opts.search ? matchedWeight(e, opts.search) : 0;
  // The expander keeps the nodes it expanded (and the inverted tree its partitions): a zoom, a
  // search or a reset walks them again instead of starting over.
  const inverted = !!opts.inverted;
  e.trees ??= {};
  const ex = (inverted ? e.trees.inverted : e.trees.topDown) ?? new Expander([{ p: e.p, idMap: null }], e.p.fn.names, inverted);
  if (inverted) e.trees.inverted = ex;
  else e.trees.topDown = ex;
  const b = buildTree(ex, opts, false);
  const out: CallTree = { root: b.root, total: e.p.total, nodeCount: b.nodeCount, truncated: b.truncated };
  if (opts.search) out.matched = matched;
  if (b.rootPathFound !== undefined) out.rootPathFound = b.rootPathFound;
  return out;
}

/**
 * A call tree of `current` with, per node, the `base` profile's value for the same path and
 * `delta` = value - baseValue (pprof -diff_base: current minus base). Filters apply to both.
 * `delta` is inclusive; d3-flame-graph's computeDelta expects self deltas, so color from data.delta
 * directly instead of enabling computeDelta.
 */
export function buildDiffTree(current: WeightedStacks, base: WeightedStacks, opts: CallTreeOptions = {}): DiffCallTree {
  const e = cachedPrep(current, opts);
  const pc = e.p;
  const matched = opts.search ? matchedWeight(e, opts.search) : 0;
  const pb = cachedPrep(base, opts).p;
  // Both sides' function names in one id space, so a node means the same function on both.
  const names = new NameIds();
  const sides = [pc, pb].map((p) => ({ p, idMap: Int32Array.from(p.fn.names.names, (name) => names.id(name)) }));
  const ex = new Expander(sides, names, !!opts.inverted);
  const b = buildTree(ex, opts, true);
  const out: DiffCallTree = {
    root: b.root,
    total: pc.total,
    baseTotal: pb.total,
    nodeCount: b.nodeCount,
    truncated: b.truncated,
  };
  if (opts.search) out.matched = matched;
  if (b.rootPathFound !== undefined) out.rootPathFound = b.rootPathFound;
  return out;
}

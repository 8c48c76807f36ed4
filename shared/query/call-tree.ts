/**
 * Call trees for the flame graph, over any weighted stacks (pprof samples, trace blocking events,
 * goroutine dumps): aggregated by function name, with pprof's focus / ignore / hide semantics, an
 * inverted (bottom-up) mode, zoom to a path, and a diff against a base profile.
 *
 * Big profiles have millions of stack nodes, so nothing is built eagerly: per-stack typed arrays are
 * computed in O(stacks), then tree nodes are expanded best-first from the root and only while they
 * are at least `minValue` and fewer than `maxNodes` — the renderer gets what it can draw, no more.
 * The per-stack arrays are cached per (input, focus, ignore, hide), bounded in bytes, so a zoom,
 * a search or a reset only expands the tree again (and, for a search, finds the matching stacks).
 */
import type { StackTable } from '../model/stacks.ts';

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

// ---------------------------------------------------------------------------------------------
// Per-input preparation: filters, hide, effective parents and per-stack weights.

/** Global function-name ids shared by the inputs of one query (so two tables can be compared). */
export class NameIds {
  readonly names: string[] = [];
  private index = new Map<string, number>();
  id(name: string): number {
    let i = this.index.get(name);
    if (i === undefined) {
      i = this.names.length;
      this.names.push(name);
      this.index.set(name, i);
    }
    return i;
  }
}

export interface PreparedStacks {
  t: StackTable;
  /** Per frame: global name id. */
  nameId: Int32Array;
  /** Per stack: 1 when its frame is shown (not hidden). */
  visible: Uint8Array | null;
  /** Per stack: nearest visible proper ancestor, -1 for none (=== stackPrefix without hide). */
  effParent: Int32Array;
  /** Per stack: weight of kept samples whose effective leaf is this stack. */
  selfW: Float64Array;
  /** Weight of kept samples with no visible frame. */
  rootSelf: number;
  total: number;
  matched: number;
}

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
const F_SEARCH = 4;
const F_HIDE = 8;

/** Applies filters and hide to one input. O(stacks + samples), typed arrays only. */
export function prepareStacks(input: WeightedStacks, opts: StackFilterOptions, names: NameIds): PreparedStacks {
  const t = input.stacks;
  const n = t.stackCount;
  const focus = compile(opts.focus, 'focus');
  const ignore = compile(opts.ignore, 'ignore');
  const hide = compile(opts.hide, 'hide');
  const search = compile(opts.search, 'search');

  // Per string: does it match each regex (computed once; strings are few next to stacks).
  const strFlags = new Int16Array(t.strings.length).fill(-1);
  const flagsOfString = (si: number): number => {
    let f = strFlags[si]!;
    if (f < 0) {
      const s = t.strings[si] ?? '';
      f = 0;
      if (focus?.test(s)) f |= F_FOCUS;
      if (ignore?.test(s)) f |= F_IGNORE;
      if (search?.test(s)) f |= F_SEARCH;
      if (hide?.test(s)) f |= F_HIDE;
      strFlags[si] = f;
    }
    return f;
  };
  const nameId = new Int32Array(t.frameCount);
  const frameFlags = new Uint8Array(t.frameCount);
  const anyRegex = focus || ignore || hide || search;
  const nameOfString = new Int32Array(t.strings.length).fill(-1);
  for (let f = 0; f < t.frameCount; f++) {
    const fs = t.frameFunc[f]!;
    let id = nameOfString[fs]!;
    if (id < 0) id = nameOfString[fs] = names.id(t.strings[fs] ?? '');
    nameId[f] = id;
    if (anyRegex) {
      let fl = flagsOfString(fs) | flagsOfString(t.frameFile[f]!);
      if (fl & F_HIDE) fl &= ~F_SEARCH; // a hidden frame is not there to be found
      frameFlags[f] = fl;
    }
  }

  // Per stack: flags accumulated from the root (a prefix always has a smaller index).
  const prefix = t.stackPrefix;
  const frame = t.stackFrame;
  let stackFlags: Uint8Array | null = null;
  if (anyRegex) {
    stackFlags = new Uint8Array(n);
    for (let s = 0; s < n; s++) {
      const p = prefix[s]!;
      stackFlags[s] = (frameFlags[frame[s]!]! & ~F_HIDE) | (p >= 0 ? stackFlags[p]! : 0);
    }
  }
  let visible: Uint8Array | null = null;
  let effParent = prefix;
  if (hide) {
    visible = new Uint8Array(n);
    effParent = new Int32Array(n);
    for (let s = 0; s < n; s++) {
      visible[s] = frameFlags[frame[s]!]! & F_HIDE ? 0 : 1;
      const p = prefix[s]!;
      effParent[s] = p < 0 ? -1 : visible[p] ? p : effParent[p]!;
    }
  }

  const selfW = new Float64Array(n);
  let rootSelf = 0;
  let total = 0;
  let matched = 0;
  const ss = input.sampleStack;
  const w = input.weight;
  for (let i = 0; i < ss.length; i++) {
    const wi = w[i]!;
    if (wi === 0 || wi !== wi) continue;
    const s = ss[i]!;
    const fl = s >= 0 && stackFlags ? stackFlags[s]! : 0;
    if (focus && !(fl & F_FOCUS)) continue;
    if (ignore && fl & F_IGNORE) continue;
    const eff = s < 0 ? -1 : !visible || visible[s] ? s : effParent[s]!;
    if (eff < 0) {
      if (hide) continue; // pprof drops samples left without any location
      rootSelf += wi;
    } else selfW[eff]! += wi;
    total += wi;
    if (fl & F_SEARCH) matched += wi;
  }
  return { t, nameId, visible, effParent, selfW, rootSelf, total, matched };
}

/** Per stack: inclusive weight over the effective (hide-aware) tree. */
function cumulative(p: PreparedStacks): Float64Array {
  const cum = p.selfW.slice();
  const { effParent, visible } = p;
  for (let s = cum.length - 1; s >= 0; s--) {
    if (visible && !visible[s]) continue;
    const q = effParent[s]!;
    if (q >= 0) cum[q]! += cum[s]!;
  }
  return cum;
}

/** Children lists of the effective tree, indexed by parent + 1 (slot 0 = roots). */
interface Csr {
  start: Int32Array;
  list: Int32Array;
}
const csrCache = new WeakMap<StackTable, Csr>();

function childrenCsr(p: PreparedStacks): Csr {
  if (!p.visible) {
    const hit = csrCache.get(p.t);
    if (hit) return hit;
  }
  const n = p.t.stackCount;
  const { effParent, visible } = p;
  const start = new Int32Array(n + 2);
  let count = 0;
  for (let s = 0; s < n; s++) {
    if (visible && !visible[s]) continue;
    start[effParent[s]! + 2]!++;
    count++;
  }
  for (let i = 1; i < n + 2; i++) start[i]! += start[i - 1]!;
  const fill = start.slice(0, n + 1);
  const list = new Int32Array(count);
  for (let s = 0; s < n; s++) {
    if (visible && !visible[s]) continue;
    list[fill[effParent[s]! + 1]!++] = s;
  }
  const csr = { start, list };
  if (!p.visible) csrCache.set(p.t, csr);
  return csr;
}

// ---------------------------------------------------------------------------------------------
// Prepared stacks cached across queries. Every zoom, search and reset of the flame graph asks again
// for the same stacks with the same filters; on big profiles (millions of stack nodes) preparing
// them, summing them up the tree and indexing children take most of a query, so they are kept per
// (input, focus, ignore, hide) — search only changes `matched`, computed separately.

/** What one side of a tree needs beyond PreparedStacks, computed on first use. */
interface SideAux {
  cum?: Float64Array;
  csr?: Csr;
  packed?: Int32Array;
}

interface CacheEntry extends SideAux {
  stacks: StackTable;
  sampleStack: Int32Array;
  weightLength: number;
  key: string;
  names: NameIds;
  /** Prepared without search (matched = 0). */
  p: PreparedStacks;
  hide: RegExp | null;
  /**
   * Weights are integers with sums below 2^53, so sums do not depend on their order: `matched` may
   * be summed per stack instead of per sample (as prepareStacks does) and still be the same number.
   */
  exact: boolean;
  /** topTable's per-name flat and cum. */
  top?: { flat: Float64Array; cum: Float64Array };
}

/** Keyed by the weight column (pprof makes a fresh WeightedStacks per query around the same arrays). */
const prepCache = new WeakMap<object, CacheEntry[]>();
/**
 * Recently used entries, oldest first, for the memory bound. Weak: a dropped source's entries
 * go with it (the WeakMap above), not when the bound pushes them out.
 */
const prepLru: { weight: WeakRef<object>; entry: WeakRef<CacheEntry> }[] = [];
/** Bytes of typed arrays the cache may hold (about three variants of a 7.6 M-node profile). */
const PREP_CACHE_BYTES = 512 * 2 ** 20;

function entryBytes(e: CacheEntry): number {
  let b = e.p.selfW.byteLength + e.p.nameId.byteLength;
  if (e.p.visible) b += e.p.visible.byteLength + e.p.effParent.byteLength;
  if (e.cum) b += e.cum.byteLength;
  if (e.csr && e.p.visible) b += e.csr.start.byteLength + e.csr.list.byteLength;
  if (e.packed) b += e.packed.byteLength;
  return b;
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
    const names = new NameIds();
    const p = prepareStacks(input, { focus: opts.focus, ignore: opts.ignore, hide: opts.hide }, names);
    e = {
      stacks: input.stacks,
      sampleStack: input.sampleStack,
      weightLength: input.weight.length,
      key,
      names,
      p,
      hide: compile(opts.hide, 'hide'),
      exact: integralWeights(input.weight),
    };
    list.push(e);
  }
  touch(w, e);
  return e;
}

function integralWeights(w: Float64Array | number[]): boolean {
  let sum = 0;
  for (let i = 0; i < w.length; i++) {
    const x = w[i]!;
    if (x !== x) continue; // NaN weights are skipped by prepareStacks
    if (!Number.isInteger(x)) return false;
    sum += Math.abs(x);
  }
  return sum <= Number.MAX_SAFE_INTEGER;
}

/**
 * Weight of the kept samples with a visible frame matching `search` (function or file name), as
 * prepareStacks' `matched`, without walking the samples again: from the outermost matching stacks
 * when they are few, else one pass over the stacks with flags inherited from the prefix.
 */
function matchedWeight(e: CacheEntry, search: string, input: WeightedStacks, opts: StackFilterOptions): number {
  const rx = compile(search, 'search')!;
  if (!e.exact) {
    // Fractional weights: keep prepareStacks' summation order, to the last bit.
    return prepareStacks(input, { focus: opts.focus, ignore: opts.ignore, hide: opts.hide, search }, new NameIds()).matched;
  }
  const t = e.p.t;
  const strMatch = new Int8Array(t.strings.length).fill(-1);
  const test = (si: number, re: RegExp): boolean => re.test(t.strings[si] ?? '');
  const matches = (si: number): boolean => {
    let m = strMatch[si]!;
    if (m < 0) m = strMatch[si] = test(si, rx) ? 1 : 0;
    return m === 1;
  };
  const fm = new Uint8Array(t.frameCount);
  let any = false;
  for (let f = 0; f < t.frameCount; f++) {
    const fs = t.frameFunc[f]!;
    const fi = t.frameFile[f]!;
    if (!(matches(fs) || matches(fi))) continue;
    if (e.hide && (test(fs, e.hide) || test(fi, e.hide))) continue; // a hidden frame is not there to be found
    fm[f] = 1;
    any = true;
  }
  if (!any) return 0;
  const n = t.stackCount;
  const prefix = t.stackPrefix;
  const frame = t.stackFrame;
  const selfW = e.p.selfW;

  // Few stacks with a matching frame (a function name, the usual search): the matched weight is the
  // inclusive weight of the outermost of them, found by looking up each one's ancestors. Finding
  // them is one sequential read of stackFrame, a fraction of the pass below.
  const few = new Int32Array(Math.max(16, n >>> 5));
  let k = 0;
  for (let s = 0; s < n; s++) {
    if (fm[frame[s]!]) {
      if (k === few.length) {
        k = -1;
        break;
      }
      few[k++] = s;
    }
  }
  if (k >= 0) {
    e.cum ??= cumulative(e.p);
    const cum = e.cum;
    const effParent = e.p.effParent;
    let matched = 0;
    let budget = n; // deep stacks: past n steps, the pass below is cheaper
    for (let j = 0; j < k && budget >= 0; j++) {
      const s = few[j]!;
      let outer = true;
      for (let x = effParent[s]!; x >= 0; x = effParent[x]!) {
        budget--;
        if (fm[frame[x]!]) {
          outer = false;
          break;
        }
      }
      if (outer) matched += cum[s]!;
    }
    if (budget >= 0) return matched;
  }

  const has = new Uint8Array(n);
  let matched = 0;
  for (let s = 0; s < n; s++) {
    const p = prefix[s]!;
    const h = fm[frame[s]!]! | (p >= 0 ? has[p]! : 0);
    has[s] = h;
    if (h) matched += selfW[s]!;
  }
  return matched;
}

/** For top-table.ts: the cached prepared stacks, and its per-name flat / cum once computed. */
export function preparedForTop(
  input: WeightedStacks,
  opts: StackFilterOptions,
  compute: (p: PreparedStacks, names: NameIds) => { flat: Float64Array; cum: Float64Array },
): { p: PreparedStacks; names: NameIds; flat: Float64Array; cum: Float64Array; matched: number } {
  const e = cachedPrep(input, opts);
  e.top ??= compute(e.p, e.names);
  return { p: e.p, names: e.names, ...e.top, matched: opts.search ? matchedWeight(e, opts.search, input, opts) : 0 };
}

// ---------------------------------------------------------------------------------------------
// Lazy tree expansion over one or two sides.

interface SideState {
  p: PreparedStacks;
  cum: Float64Array | null; // non-inverted only
  csr: Csr | null;
  // Member pools: a tree node owns pool[start .. start+len).
  /** Non-inverted: member stacks. Inverted: each member's next stack towards the root (-1: none). */
  poolA: Int32Array;
  /** Inverted only: each member's weight (its leaf stack's self weight). */
  poolW: Float64Array;
  /** Inverted only: per stack [name id, effective parent], side by side so one cache line serves both. */
  packed: Int32Array | null;
  poolLen: number;
}

class Expander {
  readonly sides: SideState[];
  readonly k: number;
  // Tree nodes (growable).
  name: Int32Array = new Int32Array(1024);
  firstFrame: Int32Array = new Int32Array(1024); // a frame of the first member, for `file`
  firstSide: Uint8Array = new Uint8Array(1024);
  value: Float64Array[]; // [side][node]
  self: Float64Array[];
  mStart: Int32Array[];
  mLen: Int32Array[];
  count = 0;
  private slot: Int32Array;
  private touched: number[] = [];
  private expanded = new Uint8Array(1024);
  private scratchNext = new Int32Array(1024);
  private scratchLocal = new Int32Array(1024);
  private tmpA = new Int32Array(0);
  private tmpW = new Float64Array(0);

  /** `aux[k]`: what side k's cache entry already holds (see cachedPrep), filled in here when missing. */
  constructor(
    preps: PreparedStacks[],
    readonly names: NameIds,
    readonly inverted: boolean,
    aux: SideAux[] = [],
  ) {
    this.k = preps.length;
    this.sides = preps.map((p, k) => {
      const a = aux[k] ?? {};
      if (!inverted) {
        a.cum ??= cumulative(p);
        a.csr ??= childrenCsr(p);
      } else a.packed ??= packNameAndParent(p);
      return {
        p,
        cum: inverted ? null : a.cum!,
        csr: inverted ? null : a.csr!,
        poolA: new Int32Array(1024),
        poolW: new Float64Array(inverted ? 1024 : 0),
        packed: inverted ? a.packed! : null,
        poolLen: 0,
      };
    });
    this.value = preps.map(() => new Float64Array(1024));
    this.self = preps.map(() => new Float64Array(1024));
    this.mStart = preps.map(() => new Int32Array(1024));
    this.mLen = preps.map(() => new Int32Array(1024));
    this.slot = new Int32Array(names.names.length).fill(-1);
  }

  private newNode(nameId: number): number {
    const i = this.count++;
    if (i >= this.name.length) {
      const cap = this.name.length * 2;
      this.name = grow32(this.name, cap);
      this.firstFrame = grow32(this.firstFrame, cap);
      const fs = new Uint8Array(cap);
      fs.set(this.firstSide);
      this.firstSide = fs;
      const ex = new Uint8Array(cap);
      ex.set(this.expanded);
      this.expanded = ex;
      for (let k = 0; k < this.k; k++) {
        this.value[k] = grow64(this.value[k]!, cap);
        this.self[k] = grow64(this.self[k]!, cap);
        this.mStart[k] = grow32(this.mStart[k]!, cap);
        this.mLen[k] = grow32(this.mLen[k]!, cap);
      }
    }
    this.name[i] = nameId;
    this.firstFrame[i] = -1;
    for (let k = 0; k < this.k; k++) {
      this.value[k]![i] = 0;
      this.self[k]![i] = 0;
      this.mStart[k]![i] = 0;
      this.mLen[k]![i] = 0;
    }
    return i;
  }

  /** The synthetic root: all samples. */
  makeRoot(): number {
    const r = this.newNode(-1);
    for (let k = 0; k < this.k; k++) {
      const sd = this.sides[k]!;
      this.value[k]![r] = sd.p.total;
      this.self[k]![r] = sd.p.rootSelf;
      this.mStart[k]![r] = -1; // marks "the root": its children are the tree's roots
    }
    return r;
  }

  private reserve(sd: SideState, extra: number): void {
    const need = sd.poolLen + extra;
    if (need > sd.poolA.length) {
      sd.poolA = grow32(sd.poolA, need);
      if (this.inverted) sd.poolW = grow64(sd.poolW, need);
    }
  }

  /**
   * Creates the children of node `t` (once per node); returns their ids. Inverted nodes partition
   * their member segment in place among their children (a child's members are a subset of its
   * parent's), so bottom-up trees need no more memory than the distinct stacks.
   */
  expand(t: number): number[] {
    if (this.expanded[t]) throw new Error(`call-tree node ${t} expanded twice`);
    this.expanded[t] = 1;
    const slot = this.slot;
    const touched = this.touched;
    const children: number[] = [];
    const base = this.count; // children get consecutive ids from here
    for (let k = 0; k < this.k; k++) {
      const sd = this.sides[k]!;
      const { nameId, selfW } = sd.p;
      const frame = sd.p.t.stackFrame;
      const start = this.mStart[k]![t]!;
      const len = this.mLen[k]![t]!;
      const isRoot = start === -1;
      // Pass 1: each member's next stack and the (local index of the) child it belongs to.
      let q = 0;
      if (!this.inverted) {
        const { start: cs, list } = sd.csr!;
        const m0 = isRoot ? -1 : start;
        const m1 = isRoot ? 0 : start + len;
        for (let j = m0; j < m1; j++) {
          const m = j < 0 ? -1 : sd.poolA[j]!;
          const c0 = cs[m + 1]!;
          const c1 = cs[m + 2]!;
          if (q + (c1 - c0) > this.scratchNext.length) this.growScratch(q + (c1 - c0));
          for (let x = c0; x < c1; x++) {
            const c = list[x]!;
            const id = nameId[frame[c]!]!;
            let node = slot[id]!;
            if (node < 0) {
              node = slot[id] = this.newNode(id);
              touched.push(id);
              children.push(node);
            }
            this.scratchNext[q] = c;
            this.scratchLocal[q++] = node - base;
          }
        }
      } else {
        if (isRoot) {
          // The root's members: every leaf stack with weight; its next frame is the leaf itself.
          let cnt = 0;
          for (let s = 0; s < selfW.length; s++) if (selfW[s] !== 0) cnt++;
          this.reserve(sd, cnt);
          const at = sd.poolLen;
          for (let s = 0; s < selfW.length; s++) {
            if (selfW[s] === 0) continue;
            sd.poolA[sd.poolLen] = s;
            sd.poolW[sd.poolLen++] = selfW[s]!;
          }
          this.mStart[k]![t] = at;
          this.mLen[k]![t] = cnt;
          this.partitionInverted(k, at, cnt, base, children);
          continue;
        }
        this.partitionInverted(k, start, len, base, children);
        continue;
      }
      // Non-inverted pass 2: contiguous member segments per child, values summed.
      const nKids = children.length;
      if (q === 0) continue;
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
      const value = this.value[k]!;
      const self = this.self[k]!;
      const cum = sd.cum!;
      const poolA = sd.poolA;
      for (let j = 0; j < q; j++) {
        const c = this.scratchNext[j]!;
        const local = this.scratchLocal[j]!;
        const node = base + local;
        poolA[seg + counts[local]!++] = c;
        value[node]! += cum[c]!;
        self[node]! += selfW[c]!;
        if (this.firstFrame[node] === -1) {
          this.firstFrame[node] = frame[c]!;
          this.firstSide[node] = k;
        }
      }
    }
    for (const id of touched) slot[id] = -1;
    touched.length = 0;
    return children;
  }

  /**
   * Inverted: steps each member one frame towards the root and groups members by the function
   * there. One random access per member (packed[2 * next], packed[2 * next + 1]); the rest is
   * sequential over the segment.
   */
  private partitionInverted(k: number, start: number, len: number, base: number, children: number[]): void {
    const sd = this.sides[k]!;
    const packed = sd.packed!;
    const frame = sd.p.t.stackFrame;
    const slot = this.slot;
    if (len > this.scratchNext.length) this.growScratch(len);
    const after = this.scratchNext; // the member's next-next stack, stored for the next level
    const local = this.scratchLocal;
    const poolA = sd.poolA;
    const poolW = sd.poolW;
    for (let j = 0; j < len; j++) {
      const nx = poolA[start + j]!;
      if (nx < 0) {
        local[j] = -1;
        continue;
      }
      const id = packed[2 * nx]!;
      after[j] = packed[2 * nx + 1]!;
      let node = slot[id]!;
      if (node < 0) {
        node = slot[id] = this.newNode(id);
        this.touched.push(id);
        children.push(node);
        this.firstFrame[node] = frame[nx]!;
        this.firstSide[node] = k;
      }
      local[j] = node - base;
    }
    const nKids = children.length;
    // Counting sort of the segment by child; members that end here go last.
    const counts = new Int32Array(nKids + 2);
    for (let j = 0; j < len; j++) counts[(local[j]! < 0 ? nKids : local[j]!) + 1]!++;
    for (let i = 1; i <= nKids + 1; i++) counts[i]! += counts[i - 1]!;
    const mStart = this.mStart[k]!;
    const mLen = this.mLen[k]!;
    for (let i = 0; i < nKids; i++) {
      mStart[base + i] = start + counts[i]!;
      mLen[base + i] = counts[i + 1]! - counts[i]!;
    }
    if (len > this.tmpA.length) {
      this.tmpA = new Int32Array(Math.max(len, this.tmpA.length * 2));
      this.tmpW = new Float64Array(this.tmpA.length);
    }
    const tmpA = this.tmpA;
    const tmpW = this.tmpW;
    const value = this.value[k]!;
    const self = this.self[k]!;
    for (let j = 0; j < len; j++) {
      const l = local[j]!;
      const w = poolW[start + j]!;
      if (l < 0) {
        tmpA[counts[nKids]!] = -1;
        tmpW[counts[nKids]!++] = w;
        continue;
      }
      const at = counts[l]!++;
      const nn = after[j]!;
      tmpA[at] = nn;
      tmpW[at] = w;
      const node = base + l;
      value[node]! += w;
      if (nn < 0) self[node]! += w;
    }
    poolA.set(tmpA.subarray(0, len), start);
    poolW.set(tmpW.subarray(0, len), start);
  }

  private growScratch(need: number): void {
    const cap = Math.max(need, this.scratchNext.length * 2);
    const n = new Int32Array(cap);
    n.set(this.scratchNext);
    this.scratchNext = n;
    const l = new Int32Array(cap);
    l.set(this.scratchLocal);
    this.scratchLocal = l;
  }

  priority(node: number): number {
    let p = 0;
    for (let k = 0; k < this.k; k++) p = Math.max(p, Math.abs(this.value[k]![node]!));
    return p;
  }

  fileOf(node: number): string | undefined {
    const f = this.firstFrame[node]!;
    if (f < 0) return undefined;
    const t = this.sides[this.firstSide[node]!]!.p.t;
    return t.strings[t.frameFile[f]!] || undefined;
  }
}

function packNameAndParent(p: PreparedStacks): Int32Array {
  const n = p.t.stackCount;
  const out = new Int32Array(2 * n);
  const frame = p.t.stackFrame;
  for (let s = 0; s < n; s++) {
    out[2 * s] = p.nameId[frame[s]!]!;
    out[2 * s + 1] = p.effParent[s]!;
  }
  return out;
}

function grow32(a: Int32Array, need: number): Int32Array {
  if (need <= a.length) return a;
  const b = new Int32Array(Math.max(need, a.length * 2));
  b.set(a);
  return b;
}
function grow64(a: Float64Array, need: number): Float64Array {
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
  let start = ex.makeRoot();
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
      self: ex.self[0]![id]!,
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
  // Zoom, search and reset re-query the same stacks and filters: the prepared arrays come from the
  // cache, and only the tree expansion (and the search's match pass) runs again.
  const e = cachedPrep(input, opts);
  const matched = opts.search ? matchedWeight(e, opts.search, input, opts) : 0;
  const ex = new Expander([e.p], e.names, !!opts.inverted, [e]);
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
  // The current side comes from the cache, its name ids remapped into the ids both sides share.
  const names = new NameIds();
  const e = cachedPrep(current, opts);
  const nameId = new Int32Array(e.p.nameId.length);
  for (let f = 0; f < nameId.length; f++) nameId[f] = names.id(e.names.names[e.p.nameId[f]!]!);
  const pc: PreparedStacks = { ...e.p, nameId };
  const matched = opts.search ? matchedWeight(e, opts.search, current, opts) : 0;
  const pb = prepareStacks(base, { ...opts, search: undefined }, names);
  // cum and csr do not depend on name ids; the inverted packing does.
  const ex = new Expander([pc, pb], names, !!opts.inverted, [{ cum: e.cum, csr: e.csr }]);
  if (!opts.inverted) {
    e.cum = ex.sides[0]!.cum!;
    e.csr = ex.sides[0]!.csr!;
  }
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

/**
 * Filter-independent indexes over a stack table, built once per table (or per table + sample leaves)
 * and cached, so that a focus / ignore / hide / inverted query on a profile of millions of stack
 * nodes never allocates or walks arrays over all of them again:
 *
 *   frameNamesOf  per frame: its function's name id
 *   childrenOf    per stack: its child stacks (CSR), for walking the tree from the root
 *   leafSlotsOf   the sample leaf stacks laid out in tree order ("slots"): every stack's subtree
 *                 covers one contiguous slot range, so a stack's inclusive weight under any filter
 *                 is a difference of two prefix sums over the (few) slots
 *   leafLevelsOf  per slot and level: the function d frames above its leaf, for bottom-up trees
 *   outermostCallsOf  the stacks where a function first appears on its path, for the top table
 */
import type { StackTable } from '../../model/stacks.ts';
import { ensureCapacity } from '../../model/column.ts';

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

export interface FrameNames {
  names: NameIds;
  /** Per frame: the id of its function name in `names`. */
  nameOf: Int32Array;
}

const frameNamesCache = new WeakMap<StackTable, FrameNames>();

export function frameNamesOf(t: StackTable): FrameNames {
  let fn = frameNamesCache.get(t);
  if (!fn) {
    fn = { names: new NameIds(), nameOf: new Int32Array(t.frameCount) };
    fillFrameNames(t, fn);
    frameNamesCache.set(t, fn);
  }
  return fn;
}

function fillFrameNames(t: StackTable, { names, nameOf }: FrameNames): void {
  const ofString = new Int32Array(t.strings.length).fill(-1);
  for (let f = 0; f < t.frameCount; f++) {
    const si = t.frameFunc[f]!;
    let id = ofString[si]!;
    if (id < 0) id = ofString[si] = names.id(t.strings[si] ?? '');
    nameOf[f] = id;
  }
}

/** Children lists, indexed by parent + 1 (slot 0 = the root stacks): list[start[p+1] .. start[p+2]). */
export interface Children {
  start: Int32Array;
  list: Int32Array;
}

const childrenCache = new WeakMap<StackTable, Children>();

export function childrenOf(t: StackTable): Children {
  let c = childrenCache.get(t);
  if (c) return c;
  const n = t.stackCount;
  const prefix = t.stackPrefix;
  const start = new Int32Array(n + 2);
  for (let s = 0; s < n; s++) start[prefix[s]! + 2]!++;
  for (let i = 1; i < n + 2; i++) start[i]! += start[i - 1]!;
  const fill = start.slice(0, n + 1);
  const list = new Int32Array(n);
  for (let s = 0; s < n; s++) list[fill[prefix[s]! + 1]!++] = s;
  c = { start, list };
  childrenCache.set(t, c);
  return c;
}

/**
 * The distinct leaf stacks of a set of samples ("slots"), numbered in tree order: a stack's own slot
 * (when it is a leaf) comes first, then its children's subtrees one after another. Stack s's subtree
 * holds exactly the slots lo[s] .. lo[s] + size[s] - 1.
 */
export interface LeafSlots {
  t: StackTable;
  /** Per stack: the first slot of its subtree. */
  lo: Int32Array;
  /** Per stack: the number of slots in its subtree (0 when no sample ends under it). */
  size: Int32Array;
  /** Per slot: its leaf stack. */
  slotStack: Int32Array;
  /** Per slot: its leaf stack's frame (read in slot order without jumping about the table). */
  slotFrame: Int32Array;
  /** Per sample (of the column these slots were made for): its slot, -1 for a sample without frames. */
  sampleSlot: Int32Array;
  /** The slots ordered by their stack index: walks over them read the table almost sequentially. */
  slotsByStack: Int32Array;
  slotCount: number;
}

/** Keyed by the sample-stack column; the table is checked, a column may be reused with another one. */
const leafSlotsCache = new WeakMap<Int32Array, LeafSlots>();

export function leafSlotsOf(t: StackTable, sampleStack: Int32Array): LeafSlots {
  const hit = leafSlotsCache.get(sampleStack);
  if (hit && hit.t === t) return hit;
  const n = t.stackCount;
  const prefix = t.stackPrefix;
  const own = new Uint8Array(n);
  for (let i = 0; i < sampleStack.length; i++) {
    const s = sampleStack[i]!;
    if (s >= 0) own[s] = 1;
  }
  // Subtree sizes from the leaves up (a prefix always has a smaller index than its extensions)…
  const size = new Int32Array(n);
  for (let s = n - 1; s >= 0; s--) {
    size[s]! += own[s]!;
    const p = prefix[s]!;
    if (p >= 0) size[p]! += size[s]!;
  }
  // …then ranges from the root down: each child takes the next free range of its parent, in index order.
  const lo = new Int32Array(n);
  const next = new Int32Array(n);
  let slotCount = 0;
  for (let s = 0; s < n; s++) if (prefix[s]! < 0) slotCount += size[s]!;
  const slotStack = new Int32Array(slotCount);
  const slotFrame = new Int32Array(slotCount);
  const slotsByStack = new Int32Array(slotCount);
  const frame = t.stackFrame;
  let byStack = 0;
  let nextRoot = 0;
  for (let s = 0; s < n; s++) {
    const p = prefix[s]!;
    let at: number;
    if (p < 0) {
      at = nextRoot;
      nextRoot += size[s]!;
    } else {
      at = next[p]!;
      next[p] = at + size[s]!;
    }
    lo[s] = at;
    next[s] = at + own[s]!;
    if (own[s]) {
      slotStack[at] = s;
      slotFrame[at] = frame[s]!;
      slotsByStack[byStack++] = at;
    }
  }
  const sampleSlot = new Int32Array(sampleStack.length);
  for (let i = 0; i < sampleStack.length; i++) {
    const s = sampleStack[i]!;
    sampleSlot[i] = s >= 0 ? lo[s]! : -1;
  }
  const li: LeafSlots = { t, lo, size, slotStack, slotFrame, sampleSlot, slotsByStack, slotCount };
  leafSlotsCache.set(sampleStack, li);
  return li;
}

/**
 * The leaf slots seen bottom-up, level by level: level d holds, per slot, the function-name id of
 * the visible stack d frames above the slot's visible leaf (-1 once past the root). A bottom-up
 * tree node at depth d + 1 groups its slots by level d, so each level is one small array read in
 * slot order, instead of a pointer chase per sample through the whole stack table.
 * Built lazily, one level (one pass over the slots) at a time; shared by every filter.
 */
export class LeafLevels {
  private levels: Int32Array[] = [];
  /** Per slot, in stack order (slotsByStack): its visible stack at the deepest level built (-1: past the root). */
  private frontier: Int32Array;

  constructor(
    readonly slots: LeafSlots,
    private readonly nameOf: Int32Array,
    private readonly hidden: Uint8Array | null,
  ) {
    const { slotStack, slotsByStack } = slots;
    const frame = slots.t.stackFrame;
    const prefix = slots.t.stackPrefix;
    this.frontier = new Int32Array(slots.slotCount);
    for (let i = 0; i < slots.slotCount; i++) this.frontier[i] = visibleFrom(slotStack[slotsByStack[i]!]!, hidden, frame, prefix);
    this.levels.push(this.namesOfFrontier());
  }

  /** Levels built so far (at least one). */
  get depth(): number {
    return this.levels.length;
  }

  /** Per slot: the name id at level d. */
  nameAt(d: number): Int32Array {
    while (this.levels.length <= d) this.extend();
    return this.levels[d]!;
  }

  /** The visible stack of `slot` at level d (-1 past the root): a walk, for the few nodes shown. */
  stackAt(slot: number, d: number): number {
    const { t } = this.slots;
    let s = visibleFrom(this.slots.slotStack[slot]!, this.hidden, t.stackFrame, t.stackPrefix);
    for (let i = 0; i < d && s >= 0; i++) s = visibleFrom(t.stackPrefix[s]!, this.hidden, t.stackFrame, t.stackPrefix);
    return s;
  }

  bytes(): number {
    return (this.levels.length + 1) * this.frontier.byteLength;
  }

  private extend(): void {
    const { frontier, hidden } = this;
    const frame = this.slots.t.stackFrame;
    const prefix = this.slots.t.stackPrefix;
    for (let j = 0; j < frontier.length; j++) {
      const s = frontier[j]!;
      if (s < 0) continue;
      const up = prefix[s]!;
      frontier[j] = hidden && up >= 0 ? visibleFrom(up, hidden, frame, prefix) : up;
    }
    this.levels.push(this.namesOfFrontier());
  }

  /**
   * The frontier is kept in stack order (slotsByStack), where its stacks lie almost in table
   * order: reading their names and prefixes then sweeps the table once instead of jumping about.
   */
  private namesOfFrontier(): Int32Array {
    const { frontier, nameOf } = this;
    const { slotsByStack } = this.slots;
    const frame = this.slots.t.stackFrame;
    const names = new Int32Array(frontier.length);
    for (let i = 0; i < frontier.length; i++) {
      const s = frontier[i]!;
      names[slotsByStack[i]!] = s < 0 ? -1 : nameOf[frame[s]!]!;
    }
    return names;
  }
}

/** The nearest stack from s towards the root (s included) whose frame is not hidden; -1 for none. */
export function visibleFrom(s: number, hidden: Uint8Array | null, frame: Int32Array, prefix: Int32Array): number {
  if (!hidden) return s;
  while (s >= 0 && hidden[frame[s]!]) s = prefix[s]!;
  return s;
}

const levelsCache = new WeakMap<LeafSlots, Map<string, LeafLevels>>();
const LEVELS_PER_SLOTS = 4;

/** The bottom-up levels of `li` under a hide (`hidden` per frame, named by `hideKey` for the cache). */
export function leafLevelsOf(li: LeafSlots, hidden: Uint8Array | null, hideKey: string): LeafLevels {
  let byHide = levelsCache.get(li);
  if (!byHide) levelsCache.set(li, (byHide = new Map()));
  let lv = byHide.get(hideKey);
  if (!lv) {
    lv = new LeafLevels(li, frameNamesOf(li.t).nameOf, hidden);
    if (byHide.size >= LEVELS_PER_SLOTS) byHide.delete(byHide.keys().next().value!);
    byHide.set(hideKey, lv);
  }
  return lv;
}

/**
 * The stacks where a function is called outermost on its path (no frame of the same function above
 * them), among those with samples under them. pprof's cum of a function — each sample counted once
 * however often it recurses — is the sum of these stacks' inclusive weights over its entries: one pass
 * over them per filter, instead of a walk up every leaf's stack.
 */
export interface OutermostCalls {
  /** Per entry: the stack, its function-name id, and its slot range lo .. hi - 1. */
  stack: Int32Array;
  name: Int32Array;
  lo: Int32Array;
  hi: Int32Array;
  /** Entries are grouped by name: name id n has entries nameStart[n] .. nameStart[n + 1] - 1 (in stack order). */
  nameStart: Int32Array;
}

const outermostCache = new WeakMap<LeafSlots, OutermostCalls>();
const outermostBuilders = new WeakMap<LeafSlots, OutermostCallsBuilder>();

/** The index if built already (it costs a walk up every leaf: built when idle, see warmTopTable). */
export function builtOutermostCalls(li: LeafSlots): OutermostCalls | undefined {
  return outermostCache.get(li);
}

export function outermostCallsOf(li: LeafSlots): OutermostCalls {
  const hit = outermostCache.get(li);
  if (hit) return hit;
  outermostCallsBuilder(li)!.step(Infinity);
  return outermostCache.get(li)!;
}

/** The (shared) builder of `li`'s index, to build it a slice at a time between queries; null once built. */
export function outermostCallsBuilder(li: LeafSlots): OutermostCallsBuilder | null {
  if (outermostCache.has(li)) return null;
  let b = outermostBuilders.get(li);
  if (!b) outermostBuilders.set(li, (b = new OutermostCallsBuilder(li)));
  return b;
}

/**
 * Walking up from each leaf, the last frame seen of a name is its outermost call on that path; being
 * outermost depends only on the path above a stack, so every path through it marks the same. The
 * leaves go in stack order, so the walks read the table almost front to back. step() does a slice.
 */
/** A leaf's walk costs about as much as visiting this many stacks when collecting: slices of about equal time. */
const STACKS_PER_LEAF_WALK = 16;

export class OutermostCallsBuilder {
  private outermost: Uint8Array | null;
  private readonly topmost: Int32Array;
  private readonly seenIn: Int32Array;
  private onPath = new Int32Array(64);
  /** Next leaf (in slotsByStack order) to walk from. */
  private next = 0;
  /** Then: stacks up to here counted (out unset) or filed (out set). */
  private collected = 0;
  /** Per name: entries counted (while out is unset), then the next free entry of its group. */
  private readonly cursor: Int32Array;
  private out: OutermostCalls | null = null;

  constructor(private readonly li: LeafSlots) {
    const nNames = frameNamesOf(li.t).names.names.length;
    this.outermost = new Uint8Array(li.t.stackCount);
    this.topmost = new Int32Array(nNames);
    this.seenIn = new Int32Array(nNames).fill(-1);
    this.cursor = new Int32Array(nNames);
  }

  /** Walks up to `leaves` more leaves (then collects the index); true once the index is built. */
  step(leaves: number): boolean {
    const { li } = this;
    const outermost = this.outermost;
    if (!outermost) return true;
    const { slotStack, slotsByStack, t } = li;
    const { nameOf } = frameNamesOf(t);
    const frame = t.stackFrame;
    const prefix = t.stackPrefix;
    const { topmost, seenIn } = this;
    if (this.next < slotsByStack.length) {
      const end = Math.min(slotsByStack.length, this.next + leaves);
      for (let i = this.next; i < end; i++) {
        let distinct = 0;
        for (let x = slotStack[slotsByStack[i]!]!; x >= 0; x = prefix[x]!) {
          const id = nameOf[frame[x]!]!;
          topmost[id] = x;
          if (seenIn[id] !== i) {
            seenIn[id] = i;
            this.onPath = ensureCapacity(this.onPath, distinct + 1);
            this.onPath[distinct++] = id;
          }
        }
        for (let k = 0; k < distinct; k++) outermost[topmost[this.onPath[k]!]!] = 1;
      }
      this.next = end;
      if (end < slotsByStack.length || Number.isFinite(leaves)) return false;
    }
    // Then the marked stacks, in index order: counted per name, then filed by name, a share of the
    // table per slice.
    const stacksPerSlice = Math.max(1, leaves * STACKS_PER_LEAF_WALK);
    if (!this.out) {
      const perName = this.cursor;
      const stop = Math.min(outermost.length, this.collected + stacksPerSlice);
      for (let s = this.collected; s < stop; s++) if (outermost[s]) perName[nameOf[frame[s]!]!]!++;
      this.collected = stop;
      if (stop < outermost.length) return false;
      const nameStart = new Int32Array(perName.length + 1);
      for (let id = 0; id < perName.length; id++) nameStart[id + 1] = nameStart[id]! + perName[id]!;
      perName.set(nameStart.subarray(0, perName.length));
      const n = nameStart[perName.length]!;
      this.out = { stack: new Int32Array(n), name: new Int32Array(n), lo: new Int32Array(n), hi: new Int32Array(n), nameStart };
      this.collected = 0;
      if (Number.isFinite(leaves)) return false;
    }
    const out = this.out;
    const next = this.cursor;
    const stop = Math.min(outermost.length, this.collected + stacksPerSlice);
    for (let s = this.collected; s < stop; s++) {
      if (!outermost[s]) continue;
      const id = nameOf[frame[s]!]!;
      const k = next[id]!++;
      out.stack[k] = s;
      out.name[k] = id;
      out.lo[k] = li.lo[s]!;
      out.hi[k] = li.lo[s]! + li.size[s]!;
    }
    this.collected = stop;
    if (stop < outermost.length) return false;
    this.outermost = null;
    outermostCache.set(li, out);
    outermostBuilders.delete(li);
    return true;
  }
}

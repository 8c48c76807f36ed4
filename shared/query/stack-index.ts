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
 */
import type { StackTable } from '../model/stacks.ts';

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
  const slotsByStack = new Int32Array(slotCount);
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
      slotsByStack[byStack++] = at;
    }
  }
  const li: LeafSlots = { t, lo, size, slotStack, slotsByStack, slotCount };
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

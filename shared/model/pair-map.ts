/**
 * (int32, int32) -> int32 open-addressing hash map on typed arrays, and an integer-labelled trie.
 *
 * Why: a nested Map per prefix took 14 s and 2.4 GB for the 7.6 M stack nodes of
 * bench-data/big-heap-go1.27.pb.gz; this takes a fraction of a second. StackTableBuilder and the
 * pprof parser intern stacks with it.
 */
import { ensureCapacity, trimTo } from './column.ts';

export class PairMap {
  private bits: number;
  private mask: number;
  /** Slot i at [4i]: key a, key b, value (-1 = empty); one cache line serves a probe of 4 slots. */
  private slots: Int32Array;
  size = 0;

  constructor(expected = 1024) {
    this.bits = 4;
    while (1 << this.bits < expected * 2) this.bits++;
    const cap = 1 << this.bits;
    this.mask = cap - 1;
    this.slots = PairMap.empty(cap);
  }

  private static empty(cap: number): Int32Array {
    const a = new Int32Array(cap * 4);
    for (let i = 2; i < a.length; i += 4) a[i] = -1;
    return a;
  }

  private slot(a: number, b: number): number {
    return Math.imul(Math.imul(a, 0x27d4eb2d) ^ b, 0x9e3779b1) >>> (32 - this.bits);
  }

  /** The value for (a, b), or -1. */
  get(a: number, b: number): number {
    const { slots, mask } = this;
    for (let i = this.slot(a, b); ; i = (i + 1) & mask) {
      const o = i << 2;
      const v = slots[o + 2]!;
      if (v === -1) return -1;
      if (slots[o] === a && slots[o + 1] === b) return v;
    }
  }

  /** The value for (a, b); when absent, stores `v` (>= 0) and returns it. */
  getOrAdd(a: number, b: number, v: number): number {
    const { slots, mask } = this;
    let o = this.slot(a, b) << 2;
    for (;;) {
      const cur = slots[o + 2]!;
      if (cur === -1) break;
      if (slots[o] === a && slots[o + 1] === b) return cur;
      o = (o + 4) & (mask << 2 | 3);
    }
    slots[o] = a;
    slots[o + 1] = b;
    slots[o + 2] = v;
    if (++this.size * 4 > (mask + 1) * 3) this.grow();
    return v;
  }

  private grow(): void {
    const old = this.slots;
    this.bits++;
    const cap = 1 << this.bits;
    this.mask = cap - 1;
    const slots = (this.slots = PairMap.empty(cap));
    const wrap = (this.mask << 2) | 3;
    for (let j = 0; j < old.length; j += 4) {
      const v = old[j + 2]!;
      if (v === -1) continue;
      const a = old[j]!;
      const b = old[j + 1]!;
      let o = this.slot(a, b) << 2;
      while (slots[o + 2] !== -1) o = (o + 4) & wrap;
      slots[o] = a;
      slots[o + 1] = b;
      slots[o + 2] = v;
    }
  }
}

/**
 * A prefix tree with integer labels: node = (parent, label), ids 0,1,2… in creation order, so a
 * parent always has a smaller id than its children. Children are a linked list while few (a new
 * node's subtree then grows by plain appends, which is most of a deep profile), and move to a
 * PairMap once a node has more than 4 (a scan of scattered siblings costs a cache miss each).
 *
 * label and parent are kept in the columns finish() hands out, the links apart: a big profile's
 * millions of nodes are then written once (no copy into the result). Give `expected` generously
 * (an upper bound when known): the pages of room never used are never touched, so they cost
 * address space only, while each doubling past it copies every column.
 */
export class Trie {
  count = 0;
  /** True when the last child() call created the node. */
  created = false;
  private label: Int32Array<ArrayBuffer>;
  private parent: Int32Array<ArrayBuffer>;
  /**
   * Node i at [3i]: its label again, first child + 1 (0 = none, -1 = children in `big`), next
   * sibling + 1 (0 = none): a lookup reads one place (a node made right after its parent, as every
   * node of a new tail is, sits in the same cache line). Ids + 1 so that freshly grown (zeroed)
   * memory reads "none" without a fill.
   */
  private links: Int32Array<ArrayBuffer>;
  private rootHead = 0;
  private big: PairMap;

  /** `expected`: a node-count guess; storage starts there and doubles. */
  constructor(expected = 4096) {
    const n = Math.max(16, expected | 0);
    this.label = new Int32Array(n);
    this.parent = new Int32Array(n);
    this.links = new Int32Array(n * 3);
    this.big = new PairMap(Math.min(1 << 16, Math.max(256, n >>> 6)));
  }

  child(parent: number, lbl: number): number {
    const links = this.links;
    const h = parent < 0 ? this.rootHead : links[parent * 3 + 1]!;
    if (h < 0) {
      const c = this.big.getOrAdd(parent, lbl, this.count);
      this.created = c === this.count;
      if (this.created) this.push(parent, lbl);
      return c;
    }
    let n = 0;
    for (let c1 = h; c1 !== 0; c1 = links[c1 * 3 - 1]!) {
      if (links[c1 * 3 - 3] === lbl) {
        this.created = false;
        return c1 - 1;
      }
      n++;
    }
    this.created = true;
    const c = this.push(parent, lbl);
    let head = c + 1;
    if (n >= 4) {
      // Many children (a hot caller): hash them from now on.
      const big = this.big;
      big.getOrAdd(parent, lbl, c);
      for (let c1 = h; c1 !== 0; c1 = this.links[c1 * 3 - 1]!) big.getOrAdd(parent, this.links[c1 * 3 - 3]!, c1 - 1);
      head = -1;
    } else this.links[c * 3 + 2] = h;
    if (parent < 0) this.rootHead = head;
    else this.links[parent * 3 + 1] = head;
    return c;
  }

  /**
   * Appends a child to a node created during the current walk (so known to have no children
   * yet): no lookup. The caller guarantees it; child() would then find the node again.
   */
  add(parent: number, lbl: number): number {
    const c = this.push(parent, lbl);
    this.links[parent * 3 + 1] = c + 1;
    return c;
  }

  private push(parent: number, lbl: number): number {
    const c = this.count++;
    if (c >= this.label.length) {
      const n = this.label.length * 2;
      this.label = ensureCapacity(this.label, n);
      this.parent = ensureCapacity(this.parent, n);
      this.links = ensureCapacity(this.links, n * 3);
    }
    this.label[c] = lbl;
    this.parent[c] = parent;
    this.links[c * 3] = lbl;
    return c;
  }

  /** label[i] and parent[i] per node, trimmed to size (copied when most of the room went unused). */
  finish(): { label: Int32Array; parent: Int32Array; count: number } {
    const n = this.count;
    return { label: trimTo(this.label, n), parent: trimTo(this.parent, n), count: n };
  }
}

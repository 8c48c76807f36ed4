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
 * A prefix tree with labels >= 0 (frame indexes): node = (parent, label), ids 0,1,2… in creation
 * order, so a parent always has a smaller id than its children. Children are a linked list while few
 * (a new node's subtree then grows by plain appends, which is most of a deep profile), and move to a
 * hash table of their own once a node has more than 4 (a scan of scattered siblings costs a cache
 * miss each). One table per parent, not one for all: the children of the hot callers near the root,
 * looked up by nearly every sample, then sit in a few cache lines instead of scattered across a
 * table of every fan-out in the profile (this halved the lookups' time on the 700k-stack bench heap).
 *
 * parent is kept in the column finish() hands out, the label with the links (where lookups read it).
 * Give `expected` generously
 * (an upper bound when known): the pages of room never used are never touched, so they cost
 * address space only, while each doubling past it copies every column.
 */
export class Trie {
  count = 0;
  /** True when the last child() call created the node. */
  created = false;
  private parent: Int32Array<ArrayBuffer>;
  /**
   * Node i at [3i]: its label, its children, next sibling + 1 (0 = none): a lookup reads one
   * place (a node made right after its parent, as every node of a new tail is, sits in the same
   * cache line). Children: first child + 1 (0 = none), or -(offset + 1) of its table in `tables`.
   * Ids + 1 so that freshly grown (zeroed) memory reads "none" without a fill.
   */
  private links: Int32Array<ArrayBuffer>;
  /** As a node's children field, for the root's. */
  private rootHead = 0;
  /**
   * Child tables, open addressing: at an offset, [bits, entries, then 2^bits slots of (label + 1,
   * child)], label + 1 = 0 for an empty slot. A full table is copied to one twice its size further on
   * (the old one is left behind: at most as much again as the live ones).
   */
  private tables: Int32Array<ArrayBuffer>;
  private tablesUsed = 0;

  /** `expected`: a node-count guess; storage starts there and doubles. */
  constructor(expected = 4096) {
    const n = Math.max(16, expected | 0);
    this.parent = new Int32Array(n);
    this.links = new Int32Array(n * 3);
    this.tables = new Int32Array(Math.max(1024, n >>> 2));
  }

  child(parent: number, lbl: number): number {
    const links = this.links;
    const h = parent < 0 ? this.rootHead : links[parent * 3 + 1]!;
    if (h < 0) return this.childInTable(parent, -h - 1, lbl);
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
    if (n >= 4) {
      // Many children (a hot caller): a table of their own from now on.
      const at = this.newTable(3);
      this.insert(at, lbl, c);
      for (let c1 = h; c1 !== 0; c1 = this.links[c1 * 3 - 1]!) this.insert(at, this.links[c1 * 3 - 3]!, c1 - 1);
      this.setChildren(parent, -at - 1);
    } else {
      this.links[c * 3 + 2] = h;
      this.setChildren(parent, c + 1);
    }
    return c;
  }

  private childInTable(parent: number, at: number, lbl: number): number {
    const tables = this.tables;
    const bits = tables[at]!;
    const mask = (1 << bits) - 1;
    const key = lbl + 1;
    let i = Math.imul(key, 0x9e3779b1) >>> (32 - bits);
    for (;;) {
      const k = tables[at + 2 + i * 2]!;
      if (k === key) {
        this.created = false;
        return tables[at + 3 + i * 2]!;
      }
      if (k === 0) break;
      i = (i + 1) & mask;
    }
    this.created = true;
    const c = this.push(parent, lbl);
    if ((tables[at + 1]! + 1) * 4 > (mask + 1) * 3) {
      // Past three quarters full: move the entries to a table twice the size.
      const to = this.newTable(bits + 1);
      const from = this.tables; // newTable may have moved the storage (offsets stay)
      for (let j = 0; j <= mask; j++) {
        const k = from[at + 2 + j * 2]!;
        if (k !== 0) this.insert(to, k - 1, from[at + 3 + j * 2]!);
      }
      this.insert(to, lbl, c);
      this.setChildren(parent, -to - 1);
    } else this.insert(at, lbl, c);
    return c;
  }

  /** Stores (lbl, c) in the table at `at`, known to have room and not to hold lbl. */
  private insert(at: number, lbl: number, c: number): void {
    const tables = this.tables;
    const bits = tables[at]!;
    const mask = (1 << bits) - 1;
    const key = lbl + 1;
    let i = Math.imul(key, 0x9e3779b1) >>> (32 - bits);
    while (tables[at + 2 + i * 2] !== 0) i = (i + 1) & mask;
    tables[at + 2 + i * 2] = key;
    tables[at + 3 + i * 2] = c;
    tables[at + 1]!++;
  }

  private newTable(bits: number): number {
    const at = this.tablesUsed;
    this.tablesUsed += 2 + (2 << bits);
    if (this.tablesUsed > this.tables.length) this.tables = ensureCapacity(this.tables, this.tablesUsed);
    this.tables[at] = bits;
    return at;
  }

  private setChildren(parent: number, v: number): void {
    if (parent < 0) this.rootHead = v;
    else this.links[parent * 3 + 1] = v;
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
    if (lbl < 0) throw new RangeError(`trie label ${lbl} < 0`);
    const c = this.count++;
    if (c >= this.parent.length) {
      const n = this.parent.length * 2;
      this.parent = ensureCapacity(this.parent, n);
      this.links = ensureCapacity(this.links, n * 3);
    }
    this.parent[c] = parent;
    this.links[c * 3] = lbl;
    return c;
  }

  /** label[i] and parent[i] per node (parent copied only when most of its room went unused). */
  finish(): { label: Int32Array; parent: Int32Array; count: number } {
    const n = this.count;
    const links = this.links;
    const label = new Int32Array(n);
    for (let i = 0; i < n; i++) label[i] = links[i * 3]!;
    return { label, parent: trimTo(this.parent, n), count: n };
  }
}

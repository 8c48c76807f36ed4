/**
 * (int32, int32) -> int32 open-addressing hash map on typed arrays, and an integer-labelled trie.
 *
 * Why: a nested Map per prefix took 14 s and 2.4 GB for the 7.6 M stack nodes of
 * bench-data/big-heap-go1.27.pb.gz; this takes a fraction of a second. StackTableBuilder and the
 * pprof parser intern stacks with it.
 */
export class PairMap {
  private bits: number;
  private mask: number;
  private ka: Int32Array;
  private kb: Int32Array;
  private vals: Int32Array;
  size = 0;

  constructor(expected = 1024) {
    this.bits = 4;
    while (1 << this.bits < expected * 2) this.bits++;
    const cap = 1 << this.bits;
    this.mask = cap - 1;
    this.ka = new Int32Array(cap);
    this.kb = new Int32Array(cap);
    this.vals = new Int32Array(cap).fill(-1);
  }

  private slot(a: number, b: number): number {
    return Math.imul(Math.imul(a, 0x27d4eb2d) ^ b, 0x9e3779b1) >>> (32 - this.bits);
  }

  /** The value for (a, b), or -1. */
  get(a: number, b: number): number {
    const { ka, kb, vals, mask } = this;
    for (let i = this.slot(a, b); ; i = (i + 1) & mask) {
      const v = vals[i]!;
      if (v === -1) return -1;
      if (ka[i] === a && kb[i] === b) return v;
    }
  }

  /** The value for (a, b); when absent, stores `v` (>= 0) and returns it. */
  getOrAdd(a: number, b: number, v: number): number {
    const { ka, kb, vals, mask } = this;
    let i = this.slot(a, b);
    for (;;) {
      const cur = vals[i]!;
      if (cur === -1) break;
      if (ka[i] === a && kb[i] === b) return cur;
      i = (i + 1) & mask;
    }
    ka[i] = a;
    kb[i] = b;
    vals[i] = v;
    if (++this.size * 4 > (mask + 1) * 3) this.grow();
    return v;
  }

  private grow(): void {
    const { ka, kb, vals } = this;
    this.bits++;
    const cap = 1 << this.bits;
    this.mask = cap - 1;
    this.ka = new Int32Array(cap);
    this.kb = new Int32Array(cap);
    this.vals = new Int32Array(cap).fill(-1);
    for (let j = 0; j < vals.length; j++) {
      const v = vals[j]!;
      if (v === -1) continue;
      const a = ka[j]!;
      const b = kb[j]!;
      let i = this.slot(a, b);
      while (this.vals[i] !== -1) i = (i + 1) & this.mask;
      this.ka[i] = a;
      this.kb[i] = b;
      this.vals[i] = v;
    }
  }
}

/** Growable Int32Array. */
export function growI32(a: Int32Array<ArrayBuffer>, need: number): Int32Array<ArrayBuffer> {
  if (need <= a.length) return a;
  const b = new Int32Array(Math.max(need, a.length * 2));
  b.set(a);
  return b;
}

export function growF64(a: Float64Array<ArrayBuffer>, need: number): Float64Array<ArrayBuffer> {
  if (need <= a.length) return a;
  const b = new Float64Array(Math.max(need, a.length * 2));
  b.set(a);
  return b;
}

export function growU8(a: Uint8Array<ArrayBuffer>, need: number): Uint8Array<ArrayBuffer> {
  if (need <= a.length) return a;
  const b = new Uint8Array(Math.max(need, a.length * 2));
  b.set(a);
  return b;
}

/**
 * A prefix tree with integer labels: node = (parent, label), ids 0,1,2… in creation order, so a
 * parent always has a smaller id than its children. Children are a linked list while few (a new
 * node's subtree then grows by plain appends, which is most of a deep profile), and move to a
 * PairMap once a node has more than 8.
 *
 * Links are stored as id + 1 so that freshly grown (zeroed) arrays mean "none" without a fill.
 */
export class Trie {
  /** label[i], parent[i] for node i (parent -1 = child of the root). */
  label: Int32Array<ArrayBuffer>;
  parent: Int32Array<ArrayBuffer>;
  count = 0;
  /** True when the last child() call created the node. */
  created = false;
  /** Indexed by node + 1 (slot 0 = the root): first child + 1, 0 = none, -1 = children in `big`. */
  private head: Int32Array<ArrayBuffer>;
  /** Next sibling + 1, 0 = none. */
  private next: Int32Array<ArrayBuffer>;
  private big = new PairMap(256);

  /** `expected`: a node-count guess; arrays start there and double. */
  constructor(expected = 4096) {
    const cap = Math.max(16, expected | 0);
    this.label = new Int32Array(cap);
    this.parent = new Int32Array(cap);
    this.next = new Int32Array(cap);
    this.head = new Int32Array(cap + 1);
  }

  child(parent: number, lbl: number): number {
    const p1 = parent + 1;
    const h = this.head[p1]!;
    if (h < 0) {
      const c = this.big.getOrAdd(parent, lbl, this.count);
      this.created = c === this.count;
      if (this.created) this.push(parent, lbl);
      return c;
    }
    const label = this.label;
    const next = this.next;
    let n = 0;
    for (let c1 = h; c1 !== 0; c1 = next[c1 - 1]!) {
      if (label[c1 - 1] === lbl) {
        this.created = false;
        return c1 - 1;
      }
      n++;
    }
    this.created = true;
    const c = this.push(parent, lbl);
    if (n >= 8) {
      // Many children (a hot caller): hash them from now on.
      const big = this.big;
      big.getOrAdd(parent, lbl, c);
      for (let c1 = h; c1 !== 0; c1 = this.next[c1 - 1]!) big.getOrAdd(parent, this.label[c1 - 1]!, c1 - 1);
      this.head[p1] = -1;
    } else {
      this.next[c] = h;
      this.head[p1] = c + 1;
    }
    return c;
  }

  /**
   * Appends a child to a node created during the current walk (so known to have no children
   * yet): no lookup. The caller guarantees it; child() would then find the node again.
   */
  add(parent: number, lbl: number): number {
    const c = this.push(parent, lbl);
    this.head[parent + 1] = c + 1;
    return c;
  }

  private push(parent: number, lbl: number): number {
    const c = this.count++;
    if (c >= this.label.length) {
      const cap = this.label.length * 2;
      this.label = growI32(this.label, cap);
      this.parent = growI32(this.parent, cap);
      this.next = growI32(this.next, cap);
      this.head = growI32(this.head, cap + 1);
    }
    this.label[c] = lbl;
    this.parent[c] = parent;
    return c;
  }

  /** Drops the lookup structures, keeping only label/parent trimmed to size. */
  finish(): { label: Int32Array; parent: Int32Array; count: number } {
    return { label: this.label.slice(0, this.count), parent: this.parent.slice(0, this.count), count: this.count };
  }
}

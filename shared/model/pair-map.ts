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
 */
export class Trie {
  /** label[i], parent[i] for node i (parent -1 = child of the root). */
  label = new Int32Array(4096);
  parent = new Int32Array(4096);
  count = 0;
  /** True when the last child() call created the node. */
  created = false;
  // Indexed by node + 1 (slot 0 = the root).
  private firstChild = new Int32Array(4097).fill(-1);
  private childCount = new Int32Array(4097);
  private nextSibling = new Int32Array(4096);
  private big = new PairMap(256);

  child(parent: number, lbl: number): number {
    const p1 = parent + 1;
    const n = this.childCount[p1]!;
    if (n > 8) {
      const c = this.big.getOrAdd(parent, lbl, this.count);
      this.created = c === this.count;
      if (this.created) this.append(parent, lbl, p1);
      return c;
    }
    const label = this.label;
    for (let c = this.firstChild[p1]!; c !== -1; c = this.nextSibling[c]!) {
      if (label[c] === lbl) {
        this.created = false;
        return c;
      }
    }
    this.created = true;
    const c = this.append(parent, lbl, p1);
    if (n + 1 > 8) {
      for (let k = this.firstChild[p1]!; k !== -1; k = this.nextSibling[k]!) this.big.getOrAdd(parent, label[k]!, k);
    }
    return c;
  }

  private append(parent: number, lbl: number, p1: number): number {
    const c = this.count++;
    if (c >= this.label.length) {
      const cap = this.label.length * 2;
      this.label = growI32(this.label, cap);
      this.parent = growI32(this.parent, cap);
      this.nextSibling = growI32(this.nextSibling, cap);
      const fc = new Int32Array(cap + 1).fill(-1);
      fc.set(this.firstChild);
      this.firstChild = fc;
      this.childCount = growI32(this.childCount, cap + 1);
    }
    this.label[c] = lbl;
    this.parent[c] = parent;
    this.nextSibling[c] = this.firstChild[p1]!;
    this.firstChild[p1] = c;
    this.childCount[p1]!++;
    return c;
  }

  /** Drops the lookup structures, keeping only label/parent trimmed to size. */
  finish(): { label: Int32Array; parent: Int32Array; count: number } {
    return { label: this.label.slice(0, this.count), parent: this.parent.slice(0, this.count), count: this.count };
  }
}

/**
 * Lazy call-tree expansion over one or two sides (a diff's current and base): tree nodes are
 * created only when call-tree.ts asks for a node's children, and kept (the cache holds expanders),
 * so a zoom, search or reset walks what exists and expands only what it newly needs.
 *
 *   top-down   a node's members are stacks; its children's members are their visible child stacks
 *   bottom-up  a node's members are leaf slots; a node at depth d groups them by level d
 */
import { ensureCapacity } from '../../model/column.ts';
import { childrenOf, leafLevelsOf, type Children, type LeafLevels, type NameIds } from './stack-index.ts';
import { cumOf, selfOf, type Prepared } from './prepared.ts';

/** Reusable traversal stack for walks through hidden stacks. */
let walk = new Int32Array(256);

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

export class Expander {
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
    this.name = ensureCapacity(this.name, cap);
    this.firstMember = ensureCapacity(this.firstMember, cap);
    this.depth = ensureCapacity(this.depth, cap);
    const fs = new Uint8Array(cap);
    fs.set(this.firstSide);
    this.firstSide = fs;
    const ex = new Uint8Array(cap);
    ex.set(this.expanded);
    this.expanded = ex;
    this.childStart = ensureCapacity(this.childStart, cap);
    this.childCount = ensureCapacity(this.childCount, cap);
    for (let k = 0; k < this.k; k++) {
      this.value[k] = ensureCapacity(this.value[k]!, cap);
      this.self[k] = ensureCapacity(this.self[k]!, cap);
      this.mStart[k] = ensureCapacity(this.mStart[k]!, cap);
      this.mLen[k] = ensureCapacity(this.mLen[k]!, cap);
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
      sd.pool = ensureCapacity(sd.pool, need);
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
            if (top === walk.length) walk = ensureCapacity(walk, top + 1);
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
    this.scratchNext = ensureCapacity(this.scratchNext, cap);
    this.scratchLocal = ensureCapacity(this.scratchLocal, cap);
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

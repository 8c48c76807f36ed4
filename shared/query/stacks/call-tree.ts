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
import type { StackFilterOptions, WeightedStacks } from './weighted-stacks.ts';
import { NameIds } from './stack-index.ts';
import { cachedPrep, matchedWeight } from './call-tree-input.ts';
import { Expander } from './call-tree-expander.ts';
import { displayName } from './stack-names.ts';

export { NameIds };

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
  /** The name to draw when it differs from `name`: type arguments shortened as pprof shows them (stack-names.ts). */
  display?: string;
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
    const display = nameId < 0 ? node.name : displayName(node.name);
    if (display !== node.name) node.display = display;
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

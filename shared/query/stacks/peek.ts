/**
 * Callers and callees of functions (pprof's `-peek REGEX`, speedscope's sandwich): for every function
 * whose name matches, its flat and cum, and the weight on each edge into it and out of it.
 *
 * Edges as pprof's call graph counts them (internal/graph): along each sample's visible frames, root to
 * leaf, every caller → callee pair once per sample however often it recurs, a function calling itself
 * directly not being an edge. So a caller's weight is what flows into the function through it, and the
 * callers' weights sum to the function's cum unless it recurses through another function or is a root.
 * Same focus / ignore / hide as the call trees and top table (the prepared input is shared with them).
 */
import type { StackFilterOptions, WeightedStacks } from './weighted-stacks.ts';
import { cachedPrep, compile, topByName } from './call-tree-input.ts';

export interface PeekEdge {
  function: string;
  weight: number;
}

export interface PeekEntry {
  function: string;
  flat: number;
  cum: number;
  /** pprof's order: |weight| desc, then name. */
  callers: PeekEdge[];
  callees: PeekEdge[];
}

export interface PeekResult {
  /** Total weight after filters. */
  total: number;
  /** The matching functions, in the top table's order (|flat| desc, name, |cum| desc). */
  entries: PeekEntry[];
}

export interface PeekOptions extends StackFilterOptions {
  /** Functions whose name this matches (unanchored, as pprof's -peek). */
  regex: string;
  /** At most this many matching functions (the heaviest first); default 50. */
  limit?: number;
}

const byWeight = (a: PeekEdge, b: PeekEdge) => Math.abs(b.weight) - Math.abs(a.weight) || (a.function < b.function ? -1 : a.function > b.function ? 1 : 0);

export function peek(input: WeightedStacks, opts: PeekOptions): PeekResult {
  const rx = compile(opts.regex, 'peek')!;
  if (!rx) throw new Error('peek needs a function regex');
  const filters = { focus: opts.focus, ignore: opts.ignore, hide: opts.hide };
  const { names, flat, cum, total } = topByName(input, filters);
  const matched: number[] = [];
  for (let id = 0; id < names.length; id++) if ((flat[id] !== 0 || cum[id] !== 0) && rx.test(names[id]!)) matched.push(id);
  matched.sort((a, b) => Math.abs(flat[b]!) - Math.abs(flat[a]!) || (names[a]! < names[b]! ? -1 : names[a]! > names[b]! ? 1 : 0) || Math.abs(cum[b]!) - Math.abs(cum[a]!));
  const chosen = matched.slice(0, opts.limit ?? 50);
  if (chosen.length === 0) return { total, entries: [] };

  const isChosen = new Uint8Array(names.length);
  for (const id of chosen) isChosen[id] = 1;
  const { p } = cachedPrep(input, filters);
  const { slotStack } = p.slots;
  const { nameOf } = p.fn;
  const frame = p.t.stackFrame;
  const prefix = p.t.stackPrefix;
  // (caller id, callee id) → weight, for edges touching a chosen function.
  const edges = new Map<number, number>();
  const n = names.length;
  const path: number[] = [];
  const seen = new Set<number>();
  for (let j = 0; j < p.W.length; j++) {
    const w = p.W[j]!;
    if (w === 0) continue;
    path.length = 0;
    for (let x = slotStack[j]!; x >= 0; x = prefix[x]!) {
      const f = frame[x]!;
      if (p.hidden && p.hidden[f]) continue;
      path.push(nameOf[f]!);
    }
    seen.clear();
    // path is leaf first: path[k + 1] calls path[k].
    for (let k = path.length - 2; k >= 0; k--) {
      const caller = path[k + 1]!;
      const callee = path[k]!;
      if (caller === callee || !(isChosen[caller] || isChosen[callee])) continue;
      const key = caller * n + callee;
      if (seen.has(key)) continue;
      seen.add(key);
      edges.set(key, (edges.get(key) ?? 0) + w);
    }
  }
  const entries = chosen.map((id): PeekEntry => {
    const callers: PeekEdge[] = [];
    const callees: PeekEdge[] = [];
    for (const [key, weight] of edges) {
      const caller = Math.floor(key / n);
      const callee = key % n;
      if (callee === id) callers.push({ function: names[caller]!, weight });
      if (caller === id) callees.push({ function: names[callee]!, weight });
    }
    return { function: names[id]!, flat: flat[id]!, cum: cum[id]!, callers: callers.sort(byWeight), callees: callees.sort(byWeight) };
  });
  return { total, entries };
}

/**
 * pprof's `top` table over any weighted stacks: per function, flat (weight of samples whose leaf
 * is that function) and cum (weight of samples with that function anywhere on the stack, counted
 * once per sample even when recursive), with the same focus / ignore / hide filters as call trees.
 */
import type { StackFilterOptions, WeightedStacks } from './weighted-stacks.ts';
import { topByName } from './call-tree-input.ts';
import { leafSlotsOf, outermostCallsBuilder } from './stack-index.ts';
import { displayName } from './stack-names.ts';

export interface TopRow {
  function: string;
  /** The name to draw when it differs from `function` (type arguments shortened, as pprof shows them). */
  display?: string;
  flat: number;
  flatPct: number;
  cum: number;
  cumPct: number;
}

export type TopSortKey = 'flat' | 'flatPct' | 'cum' | 'cumPct' | 'function';

export interface TopTableOptions extends StackFilterOptions {
  /** Default 'flat': pprof's order (|flat| desc, then name, then |cum| desc). */
  sortBy?: TopSortKey;
  /** Reverse the chosen order. */
  reverse?: boolean;
  /** Keep only the first N rows after sorting. */
  limit?: number;
}

export interface TopTable {
  rows: TopRow[];
  /** Total weight after filters (the percentages' denominator). */
  total: number;
  matched?: number;
}

const byName = (a: TopRow, b: TopRow) => (a.function < b.function ? -1 : a.function > b.function ? 1 : 0);

/** pprof's FlatNameOrder (internal/graph): |flat| desc, printable name asc, |cum| desc. */
export function comparePprofFlat(a: TopRow, b: TopRow): number {
  return Math.abs(b.flat) - Math.abs(a.flat) || byName(a, b) || Math.abs(b.cum) - Math.abs(a.cum);
}

/** pprof's cum order: |cum| desc, name asc, |flat| desc. */
export function comparePprofCum(a: TopRow, b: TopRow): number {
  return Math.abs(b.cum) - Math.abs(a.cum) || byName(a, b) || Math.abs(b.flat) - Math.abs(a.flat);
}

export function topTable(input: WeightedStacks, opts: TopTableOptions = {}): TopTable {
  // Prepared stacks and per-name sums are cached with the call trees' (same stacks, same filters):
  // re-sorting, or the figures' top 10 followed by the panel's top table, costs only the rows.
  const { names, flat, cum, total, matched } = topByName(input, opts);
  const nNames = names.length;
  const pct = (v: number) => (total === 0 ? 0 : (100 * v) / total);
  const rows: TopRow[] = [];
  for (let id = 0; id < nNames; id++) {
    if (flat[id] === 0 && cum[id] === 0) continue;
    const row: TopRow = { function: names[id]!, flat: flat[id]!, flatPct: pct(flat[id]!), cum: cum[id]!, cumPct: pct(cum[id]!) };
    const display = displayName(row.function);
    if (display !== row.function) row.display = display;
    rows.push(row);
  }
  const sortBy = opts.sortBy ?? 'flat';
  rows.sort(sortBy === 'function' ? byName : sortBy === 'cum' || sortBy === 'cumPct' ? comparePprofCum : comparePprofFlat);
  if (opts.reverse) rows.reverse();
  const out: TopTable = { rows: opts.limit !== undefined ? rows.slice(0, opts.limit) : rows, total };
  if (opts.search) out.matched = matched;
  return out;
}

/** A top-table row of a diff: the current profile's figures, and minus the base's (pprof -diff_base). */
export interface TopDeltaRow extends TopRow {
  /** flat − base flat; null when the base's table was cut short before this function could appear. */
  flatDelta: number | null;
  cumDelta: number | null;
}

/**
 * Joins a diff's two top tables by function: per row of `rows` (the current profile), its flat and
 * cum minus the base's. A function absent from `base` counts as 0 there only when `base` is the
 * whole table (`baseComplete`); a truncated base leaves its delta unknown rather than wrong.
 */
export function withDeltas(rows: readonly TopRow[], base: readonly TopRow[], baseComplete: boolean): TopDeltaRow[] {
  const byFn = new Map<string, TopRow>();
  for (const r of base) byFn.set(r.function, r);
  return rows.map((r) => {
    const b = byFn.get(r.function);
    if (!b && !baseComplete) return { ...r, flatDelta: null, cumDelta: null };
    return { ...r, flatDelta: r.flat - (b?.flat ?? 0), cumDelta: r.cum - (b?.cum ?? 0) };
  });
}

/**
 * Builds the index that filtered top tables of these stacks use (outermostCallsOf) ahead of need,
 * up to `leaves` leaf walks per call: true while more remains. Until it is built a top table walks
 * every leaf's stack instead (the same figures, slower on big profiles).
 */
export function warmTopTable(input: WeightedStacks, leaves = Infinity): boolean {
  const b = outermostCallsBuilder(leafSlotsOf(input.stacks, input.sampleStack));
  return b !== null && !b.step(leaves);
}

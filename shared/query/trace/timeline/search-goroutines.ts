/**
 * Finds goroutines by id or start function for the timeline's search box. Ranked: the exact id, then
 * ids starting with the text (shortest first), then start functions containing it (case-insensitive;
 * a function whose name or last path element starts with it before one that only contains it); inside
 * each rank the goroutine that ran longest first.
 */
import type { TraceModel } from '../../../model/trace.ts';
import { goroutineStartFunctions } from '../trace-annotations.ts';
import { goroutineSummaryColumns } from '../trace-goroutine-summary.ts';
import { transitionIndex } from '../transition-index.ts';
import type { GoroutineMatch } from './timeline-types.ts';

export interface SearchGoroutinesArgs {
  text: string;
  limit?: number;
}

const RANK_EXACT_ID = 0;
const RANK_ID_PREFIX = 1;
const RANK_FN_PREFIX = 2;
const RANK_FN_CONTAINS = 3;

function fnRank(fn: string, needle: string): number {
  const f = fn.toLowerCase();
  const at = f.indexOf(needle);
  if (at < 0) return -1;
  const lastElem = f.slice(f.lastIndexOf('/') + 1);
  return at === 0 || lastElem.startsWith(needle) || f.slice(f.indexOf('.', f.lastIndexOf('/')) + 1).startsWith(needle) ? RANK_FN_PREFIX : RANK_FN_CONTAINS;
}

export function searchGoroutines(model: TraceModel, args: SearchGoroutinesArgs): GoroutineMatch[] {
  const text = args.text.trim();
  const limit = Math.max(0, args.limit ?? 50);
  if (!text || !limit) return [];
  const needle = text.toLowerCase();
  const asId = /^\d+$/.test(text) ? text : null;
  const names = goroutineStartFunctions(model);
  const sum = goroutineSummaryColumns(model);
  const hits: { row: number; rank: number; id: number; running: number }[] = [];
  for (const [id, row] of transitionIndex(model).rowOfId) {
    let rank = -1;
    if (asId !== null) {
      const s = String(id);
      if (s === asId) rank = RANK_EXACT_ID;
      else if (s.startsWith(asId)) rank = RANK_ID_PREFIX;
    }
    if (rank < 0) rank = fnRank(names[row] ?? '', needle);
    if (rank < 0) continue;
    hits.push({ row, rank, id, running: sum.present[row] ? sum.execNs[row]! : 0 });
  }
  hits.sort((a, b) => a.rank - b.rank || (a.rank === RANK_ID_PREFIX ? String(a.id).length - String(b.id).length : 0) || b.running - a.running || a.id - b.id);
  return hits.slice(0, limit).map((h) => {
    let blocked = 0;
    if (sum.present[h.row]) {
      for (const ns of sum.blockNs[h.row]?.values() ?? []) blocked += ns;
      blocked += sum.syscallBlockNs[h.row]!;
    }
    return { id: h.id, fn: names[h.row] ?? '', runningNs: h.running, blockedNs: blocked };
  });
}

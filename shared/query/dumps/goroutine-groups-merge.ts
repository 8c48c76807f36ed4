/**
 * Merges the goroutine groups of several dumps, each computed where its model lives (one engine
 * worker per source), into one table with a count per dump — so a leak reads as a growing row
 * (`net/http.(*persistConn).readLoop 12 → 2,400`). Parts must be given in time order.
 */
import { byGrowth, labelCounts, type GoroutineGroupRow, type GoroutineGroupsResult } from './goroutine-groups.ts';

export function mergeGoroutineGroups(parts: readonly GoroutineGroupsResult[], limit?: number): GoroutineGroupsResult {
  const n = parts.length;
  // A debug=1 dump has no states: then no dump's rows can be keyed by state.
  const withState = parts.every((p) => p.withState);
  const rows = new Map<string, GoroutineGroupRow & { raw: Set<string>; labelMap: Map<string, number> }>();
  parts.forEach((part, d) => {
    for (const r of part.rows) {
      const key = withState ? r.key : `|${r.key.slice(r.key.indexOf('|') + 1)}`;
      let m = rows.get(key);
      if (!m) {
        m = {
          ...r,
          key,
          state: withState ? r.state : '',
          counts: new Array<number>(n).fill(0),
          growth: 0,
          raw: new Set(),
          labelMap: new Map(),
        };
        rows.set(key, m);
      }
      m.counts[d]! += r.counts.reduce((a, b) => a + b, 0);
      for (const s of r.rawStates) m.raw.add(s);
      for (const l of r.labels ?? []) m.labelMap.set(l.text, (m.labelMap.get(l.text) ?? 0) + l.count);
      if (r.maxWaitMinutes !== null) m.maxWaitMinutes = Math.max(m.maxWaitMinutes ?? 0, r.maxWaitMinutes);
    }
  });
  const out: GoroutineGroupRow[] = [];
  for (const { raw, labelMap, ...r } of rows.values()) {
    r.rawStates = [...raw].sort();
    r.labels = labelCounts(labelMap);
    r.growth = n === 0 ? 0 : r.counts[n - 1]! - r.counts[0]!;
    out.push(r);
  }
  out.sort(byGrowth(n));
  return { sourceIds: parts.flatMap((p) => p.sourceIds), withState, rows: limit === undefined ? out : out.slice(0, limit) };
}

import { Fragment } from 'react';
import { BREAKDOWN_LABELS, type BreakdownRow, type GoroutineBreakdownResult } from '../../../../shared/query/trace/trace-annotations.ts';
import { formatCount, formatDuration, shortFunctionName } from '../../format.ts';
import { stateColor } from '../../palette.ts';

import type { AnalysisSortKey as SortKey } from '../../state/table-views.ts';

export interface GoroutineAnalysisProps {
  sort: { key: SortKey; desc: boolean };
  onSort(sort: { key: SortKey; desc: boolean }): void;
  data: GoroutineBreakdownResult;
  /** The start function whose goroutines are listed, and their rows (null while loading). */
  openGroup: string | null;
  members: GoroutineBreakdownResult | null;
  onToggle: (name: string) => void;
  /** "Show in trace timeline" for one goroutine (its lane, scrolled into view). */
  onShowGoroutine?: (id: number) => void;
}

/** Column headers (the legend spells the categories out). */
const SHORT: Record<string, string> = {
  'Execution': 'Exec',
  'Scheduler wait': 'Sched',
  'Syscall': 'Syscall',
  'Syscall block': 'Sys blk',
  'Sync block': 'Sync',
  'Network wait': 'Net',
  'GC assist/wait': 'GC',
  'Other wait': 'Other',
};
const HINT: Record<string, string> = {
  'Scheduler wait': 'runnable, waiting for a P (and, as Go counts it, a syscall still blocked when the trace ends)',
  'Syscall': 'in a syscall, holding its P',
  'Syscall block': 'in a syscall after its P was taken away',
  'Sync block': 'blocked on a channel, select or sync primitive',
  'Network wait': 'blocked in the network poller',
  'GC assist/wait': 'waiting on the garbage collector',
  'Other wait': 'waiting for another reason, or one the trace does not give: a wait begun before the trace (reason unknown)',
};

const nameLabel = (n: string) => (n ? shortFunctionName(n) : '(no stack in the trace)');

function sorted(rows: BreakdownRow[], key: SortKey, desc: boolean): BreakdownRow[] {
  const v = (r: BreakdownRow): number | string => (key === 'name' ? r.name : key === 'goroutines' ? r.goroutines : key === 'total' ? r.totalNs : r.ns[key]!);
  const out = [...rows].sort((a, b) => {
    const x = v(a);
    const y = v(b);
    return x < y ? -1 : x > y ? 1 : 0;
  });
  return desc ? out.reverse() : out;
}

/**
 * go tool trace's goroutine analysis: time per category by start function, a stacked bar each — the
 * figures of Go's own goroutine summary (`tracedeck goroutines`), clipped to the selection.
 */
export function GoroutineAnalysis({ data, sort, onSort: setSort, openGroup, members, onToggle, onShowGoroutine }: GoroutineAnalysisProps) {
  const cats = data.categories;
  const labels = cats.map((c) => BREAKDOWN_LABELS[c]);
  if (data.rows.length === 0) return <p className="muted">No goroutine was alive in this range.</p>;
  const header = (key: SortKey, text: string, cls = 'num', title?: string) => (
    <th
      className={`${cls} sortable ${sort.key === key ? 'sorted' : ''}`}
      title={title ?? `Sort by ${text}`}
      aria-sort={sort.key === key ? (sort.desc ? 'descending' : 'ascending') : 'none'}
      onClick={() => setSort(sort.key === key ? { key, desc: !sort.desc } : { key, desc: key !== 'name' })}
    >
      {text}
      {sort.key === key ? (sort.desc ? ' ▾' : ' ▴') : ''}
    </th>
  );
  const cells = (r: BreakdownRow) => (
    <>
      <td className="num">{formatDuration(r.totalNs)}</td>
      <td className="bar-cell">
        <Bar row={r} labels={labels} />
      </td>
      {r.ns.map((ns, c) => (
        <td key={c} className="num cat" title={`${labels[c]}: ${r.totalNs > 0 ? ((100 * ns) / r.totalNs).toFixed(1) : 0}%`}>
          {ns > 0 ? formatDuration(ns) : '—'}
        </td>
      ))}
    </>
  );
  return (
    <div className="goroutine-analysis">
      <div className="td-legend" data-testid="breakdown-legend">
        {labels.map((l, c) => (
          <span key={l} title={HINT[l] ?? l}>
            <i style={{ background: stateColor(l) }} />
            {l} <span className="muted">{formatDuration(data.totals[c] ?? 0)}</span>
          </span>
        ))}
      </div>
      <table className="td-table breakdown" data-testid="goroutine-breakdown">
        <thead>
          <tr>
            {header('name', 'Start function', 'name')}
            {header('goroutines', 'Goroutines', 'num count')}
            {header('total', 'Total')}
            <th className="bar-cell">Breakdown</th>
            {labels.map((l, c) => header(c, SHORT[l] ?? l, 'num cat', `Sort by ${l}${HINT[l] ? ` (${HINT[l]})` : ''}`))}
          </tr>
        </thead>
        <tbody>
          {sorted(data.rows, sort.key, sort.desc).map((r) => (
            <Fragment key={r.name}>
              <tr className={`td-row ${openGroup === r.name ? 'open' : ''}`} data-testid="breakdown-row" data-name={r.name} onClick={() => onToggle(r.name)}>
                <td className="name fn" title={r.name}>
                  <span className="twisty">{openGroup === r.name ? '▾' : '▸'}</span> {nameLabel(r.name)}
                </td>
                <td className="num">{formatCount(r.goroutines)}</td>
                {cells(r)}
              </tr>
              {openGroup === r.name &&
                (members ? (
                  <>
                    {sorted(members.rows, sort.key === 'name' || sort.key === 'goroutines' ? 'total' : sort.key, sort.key === 'name' || sort.key === 'goroutines' ? true : sort.desc).map((m) => (
                      <tr key={m.id} className="td-member" data-testid="breakdown-member">
                        <td className="name member">
                          goroutine {m.id}
                          {onShowGoroutine && m.id !== null && (
                            <button className="link" data-testid="show-in-trace-timeline" title="Show this goroutine in the trace timeline" onClick={() => onShowGoroutine(m.id!)}>
                              {' '}
                              timeline ›
                            </button>
                          )}
                        </td>
                        <td />
                        {cells(m)}
                      </tr>
                    ))}
                    {members.leftOff > 0 && (
                      <tr className="td-member">
                        <td colSpan={4 + cats.length} className="muted member">
                          {formatCount(members.leftOff)} more goroutines with less time
                        </td>
                      </tr>
                    )}
                  </>
                ) : (
                  <tr className="td-member">
                    <td colSpan={4 + cats.length} className="muted member">
                      loading…
                    </td>
                  </tr>
                ))}
            </Fragment>
          ))}
        </tbody>
      </table>
      {data.leftOff > 0 && <p className="muted">{formatCount(data.leftOff)} more start functions with less time</p>}
    </div>
  );
}

/** One row's time split into the categories, as shares of its total. */
function Bar({ row, labels }: { row: BreakdownRow; labels: string[] }) {
  return (
    <div className="td-bar" role="img" aria-label={labels.map((l, c) => `${l} ${formatDuration(row.ns[c]!)}`).join(', ')}>
      {row.ns.map((ns, c) =>
        ns > 0 ? <span key={c} data-cat={labels[c]} style={{ width: `${(100 * ns) / row.totalNs}%`, background: stateColor(labels[c]!) }} title={`${labels[c]}: ${formatDuration(ns)}`} /> : null,
      )}
    </div>
  );
}

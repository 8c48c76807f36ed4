/**
 * pprof's `top` table (flat, flat%, cum, cum%), sortable by its headers; a row click picks a function.
 * In a diff, two more columns: flat and cum minus the base's.
 */
import type { TopDeltaRow, TopRow, TopSortKey } from '../../../../shared/query/stacks/top-table.ts';
import { formatValue } from '../../format.ts';
import { entryKeys } from '../keyboard.ts';

export interface TopTableProps {
  rows: TopRow[] | TopDeltaRow[];
  unit: string;
  sortBy: TopSortKey;
  onSort(key: TopSortKey): void;
  /** The focused function (highlighted row), if any. */
  focused: string | null;
  onPick(fn: string): void;
  /** Callers and callees of a row's function (pprof -peek). */
  onPeek?(fn: string): void;
}

const COLUMNS: { key: TopSortKey; label: string; num: boolean }[] = [
  { key: 'flat', label: 'flat', num: true },
  { key: 'flatPct', label: 'flat%', num: true },
  { key: 'cum', label: 'cum', num: true },
  { key: 'cumPct', label: 'cum%', num: true },
  { key: 'function', label: 'function', num: false },
];

const isDelta = (rows: TopRow[] | TopDeltaRow[]): rows is TopDeltaRow[] => rows.length > 0 && 'flatDelta' in rows[0]!;

/** A signed delta in the unit ("+1.20 ms", "−3"), "?" when the base's table was cut before the function. */
function delta(v: number | null, unit: string): string {
  if (v === null) return '?';
  if (v === 0) return '0';
  return `${v > 0 ? '+' : '−'}${formatValue(Math.abs(v), unit)}`;
}

export function TopTable({ rows, unit, sortBy, onSort, focused, onPick, onPeek }: TopTableProps) {
  const diff = isDelta(rows);
  return (
    <table className="top-table" data-testid="top-table" data-diff={diff ? 'true' : 'false'} role="grid" aria-label="Top functions (Enter focuses the flame graph on one)">
      <thead>
        <tr>
          {COLUMNS.map((c) => (
            <th
              key={c.key}
              className={`${c.num ? 'num' : ''} ${sortBy === c.key ? 'sorted' : ''}`}
              aria-sort={sortBy === c.key ? (c.key === 'function' ? 'ascending' : 'descending') : 'none'}
              data-testid={`top-sort-${c.key}`}
              onClick={() => onSort(c.key)}
              tabIndex={0}
              onKeyDown={(e) => {
                if (e.key === 'Enter' || e.key === ' ') {
                  e.preventDefault();
                  onSort(c.key);
                }
              }}
              title={`Sort by ${c.label}`}
            >
              {c.label}
              {sortBy === c.key ? (c.key === 'function' ? ' ▲' : ' ▼') : ''}
            </th>
          ))}
          {diff && (
            <>
              <th className="num" title="flat minus the base's flat (pprof -diff_base)" data-testid="top-delta-flat">
                Δ flat
              </th>
              <th className="num" title="cum minus the base's cum">
                Δ cum
              </th>
            </>
          )}
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr
            key={r.function}
            className={focused === r.function ? 'focused' : ''}
            data-testid="top-row"
            data-function={r.function}
            data-flat={r.flat}
            data-cum={r.cum}
            onClick={() => onPick(r.function)}
            aria-selected={focused === r.function}
            {...entryKeys(() => onPick(r.function))}
            title={`Focus the flame graph on ${r.function}`}
          >
            <td className="num">{formatValue(r.flat, unit)}</td>
            <td className="num">{r.flatPct.toFixed(2)}%</td>
            <td className="num">{formatValue(r.cum, unit)}</td>
            <td className="num">{r.cumPct.toFixed(2)}%</td>
            <td className="fn" title={r.function}>
              {/* At the cell's far end: a click on the row (focus) does not land on it by chance. */}
              {onPeek && (
                <button
                  className="icon peek-button"
                  data-testid="top-peek"
                  aria-label={`Callers and callees of ${r.function}`}
                  title="Callers and callees (pprof -peek)"
                  onClick={(e) => {
                    e.stopPropagation();
                    onPeek(r.function);
                  }}
                  onKeyDown={(e) => e.stopPropagation()}
                >
                  ⇅
                </button>
              )}
              {r.display ?? r.function}
            </td>
            {diff && (
              <>
                <td className={`num delta ${sign((r as TopDeltaRow).flatDelta)}`} data-testid="top-row-delta" data-delta={(r as TopDeltaRow).flatDelta ?? ''}>
                  {delta((r as TopDeltaRow).flatDelta, unit)}
                </td>
                <td className={`num delta ${sign((r as TopDeltaRow).cumDelta)}`}>{delta((r as TopDeltaRow).cumDelta, unit)}</td>
              </>
            )}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

const sign = (v: number | null) => (v === null || v === 0 ? '' : v > 0 ? 'grew' : 'shrank');

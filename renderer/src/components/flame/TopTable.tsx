/** pprof's `top` table (flat, flat%, cum, cum%), sortable by its headers; a row click picks a function. */
import type { TopRow, TopSortKey } from '../../../../shared/query/top-table.ts';
import { formatValue } from '../../format.ts';
import { entryKeys } from '../keyboard.ts';

export interface TopTableProps {
  rows: TopRow[];
  unit: string;
  sortBy: TopSortKey;
  onSort(key: TopSortKey): void;
  /** The focused function (highlighted row), if any. */
  focused: string | null;
  onPick(fn: string): void;
}

const COLUMNS: { key: TopSortKey; label: string; num: boolean }[] = [
  { key: 'flat', label: 'flat', num: true },
  { key: 'flatPct', label: 'flat%', num: true },
  { key: 'cum', label: 'cum', num: true },
  { key: 'cumPct', label: 'cum%', num: true },
  { key: 'function', label: 'function', num: false },
];

export function TopTable({ rows, unit, sortBy, onSort, focused, onPick }: TopTableProps) {
  return (
    <table className="top-table" data-testid="top-table" role="grid" aria-label="Top functions (Enter focuses the flame graph on one)">
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
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr
            key={r.function}
            className={focused === r.function ? 'focused' : ''}
            data-testid="top-row"
            data-function={r.function}
            onClick={() => onPick(r.function)}
            aria-selected={focused === r.function}
            {...entryKeys(() => onPick(r.function))}
            title={`Focus the flame graph on ${r.function}`}
          >
            <td className="num">{formatValue(r.flat, unit)}</td>
            <td className="num">{r.flatPct.toFixed(2)}%</td>
            <td className="num">{formatValue(r.cum, unit)}</td>
            <td className="num">{r.cumPct.toFixed(2)}%</td>
            <td className="fn" title={r.function}>{r.display ?? r.function}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

import { Fragment } from 'react';
import { useApp } from '../../store.ts';
import { useExpandedGroup } from '../../selectors.ts';
import { DUMPS_TABLE, dumpsRowKey } from '../../state/table-views.ts';
import type { GoroutineGroupsResult } from '../../../../shared/query/dumps/goroutine-groups.ts';
import { formatCount, shortFunctionName } from '../../format.ts';
import { entryKeys } from '../keyboard.ts';

export interface GoroutineGroupsTableProps {
  result: GoroutineGroupsResult;
  /** Column titles, one per dump (in the result's order). */
  dumpNames: string[];
  onShowStack?: (sourceId: string, fn: string) => void;
}

/**
 * Goroutines grouped by wait reason and stack, a count per dump; sorted by growth so a leak is the
 * first row. A row expands to its stack.
 */
export function GoroutineGroupsTable({ result, dumpNames, onShowStack }: GoroutineGroupsTableProps) {
  const open = dumpsRowKey(
    result.rows.map((r) => r.key),
    useExpandedGroup(DUMPS_TABLE),
  );
  const toggle = useApp((s) => s.toggleExpandedGroup);
  const many = dumpNames.length > 1;
  // Dumps print a wait's length only past a minute: a column of dashes would just take room.
  const waits = result.rows.some((r) => r.maxWaitMinutes !== null);
  // pprof labels (Go prints them in debug=1 records and, from 1.27, in debug=2 headers): a column only when some goroutine has any.
  const labels = result.rows.some((r) => r.labels?.some((l) => l.text !== ''));
  return (
    <table className="groups-table" data-testid="goroutine-groups" role="grid" aria-label="Goroutine groups (Enter or Space expands a row)">
      <thead>
        <tr>
          {result.withState && <th className="state-col">State</th>}
          <th>Innermost function</th>
          {dumpNames.map((n, i) => (
            <th key={i} className="num count-col" title={n}>
              {many ? n : 'Goroutines'}
            </th>
          ))}
          {many && <th className="num">Growth</th>}
          {waits && <th className="num">Longest wait</th>}
          {labels && <th>Labels</th>}
        </tr>
      </thead>
      <tbody>
        {result.rows.map((r) => (
          <Fragment key={r.key}>
            <tr
              className={`group-row ${open === r.key ? 'open' : ''}`}
              data-testid="goroutine-group"
              data-function={r.function ?? ''}
              onClick={() => toggle(DUMPS_TABLE, r.key)}
              aria-expanded={open === r.key}
              {...entryKeys(() => toggle(DUMPS_TABLE, r.key))}
            >
              {result.withState && <td className="state">{r.rawStates.join(', ') || r.state}</td>}
              <td className="fn" title={r.function ?? ''}>
                <span className="twisty">{open === r.key ? '▾' : '▸'}</span> {r.function ? shortFunctionName(r.function) : '(no frames)'}
              </td>
              {r.counts.map((c, i) => (
                <td key={i} className="num" data-testid="group-count">
                  {formatCount(c)}
                </td>
              ))}
              {many && (
                <td className={`num ${r.growth > 0 ? 'grow' : r.growth < 0 ? 'shrink' : ''}`} data-testid="group-growth">
                  {r.growth > 0 ? '+' : ''}
                  {formatCount(r.growth)}
                </td>
              )}
              {waits && <td className="num">{r.maxWaitMinutes === null ? '—' : `${r.maxWaitMinutes} min`}</td>}
              {labels && (
                <td className="labels" data-testid="group-labels" title={(r.labels ?? []).map((l) => `${l.count} × ${l.text || '(no labels)'}`).join('\n')}>
                  {r.labels?.[0]?.text || (r.labels?.length ? '(none)' : '')}
                  {(r.labels?.length ?? 0) > 1 && <span className="muted"> +{r.labels!.length - 1} more</span>}
                </td>
              )}
            </tr>
            {open === r.key && (
              <tr className="group-stack">
                <td colSpan={(result.withState ? 2 : 1) + r.counts.length + (many ? 1 : 0) + (waits ? 1 : 0) + (labels ? 1 : 0)}>
                  {labels && (
                    <ul className="group-label-sets" data-testid="group-label-sets">
                      {r.labels.map((l) => (
                        <li key={l.text}>
                          {formatCount(l.count)} × <code>{l.text || '(no labels)'}</code>
                        </li>
                      ))}
                    </ul>
                  )}
                  <ol className="stack-frames">
                    {r.frames.map((f, i) => (
                      <li key={i}>
                        <code>{f.function}</code> <span className="muted">{f.file ? `${f.file}:${f.line}` : ''}</span>
                      </li>
                    ))}
                  </ol>
                  {r.stackRef && onShowStack && r.function && (
                    <button onClick={() => onShowStack(r.stackRef!.sourceId, r.function!)}>Show in flame graph</button>
                  )}
                </td>
              </tr>
            )}
          </Fragment>
        ))}
      </tbody>
    </table>
  );
}

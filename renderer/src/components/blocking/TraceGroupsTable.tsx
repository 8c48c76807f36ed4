import { Fragment, useEffect, useState } from 'react';
import type { GoroutineLane, TraceGoroutineGroupsResult } from '../../../../shared/query/trace-goroutine-groups.ts';
import { bridge } from '../../bridge-client.ts';
import { formatCount, formatDuration, shortFunctionName } from '../../format.ts';
import { useElementWidth } from '../../use-element-width.ts';
import { useApp } from '../../store.ts';
import { GoroutineLanes } from './GoroutineLanes.tsx';

export interface TraceGroupsTableProps {
  sourceId: string;
  result: TraceGoroutineGroupsResult;
  onShowStack?: (fn: string, state: string) => void;
}

/** Why a group can have no stack: the trace records one when a goroutine blocks, not for waits already under way. */
const NO_STACK_HINT =
  'The trace holds no stack for these waits: typically goroutines already blocked when tracing started. A goroutine dump from the same moment shows their stacks.';

/** A trace's goroutines grouped by wait reason and blocking stack, for the selected range. */
export function TraceGroupsTable({ sourceId, result, onShowStack }: TraceGroupsTableProps) {
  const [open, setOpen] = useState<string | null>(null);
  return (
    <table className="groups-table" data-testid="trace-groups">
      <thead>
        <tr>
          <th className="state-col">Wait reason</th>
          <th>Blocking function</th>
          <th className="num count-col">Goroutines</th>
          <th className="num">Blocked (total)</th>
          <th className="num">Longest</th>
        </tr>
      </thead>
      <tbody>
        {result.groups.map((g) => (
          <Fragment key={g.key}>
            <tr className={`group-row ${open === g.key ? 'open' : ''}`} data-testid="trace-group" data-state={g.state} data-function={g.function ?? ''} onClick={() => setOpen(open === g.key ? null : g.key)}>
              <td className="state">{g.rawReasons.join(', ')}</td>
              <td className="fn" title={g.function ?? NO_STACK_HINT}>
                <span className="twisty">{open === g.key ? '▾' : '▸'}</span> {g.function ? shortFunctionName(g.function) : '(no stack)'}
              </td>
              <td className="num">{formatCount(g.goroutines)}</td>
              <td className="num" data-testid="group-total">
                {formatDuration(g.totalNs)}
              </td>
              <td className="num">{formatDuration(g.longestNs)}</td>
            </tr>
            {open === g.key && (
              <tr className="group-stack">
                <td colSpan={5}>
                  <GroupDetail sourceId={sourceId} ids={g.goroutineIds} range={result.range} />
                  <ol className="stack-frames">
                    {g.frames.map((f, i) => (
                      <li key={i}>
                        <code>{f.function}</code> <span className="muted">{f.file ? `${f.file}:${f.line}` : ''}</span>
                      </li>
                    ))}
                  </ol>
                  {onShowStack && g.function && <button onClick={() => onShowStack(g.function!, g.state)}>Show in flame graph</button>}
                </td>
              </tr>
            )}
          </Fragment>
        ))}
      </tbody>
    </table>
  );
}

function GroupDetail({ sourceId, ids, range }: { sourceId: string; ids: number[]; range: { startNs: number; endNs: number } }) {
  const [lanes, setLanes] = useState<GoroutineLane[] | null>(null);
  const [ref, width] = useElementWidth<HTMLDivElement>();
  const axisShiftNs = useApp((s) => s.session.sources.find((x) => x.id === sourceId)?.axisShiftNs ?? 0);
  useEffect(() => {
    let live = true;
    bridge
      .request('query', { id: sourceId, query: { type: 'goroutineLanes', ids, range } })
      .then((r) => live && r.type === 'goroutineLanes' && setLanes(r.lanes))
      .catch(() => {});
    return () => {
      live = false;
    };
  }, [sourceId, ids, range]);
  return (
    <div ref={ref} className="group-detail">
      {lanes && width > 0 ? <GoroutineLanes lanes={lanes} startNs={range.startNs} endNs={range.endNs} width={width} axisShiftNs={axisShiftNs} /> : <p className="muted">Loading lanes…</p>}
    </div>
  );
}

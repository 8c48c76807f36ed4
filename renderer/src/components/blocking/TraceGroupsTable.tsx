import { Fragment, useCallback, useEffect, useRef, useState } from 'react';
import { UNKNOWN_PRE_TRACE_REASON, type GoroutineLane, type TraceGoroutineGroupsResult } from '../../../../shared/query/trace/trace-goroutine-groups.ts';
import { querySource } from '../../query/query-client.ts';
import { formatCount, formatDuration, shortFunctionName } from '../../format.ts';
import { useElementWidth } from '../../use-element-width.ts';
import { useApp } from '../../store.ts';
import { useExpandedGroup } from '../../selectors.ts';
import { GoroutineLanes } from './GoroutineLanes.tsx';
import { entryKeys } from '../keyboard.ts';
import { revealSlot } from '../layout/reveal.ts';

export interface TraceGroupsTableProps {
  sourceId: string;
  result: TraceGoroutineGroupsResult;
  onShowStack?: (fn: string, state: string) => void;
}

/** Why a group can have no stack: the trace records one when a goroutine blocks, not for waits already under way. */
const NO_STACK_HINT =
  'The trace holds no stack for these waits: typically goroutines already blocked when tracing started. A goroutine dump from the same moment shows their stacks.';

/** Why a wait has no reason: the trace found the goroutine already waiting. */
const UNKNOWN_REASON_HINT =
  'The trace found these goroutines already waiting when it started and does not record why (Go counts the wait from the start, with no reason).';

/** A trace's goroutines grouped by wait reason and blocking stack, for the selected range. */
export function TraceGroupsTable({ sourceId, result, onShowStack }: TraceGroupsTableProps) {
  const open = useExpandedGroup(sourceId);
  const toggle = useApp((s) => s.toggleExpandedGroup);
  const showInTraceTimeline = useApp((s) => s.showInTraceTimeline);
  /** Lanes for these goroutines in the trace timeline, the first on top and scrolled into view. */
  const showGoroutines = (id: string, ids: readonly number[]) => {
    for (const g of [...ids].reverse()) showInTraceTimeline(id, g);
    revealSlot('traceTimeline');
  };
  return (
    <table className="groups-table" data-testid="trace-groups" role="grid" aria-label="Goroutine groups (Enter or Space expands a row)">
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
            <tr className={`group-row ${open === g.key ? 'open' : ''}`} data-testid="trace-group" data-state={g.state} data-function={g.function ?? ''} onClick={() => toggle(sourceId, g.key)} aria-expanded={open === g.key} {...entryKeys(() => toggle(sourceId, g.key))}>
              <td className="state" title={g.state === UNKNOWN_PRE_TRACE_REASON ? UNKNOWN_REASON_HINT : undefined}>
                {g.rawReasons.join(', ')}
              </td>
              <td className="fn" title={g.note ?? g.function ?? NO_STACK_HINT}>
                <span className="twisty">{open === g.key ? '▾' : '▸'}</span> {g.function ? shortFunctionName(g.function) : '(no stack)'}
                {g.note && (
                  <span className="muted" data-testid="group-note">
                    {' '}
                    · start function
                  </span>
                )}
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
                  {g.note && <p className="muted">{g.note}.</p>}
                  <GroupDetail sourceId={sourceId} ids={g.goroutineIds} range={result.range} onPickRow={(id) => showGoroutines(sourceId, [id])} />
                  <ol className="stack-frames">
                    {g.frames.map((f, i) => (
                      <li key={i}>
                        <code>{f.function}</code> <span className="muted">{f.file ? `${f.file}:${f.line}` : ''}</span>
                      </li>
                    ))}
                  </ol>
                  {onShowStack && g.function && <button onClick={() => onShowStack(g.function!, g.state)}>Show in flame graph</button>}{' '}
                  <button data-testid="group-show-in-trace-timeline" title="Give the group's first goroutines lanes in the trace timeline" onClick={() => showGoroutines(sourceId, g.goroutineIds.slice(0, 8))}>
                    Show in trace timeline
                  </button>
                </td>
              </tr>
            )}
          </Fragment>
        ))}
      </tbody>
    </table>
  );
}

/** Lanes are fetched this many goroutines at a time, for the rows in view and a little around them. */
const CHUNK = 32;
const LABEL_W = 70;

/**
 * A group's lanes. A group can hold 2,000 goroutines and a whole trace millions of state runs, so
 * only the rows in view are asked for (a chunk at a time), at about the drawing resolution (runs
 * shorter than a pixel merged in the engine).
 */
function GroupDetail({ sourceId, ids, range, onPickRow }: { sourceId: string; ids: number[]; range: { startNs: number; endNs: number }; onPickRow?: (id: number) => void }) {
  const [ref, width] = useElementWidth<HTMLDivElement>();
  const axisShiftNs = useApp((s) => s.session.sources.find((x) => x.id === sourceId)?.axisShiftNs ?? 0);
  // About one run a pixel, rounded up so a small resize does not fetch again.
  const cells = Math.max(128, Math.ceil((width - LABEL_W) / 128) * 128);
  const key = `${sourceId}|${range.startNs}|${range.endNs}|${cells}|${ids.join(',')}`;
  const [loaded, setLoaded] = useState<{ key: string; lanes: Map<number, GoroutineLane> }>({ key, lanes: new Map() });
  const asked = useRef({ key, chunks: new Set<number>() });
  const [rows, setRows] = useState<[number, number]>([0, 16]);
  const onRows = useCallback((first: number, last: number) => setRows([first, last]), []);
  useEffect(() => {
    if (width <= 0) return;
    if (asked.current.key !== key) asked.current = { key, chunks: new Set() };
    const chunks = asked.current.chunks;
    const c0 = Math.floor(Math.max(0, rows[0] - CHUNK / 2) / CHUNK);
    const c1 = Math.floor(Math.min(ids.length - 1, rows[1] + CHUNK / 2) / CHUNK);
    for (let c = c0; c <= c1; c++) {
      if (chunks.has(c)) continue;
      chunks.add(c);
      // Pages accumulate (one query per chunk of rows), so this keeps its own staleness check: an
      // answer counts only while the group, range and resolution it was asked for are still shown.
      querySource(sourceId, 'goroutineLanes', { ids: ids.slice(c * CHUNK, (c + 1) * CHUNK), range, resolutionNs: (range.endNs - range.startNs) / cells })
        .then((r) => {
          if (asked.current.key !== key) return;
          setLoaded((old) => {
            const lanes = new Map(old.key === key ? old.lanes : undefined);
            for (const l of r.lanes) lanes.set(l.id, l);
            return { key, lanes };
          });
        })
        .catch(() => chunks.delete(c));
    }
  }, [key, rows, width]);
  const lanes = loaded.key === key ? loaded.lanes : EMPTY;
  return (
    <div ref={ref} className="group-detail">
      {width > 0 ? (
        <GoroutineLanes ids={ids} lanes={lanes} startNs={range.startNs} endNs={range.endNs} width={width} axisShiftNs={axisShiftNs} onRows={onRows} {...(onPickRow ? { onPickRow } : {})} />
      ) : (
        <p className="muted">Loading lanes…</p>
      )}
    </div>
  );
}

const EMPTY: ReadonlyMap<number, GoroutineLane> = new Map();

import { useEffect, useMemo, useState } from 'react';
import { useApp } from '../../store.ts';
import { useSourceNames, useSourceSelection } from '../../selectors.ts';
import { useBridgeRequest, useSourceQuery } from '../../query/use-source-query.ts';
import { revealSlot } from '../layout/reveal.ts';
import { axisToDate, formatClock, formatDuration, timeZoneName } from '../../format.ts';
import { Panel } from '../Panel.tsx';
import { GoroutineGroupsTable } from './GoroutineGroupsTable.tsx';
import { TraceGroupsTable } from './TraceGroupsTable.tsx';
import './blocking.css';

type Mode = 'trace' | 'dumps';

/** The trace blocking profile (go tool trace -pprof=…) that holds a wait reason's stacks. */
function blockingProfileFor(state: string): string | undefined {
  if (state === 'IO wait') return 'net';
  if (state === 'syscall') return 'syscall';
  if (/chan|select|sync/.test(state)) return 'sync';
  return undefined;
}

/**
 * Goroutines grouped by wait reason and stack: from a trace over the selected range (count, total
 * and longest blocked time, lanes), or across goroutine dumps (a count per dump, sorted by growth).
 */
export function BlockingPanel() {
  const sources = useApp((s) => s.session.sources);
  const selection = useApp((s) => s.selection);
  const origin = useApp((s) => s.session.originEpochNs);
  const focusedId = useApp((s) => s.focusedSourceId);
  const showInFlameGraph = useApp((s) => s.showInFlameGraph);
  const mode = useApp((s) => s.blockingMode);
  const setMode = useApp((s) => s.setBlockingMode);
  const nameOf = useSourceNames();
  const ready = sources.filter((s) => s.status === 'ready');
  const dumps = useMemo(
    () => ready.filter((s) => s.kind === 'goroutine-dump').sort((a, b) => (a.axisStartNs ?? 0) - (b.axisStartNs ?? 0)),
    [ready],
  );
  const traces = ready.filter((s) => s.kind === 'gotrace');
  // Picking a trace or a dump in the sources list shows it here.
  const focusedKind = sources.find((s) => s.id === focusedId)?.kind;
  useEffect(() => {
    if (focusedKind === 'goroutine-dump') setMode('dumps');
    else if (focusedKind === 'gotrace') setMode('trace');
  }, [focusedId, focusedKind]);
  const effectiveMode: Mode | null = mode && (mode === 'trace' ? traces.length : dumps.length) ? mode : traces.length ? 'trace' : dumps.length ? 'dumps' : null;
  const trace = traces.find((t) => t.id === focusedId) ?? traces[0];

  const dumpIds = dumps.map((d) => d.id);
  // pprof's -tagfocus over the dumps' goroutine labels (typed; applied on Enter or leaving the field).
  // The applied filter is store state, so a session file keeps it; the draft follows it when it changes.
  const labelFilter = useApp((s) => s.dumpsLabelFilter);
  const setLabelFilter = useApp((s) => s.setDumpsLabelFilter);
  const [labelDraft, setLabelDraft] = useState(labelFilter);
  useEffect(() => setLabelDraft(labelFilter), [labelFilter]);
  const dumpAnswer = useBridgeRequest(
    'goroutineGroupsAcross',
    effectiveMode === 'dumps' && dumpIds.length ? { ids: dumpIds, ...(labelFilter ? { tagfocus: labelFilter } : {}) } : null,
  );
  const range = useSourceSelection(trace?.id);
  const traceAnswer = useSourceQuery(trace?.id, 'traceGoroutineGroups', effectiveMode === 'trace' ? (range ? { range } : {}) : null, { debounceMs: 120 });
  const dumpResult = dumpAnswer.data;
  const traceResult = traceAnswer.data?.result ?? null;
  // When the trace result arrived (bench/ui-bench.ts times the view from it).
  const resultAt = traceAnswer.receivedAt;
  const error = effectiveMode === 'dumps' ? dumpAnswer.error : effectiveMode === 'trace' ? traceAnswer.error : null;
  const showStack = (sourceId: string, fn: string, profile?: string) => {
    showInFlameGraph(sourceId, fn, profile);
    revealSlot('flame');
  };

  const summary =
    effectiveMode === 'trace' && traceResult
      ? `${traceResult.groups.length} groups · ${selection ? `selected ${formatDuration(traceResult.range.endNs - traceResult.range.startNs)}` : 'whole trace'}`
      : effectiveMode === 'dumps' && dumpResult
        ? `${dumpResult.rows.length} groups · ${dumpResult.rows.reduce((s, r) => s + (r.counts[r.counts.length - 1] ?? 0), 0).toLocaleString('en-US')} goroutines in the latest dump`
        : '';
  if (!effectiveMode) {
    return (
      <Panel
        title="Goroutines"
        testId="panel-blocking"
        empty="Drop a Go execution trace (goroutines grouped by wait reason and stack over the selected range) or goroutine dumps (several dumps show what grows)."
      />
    );
  }
  return (
    <Panel
      title="Goroutines"
      testId="panel-blocking"
      actions={
        <>
          <span className="muted" data-testid="blocking-summary" data-result-at={resultAt ?? undefined}>
            {summary}
          </span>
          {effectiveMode === 'dumps' && (
            <input
              className="label-filter"
              data-testid="blocking-label-filter"
              placeholder="labels: key=value"
              title="Only goroutines with these pprof labels (pprof -tagfocus: key=regex, or a regex on key:value)"
              value={labelDraft}
              onChange={(e) => setLabelDraft(e.target.value)}
              onBlur={() => setLabelFilter(labelDraft.trim())}
              onKeyDown={(e) => e.key === 'Enter' && setLabelFilter(labelDraft.trim())}
            />
          )}
          {traces.length > 0 && dumps.length > 0 && (
            <span className="seg">
              <button className={effectiveMode === 'trace' ? 'on' : ''} onClick={() => setMode('trace')}>
                Trace
              </button>
              <button className={effectiveMode === 'dumps' ? 'on' : ''} onClick={() => setMode('dumps')}>
                Dumps
              </button>
            </span>
          )}
        </>
      }
    >
      {error && <p className="panel-error">{error}</p>}
      {effectiveMode === 'trace' && traceResult && trace && traceResult.groups.length === 0 && (
        <p className="muted" data-testid="blocking-empty">
          {selection ? `No goroutine of ${nameOf(trace)} in the selected range` : `${nameOf(trace)} records no goroutines`}
          {origin && trace.axisStartNs !== undefined && trace.axisEndNs !== undefined
            ? ` (the trace covers ${formatClock(axisToDate(origin, trace.axisStartNs))}–${formatClock(axisToDate(origin, trace.axisEndNs))} ${timeZoneName()})`
            : ''}
          .{selection ? ' Brush inside the trace, or double-click the timeline for all of it.' : ''}
        </p>
      )}
      {effectiveMode === 'trace' && traceResult && trace && traceResult.groups.length > 0 && (
        <TraceGroupsTable
          sourceId={trace.id}
          result={traceResult}
          onShowStack={(fn, state) => showStack(trace.id, fn, blockingProfileFor(state))}
        />
      )}
      {effectiveMode === 'dumps' && dumpResult && (
        <GoroutineGroupsTable
          result={dumpResult}
          dumpNames={dumpResult.sourceIds.map((id) => nameOf(id))}
          onShowStack={(sourceId, fn) => showStack(sourceId, fn)}
        />
      )}
    </Panel>
  );
}

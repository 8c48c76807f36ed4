import type { Evidence } from '../../../../shared/query/findings/types.ts';
import { useApp } from '../../store.ts';
import { axisToDate, formatClock, formatDuration } from '../../format.ts';
import { Panel } from '../Panel.tsx';
import { revealSlot } from '../layout/reveal.ts';
import { FindingsList } from './FindingsList.tsx';
import { brushOf, flameFocusOf, rebased } from './show-evidence.ts';
import { DUMPS_TABLE } from '../../state/table-views.ts';
import { useFindings } from './use-findings.ts';
import './findings.css';
import { traceFunctionOf } from '../trace-timeline/evidence-link.ts';

/** Findings (connected): ranked incident patterns of the loaded sources; "Show" brushes and focuses the evidence. */
export function FindingsPanel() {
  const sources = useApp((s) => s.session.sources);
  const origin = useApp((s) => s.session.originEpochNs);
  const setSelection = useApp((s) => s.setSelection);
  const focusSource = useApp((s) => s.focusSource);
  const showInFlameGraph = useApp((s) => s.showInFlameGraph);
  const updateHeatmapView = useApp((s) => s.updateHeatmapView);
  const showHeatmapOf = useApp((s) => s.showHeatmapOf);
  const expandGroup = useApp((s) => s.expandGroup);
  const showFunctionInTraceTimeline = useApp((s) => s.showFunctionInTraceTimeline);
  const traceFn = (e: Evidence) => traceFunctionOf(e, sources.find((s) => s.id === e.source)?.kind);
  const { result, shifts, error, loading } = useFindings(sources);
  const now = new Map(sources.map((s) => [s.id, s.axisShiftNs]));
  const onAxis = (e: Evidence) => rebased(e, shifts[e.source], now.get(e.source));

  const show = (raw: Evidence) => {
    const e = onAxis(raw);
    setSelection(brushOf(e));
    focusSource(e.source);
    if (e.view === 'heatmap' && e.focus?.state) {
      // A state's sockets by peer, or the states view (the heat map's own slice, per capture).
      showHeatmapOf(e.source);
      updateHeatmapView(e.source, e.focus.peer ? { mode: 'peer', state: e.focus.state } : { mode: 'state' });
    }
    if (e.view === 'blocking' && e.focus?.groupKey) {
      // The group row itself, opened: a dump's in the dumps table, a trace's in that trace's table.
      const kind = sources.find((s) => s.id === e.source)?.kind;
      expandGroup(kind === 'goroutine-dump' ? DUMPS_TABLE : e.source, e.focus.groupKey);
    }
    const flame = flameFocusOf(e);
    if (flame) showInFlameGraph(e.source, flame.fn, flame.profile);
    revealSlot(e.view);
  };
  const describeRange = (raw: Evidence) => {
    const e = onAxis(raw);
    if (!origin) return '';
    const a = formatClock(axisToDate(origin, e.range.startNs));
    return e.range.endNs > e.range.startNs ? `${a}–${formatClock(axisToDate(origin, e.range.endNs))} (${formatDuration(e.range.endNs - e.range.startNs)})` : a;
  };

  const brushLabel = (e: Evidence) => {
    if (!origin) return '';
    const b = brushOf(onAxis(e));
    return `${formatClock(axisToDate(origin, b.startNs))} – ${formatClock(axisToDate(origin, b.endNs))} (${formatDuration(b.endNs - b.startNs)})`;
  };

  return (
    <Panel title="Findings" testId="panel-findings">
      {error ? (
        <p className="panel-error">{error}</p>
      ) : !result ? (
        <p className="muted">{loading ? 'Diagnosing…' : 'Load evidence to get findings.'}</p>
      ) : (
        <FindingsList
          findings={result.findings}
          loading={loading}
          onShow={show}
          describeRange={describeRange}
          brushLabel={brushLabel}
          traceFunction={traceFn}
          onShowInTraceTimeline={(e) => {
            const fn = traceFn(e);
            if (!fn) return;
            setSelection(brushOf(onAxis(e)));
            showFunctionInTraceTimeline(e.source, fn);
            revealSlot('traceTimeline');
          }}
        />
      )}
    </Panel>
  );
}

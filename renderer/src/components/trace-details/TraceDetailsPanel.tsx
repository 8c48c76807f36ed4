import type { AnnotationInstances } from '../../../../shared/query/trace/trace-annotations.ts';
import { useApp } from '../../store.ts';
import { useSourceNames, useSourceSelection, useTraceDetailsView } from '../../selectors.ts';
import { useSourceQuery } from '../../query/use-source-query.ts';
import { axisSpan } from '../../time-domains.ts';
import { formatDuration } from '../../format.ts';
import { Panel } from '../Panel.tsx';
import { AnnotationsView, type InstanceKey } from './AnnotationsView.tsx';
import { GoroutineAnalysis } from './GoroutineAnalysis.tsx';
import './trace-details.css';
import { revealSlot } from '../layout/reveal.ts';

type Tab = 'annotations' | 'goroutines';

/**
 * What a Go trace holds beyond blocking, for the selected range: user tasks, regions and logs, and
 * the goroutine analysis (time per category by start function). Shows the focused trace, or the
 * session's first one.
 */
export function TraceDetailsPanel() {
  const sources = useApp((s) => s.session.sources);
  const nameOf = useSourceNames();
  const origin = useApp((s) => s.session.originEpochNs);
  const selection = useApp((s) => s.selection);
  const setSelection = useApp((s) => s.setSelection);
  const focusedId = useApp((s) => s.focusedSourceId);
  const traces = sources.filter((s) => s.status === 'ready' && s.kind === 'gotrace');
  const trace = traces.find((t) => t.id === focusedId) ?? traces[0];
  // The trace's view state (store slice): tab, the listed task/region type, the opened analysis row, its sort.
  const tv = useTraceDetailsView(trace?.id);
  const update = useApp((s) => s.updateTraceDetailsView);
  const showInTraceTimeline = useApp((s) => s.showInTraceTimeline);
  const { tab, open, openGroup } = tv;
  const setTab = (t: Tab) => trace && update(trace.id, { tab: t });
  const setOpen = (k: InstanceKey | null) => trace && update(trace.id, { open: k });
  const setOpenGroup = (g: string | null) => trace && update(trace.id, { openGroup: g });

  const shift = trace?.axisShiftNs ?? 0;
  const range = useSourceSelection(trace?.id);
  const rq = range ? { range } : {};
  // Debounced, so brushing does not flood the host; the last answer stays on screen meanwhile.
  const opts = { debounceMs: 100 };
  const annQ = useSourceQuery(trace?.id, 'traceAnnotations', tab === 'annotations' ? { ...rq, ...(open ? { instances: { ...open, limit: 500 } } : {}) } : null, opts);
  const groupsQ = useSourceQuery(trace?.id, 'goroutineBreakdown', tab === 'goroutines' ? rq : null, opts);
  const membersQ = useSourceQuery(
    trace?.id,
    'goroutineBreakdown',
    tab === 'goroutines' && openGroup !== null ? { ...rq, groupBy: 'goroutine', name: openGroup, limit: 100 } : null,
    opts,
  );
  const ann = { data: annQ.data?.annotations ?? null, error: annQ.error, fresh: annQ.fresh };
  const groups = { data: groupsQ.data?.breakdown ?? null, error: groupsQ.error, fresh: groupsQ.fresh };
  const members = { data: membersQ.data?.breakdown ?? null, error: membersQ.error, fresh: membersQ.fresh };

  // Said of the range the figures were computed for (the answer may lag the selection a moment).
  const rangeText = (r: { startNs: number; endNs: number }) =>
    trace && Math.abs(r.startNs - ((trace.axisStartNs ?? 0) - shift)) < 1 && Math.abs(r.endNs - ((trace.axisEndNs ?? 0) - shift)) < 1
      ? 'whole trace'
      : `selected ${formatDuration(r.endNs - r.startNs)}`;
  const summary = !trace
    ? ''
    : tab === 'annotations' && ann.data
      ? `${ann.data.tasks.reduce((s, r) => s + r.count, 0).toLocaleString('en-US')} tasks · ${ann.data.regions.reduce((s, r) => s + r.count, 0).toLocaleString('en-US')} regions · ${ann.data.logsInRange.toLocaleString('en-US')} logs · ${rangeText(ann.data.range)}`
      : tab === 'goroutines' && groups.data
        ? `${groups.data.goroutines.toLocaleString('en-US')} goroutines · ${rangeText(groups.data.range)}`
        : '';
  const instances: AnnotationInstances | null = open && ann.data?.instances && ann.data.instances.kind === open.kind && ann.data.instances.type === open.type ? ann.data.instances : null;
  const error = tab === 'annotations' ? ann.error : (groups.error ?? members.error);

  if (!trace) {
    return (
      <Panel
        title="Trace details"
        testId="panel-trace"
        empty="Drop a Go execution trace to see its user tasks, regions and logs (runtime/trace) and where each goroutine’s time went."
      />
    );
  }
  return (
    <Panel
      title={trace && traces.length > 1 ? `Trace details · ${nameOf(trace)}` : 'Trace details'}
      testId="panel-trace"
      actions={
        <>
          <span className="muted" data-testid="trace-details-summary">
            {summary}
          </span>
          {trace && (
            <span className="seg" role="tablist">
              <button role="tab" aria-selected={tab === 'annotations'} className={tab === 'annotations' ? 'on' : ''} onClick={() => setTab('annotations')}>
                Tasks &amp; regions
              </button>
              <button role="tab" aria-selected={tab === 'goroutines'} className={tab === 'goroutines' ? 'on' : ''} onClick={() => setTab('goroutines')}>
                Goroutine analysis
              </button>
            </span>
          )}
        </>
      }
    >
      {error && <p className="panel-error">{error}</p>}
      {trace && tab === 'annotations' && ann.data && (
        <AnnotationsView
          data={ann.data}
          origin={origin}
          shiftNs={shift}
          open={open}
          instances={instances}
          selection={selection}
          onToggle={(k) => setOpen(open && open.kind === k.kind && open.type === k.type ? null : k)}
          onPick={(startNs, endNs) => {
            // A zero-length span still selects something visible: 1 µs.
            const s = startNs + shift;
            const e = Math.max(endNs + shift, s + 1_000);
            setSelection(axisSpan(s, e));
          }}
        />
      )}
      {trace && tab === 'goroutines' && groups.data && (
        <GoroutineAnalysis
          data={groups.data}
          sort={tv.sort}
          onSort={(sort) => update(trace.id, { sort })}
          openGroup={openGroup} members={openGroup !== null && members.fresh ? members.data : null} onToggle={(name) => setOpenGroup(openGroup === name ? null : name)}
          onShowGoroutine={(g) => {
            showInTraceTimeline(trace.id, g);
            revealSlot('traceTimeline');
          }} />
      )}
    </Panel>
  );
}

import type { Evidence, Finding } from '../../../../shared/query/findings/types.ts';

const VIEW_NAMES: Record<Evidence['view'], string> = { heatmap: 'connections', blocking: 'goroutines', flame: 'flame graph', trace: 'trace details' };

/** `code` spans of a finding's text as <code>. */
function Rich({ text }: { text: string }) {
  const parts = text.split('`');
  return <>{parts.map((p, i) => (i % 2 === 1 ? <code key={i}>{p}</code> : <span key={i}>{p}</span>))}</>;
}

/** The ranked findings (plain props): confidence, summary, evidence with "Show", what to check. */
export function FindingsList({
  findings,
  loading,
  onShow,
  describeRange,
  brushLabel,
  traceFunction,
  onShowInTraceTimeline,
}: {
  findings: Finding[];
  loading: boolean;
  onShow: (e: Evidence) => void;
  /** Wall-clock text of an evidence's range. */
  describeRange: (e: Evidence) => string;
  /** The selection label "Show" will produce (the timeline's own wording), for tests and tooltips. */
  brushLabel?: (e: Evidence) => string;
  /** The function whose goroutines a trace's evidence names (null: none), and showing them in the trace timeline. */
  traceFunction?: (e: Evidence) => string | null;
  onShowInTraceTimeline?: (e: Evidence) => void;
}) {
  if (findings.length === 0)
    return (
      <p className="muted" data-testid="findings-none">
        No findings: nothing in the loaded evidence matches a known incident pattern (connection leak, TIME-WAIT storm, fd leak, goroutine leak, lock contention, CPU saturation).
      </p>
    );
  return (
    <ol className="findings" data-testid="findings" data-state={loading ? 'loading' : 'ready'}>
      {findings.map((f) => (
        <li key={f.pattern} className={`finding ${f.confidence}`} data-testid="finding" data-pattern={f.pattern} data-confidence={f.confidence}>
          <div className="finding-head">
            <span className={`confidence ${f.confidence}`}>{f.confidence}</span>
            <span className="finding-title">{f.title}</span>
            <span className="muted pattern">{f.pattern}</span>
          </div>
          <p className="finding-summary">
            <Rich text={f.summary} />
          </p>
          <ul className="finding-evidence">
            {f.evidence.map((e, i) => (
              <li key={i} data-testid="finding-evidence" data-view={e.view} data-source={e.source} data-brush-label={brushLabel?.(e)}>
                <button className="link show" data-testid="finding-show" title={`Select ${describeRange(e)} and open the ${VIEW_NAMES[e.view]} view`} onClick={() => onShow(e)}>
                  Show
                </button>{' '}
                <span className="figure">{e.figure}</span> <span className="muted">· {e.sourceName} · {VIEW_NAMES[e.view]} · {describeRange(e)}</span>
                {onShowInTraceTimeline && traceFunction?.(e) && (
                  <>
                    {' '}
                    <button className="link" data-testid="finding-show-trace-timeline" title={`Lanes for the goroutines of ${traceFunction(e)} in the trace timeline`} onClick={() => onShowInTraceTimeline(e)}>
                      in trace timeline
                    </button>
                  </>
                )}
              </li>
            ))}
          </ul>
          <details className="finding-next" open={f.confidence !== 'low'}>
            <summary>What to check in the code</summary>
            <ul>
              {f.next.map((n, i) => (
                <li key={i}>
                  <Rich text={n} />
                </li>
              ))}
            </ul>
          </details>
        </li>
      ))}
    </ol>
  );
}

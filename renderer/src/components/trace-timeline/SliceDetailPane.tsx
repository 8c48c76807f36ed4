import type { SliceDetail } from '../../../../shared/query/trace/timeline/timeline-types.ts';
import type { FlameNode } from '../../../../shared/query/stacks/call-tree.ts';
import { formatCount, formatDuration, shortFunctionName } from '../../format.ts';
import { KIND_NAMES } from './colors.ts';
import { formatPrecise } from './time-scale.ts';

/** Time since the trace start, as the axis reads it. */
const at = (t: number, originNs: number) => formatPrecise(t - originNs);

/**
 * The clicked slice (plain props): goroutine, state and reason, the stack at that moment, who woke it
 * ("unblocked by G… at …", a link to the waker's slice and back), the goroutines it woke, and its events.
 */
export function SliceDetailPane({
  detail,
  originNs,
  loading,
  error,
  canGoBack,
  onJump,
  onBack,
  onPin,
  onZoom,
  onClose,
}: {
  detail: SliceDetail | null;
  originNs: number;
  loading: boolean;
  error: string | null;
  canGoBack: boolean;
  /** Opens goroutine g's slice at t (pinning its lane). */
  onJump(g: number, t: number): void;
  onBack(): void;
  onPin(g: number): void;
  onZoom(start: number, end: number): void;
  onClose(): void;
}) {
  return (
    <aside className="tt-detail" data-testid="trace-slice-detail" data-state={loading ? 'loading' : 'ready'} aria-label="Slice details">
      <header>
        {detail ? (
          <b data-testid="detail-title">
            G{detail.g} · {KIND_NAMES[detail.state] ?? detail.state}
            {detail.reason ? ` (${detail.reason})` : ''}
          </b>
        ) : (
          <b>{loading ? 'Loading…' : 'Nothing here'}</b>
        )}
        <span className="toolbar-spacer" />
        {canGoBack && (
          <button className="link" data-testid="detail-back" onClick={onBack} title="Back to where the last jump started (Backspace)">
            ← back
          </button>
        )}
        <button className="link" aria-label="Close the details" onClick={onClose}>
          ✕
        </button>
      </header>
      {error && <p className="panel-error">{error}</p>}
      {detail && (
        <div className="tt-detail-body">
          <dl>
            <dt>function</dt>
            <dd title={detail.fn}>
              <code>{shortFunctionName(detail.fn) || '—'}</code>
            </dd>
            <dt>from</dt>
            <dd>{at(detail.start, originNs)}</dd>
            <dt>duration</dt>
            <dd data-testid="detail-duration">{formatDuration(detail.end - detail.start)}</dd>
            {detail.p >= 0 && (
              <>
                <dt>on</dt>
                <dd>P{detail.p}</dd>
              </>
            )}
          </dl>
          <p className="tt-actions">
            <button className="link" onClick={() => onZoom(detail.start, detail.end)} data-testid="detail-zoom">
              Zoom to it (F)
            </button>{' '}
            · <button className="link" onClick={() => onPin(detail.g)} data-testid="detail-pin">
              G{detail.g}’s lane
            </button>
          </p>
          {detail.wokenBy ? (
            <p className="tt-waker" data-testid="detail-waker">
              Unblocked by{' '}
              <button className="link" data-testid="waker-link" data-g={detail.wokenBy.g} onClick={() => onJump(detail.wokenBy!.g, detail.wokenBy!.t)} title="Open the waker’s slice (Backspace comes back)">
                G{detail.wokenBy.g}
              </button>{' '}
              <span className="muted">{detail.wokenBy.fn ? shortFunctionName(detail.wokenBy.fn) : ''}</span> at {at(detail.wokenBy.t, originNs)}
            </p>
          ) : (
            <p className="muted" data-testid="detail-no-waker">
              {detail.state === 'running' || detail.state === 'runnable' ? 'No wake-up recorded before this slice (it was created, preempted or already runnable).' : 'Not woken within this slice.'}
            </p>
          )}
          {detail.woke.length > 0 && (
            <p data-testid="detail-woke">
              Woke{' '}
              {detail.woke.slice(0, 12).map((w, i) => (
                <span key={i}>
                  {i > 0 && ', '}
                  <button className="link" onClick={() => onJump(w.g, w.t)}>
                    G{w.g}
                  </button>
                </span>
              ))}
              {detail.woke.length > 12 && ` and ${detail.woke.length - 12} more`}
            </p>
          )}
          <h3>Stack</h3>
          {detail.stack.length ? (
            <ol className="stack-frames" data-testid="detail-stack">
              {detail.stack.map((f, i) => (
                <li key={i} title={`${f.fn}\n${f.file}:${f.line}`}>
                  <code>{shortFunctionName(f.fn)}</code> <span className="muted">{f.file ? `${f.file.split('/').pop()}:${f.line}` : ''}</span>
                </li>
              ))}
            </ol>
          ) : (
            <p className="muted">The trace holds no stack for this moment.</p>
          )}
          <h3>
            Events <span className="muted">({formatCount(detail.events.length)} of {formatCount(detail.eventsTotal)})</span>
          </h3>
          <table className="tt-events" data-testid="detail-events">
            <tbody>
              {detail.events.map((e, i) => (
                <tr key={i} className={e.t >= detail.start && e.t <= detail.end ? 'in' : ''}>
                  <td className="num">{at(e.t, originNs)}</td>
                  <td>
                    {e.from} → {e.to}
                    {e.reason ? <span className="muted"> · {e.reason}</span> : null}
                  </td>
                  <td>{e.p >= 0 ? `P${e.p}` : ''}</td>
                  <td>
                    {e.byG >= 0 && (
                      <button className="link" onClick={() => onJump(e.byG, e.t)}>
                        by G{e.byG}
                      </button>
                    )}
                  </td>
                  <td className="muted" title={e.where}>
                    {e.where ? shortFunctionName(e.where) : ''}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </aside>
  );
}

/** The heaviest sampled stacks of a call tree (root → leaf paths by the leaf's own weight), at most `k`. */
export function heaviestStacks(root: FlameNode, k: number): { frames: string[]; weight: number }[] {
  const out: { frames: string[]; weight: number }[] = [];
  const walk = (n: FlameNode, path: string[]) => {
    if (n.self > 0) out.push({ frames: path, weight: n.self });
    for (const c of n.children) walk(c, [...path, c.name]);
  };
  for (const c of root.children) walk(c, [c.name]);
  return out.sort((a, b) => b.weight - a.weight).slice(0, k);
}

/** The CPU samples of one pixel column: their heaviest stacks, leaf first. */
export function CpuSamplePane({ stacks, total, loading, onClose }: { stacks: { frames: string[]; weight: number }[]; total: number; loading: boolean; onClose(): void }) {
  return (
    <aside className="tt-detail" data-testid="trace-cpu-detail" data-state={loading ? 'loading' : 'ready'} aria-label="CPU samples">
      <header>
        <b>CPU samples · {formatDuration(total)} sampled</b>
        <span className="toolbar-spacer" />
        <button className="link" aria-label="Close the details" onClick={onClose}>
          ✕
        </button>
      </header>
      <div className="tt-detail-body">
        {stacks.map((s, i) => (
          <div key={i}>
            <h3>
              Stack {i + 1} <span className="muted">· {formatDuration(s.weight)}</span>
            </h3>
            <ol className="stack-frames" data-testid="cpu-stack">
              {[...s.frames].reverse().map((f, j) => (
                <li key={j} title={f}>
                  <code>{shortFunctionName(f)}</code>
                </li>
              ))}
            </ol>
          </div>
        ))}
        {!loading && stacks.length === 0 && <p className="muted">No CPU samples here.</p>}
      </div>
    </aside>
  );
}

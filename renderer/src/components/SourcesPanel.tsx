import type { SourceInfo } from '../../../shared/bridge.ts';
import { bridge } from '../bridge-client.ts';
import { useApp } from '../store.ts';
import { axisToDate, formatBytes, formatClock, formatDuration } from '../format.ts';
import { OffsetEditor } from './alignment/OffsetEditor.tsx';

const KIND_LABEL: Record<SourceInfo['kind'], string> = {
  pprof: 'profile',
  'goroutine-dump': 'goroutines',
  gotrace: 'trace',
  ss: 'sockets',
  error: 'error',
};

function TimeSpan({ s, origin }: { s: SourceInfo; origin: string | null }) {
  if (s.axisStartNs === undefined || s.axisEndNs === undefined || !origin) return null;
  const start = formatClock(axisToDate(origin, s.axisStartNs));
  const dur = s.axisEndNs - s.axisStartNs;
  return (
    <span className="source-time" title={s.clock ? `placed by ${s.clock.basis} (${s.clock.quality})` : undefined}>
      {start}
      {dur > 0 ? ` + ${formatDuration(dur)}` : ''}
      {s.clock && s.clock.quality !== 'exact' && <span className={`clock-badge ${s.clock.quality}`}>{s.clock.quality}</span>}
    </span>
  );
}

function SourceRow({ s, origin, focused }: { s: SourceInfo; origin: string | null; focused: boolean }) {
  const focus = useApp((st) => st.focusSource);
  return (
    <li
      className={`source ${s.status} ${focused ? 'focused' : ''}`}
      data-testid="source"
      data-kind={s.kind}
      data-status={s.status}
      data-name={s.name}
      onClick={() => s.status === 'ready' && focus(s.id)}
    >
      <div className="source-line">
        <span className={`kind-badge ${s.status === 'ingesting' ? 'kind-ingesting' : `kind-${s.kind}`}`}>
          {s.status === 'ingesting' ? `reading ${Math.round(s.progress * 100)}%` : KIND_LABEL[s.kind]}
        </span>
        <span className="source-name" title={s.origin.type === 'file' ? s.origin.path : s.name}>
          {s.name}
        </span>
        <button
          className="icon"
          aria-label={`Remove ${s.name}`}
          data-testid="remove-source"
          onClick={(e) => {
            e.stopPropagation();
            void bridge.request('removeSource', { id: s.id });
          }}
        >
          ×
        </button>
      </div>
      {s.status === 'ingesting' && (
        <div className="source-progress">
          <progress max={1} value={s.progress} aria-label={`Reading ${s.name}`} />
          <button onClick={() => void bridge.request('cancelIngest', { id: s.id })}>Cancel</button>
        </div>
      )}
      {s.status === 'ready' && (
        <div className="source-meta">
          <span className="source-format" data-testid="source-format">
            {s.format}
          </span>
          <span className="muted"> · {formatBytes(s.sizeBytes)}</span>
          {s.partial && <span className="partial-badge"> partial</span>}
          <div>
            <TimeSpan s={s} origin={origin} /> <OffsetEditor s={s} origin={origin} />
          </div>
        </div>
      )}
      {(s.status === 'error' || s.status === 'cancelled') && (
        <div className="source-error" data-testid="source-error">
          {s.status === 'cancelled' ? 'cancelled' : s.error}
        </div>
      )}
    </li>
  );
}

export function SourcesPanel() {
  const session = useApp((s) => s.session);
  const focused = useApp((s) => s.focusedSourceId);
  return (
    <aside className="sources" data-testid="sources-panel" aria-label="Sources">
      <h2>Sources</h2>
      <ul>
        {session.sources.map((s) => (
          <SourceRow key={s.id} s={s} origin={session.originEpochNs} focused={s.id === focused} />
        ))}
      </ul>
    </aside>
  );
}

import type { SourceInfo } from '../../../shared/bridge.ts';
import { bridge } from '../bridge-client.ts';
import { useApp } from '../store.ts';
import { axisToDate, formatBytes, formatClock, formatDuration } from '../format.ts';
import { OffsetEditor } from './alignment/OffsetEditor.tsx';
import './ssh/ssh.css'; // .live-badge
import { entryKeys } from './keyboard.ts';
import { useSourceNames } from '../selectors.ts';

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

function LiveBadge({ s }: { s: SourceInfo }) {
  const n = Number(s.figures?.snapshots ?? 0);
  return (
    <span className="live-badge" data-testid="live-badge" data-snapshots={n} title="Still collecting: re-read as snapshots arrive">
      live · {n.toLocaleString('en-US')} snapshot{n === 1 ? '' : 's'}
    </span>
  );
}

function SourceRow({ s, label, origin, focused }: { s: SourceInfo; label: string; origin: string | null; focused: boolean }) {
  const focus = useApp((st) => st.focusSource);
  return (
    <li
      className={`source ${s.status} ${focused ? 'focused' : ''}`}
      data-testid="source"
      data-kind={s.kind}
      data-status={s.status}
      data-name={s.name}
      data-label={label}
      onClick={() => s.status === 'ready' && focus(s.id)}
      role="option"
      aria-selected={focused}
      aria-label={`${label} (${s.kind})`}
      {...entryKeys(() => s.status === 'ready' && focus(s.id))}
    >
      <div className="source-line">
        {/* A live capture is not "reading": it waits for snapshots, then grows. */}
        {!(s.live && s.status === 'ingesting') && (
          <span className={`kind-badge ${s.status === 'ingesting' ? 'kind-ingesting' : `kind-${s.kind}`}`}>
            {s.status === 'ingesting' ? `reading ${Math.round(s.progress * 100)}%` : KIND_LABEL[s.kind]}
          </span>
        )}
        {s.live && s.status === 'ingesting' && <LiveBadge s={s} />}
        <span className="source-name" data-testid="source-name" title={s.origin.type === 'upload' ? label : s.origin.path}>
          {label}
        </span>
        <button
          className="icon"
          aria-label={`Remove ${label}`}
          data-testid="remove-source"
          onClick={(e) => {
            e.stopPropagation();
            void bridge.request('removeSource', { id: s.id });
          }}
        >
          ×
        </button>
      </div>
      {s.status === 'ingesting' && s.live && <div className="source-live-wait muted">waiting for the first snapshot…</div>}
      {s.status === 'ingesting' && !s.live && (
        <div className="source-progress">
          <progress max={1} value={s.progress} aria-label={`Reading ${label}`} />
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
          {s.live && <LiveBadge s={s} />}
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
  const nameOf = useSourceNames();
  return (
    <aside className="sources" data-testid="sources-panel" aria-label="Sources">
      <h2>Sources</h2>
      <ul role="listbox" aria-label="Sources (Enter shows one in the views)">
        {session.sources.map((s) => (
          <SourceRow key={s.id} s={s} label={nameOf(s)} origin={session.originEpochNs} focused={s.id === focused} />
        ))}
      </ul>
    </aside>
  );
}

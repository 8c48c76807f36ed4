import { useMemo } from 'react';
import type { ChangeCategory, ChangeRow, WhatChangedResult } from '../../../../shared/query/what-changed.ts';
import { sessionExtent, useApp, type TimeRange } from '../../store.ts';
import { axisToDate, formatClock, formatDuration } from '../../format.ts';
import { Panel } from '../Panel.tsx';
import { revealSlot } from '../layout/reveal.ts';
import { useWhatChanged } from './use-what-changed.ts';
import './changes.css';
import { sourceDisplayNames } from '../../../../shared/source-names.ts';

const TITLES: Record<ChangeCategory, { title: string; note: string }> = {
  'socket-state': { title: 'Sockets by state', note: 'mean sockets per snapshot' },
  'socket-peer': { title: 'Sockets by peer', note: 'mean sockets per snapshot, all states' },
  'trace-group': { title: 'Goroutine groups (trace)', note: 'goroutines blocked there on average' },
  'dump-group': { title: 'Goroutine groups (dumps)', note: 'goroutines per dump' },
  'blocking-reason': { title: 'Blocked time by reason (trace)', note: 'goroutines blocked on average' },
  'profile-delta': { title: 'Profile movers (series)', note: 'flat delta per second of the intervals used; delay in s/s = goroutines blocked' },
};

/** Small numbers keep a decimal (a trace mean of 0.4 goroutines), counts do not. */
function num(v: number): string {
  const a = Math.abs(v);
  if (a === 0) return '0';
  if (a < 10) return v.toFixed(1).replace(/\.0$/, '');
  return Math.round(v).toLocaleString('en-US');
}
const signed = (v: number) => `${v > 0 ? '+' : v < 0 ? '−' : '±'}${num(Math.abs(v))}`;

/**
 * "What changed" (connected): the selected range against the rest of the session or a pinned
 * baseline; the biggest movers per category; a row click opens the view that shows it.
 */
export function WhatChangedPanel() {
  const session = useApp((s) => s.session);
  const selection = useApp((s) => s.selection);
  const baseline = useApp((s) => s.baseline);
  const setBaseline = useApp((s) => s.setBaseline);
  const focusSource = useApp((s) => s.focusSource);
  const showInFlameGraph = useApp((s) => s.showInFlameGraph);
  const extent = useMemo(() => sessionExtent(session), [session]);
  const { result, error, loading } = useWhatChanged(session.sources, selection, baseline, extent, session.profileSeries);
  const origin = session.originEpochNs;
  const fmtRange = (r: TimeRange) => (origin ? `${formatClock(axisToDate(origin, r.startNs))}–${formatClock(axisToDate(origin, r.endNs))}` : '');
  const names = useMemo(() => sourceDisplayNames(session.sources), [session.sources]);

  const open = (r: ChangeRow) => {
    focusSource(r.sourceId);
    if (r.category === 'socket-state' || r.category === 'socket-peer') revealSlot('heatmap');
    else if (r.category === 'blocking-reason') revealSlot('blocking');
    else {
      if (r.function) showInFlameGraph(r.sourceId, r.function);
      revealSlot('flame');
    }
  };

  return (
    <Panel
      title="What changed"
      testId="panel-changes"
      actions={
        <>
          <span className="muted" data-testid="changes-baseline">
            {baseline ? `vs baseline ${fmtRange(baseline)}` : 'vs rest of session'}
          </span>
          {baseline ? (
            <button className="link" data-testid="changes-clear-baseline" onClick={() => setBaseline(null)}>
              Clear baseline
            </button>
          ) : (
            <button
              className="link"
              data-testid="changes-pin-baseline"
              disabled={!selection}
              title="Keep this range as the baseline, then brush another range to compare"
              onClick={() => selection && setBaseline(selection)}
            >
              Pin selection as baseline
            </button>
          )}
        </>
      }
    >
      {!selection ? (
        <p className="muted" data-testid="changes-empty">
          Brush a range on the timeline: this panel lists what moved most in it against {baseline ? 'the pinned baseline' : 'the rest of the session'} —
          sockets by state and peer, goroutine groups, blocked time by reason.
        </p>
      ) : error ? (
        <p className="panel-error">{error}</p>
      ) : !result ? (
        <p className="muted">Comparing…</p>
      ) : (
        <WhatChangedTable result={result} names={names} onOpen={open} loading={loading} rangeLabel={`selection ${fmtRange(selection)} (${formatDuration(selection.endNs - selection.startNs)})`} />
      )}
    </Panel>
  );
}

export function WhatChangedTable({
  result,
  names,
  onOpen,
  loading,
  rangeLabel,
}: {
  result: WhatChangedResult;
  names: Map<string, string>;
  onOpen: (r: ChangeRow) => void;
  loading: boolean;
  rangeLabel: string;
}) {
  if (result.categories.length === 0) return <p className="muted">Nothing moved between the selection and the baseline.</p>;
  return (
    <div className="changes" data-testid="changes" data-state={loading ? 'loading' : 'ready'}>
      <p className="changes-range muted">{rangeLabel}</p>
      <Headline result={result} onOpen={onOpen} />
      {result.categories.map((c) => {
        const top = Math.max(...c.rows.map((r) => r.score));
        // Name the source only where rows of one category come from several sources.
        const multiSource = new Set(c.rows.map((r) => r.sourceId)).size > 1;
        return (
          <section key={c.category} className="changes-category" data-testid="changes-category" data-category={c.category}>
            <h3>
              {TITLES[c.category].title} <span className="muted">· {TITLES[c.category].note}</span>
            </h3>
            <table className="changes-table">
              <thead>
                <tr>
                  <th>What</th>
                  <th className="num sel" title={`Mean over the selection (${TITLES[c.category].note})`}>
                    Selection
                  </th>
                  <th className="num base" title="Mean over the baseline">
                    Baseline
                  </th>
                  <th className="num chg" title="Selection minus baseline">
                    Change
                  </th>
                  <th className="num run" title={c.category === 'trace-group' || c.category === 'blocking-reason' ? 'First half → second half of the selection' : 'First → last snapshot or dump in the selection'}>
                    Start → end
                  </th>
                </tr>
              </thead>
              <tbody>
                {c.rows.map((r) => (
                  <ChangeRowView
                    key={`${r.sourceId}|${r.key}`}
                    r={r}
                    source={r.host !== undefined ? `host ${r.host}` : multiSource ? names.get(r.sourceId) : undefined}
                    barShare={top > 0 ? r.score / top : 0}
                    onOpen={onOpen}
                  />
                ))}
              </tbody>
            </table>
          </section>
        );
      })}
    </div>
  );
}

/**
 * One row, one measure per column: the selection's mean, the baseline's mean, their difference (the
 * change), and the movement inside the selection (start → end). The bar and the colour follow the
 * row's score, the larger of the two movements.
 */
function ChangeRowView({ r, source, barShare, onOpen }: { r: ChangeRow; source?: string; barShare: number; onOpen: (r: ChangeRow) => void }) {
  const main = mainMove(r);
  const dir = main > 0 ? 'up' : main < 0 ? 'down' : 'flat';
  const arrow = (v: number) => (v > 0 ? '▲' : v < 0 ? '▼' : '•');
  const growthDir = r.growth === null ? 'flat' : r.growth > 0 ? 'up' : r.growth < 0 ? 'down' : 'flat';
  return (
    <tr
      className={`change-row ${dir}`}
      data-testid="change-row"
      data-category={r.category}
      data-key={r.key}
      data-function={r.function ?? undefined}
      data-growth={r.growth ?? undefined}
      data-delta={r.delta ?? undefined}
      data-first={r.a?.first ?? undefined}
      data-last={r.a?.last ?? undefined}
      data-host={r.host}
      tabIndex={0}
      title="Show it in its view"
      onClick={() => onOpen(r)}
      onKeyDown={(e) => {
        if (e.key === 'Enter' || e.key === ' ') {
          e.preventDefault();
          onOpen(r);
        }
      }}
    >
      <td className="what">
        <span className="bar" style={{ width: `${Math.round(barShare * 100)}%` }} />
        <Label text={r.label} />
        {(source || (r.totalNsA !== undefined && r.totalNsA > 0)) && (
          <div className="sub" data-testid="change-source">
            {[r.totalNsA ? `${formatDuration(r.totalNsA)} blocked in the selection` : '', source ?? ''].filter(Boolean).join(' · ')}
          </div>
        )}
      </td>
      <td className="num" data-testid="change-sel">
        {r.a ? num(r.a.mean) : <span className="muted">—</span>}
      </td>
      <td className="num" data-testid="change-base">
        {r.b ? num(r.b.mean) : <span className="muted">no data</span>}
      </td>
      <td className={`num change ${r.delta === null ? 'flat' : r.delta > 0 ? 'up' : r.delta < 0 ? 'down' : 'flat'}`} data-testid="change-delta">
        {r.delta === null ? <span className="muted">—</span> : `${arrow(r.delta)} ${signed(r.delta)}`}
      </td>
      <td className={`num change ${growthDir}`} data-testid="change-run">
        {r.a && r.a.first !== null && r.a.last !== null ? `${num(r.a.first)} → ${num(r.a.last)}` : <span className="muted">—</span>}
      </td>
    </tr>
  );
}

/** The larger of the two movements (change vs baseline, or start → end inside the selection), signed. */
function mainMove(r: ChangeRow): number {
  return r.growth !== null && (r.delta === null || Math.abs(r.growth) >= Math.abs(r.delta)) ? r.growth : (r.delta ?? 0);
}

/** "fn [state]": the state muted, so the function reads first. */
function Label({ text }: { text: string }) {
  const i = text.lastIndexOf(' [');
  if (i < 0 || !text.endsWith(']')) return <span className="label">{text}</span>;
  return (
    <span className="label">
      {text.slice(0, i)} <span className="muted state">{text.slice(i + 1)}</span>
    </span>
  );
}

const HEAD_UNIT: Record<ChangeCategory, string> = {
  'socket-state': 'sockets',
  'socket-peer': 'sockets',
  'trace-group': 'blocked',
  'dump-group': 'goroutines',
  'blocking-reason': 'blocked',
  'profile-delta': '/s',
};

/** The top mover of each category on one line: the story at a glance. */
function Headline({ result, onOpen }: { result: WhatChangedResult; onOpen: (r: ChangeRow) => void }) {
  const tops = result.categories.filter((c) => c.category !== 'socket-peer').map((c) => c.rows[0]!);
  return (
    <div className="changes-headline" data-testid="changes-headline">
      <b>Biggest movers:</b>
      {tops.map((r) => {
        const main = mainMove(r);
        const within = main === r.growth && main !== r.delta;
        const name = `${r.function ? r.function.replace(/^.*\//, '') : r.label}${r.host !== undefined ? ` on ${r.host}` : ''}`;
        return (
          <button key={r.category} className={`headline-chip ${main > 0 ? 'up' : main < 0 ? 'down' : ''}`} onClick={() => onOpen(r)} title={r.label}>
            {main > 0 ? '▲' : main < 0 ? '▼' : '•'} {name} {signed(main)} {HEAD_UNIT[r.category]} {within ? 'in the selection' : 'vs baseline'}
          </button>
        );
      })}
    </div>
  );
}

import { useState } from 'react';
import type { CollectionInfo, PprofSchedule, PprofScheduleState, SshPprofKind } from '../../../../shared/bridge.ts';
import { PprofScheduleFields, SCHEDULE_DEFAULTS, scheduleLabel, toPprofSchedule } from './PprofScheduleFields.tsx';

export interface PprofFetch {
  kind: SshPprofKind;
  port: number;
  seconds?: number;
  debug?: 0 | 1 | 2;
  /** kind 'custom': the endpoint's path on the listener (the host validates it). */
  path?: string;
}

const STATE_LABEL: Record<CollectionInfo['state'], string> = {
  connecting: 'connecting…',
  connected: 'collecting',
  disconnected: 'disconnected',
  reconnecting: 'reconnecting',
  stopped: 'stopped',
  error: 'failed',
};

/** The pprof button and its menu (a fetch now, or a schedule); closes once a choice is made. */
export function PprofMenuButton(props: {
  testId: string;
  label: string;
  title: string;
  disabled: boolean;
  schedule: PprofScheduleState | undefined;
  onFetch(f: PprofFetch): void;
  onSchedule(s: PprofSchedule | null): void;
}) {
  const [menu, setMenu] = useState(false);
  return (
    <span className="ssh-menu-anchor">
      <button data-testid={props.testId} disabled={props.disabled} title={props.title} onClick={() => setMenu(!menu)} aria-expanded={menu}>
        {props.label}
      </button>
      {menu && (
        <PprofMenu
          schedule={props.schedule}
          onFetch={(f) => {
            setMenu(false);
            props.onFetch(f);
          }}
          onSchedule={(sch) => {
            setMenu(false);
            props.onSchedule(sch);
          }}
          onClose={() => setMenu(false)}
        />
      )}
    </span>
  );
}

/** One collection in the toolbar: state, snapshots, reconnect attempts, Stop / Cancel, the pprof menu. */
export function CollectionStatus({
  c,
  fetching,
  onStop,
  onCancel,
  onDismiss,
  onFetch,
  onSchedule,
}: {
  c: CollectionInfo;
  fetching: string[];
  onStop: () => void;
  onCancel: () => void;
  onDismiss: () => void;
  onFetch: (f: PprofFetch) => void;
  /** Sets (or, with null, clears) the interval fetch. */
  onSchedule: (s: PprofSchedule | null) => void;
}) {
  // Inline only when it failed (the full text is also a notice); drop reasons stay in the tooltip.
  const showMessage = c.message && c.state === 'error';
  const name = c.remoteHostname && c.remoteHostname !== c.host ? `${c.host} (${c.remoteHostname})` : c.host;
  return (
    <div
      className={`ssh-collection state-${c.state}`}
      data-testid="ssh-collection"
      data-state={c.state}
      data-snapshots={c.snapshots}
      title={`${c.target}\ncapture: ${c.capturePath}${c.command ? `\ncommand: ${c.command}` : ''}${c.message ? `\n${c.message}` : ''}`}
    >
      <span className="ssh-dot" aria-hidden />
      <b className="ssh-host">{name}</b>
      <span className="ssh-state" data-testid="ssh-state">
        {STATE_LABEL[c.state]}
        {c.state === 'reconnecting' && c.attempts > 0 ? ` (attempt ${c.attempts})` : ''}
      </span>
      <span className="ssh-count" data-testid="ssh-snapshots">
        {c.snapshots.toLocaleString('en-US')} snapshot{c.snapshots === 1 ? '' : 's'}
      </span>
      {(c.droppedSnapshots ?? 0) > 0 && (
        <span className="ssh-dropped" data-testid="ssh-dropped" title="Snapshots taken back out (output past the cap, or ss ended by its timeout); a gap marks each on the timeline">
          {c.droppedSnapshots} dropped
        </span>
      )}
      {/* A bound that stopped the collection is always said inline: the view would otherwise just stop growing. */}
      {c.limit ? (
        <span className="ssh-message ssh-limit" data-testid="ssh-limit">
          {c.limit}
        </span>
      ) : (
        showMessage && <span className="ssh-message">{c.message}</span>
      )}
      {fetching.length > 0 && <span className="ssh-fetching">fetching {fetching.join(', ')}…</span>}
      {c.pprofSchedule && <ScheduleChip s={c.pprofSchedule} running={c.running} />}
      {c.running ? (
        <>
          <PprofMenuButton
            testId="ssh-pprof"
            label="pprof ▾"
            disabled={c.state !== 'connected'}
            title={c.state === 'connected' ? 'Fetch Go pprof data over this connection' : 'Available while connected'}
            schedule={c.pprofSchedule}
            onFetch={onFetch}
            onSchedule={onSchedule}
          />
          <button data-testid="ssh-stop" title="Finish the snapshot in flight, then disconnect; the capture stays" onClick={onStop}>
            Stop
          </button>
          <button data-testid="ssh-cancel" title="Disconnect at once; what was received stays" onClick={onCancel}>
            Cancel
          </button>
        </>
      ) : (
        <button className="icon" aria-label={`Clear ${c.host} from the toolbar`} data-testid="ssh-dismiss" onClick={onDismiss}>
          ×
        </button>
      )}
    </div>
  );
}

/** The interval fetch in the status line: what, how often, how it went; failures in the tooltip. */
function ScheduleChip({ s, running }: { s: PprofScheduleState; running: boolean }) {
  const stw = s.debug === 2;
  const title = [
    `pprof ${scheduleLabel(s)} from 127.0.0.1:${s.port} on the host; each fetch becomes a source`,
    stw ? 'debug=2 stops the world on every fetch' : '',
    s.lastError ? `last failure: ${s.lastError}` : '',
    s.ended ?? '',
  ]
    .filter(Boolean)
    .join('\n');
  return (
    <span className={`ssh-schedule ${s.failed > 0 ? 'has-failures' : ''}`} data-testid="ssh-schedule" data-fetched={s.fetched} data-failed={s.failed} title={title}>
      {/* Compact (the toolbar is shared): the interval is in the tooltip and the pprof menu. */}
      <span className={stw ? 'ssh-warn' : undefined}>
        {stw ? '⚠ ' : '⟳ '}
        {s.kind}
        {stw ? ' debug=2' : ''}
      </span>
      <span className="ssh-count">
        {' ×'}
        {s.fetched}
        {s.fetching && running ? '…' : ''}
      </span>
      {s.failed > 0 && <span className="ssh-schedule-failed"> · {s.failed} failed</span>}
      {(s.ended || !running) && <span className="muted"> · ended</span>}
    </span>
  );
}

/** Go pprof endpoints on the host's 127.0.0.1:PORT, fetched through the SSH connection: now, or on a schedule. */
export function PprofMenu({
  schedule,
  onFetch,
  onSchedule,
  onClose,
}: {
  schedule: PprofScheduleState | undefined;
  onFetch: (f: PprofFetch) => void;
  onSchedule: (s: PprofSchedule | null) => void;
  onClose: () => void;
}) {
  const [port, setPort] = useState(schedule ? String(schedule.port) : '6060');
  const [every, setEvery] = useState(SCHEDULE_DEFAULTS);
  const planned = toPprofSchedule({ ...every, port });
  const [cpuS, setCpuS] = useState('30');
  const [traceS, setTraceS] = useState('5');
  const [deltaS, setDeltaS] = useState('10');
  const [customPath, setCustomPath] = useState('/debug/flightrecorder');
  const p = Number(port);
  const okPort = Number.isInteger(p) && p >= 1 && p <= 65535;
  const secs = (s: string) => (/^\d+$/.test(s) && Number(s) >= 1 && Number(s) <= 3600 ? Number(s) : null);
  const go = (f: Omit<PprofFetch, 'port'>) => okPort && onFetch({ ...f, port: p });
  return (
    <div className="ssh-pprof-menu" data-testid="ssh-pprof-menu" onKeyDown={(e) => e.key === 'Escape' && onClose()}>
      <label>
        pprof listener on the host's 127.0.0.1:
        <input aria-label="pprof port" data-testid="ssh-pprof-port" value={port} onChange={(e) => setPort(e.target.value)} size={6} />
      </label>
      <div className="ssh-pprof-row">
        <button disabled={!okPort} onClick={() => go({ kind: 'goroutine' })} data-testid="ssh-pprof-goroutine">
          goroutine
        </button>
        <button disabled={!okPort} onClick={() => go({ kind: 'block' })}>
          block
        </button>
        <button disabled={!okPort} onClick={() => go({ kind: 'mutex' })}>
          mutex
        </button>
        <button disabled={!okPort} onClick={() => go({ kind: 'heap' })}>
          heap
        </button>
      </div>
      <div className="ssh-pprof-row">
        <button disabled={!okPort} onClick={() => go({ kind: 'goroutine', debug: 2 })}>
          goroutine, every stack (debug=2)
        </button>
        <span className="ssh-warn">stops the world while it is written</span>
      </div>
      <div className="ssh-pprof-row" data-testid="ssh-pprof-delta-row">
        <span title="Go takes the profile now and again N s later, and answers the difference: what blocked during those N s only">during the next</span>
        <input aria-label="delta seconds" data-testid="ssh-pprof-delta-seconds" value={deltaS} onChange={(e) => setDeltaS(e.target.value)} size={4} /> s:
        <button disabled={!okPort || secs(deltaS) === null} onClick={() => go({ kind: 'block', seconds: secs(deltaS)! })} data-testid="ssh-pprof-block-delta">
          block
        </button>
        <button disabled={!okPort || secs(deltaS) === null} onClick={() => go({ kind: 'mutex', seconds: secs(deltaS)! })} data-testid="ssh-pprof-mutex-delta">
          mutex
        </button>
        <button
          disabled={!okPort}
          onClick={() => go({ kind: 'goroutineleak' })}
          data-testid="ssh-pprof-goroutineleak"
          title="Go 1.26+ (1.26 with GOEXPERIMENT=goroutineleakprofile): goroutines blocked forever, found by a leak-detecting GC"
        >
          goroutine leaks
        </button>
      </div>
      <div className="ssh-pprof-row">
        <input
          aria-label="custom endpoint path"
          data-testid="ssh-pprof-custom-path"
          value={customPath}
          onChange={(e) => setCustomPath(e.target.value)}
          className="ssh-pprof-path"
          maxLength={512}
        />
        <button
          disabled={!okPort || !customPath.startsWith('/')}
          onClick={() => go({ kind: 'custom', path: customPath })}
          data-testid="ssh-pprof-custom"
          title="Any endpoint on this port, e.g. an application's runtime/trace.FlightRecorder handler: a trace or a profile"
        >
          fetch path
        </button>
      </div>
      <div className="ssh-pprof-row">
        <button disabled={!okPort || secs(cpuS) === null} onClick={() => go({ kind: 'profile', seconds: secs(cpuS)! })}>
          CPU profile
        </button>
        <input aria-label="CPU profile seconds" value={cpuS} onChange={(e) => setCpuS(e.target.value)} size={4} /> s
        <button disabled={!okPort || secs(traceS) === null} onClick={() => go({ kind: 'trace', seconds: secs(traceS)! })}>
          trace
        </button>
        <input aria-label="trace seconds" value={traceS} onChange={(e) => setTraceS(e.target.value)} size={4} /> s
      </div>
      <div className="muted">Each fetch becomes a source on the timeline, saved beside the capture.</div>
      <div className="ssh-pprof-schedule" data-testid="ssh-pprof-schedule">
        <b>On a schedule</b>
        {schedule && !schedule.ended ? (
          <div className="ssh-pprof-row">
            <span>
              now: {scheduleLabel(schedule)} ({schedule.fetched} fetched{schedule.failed ? `, ${schedule.failed} failed` : ''})
            </span>
            <button data-testid="ssh-schedule-clear" onClick={() => onSchedule(null)}>
              Stop schedule
            </button>
          </div>
        ) : null}
        <PprofScheduleFields idPrefix="ssh-menu-pprof" v={every} onChange={setEvery} showPort={false} />
        <div className="ssh-pprof-row">
          <button data-testid="ssh-schedule-set" disabled={typeof planned === 'string'} onClick={() => typeof planned !== 'string' && onSchedule(planned)}>
            {schedule && !schedule.ended ? 'Replace schedule' : 'Start schedule'}
          </button>
          {typeof planned === 'string' && <span className="ssh-form-error">{planned}</span>}
        </div>
      </div>
    </div>
  );
}

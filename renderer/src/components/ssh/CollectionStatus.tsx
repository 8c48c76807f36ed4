import { useState } from 'react';
import type { CollectionInfo, SshPprofKind } from '../../../../shared/bridge.ts';

export interface PprofFetch {
  kind: SshPprofKind;
  port: number;
  seconds?: number;
  debug?: 0 | 1 | 2;
}

const STATE_LABEL: Record<CollectionInfo['state'], string> = {
  connecting: 'connecting…',
  connected: 'collecting',
  disconnected: 'disconnected',
  reconnecting: 'reconnecting',
  stopped: 'stopped',
  error: 'failed',
};

/** One collection in the toolbar: state, snapshots, reconnect attempts, Stop / Cancel, the pprof menu. */
export function CollectionStatus({
  c,
  fetching,
  onStop,
  onCancel,
  onDismiss,
  onFetch,
}: {
  c: CollectionInfo;
  fetching: string[];
  onStop: () => void;
  onCancel: () => void;
  onDismiss: () => void;
  onFetch: (f: PprofFetch) => void;
}) {
  const [menu, setMenu] = useState(false);
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
      {showMessage && <span className="ssh-message">{c.message}</span>}
      {fetching.length > 0 && <span className="ssh-fetching">fetching {fetching.join(', ')}…</span>}
      {c.running ? (
        <>
          <span className="ssh-menu-anchor">
            <button
              data-testid="ssh-pprof"
              disabled={c.state !== 'connected'}
              title={c.state === 'connected' ? 'Fetch Go pprof data over this connection' : 'Available while connected'}
              onClick={() => setMenu(!menu)}
              aria-expanded={menu}
            >
              pprof ▾
            </button>
            {menu && <PprofMenu onFetch={(f) => {
                  setMenu(false);
                  onFetch(f);
                }} onClose={() => setMenu(false)} />}
          </span>
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

/** Go pprof endpoints on the host's 127.0.0.1:PORT, fetched through the SSH connection. */
function PprofMenu({ onFetch, onClose }: { onFetch: (f: PprofFetch) => void; onClose: () => void }) {
  const [port, setPort] = useState('6060');
  const [cpuS, setCpuS] = useState('30');
  const [traceS, setTraceS] = useState('5');
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
    </div>
  );
}

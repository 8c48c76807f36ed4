import type { CollectionInfo, PprofSchedule } from '../../../../shared/bridge.ts';
import { PprofMenuButton, type PprofFetch } from './CollectionStatus.tsx';

/** Counts per state, in a fixed order, for the fleet's summary. */
function stateSummary(members: CollectionInfo[]): string {
  const order: Array<[CollectionInfo['state'], string]> = [
    ['connected', 'collecting'],
    ['connecting', 'connecting'],
    ['reconnecting', 'reconnecting'],
    ['disconnected', 'disconnected'],
    ['error', 'failed'],
    ['stopped', 'stopped'],
  ];
  return order
    .map(([state, label]) => [members.filter((m) => m.state === state).length, label] as const)
    .filter(([n]) => n > 0)
    .map(([n, label]) => `${n} ${label}`)
    .join(' · ');
}

/**
 * A fleet (one collection per host, started together): how many hosts collect, and the actions that
 * go to every host — Stop all, Cancel all, pprof from each host over its own connection. Each host's
 * own status line follows it.
 */
export function FleetStatus({
  fleetId,
  members,
  onStop,
  onCancel,
  onFetch,
  onSchedule,
}: {
  fleetId: string;
  members: CollectionInfo[];
  onStop: () => void;
  onCancel: () => void;
  onFetch: (f: PprofFetch) => void;
  onSchedule: (s: PprofSchedule | null) => void;
}) {
  const running = members.some((m) => m.running);
  const snapshots = members.reduce((n, m) => n + m.snapshots, 0);
  const anyConnected = members.some((m) => m.state === 'connected');
  return (
    <div className="ssh-collection ssh-fleet" data-testid="ssh-fleet" data-fleet={fleetId} data-hosts={members.length} title={members.map((m) => `${m.host}: ${m.state}`).join('\n')}>
      <b className="ssh-host">
        {members.length} host{members.length === 1 ? '' : 's'}
      </b>
      <span className="ssh-state" data-testid="ssh-fleet-states">
        {stateSummary(members)}
      </span>
      <span className="ssh-count">{snapshots.toLocaleString('en-US')} snapshots</span>
      {running && (
        <>
          <PprofMenuButton
            testId="ssh-fleet-pprof"
            label="pprof all ▾"
            disabled={!anyConnected}
            title="Fetch Go pprof data from every connected host, each over its own connection"
            schedule={undefined}
            onFetch={onFetch}
            onSchedule={onSchedule}
          />
          <button data-testid="ssh-fleet-stop" title="Stop every host of this fleet; the captures stay" onClick={onStop}>
            Stop all
          </button>
          <button data-testid="ssh-fleet-cancel" title="Disconnect every host at once; what was received stays" onClick={onCancel}>
            Cancel all
          </button>
        </>
      )}
    </div>
  );
}

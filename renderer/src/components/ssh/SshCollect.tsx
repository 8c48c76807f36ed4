/**
 * Connected wrapper for live SSH collection, mounted in the toolbar: the "Collect over SSH…" button,
 * the form, a status line per collection and the host-key question. All work happens in the host.
 */
import { useEffect, useRef, useState } from 'react';
import type { ReactNode } from 'react';
import type { CollectionInfo, StartCollectionArgs, StartFleetCollectionArgs } from '../../../../shared/bridge.ts';
import { bridge } from '../../bridge-client.ts';
import { useApp } from '../../store.ts';
import { CollectionStatus, type PprofFetch } from './CollectionStatus.tsx';
import { FleetStatus } from './FleetStatus.tsx';
import { HostKeyDialog } from './HostKeyDialog.tsx';
import { scheduleLabel } from './PprofScheduleFields.tsx';
import { SshConnectForm } from './SshConnectForm.tsx';
import { pendingHostKey, subscribeSsh, useSsh } from './collections-store.ts';
import './ssh.css';

function fetchLabel(f: PprofFetch): string {
  if (f.path) return f.path;
  if (f.seconds) return `${f.kind} (${f.seconds} s)`;
  return f.debug ? `${f.kind} debug=${f.debug}` : f.kind;
}

export function SshCollect() {
  const [formOpen, setFormOpen] = useState(false);
  const [fetching, setFetching] = useState<Record<string, string[]>>({});
  // Answered questions close at once, before the host's next status arrives.
  const [answered, setAnswered] = useState<string[]>([]);
  const collections = useSsh((s) => s.collections);
  const dismissed = useSsh((s) => s.dismissed);
  const dismiss = useSsh((s) => s.dismiss);
  const notify = useApp((s) => s.notify);
  const focus = useApp((s) => s.focusSource);

  useEffect(() => subscribeSsh(), []);
  // A collection that fails (host key changed, auth refused, no ss) says why once, in full, as a notice.
  const told = useRef(new Set<string>());
  useEffect(() => {
    for (const c of collections) {
      if (c.state !== 'error' || told.current.has(c.collectionId)) continue;
      told.current.add(c.collectionId);
      notify(`SSH ${c.host}`, c.message ?? 'collection failed');
    }
  }, [collections, notify]);
  // A failing pprof schedule goes on (the status line counts failures); each new reason is told once.
  const toldFetch = useRef(new Map<string, string>());
  useEffect(() => {
    for (const c of collections) {
      const s = c.pprofSchedule;
      if (!s?.lastError || toldFetch.current.get(c.collectionId) === s.lastError) continue;
      toldFetch.current.set(c.collectionId, s.lastError);
      notify(`pprof ${scheduleLabel(s)} from ${c.host}`, `${s.lastError} (the schedule goes on)`);
    }
  }, [collections, notify]);

  const start = async (args: StartCollectionArgs | StartFleetCollectionArgs) => {
    if ('hosts' in args) {
      const { collections: started, failed } = await bridge.request('startFleetCollection', args);
      for (const f of failed) notify(`SSH ${f.host}`, f.error);
      if (started.length === 0) throw new Error(`no host could start: ${failed.map((f) => `${f.host}: ${f.error}`).join('; ')}`);
      focus(started[0]!.sourceId);
      return;
    }
    const { sourceId } = await bridge.request('startCollection', args);
    focus(sourceId);
  };
  const fetchFleet = (fleetId: string, f: PprofFetch) => {
    const label = fetchLabel(f);
    bridge
      .request('fetchPprofFleet', { fleetId, ...f })
      .then(({ results }) => {
        for (const r of results) if (r.error) notify(`pprof ${label} from ${r.host}`, r.error);
        const first = results.find((r) => r.sourceId);
        if (first?.sourceId) focus(first.sourceId);
      })
      .catch((e: Error) => notify(`pprof ${label} from the fleet`, e.message));
  };
  const act = (host: string, p: Promise<unknown>) => p.catch((e: Error) => notify(`SSH ${host}`, e.message));
  const fetchPprof = (collectionId: string, host: string, f: PprofFetch) => {
    const label = fetchLabel(f);
    const edit = (fn: (l: string[]) => string[]) => setFetching((m) => ({ ...m, [collectionId]: fn(m[collectionId] ?? []) }));
    edit((l) => [...l, label]);
    bridge
      .request('fetchPprofOverSsh', { collectionId, ...f })
      .then(({ sourceId }) => focus(sourceId))
      .catch((e: Error) => notify(`pprof ${label} from ${host}`, e.message))
      .finally(() => edit((l) => l.filter((x, i) => x !== label || i !== l.indexOf(label))));
  };

  const shown = collections.filter((c) => c.running || !dismissed.includes(c.collectionId));
  // A fleet's hosts follow its summary line, in start order.
  const fleets = new Map<string, CollectionInfo[]>();
  for (const c of shown) if (c.fleetId) fleets.set(c.fleetId, [...(fleets.get(c.fleetId) ?? []), c]);
  const firstOfFleet = (c: CollectionInfo) => c.fleetId !== undefined && fleets.get(c.fleetId)?.[0] === c;
  const asked = pendingHostKey(collections);
  const prompt = asked && !answered.includes(asked.requestId) ? asked : null;
  return (
    <>
      <button onClick={() => setFormOpen(true)} data-testid="ssh-open-form" title="Collect ss snapshots from a host over SSH, live">
        Collect over SSH…
      </button>
      {shown.length > 0 && (
        <div className="ssh-collections">
          {shown.map((c) => (
            <FleetGroup key={c.collectionId} head={firstOfFleet(c) && c.fleetId ? (
              <FleetStatus
                fleetId={c.fleetId}
                members={fleets.get(c.fleetId) ?? []}
                onStop={() => void act('fleet', bridge.request('stopFleet', { fleetId: c.fleetId! }))}
                onCancel={() => void act('fleet', bridge.request('stopFleet', { fleetId: c.fleetId!, cancel: true }))}
                onFetch={(f) => fetchFleet(c.fleetId!, f)}
                onSchedule={(schedule) => {
                  for (const m of fleets.get(c.fleetId!) ?? []) {
                    if (m.running) void act(m.host, bridge.request('setPprofSchedule', { collectionId: m.collectionId, schedule }));
                  }
                }}
              />
            ) : null}>
            <CollectionStatus
              c={c}
              fetching={fetching[c.collectionId] ?? []}
              onStop={() => void act(c.host, bridge.request('stopCollection', { collectionId: c.collectionId }))}
              onCancel={() => void act(c.host, bridge.request('cancelCollection', { collectionId: c.collectionId }))}
              onDismiss={() => dismiss(c.collectionId)}
              onFetch={(f) => fetchPprof(c.collectionId, c.host, f)}
              onSchedule={(schedule) => void act(c.host, bridge.request('setPprofSchedule', { collectionId: c.collectionId, schedule }))}
            />
            </FleetGroup>
          ))}
        </div>
      )}
      {formOpen && <SshConnectForm onStart={start} onClose={() => setFormOpen(false)} />}
      {prompt && (
        <HostKeyDialog
          key={prompt.requestId}
          prompt={prompt}
          onAnswer={(accept) => {
            setAnswered((a) => [...a, prompt.requestId]);
            void act(prompt.host, bridge.request('answerHostKey', { requestId: prompt.requestId, accept }));
          }}
        />
      )}
    </>
  );
}

/** A collection's status line, after its fleet's summary when it is the fleet's first host. */
function FleetGroup({ head, children }: { head: ReactNode; children: ReactNode }) {
  return (
    <>
      {head}
      {children}
    </>
  );
}

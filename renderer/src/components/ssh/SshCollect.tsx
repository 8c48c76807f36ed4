/**
 * Connected wrapper for live SSH collection, mounted in the toolbar: the "Collect over SSH…" button,
 * the form, a status line per collection and the host-key question. All work happens in the host.
 */
import { useEffect, useRef, useState } from 'react';
import type { StartCollectionArgs } from '../../../../shared/bridge.ts';
import { bridge } from '../../bridge-client.ts';
import { useApp } from '../../store.ts';
import { CollectionStatus, type PprofFetch } from './CollectionStatus.tsx';
import { HostKeyDialog } from './HostKeyDialog.tsx';
import { scheduleLabel } from './PprofScheduleFields.tsx';
import { SshConnectForm } from './SshConnectForm.tsx';
import { pendingHostKey, subscribeSsh, useSsh } from './collections-store.ts';
import './ssh.css';

function fetchLabel(f: PprofFetch): string {
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

  const start = async (args: StartCollectionArgs) => {
    const { sourceId } = await bridge.request('startCollection', args);
    focus(sourceId);
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
            <CollectionStatus
              key={c.collectionId}
              c={c}
              fetching={fetching[c.collectionId] ?? []}
              onStop={() => void act(c.host, bridge.request('stopCollection', { collectionId: c.collectionId }))}
              onCancel={() => void act(c.host, bridge.request('cancelCollection', { collectionId: c.collectionId }))}
              onDismiss={() => dismiss(c.collectionId)}
              onFetch={(f) => fetchPprof(c.collectionId, c.host, f)}
              onSchedule={(schedule) => void act(c.host, bridge.request('setPprofSchedule', { collectionId: c.collectionId, schedule }))}
            />
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

import { useEffect, useState } from 'react';
import type { RecentItem } from '../../../../shared/bridge.ts';
import { bridge } from '../../bridge-client.ts';
import { useApp } from '../../store.ts';
import './export.css';

const base = (p: string) => p.split(/[\\/]/).pop() || p;

/** Recently opened sessions and files (paths the host can reopen), for the empty state. */
export function RecentList() {
  const [items, setItems] = useState<RecentItem[]>([]);
  const notify = useApp((s) => s.notify);
  useEffect(() => {
    bridge.request('listRecent', {}).then((r) => setItems(r.items), () => {});
  }, []);
  if (items.length === 0) return null;
  return (
    <div className="recent-list" data-testid="recent-list">
      <h2>Recent</h2>
      <ul>
        {items.map((it) => (
          <li key={it.path}>
            <button
              className="link"
              title={it.path}
              data-testid="recent-item"
              data-kind={it.kind}
              onClick={() => bridge.request('openPaths', { paths: [it.path] }).catch((e: Error) => notify(base(it.path), e.message))}
            >
              {base(it.path)}
            </button>{' '}
            <span className="muted">
              {it.kind === 'session' ? 'session · ' : ''}
              {it.path}
            </span>
          </li>
        ))}
      </ul>
    </div>
  );
}

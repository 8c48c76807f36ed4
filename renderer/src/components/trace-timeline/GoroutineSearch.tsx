import { useState } from 'react';
import type { GoroutineMatch } from '../../../../shared/query/trace/timeline/timeline-types.ts';
import { formatDuration, shortFunctionName } from '../../format.ts';
import { useGoroutineSearch } from './timeline-queries.ts';

/** Find goroutines by id ("123") or start function; picking one gives it a lane and scrolls to it. */
export function GoroutineSearch({ sourceId, onPick }: { sourceId: string; onPick(m: GoroutineMatch): void }) {
  const [q, setQ] = useState('');
  const [open, setOpen] = useState(false);
  const [cursor, setCursor] = useState(0);
  const res = useGoroutineSearch(sourceId, q);
  const matches = res.data?.matches ?? [];
  // The list stays open, so several goroutines can be given lanes in a row (Escape or leaving closes it).
  const choose = (m: GoroutineMatch) => onPick(m);
  return (
    <div className="tt-search" onBlur={(e) => !e.currentTarget.contains(e.relatedTarget) && setOpen(false)}>
      <input
        type="search"
        placeholder="Find goroutine (id or function)"
        aria-label="Find goroutine"
        data-testid="goroutine-search"
        value={q}
        onChange={(e) => {
          setQ(e.target.value);
          setOpen(true);
          setCursor(0);
        }}
        onFocus={() => setOpen(true)}
        onKeyDown={(e) => {
          if (e.key === 'ArrowDown') setCursor((c) => Math.min(matches.length - 1, c + 1));
          else if (e.key === 'ArrowUp') setCursor((c) => Math.max(0, c - 1));
          else if (e.key === 'Enter' && matches[cursor]) choose(matches[cursor]!);
          else if (e.key === 'Escape') setOpen(false);
          else return;
          e.preventDefault();
        }}
      />
      {open && q.trim() && (
        <ul className="tt-search-results" role="listbox" aria-label="Goroutines found" data-testid="goroutine-matches">
          {matches.map((m, i) => (
            <li key={m.id} role="option" aria-selected={i === cursor} tabIndex={-1} data-testid="goroutine-match" data-g={m.id} className={i === cursor ? 'on' : ''} onMouseDown={(e) => e.preventDefault()} onClick={() => choose(m)}>
              <b>G{m.id}</b> <code title={m.fn}>{shortFunctionName(m.fn)}</code>{' '}
              <span className="muted">
                ran {formatDuration(m.runningNs)} · blocked {formatDuration(m.blockedNs)}
              </span>
            </li>
          ))}
          {res.fresh && matches.length === 0 && <li className="muted">No goroutine matches.</li>}
          {res.error && <li className="panel-error">{res.error}</li>}
        </ul>
      )}
    </div>
  );
}

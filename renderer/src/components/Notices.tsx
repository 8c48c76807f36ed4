import { useEffect } from 'react';
import { useApp } from '../store.ts';

/** How long a notice stays when its file's row in the sources list keeps the same error visible. */
const ROW_HAS_IT_MS = 15_000;

/** Errors naming the file and the reason; the sources already loaded are unaffected. */
export function Notices() {
  const notices = useApp((s) => s.notices);
  const dismiss = useApp((s) => s.dismiss);
  const sources = useApp((s) => s.session.sources);
  // A notice over the panels hides data; once the sources list shows the same error, it may go.
  const echoed = notices.filter((n) => sources.some((s) => s.name === n.file && s.status === 'error')).map((n) => n.id);
  const key = echoed.join(',');
  useEffect(() => {
    if (!echoed.length) return;
    const t = setTimeout(() => echoed.forEach((id) => dismiss(id)), ROW_HAS_IT_MS);
    return () => clearTimeout(t);
  }, [key]);
  if (!notices.length) return null;
  return (
    <div className="notices" role="status">
      {notices.map((n) => (
        <div key={n.id} className="notice" data-testid="notice">
          <b>{n.file}</b>: {n.reason}
          <button aria-label="Dismiss" onClick={() => dismiss(n.id)}>
            ×
          </button>
        </div>
      ))}
    </div>
  );
}

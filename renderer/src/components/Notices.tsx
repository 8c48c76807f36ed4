import { useApp } from '../store.ts';

/** Errors naming the file and the reason; the sources already loaded are unaffected. */
export function Notices() {
  const notices = useApp((s) => s.notices);
  const dismiss = useApp((s) => s.dismiss);
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

import { useApp } from '../store.ts';

/** The focused source's `inspect` figures, as a readable key/value list. */
export function SourceDetails() {
  const src = useApp((s) => s.session.sources.find((x) => x.id === s.focusedSourceId));
  if (!src) return <p className="muted">Select a source to see its figures.</p>;
  const figures = src.figures ?? {};
  return (
    <div className="details" data-testid="source-details">
      <h3>
        {src.name} <span className="muted">— {src.format}</span>
      </h3>
      {src.clock && (
        <p className="muted">
          Clock: {src.clock.quality} ({src.clock.basis})
        </p>
      )}
      {src.warnings && src.warnings.length > 0 && (
        <ul className="warnings">
          {src.warnings.map((w, i) => (
            <li key={i}>{w}</li>
          ))}
        </ul>
      )}
      <dl>
        {Object.entries(figures).map(([k, v]) => (
          <div key={k} className="figure">
            <dt>{k}</dt>
            <dd>{typeof v === 'object' && v !== null ? <pre>{JSON.stringify(v, null, 1)}</pre> : String(v)}</dd>
          </div>
        ))}
      </dl>
    </div>
  );
}

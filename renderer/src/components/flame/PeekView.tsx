/**
 * Callers and callees of one function (pprof's `-peek`, speedscope's sandwich), plain props: the
 * callers above with the weight each passes in, the function with its flat and cum, the callees below
 * with the weight each takes. Percentages are of the function's cum, as pprof prints them. A name
 * peeks that function instead.
 */
import type { PeekEdge, PeekResult } from '../../../../shared/query/stacks/peek.ts';
import { formatValue } from '../../format.ts';
import { entryKeys } from '../keyboard.ts';

export interface PeekViewProps {
  fn: string;
  result: PeekResult | null;
  unit: string;
  loading: boolean;
  error: string | null;
  onPeek(fn: string): void;
  onSource(fn: string): void;
  onClose(): void;
}

const pct = (v: number, of: number) => (of === 0 ? '—' : `${((100 * v) / of).toFixed(2)}%`);

export function PeekView({ fn, result, unit, loading, error, onPeek, onSource, onClose }: PeekViewProps) {
  const entry = result?.entries.find((e) => e.function === fn) ?? null;
  const edgeRows = (edges: PeekEdge[], kind: 'caller' | 'callee') =>
    edges.map((e) => (
      <tr key={`${kind}:${e.function}`} className={`peek-${kind}`} data-testid={`peek-${kind}`} data-function={e.function} data-weight={e.weight} onClick={() => onPeek(e.function)} {...entryKeys(() => onPeek(e.function))} title={`Peek ${e.function}`}>
        <td className="num">{formatValue(e.weight, unit)}</td>
        <td className="num">{pct(e.weight, entry!.cum)}</td>
        <td className="peek-arrow">{kind === 'caller' ? '↓' : '↳'}</td>
        <td className="fn">{e.function}</td>
      </tr>
    ));
  return (
    <section className="peek-view" data-testid="peek-view" data-function={fn} aria-label={`Callers and callees of ${fn}`}>
      <header className="side-header">
        <b>Callers &amp; callees</b> <span className="mono">{fn}</span>
        <span className="muted"> (go tool pprof -peek)</span>
        <button className="link" data-testid="peek-source" onClick={() => onSource(fn)}>
          source lines
        </button>
        <button className="link" data-testid="side-close" onClick={onClose}>
          back to top table
        </button>
      </header>
      {error && (
        <p className="panel-error" role="alert">
          {error}
        </p>
      )}
      {!entry ? (
        <p className="muted">{loading || !result ? 'Loading…' : `${fn} has no samples under the current filters.`}</p>
      ) : (
        <table className="top-table peek-table">
          <thead>
            <tr>
              <th className="num">weight</th>
              <th className="num">of cum</th>
              <th />
              <th>callers ({entry.callers.length}) above · callees ({entry.callees.length}) below</th>
            </tr>
          </thead>
          <tbody>
            {edgeRows(entry.callers, 'caller')}
            {entry.callers.length === 0 && (
              <tr>
                <td colSpan={4} className="muted">
                  no callers (a root of its stacks)
                </td>
              </tr>
            )}
            <tr className="peek-self" data-testid="peek-self" data-flat={entry.flat} data-cum={entry.cum}>
              <td className="num" title="cum">
                {formatValue(entry.cum, unit)}
              </td>
              <td className="num">{pct(entry.cum, result!.total)}</td>
              <td className="peek-arrow">●</td>
              <td className="fn">
                {entry.function} <span className="muted">flat {formatValue(entry.flat, unit)} ({pct(entry.flat, result!.total)} of total)</span>
              </td>
            </tr>
            {edgeRows(entry.callees, 'callee')}
            {entry.callees.length === 0 && (
              <tr>
                <td colSpan={4} className="muted">
                  no callees (all its weight is its own)
                </td>
              </tr>
            )}
          </tbody>
        </table>
      )}
    </section>
  );
}

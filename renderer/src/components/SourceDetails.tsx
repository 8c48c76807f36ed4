import type { ReactNode } from 'react';
import { useApp } from '../store.ts';
import { useSourceNames } from '../selectors.ts';
import { bridge } from '../bridge-client.ts';
import { formatDateTime, formatDuration, formatValue, timeZoneName } from '../format.ts';

/** Shown in the heading or the warnings list already. */
const SHOWN_ELSEWHERE = new Set(['file', 'kind', 'format', 'warnings']);

type Unit = (key: string) => string | undefined;

const isEpochString = (v: unknown): v is string => typeof v === 'string' && /^\d{16,}$/.test(v);

function epoch(v: string): string {
  return `${formatDateTime(new Date(Number(BigInt(v) / 1_000_000n)))} ${timeZoneName()}`;
}

/** Durations are the figures named …Ns / …Nanos (inspect's naming), and everything under them. */
const isNsKey = (k: string) => /(Ns|Nanos)$/.test(k);

/** Identifiers print as they are (pid 20677, not 20,677). */
const isIdKey = (k: string) => /^(pid|port|fd|id|host)$|Id$/.test(k);

function scalar(v: unknown, key: string, unit?: string): string {
  if (typeof v === 'number' && isIdKey(key)) return String(v);
  if (typeof v === 'number') return isNsKey(key) ? formatDuration(v) : formatValue(v, unit ?? 'count');
  if (isEpochString(v)) return epoch(v);
  if (v === null || v === undefined) return '—';
  return String(v);
}

/** One figure of `inspect`, in its unit: times as clock times, durations, sizes, tables for rows. */
function FigureValue({ k, v, unitOf, rowUnit }: { k: string; v: unknown; unitOf: Unit; rowUnit?: string }): ReactNode {
  if (Array.isArray(v)) {
    if (v.length === 0) return <span className="muted">none</span>;
    if (v.every((x) => typeof x !== 'object' || x === null)) return v.map((x) => scalar(x, k)).join(', ');
    // sampleTypes: "delay (nanoseconds)".
    if (v.every((x) => x && typeof x === 'object' && 'type' in x && 'unit' in x && Object.keys(x).length === 2)) {
      return (v as { type: string; unit: string }[]).map((t) => `${t.type} (${t.unit})`).join(', ');
    }
    const cols = [...new Set(v.flatMap((x) => (x && typeof x === 'object' ? Object.keys(x) : [])))];
    return (
      <table className="figure-table">
        <thead>
          <tr>
            {cols.map((c) => (
              <th key={c}>{c}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {v.map((row: Record<string, unknown>, i) => (
            <tr key={i}>
              {cols.map((c) => (
                <td key={c} className={typeof row[c] === 'number' ? 'num' : c === 'function' ? 'fn' : ''}>
                  {scalar(row[c], isNsKey(k) ? `${c}Ns` : c, c === 'flat' || c === 'cum' ? rowUnit : undefined)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    );
  }
  if (v && typeof v === 'object') {
    const entries = Object.entries(v as Record<string, unknown>);
    if (entries.length === 0) return <span className="muted">none</span>;
    return (
      <span className="figure-map">
        {entries.map(([ek, ev]) => (
          <span key={ek}>
            <span className="muted">{ek}</span>{' '}
            {ev && typeof ev === 'object' ? <FigureValue k={ek} v={ev} unitOf={unitOf} /> : scalar(ev, isNsKey(k) ? `${ek}Ns` : ek, unitOf(ek))}
          </span>
        ))}
      </span>
    );
  }
  return scalar(v, k);
}

/** The focused source's `inspect` figures, as a readable key/value list. */
export function SourceDetails() {
  const src = useApp((s) => s.session.sources.find((x) => x.id === s.focusedSourceId));
  const nameOf = useSourceNames();
  if (!src) return <p className="muted">Select a source to see its figures.</p>;
  const figures = src.figures ?? {};
  // pprof totals and top rows are in the sample types' units.
  const types = Array.isArray(figures.sampleTypes) ? (figures.sampleTypes as { type: string; unit: string }[]) : [];
  const unitOf: Unit = (key) => types.find((t) => t.type === key)?.unit;
  const defaultUnit = typeof figures.defaultSampleType === 'string' ? unitOf(figures.defaultSampleType) : undefined;
  return (
    <div className="details" data-testid="source-details">
      <h3>
        {nameOf(src)} <span className="muted">— {src.format}</span>
      </h3>
      {src.clock && (
        <p className="muted">
          Clock: {src.clock.quality} ({src.clock.basis})
          {src.pairedWith && (
            <>
              {' '}
              <button type="button" data-testid="undo-pairing" onClick={() => void bridge.request('undoPairing', { id: src.id })}>
                Undo pairing
              </button>
            </>
          )}
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
        {Object.entries(figures)
          .filter(([k, v]) => !SHOWN_ELSEWHERE.has(k) && !(k === 'partial' && v === false))
          .map(([k, v]) => (
            <div key={k} className="figure">
              <dt>{k}</dt>
              <dd title={isEpochString(v) ? `${v} ns since the Unix epoch` : undefined}>
                <FigureValue k={k} v={v} unitOf={unitOf} rowUnit={defaultUnit} />
              </dd>
            </div>
          ))}
      </dl>
    </div>
  );
}

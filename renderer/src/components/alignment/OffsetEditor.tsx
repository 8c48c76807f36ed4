import { useState } from 'react';
import type { SourceInfo } from '../../../../shared/bridge.ts';
import { bridge } from '../../bridge-client.ts';
import { axisToDate, formatClock } from '../../format.ts';
import { parseClockOn, parseOffsetSeconds } from './offset-parse.ts';

const fmtSeconds = (ns: number) => `${ns >= 0 ? '+' : '−'}${(Math.abs(ns) / 1e9).toFixed(3)}`;

/**
 * Moves one source along the session axis: by an offset in seconds (from its own clock), or by
 * putting its start at a wall-clock time. Either way the host marks its clock as 'manual'.
 */
export function OffsetEditor({ s, origin }: { s: SourceInfo; origin: string | null }) {
  const [open, setOpen] = useState(false);
  const [offset, setOffset] = useState('');
  const [start, setStart] = useState('');
  if (s.axisStartNs === undefined || !origin) return null;
  const startDate = axisToDate(origin, s.axisStartNs);
  const apply = (offsetNs: number) => void bridge.request('setSourceOffset', { id: s.id, offsetNs });
  const offNs = parseOffsetSeconds(offset);
  const at = parseClockOn(start, startDate);
  const atOffset = at ? s.offsetNs + ((at.getTime() - startDate.getTime()) * 1e6) : null;
  if (!open) {
    return (
      <button
        className="link align-toggle"
        data-testid="align-source"
        title="Move this source along the time axis"
        onClick={(e) => {
          e.stopPropagation();
          setOffset(fmtSeconds(s.offsetNs));
          setStart(formatClock(startDate));
          setOpen(true);
        }}
      >
        align…
      </button>
    );
  }
  return (
    <div className="offset-editor-wrap" onClick={(e) => e.stopPropagation()} data-testid="offset-editor">
      <form
        className="offset-editor"
        onSubmit={(e) => {
          e.preventDefault();
          if (offNs !== null) apply(offNs);
        }}
      >
        <label>
          offset{' '}
          <input
            aria-label={`Offset of ${s.name} in seconds`}
            data-testid="offset-input"
            className={offNs === null ? 'invalid' : ''}
            value={offset}
            onChange={(e) => setOffset(e.target.value)}
          />{' '}
          s
        </label>
        <button type="submit" disabled={offNs === null}>
          Apply
        </button>
        <button type="button" data-testid="offset-reset" disabled={s.offsetNs === 0} onClick={() => (apply(0), setOffset(fmtSeconds(0)))}>
          Reset
        </button>
      </form>
      <form
        className="offset-editor"
        onSubmit={(e) => {
          e.preventDefault();
          if (atOffset !== null) {
            apply(atOffset);
            setOffset(fmtSeconds(atOffset));
          }
        }}
      >
        <label>
          starts at{' '}
          <input
            aria-label={`Wall-clock start of ${s.name}`}
            data-testid="start-input"
            className={at === null ? 'invalid' : ''}
            value={start}
            onChange={(e) => setStart(e.target.value)}
          />
        </label>
        <button type="submit" data-testid="start-apply" disabled={atOffset === null}>
          Place
        </button>
        <button type="button" className="link" onClick={() => setOpen(false)}>
          Done
        </button>
      </form>
    </div>
  );
}

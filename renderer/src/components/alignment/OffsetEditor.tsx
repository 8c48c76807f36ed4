import { useState } from 'react';
import type { SourceInfo } from '../../../../shared/bridge.ts';
import { bridge } from '../../bridge-client.ts';
import { useApp } from '../../store.ts';
import { axisToDate, formatDateTime, formatDuration, timeZoneName } from '../../format.ts';
import { formatOffset, parseOffset, parseStartAt, type ClockContext } from './offset-parse.ts';
import { alignTargets, momentOn, offsetToAlign, offsetToPlaceAt, type AlignPoint } from './align-with.ts';
import { useAlignPick } from './align-pick.ts';
import { useSourceNames } from '../../selectors.ts';
import { useFollowingDraft } from './following-draft.ts';

/**
 * Moves one source along the session axis: by an offset with units (from its own clock), by putting
 * its start at a date-time or a time of day, or by putting its start on another source's start or
 * end. Every way goes through setSourceOffset, and the host marks the clock 'manual'.
 */
export function OffsetEditor({ s, origin }: { s: SourceInfo; origin: string | null }) {
  const [open, setOpen] = useState(false);
  // Both boxes follow the source as it moves (a drag, the tray, another align), unless typed in.
  const offsetBox = useFollowingDraft(formatOffset(s.offsetNs));
  const startText = s.axisStartNs !== undefined && origin ? formatDateTime(axisToDate(origin, s.axisStartNs)) : '';
  const startBox = useFollowingDraft(startText);
  const offset = offsetBox.value;
  const start = startBox.value;
  const [targetId, setTargetId] = useState('');
  const [point, setPoint] = useState<AlignPoint | 'moment'>('start');
  /** A moment on the target: an offset from its start (+12.5s) or a date-time / time of day. */
  const [moment, setMoment] = useState('');
  const startPick = useAlignPick((st) => st.start);
  const picking = useAlignPick((st) => st.pick?.sourceId === s.id);
  const sources = useApp((st) => st.session.sources);
  const evidence = useApp((st) => st.session.evidenceSpan);
  const nameOf = useSourceNames();
  if (s.axisStartNs === undefined || !origin) return null;
  const startDate = axisToDate(origin, s.axisStartNs);
  const zone = timeZoneName();
  const apply = (offsetNs: number) => {
    void bridge.request('setSourceOffset', { id: s.id, offsetNs });
    offsetBox.reset();
    startBox.reset();
  };
  const offNs = parseOffset(offset);
  // A time of day keeps the source's date, unless that date is only a guess (a copied file's mtime):
  // then it lands on the day nearest the evidence whose time is known.
  const ctx: ClockContext = { currentMs: startDate.getTime(), timeZone: zone };
  if (s.clock?.quality === 'estimated' && evidence) {
    ctx.near = { startMs: axisToDate(origin, evidence.startNs).getTime(), endMs: axisToDate(origin, evidence.endNs).getTime() };
  }
  const atMs = parseStartAt(start, ctx);
  const atOffset = atMs !== null ? s.offsetNs + (atMs - startDate.getTime()) * 1e6 : null;
  const targets = alignTargets(s, sources);
  const target = targets.find((t) => t.id === targetId) ?? targets[0];
  const momentNs = target && point === 'moment' ? momentOn(target, moment, origin, zone) : null;
  const alignOffset = !target ? null : point === 'moment' ? (momentNs === null ? null : offsetToPlaceAt(s, momentNs)) : offsetToAlign(s, target, point);
  if (!open) {
    return (
      <button
        className="link align-toggle"
        data-testid="align-source"
        title="Move this source along the time axis"
        onClick={(e) => {
          e.stopPropagation();
          offsetBox.reset();
          startBox.reset();
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
        <label title="From the source's own clock: +2.5s, -300ms, +1h, -2d 3h (a bare number is seconds)">
          offset{' '}
          <input
            aria-label={`Offset of ${nameOf(s)}, with units`}
            data-testid="offset-input"
            className={`offset-input ${offNs === null ? 'invalid' : ''}`}
            value={offset}
            onChange={(e) => offsetBox.onChange(e.target.value)}
            onFocus={offsetBox.onFocus}
            onBlur={offsetBox.onBlur}
          />
        </label>
        <button type="submit" data-testid="offset-apply" disabled={offNs === null}>
          Apply
        </button>
        <button type="button" data-testid="offset-reset" disabled={s.offsetNs === 0} onClick={() => apply(0)}>
          Reset
        </button>
      </form>
      <form
        className="offset-editor"
        onSubmit={(e) => {
          e.preventDefault();
          if (atOffset !== null) apply(atOffset);
        }}
      >
        <label
          title={`A date-time (2026-11-22 19:46:31.5, or ISO 8601 with a zone) or a time of day, in ${zone}. A time of day keeps the source's date; for an estimated source it takes the day nearest the evidence.`}
        >
          starts at{' '}
          <input
            aria-label={`Wall-clock start of ${nameOf(s)}`}
            data-testid="start-input"
            className={`start-input ${atMs === null ? 'invalid' : ''}`}
            value={start}
            onChange={(e) => startBox.onChange(e.target.value)}
            onFocus={startBox.onFocus}
            onBlur={startBox.onBlur}
          />
        </label>
        <button type="submit" data-testid="start-apply" disabled={atOffset === null}>
          Place
        </button>
      </form>
      {atMs !== null && atMs !== startDate.getTime() && (
        <div className="offset-preview muted" data-testid="start-preview">
          → {formatDateTime(new Date(atMs))} {zone}
        </div>
      )}
      {targets.length > 0 && (
        <form
          className="offset-editor align-with"
          data-testid="align-with"
          onSubmit={(e) => {
            e.preventDefault();
            if (alignOffset !== null) apply(alignOffset);
          }}
        >
          <label>
            start on{' '}
            <select aria-label="Which point" data-testid="align-point" value={point} onChange={(e) => setPoint(e.target.value as AlignPoint)}>
              <option value="start">start</option>
              <option value="end">end</option>
              <option value="moment">a moment</option>
            </select>
          </label>
          <label>
            of{' '}
            <select aria-label={`Source to align ${nameOf(s)} with`} data-testid="align-target" value={target?.id ?? ''} onChange={(e) => setTargetId(e.target.value)}>
              {targets.map((t) => (
                <option key={t.id} value={t.id}>
                  {nameOf(t)}
                  {t.axisEndNs !== undefined && t.axisEndNs > t.axisStartNs! ? ` (${formatDuration(t.axisEndNs - t.axisStartNs!)})` : ''}
                </option>
              ))}
            </select>
          </label>
          {point === 'moment' && (
            <label title={`An offset from its start (+12.5s, 1m30s) or a date-time / time of day on it, in ${zone}`}>
              at{' '}
              <input
                aria-label="Moment on the other source"
                data-testid="align-moment"
                className={`moment-input ${momentNs === null ? 'invalid' : ''}`}
                placeholder="+12.5s or 19:37:40"
                value={moment}
                onChange={(e) => setMoment(e.target.value)}
              />
            </label>
          )}
          <button type="submit" data-testid="align-apply" disabled={alignOffset === null}>
            Align
          </button>
          {point === 'moment' && target && (
            <button
              type="button"
              data-testid="align-pick"
              className={picking ? 'on' : ''}
              title={`Then click the moment on ${nameOf(target)}'s lane in the timeline`}
              onClick={() => startPick({ sourceId: s.id, sourceName: nameOf(s), targetId: target.id, targetName: nameOf(target) })}
            >
              {picking ? 'click its lane…' : 'pick on its lane'}
            </button>
          )}
        </form>
      )}
      <button type="button" className="link" onClick={() => setOpen(false)}>
        Done
      </button>
    </div>
  );
}

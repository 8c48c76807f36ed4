/**
 * Wall-clock text for an epoch-ns time in a named time zone, with its UTC offset: the one format the
 * export captions, the bundle report and the CLI share. Pure (Intl only).
 */
import type { EpochNsString } from './model/time.ts';

/** `2026-11-22 19:37:20.000 UTC (UTC+00:00)`; `dateless` drops the date (same-day range ends). */
export function formatWallClock(epochNs: EpochNsString, timeZone: string, dateless = false): string {
  const ms = Number(BigInt(epochNs) / 1_000_000n);
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    fractionalSecondDigits: 3,
    hourCycle: 'h23',
  }).formatToParts(new Date(ms));
  const p = (t: string) => parts.find((x) => x.type === t)?.value ?? '';
  const n = (t: string) => Number(p(t));
  // The zone's offset at that moment, computed (Intl's offset names differ between ICU versions).
  const asUtc = Date.UTC(n('year'), n('month') - 1, n('day'), n('hour'), n('minute'), n('second'), n('fractionalSecond'));
  const off = Math.round((asUtc - ms) / 60000);
  const hhmm = `${off < 0 ? '-' : '+'}${String(Math.floor(Math.abs(off) / 60)).padStart(2, '0')}:${String(Math.abs(off) % 60).padStart(2, '0')}`;
  const time = `${p('hour')}:${p('minute')}:${p('second')}.${p('fractionalSecond')}`;
  return dateless ? time : `${p('year')}-${p('month')}-${p('day')} ${time} ${timeZone} (UTC${hhmm})`;
}

export function formatSpanNs(ns: number): string {
  const a = Math.abs(ns);
  if (a >= 60e9) return `${(ns / 60e9).toFixed(2)} min`;
  if (a >= 1e9) return `${(ns / 1e9).toFixed(3)} s`;
  if (a >= 1e6) return `${(ns / 1e6).toFixed(3)} ms`;
  return `${Math.round(ns)} ns`;
}

/** `start – end (duration)`: wall clock with zone at both ends. */
export function formatWallRange(startEpochNs: EpochNsString, endEpochNs: EpochNsString, timeZone: string): string {
  const d = Number(BigInt(endEpochNs) - BigInt(startEpochNs));
  return `${formatWallClock(startEpochNs, timeZone)} – ${formatWallClock(endEpochNs, timeZone)} (${formatSpanNs(d)})`;
}

/** Placing a source on the axis: on another source's start, end or a moment on it, at a time, beside the source it was taken with; which estimated sources wait for a place. Pure. */
import type { SourceInfo } from '../../../../shared/bridge.ts';
import { axisToDate } from '../../format.ts';
import { parseOffset, parseStartAt } from './offset-parse.ts';

export type AlignPoint = 'start' | 'end';

/** Sources `s` can be aligned with: the other ready ones that have a place on the axis. */
export function alignTargets(s: SourceInfo, sources: readonly SourceInfo[]): SourceInfo[] {
  return sources.filter((o) => o.id !== s.id && o.status === 'ready' && o.axisStartNs !== undefined);
}

/**
 * The offset (for setSourceOffset) that puts `s`'s start on `target`'s start or end. The offset is
 * on top of `s`'s own clock, so the shift needed on the axis is added to the current one.
 */
export function offsetToAlign(s: SourceInfo, target: SourceInfo, point: AlignPoint): number | null {
  if (s.axisStartNs === undefined || target.axisStartNs === undefined) return null;
  const at = point === 'start' ? target.axisStartNs : (target.axisEndNs ?? target.axisStartNs);
  return s.offsetNs + (at - s.axisStartNs);
}

/** The offset (for setSourceOffset) that puts `s`'s start at axis time `atNs`. */
export function offsetToPlaceAt(s: SourceInfo, atNs: number): number | null {
  if (s.axisStartNs === undefined || !Number.isFinite(atNs)) return null;
  return s.offsetNs + (atNs - s.axisStartNs);
}

/**
 * Sources waiting for a place: estimated (file-time) sources lying wholly outside `view` — the window
 * the session opens on, framed by the sources whose time is known — so they would otherwise be out of sight.
 */
export function waitingSources(sources: readonly SourceInfo[], view: { startNs: number; endNs: number } | null): SourceInfo[] {
  if (!view) return [];
  return sources.filter(
    (s) => s.status === 'ready' && s.clock?.quality === 'estimated' && s.axisStartNs !== undefined && ((s.axisEndNs ?? s.axisStartNs) < view.startNs || s.axisStartNs > view.endNs),
  );
}

/** The folder a file source came from ('' for others): sources copied together were taken together. */
function folderOf(s: SourceInfo): string {
  if (s.origin.type !== 'file') return '';
  const cut = Math.max(s.origin.path.lastIndexOf('/'), s.origin.path.lastIndexOf('\\'));
  return cut > 0 ? s.origin.path.slice(0, cut) : '';
}

/**
 * A source whose known time `s` most likely shares: one of the same kind from the same folder
 * (an `ls /proc/PID/fd` beside an lsof already placed by its sockets; a dump beside another dump),
 * else a goroutine profile there for a dump; placed by pairing first, then exact. Null when none.
 */
export function placementPartner(s: SourceInfo, sources: readonly SourceInfo[]): SourceInfo | null {
  const dir = folderOf(s);
  const known = sources.filter((o) => o.id !== s.id && o.status === 'ready' && o.axisStartNs !== undefined && o.clock && o.clock.quality !== 'estimated' && (dir === '' || folderOf(o) === dir));
  const rank = (o: SourceInfo) => (o.clock!.quality === 'paired' ? 0 : o.clock!.quality === 'exact' ? 1 : 2);
  const byRank = (list: SourceInfo[]) => [...list].sort((a, b) => rank(a) - rank(b) || a.name.localeCompare(b.name))[0] ?? null;
  const sameKind = known.filter((o) => o.kind === s.kind && (s.kind !== 'ss' || o.format !== 'ss capture'));
  if (sameKind.length > 0) return byRank(sameKind);
  if (s.kind === 'goroutine-dump') return byRank(known.filter((o) => o.kind === 'pprof' && /goroutine/i.test(o.name)));
  return null;
}

/**
 * A moment on `target` (axis ns) from what was typed: an offset from its start with units ("+12.5s",
 * "1m30s"), or a date-time / time of day (on the target's date) in the shown zone. Null when unreadable.
 */
export function momentOn(target: SourceInfo, text: string, origin: string, zone: string): number | null {
  if (target.axisStartNs === undefined || !text.trim()) return null;
  const off = parseOffset(text);
  if (off !== null) return target.axisStartNs + off;
  const targetStart = axisToDate(origin, target.axisStartNs);
  const ms = parseStartAt(text, { currentMs: targetStart.getTime(), timeZone: zone });
  return ms === null ? null : target.axisStartNs + (ms - targetStart.getTime()) * 1e6;
}

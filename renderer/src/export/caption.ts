/**
 * The caption strip under every exported picture: what the picture shows and when — source names,
 * the time range in wall-clock time with the time zone, active filters, the host of live data, and
 * the notes pinned inside the range.
 */
import type { Annotation, SourceInfo } from '../../../shared/bridge.ts';
import { epochAdd } from '../../../shared/model/time.ts';
import { formatSpanNs, formatWallClock } from '../../../shared/wall-clock.ts';
import { sessionExtent, useApp } from '../store.ts';
import { timeZoneName } from '../format.ts';
import { esc } from './dom-to-svg.ts';
import { sourceDisplayNames } from '../../../shared/source-names.ts';

export interface CaptionInput {
  title: string;
  sources: SourceInfo[];
  /** Filters and view settings, already worded ("profile: delay", "focus: runtime.selectgo"). */
  filters: string[];
}

/** Lines of caption text (plain strings; also used by the CLI and tests). */
export function captionLines(input: CaptionInput): string[] {
  const st = useApp.getState();
  const origin = st.session.originEpochNs;
  const tz = timeZoneName();
  const lines = [`TraceDeck · ${input.title}`];
  // Named as every view names them (equal names with their folder), among all the session's sources.
  const names = sourceDisplayNames(st.session.sources);
  lines.push(`Sources: ${input.sources.map((s) => names.get(s.id) ?? s.name).join(', ') || 'none'}`);
  // The host's evidence span: estimated sources far off (mtimes after a copy) do not stretch it.
  // Points in time (dumps, one profile) get ±1 s, as sessionExtent gives them.
  const ev = st.session.evidenceSpan;
  const evidence = ev && ev.endNs - ev.startNs < 1e6 ? { startNs: ev.startNs - 1e9, endNs: ev.endNs + 1e9 } : ev;
  const range = st.selection ?? evidence ?? sessionExtent(st.session);
  if (origin && range) {
    const a = epochAdd(origin, range.startNs);
    const b = epochAdd(origin, range.endNs);
    const sameDay = formatWallClock(a, tz).slice(0, 10) === formatWallClock(b, tz).slice(0, 10);
    lines.push(
      `${st.selection ? 'Range' : 'Whole session'}: ${formatWallClock(a, tz)} – ${sameDay ? `${formatWallClock(b, tz, true)}` : formatWallClock(b, tz)} (${formatSpanNs(range.endNs - range.startNs)})`,
    );
  }
  lines.push(`Filters: ${input.filters.length ? input.filters.join(' · ') : 'none'}`);
  const live = input.sources.filter((s) => s.origin.type === 'ssh');
  for (const s of live) if (s.origin.type === 'ssh') lines.push(`Live from ${s.origin.host}: ${s.origin.command}${s.live ? ' (capture running)' : ''}`);
  const notes = notesIn(st.annotations, origin, range);
  if (notes.length) lines.push(`Notes: ${notes.map((n) => `${formatWallClock(n.startEpochNs, tz, true)} ${n.text}`).join(' · ')}`);
  return lines;
}

function notesIn(all: Annotation[], origin: string | null, range: { startNs: number; endNs: number } | null): Annotation[] {
  if (!origin || !range) return all;
  const lo = BigInt(epochAdd(origin, range.startNs));
  const hi = BigInt(epochAdd(origin, range.endNs));
  return all.filter((a) => BigInt(a.startEpochNs) <= hi && BigInt(a.endEpochNs ?? a.startEpochNs) >= lo);
}

export const CAPTION_LINE_H = 17;
const CAPTION_PAD = 8;

export function captionHeight(lines: string[]): number {
  return lines.length * CAPTION_LINE_H + 2 * CAPTION_PAD;
}

/** The strip as SVG at (0, y), `width` wide. */
export function captionSvg(lines: string[], y: number, width: number, theme: { bg: string; fg: string; muted: string; border: string; font: string }): string {
  const h = captionHeight(lines);
  const out = [
    `<g data-caption="true">`,
    `<rect x="0" y="${y}" width="${width}" height="${h}" fill="${esc(theme.bg)}"/>`,
    `<line x1="0" x2="${width}" y1="${y + 0.5}" y2="${y + 0.5}" stroke="${esc(theme.border)}"/>`,
  ];
  lines.forEach((line, i) => {
    const ty = y + CAPTION_PAD + (i + 0.5) * CAPTION_LINE_H;
    const bold = i === 0 ? ' font-weight="600"' : '';
    out.push(
      `<text x="${CAPTION_PAD + 2}" y="${ty}" dominant-baseline="central" font-family="${esc(theme.font)}" font-size="12px"${bold} fill="${esc(i === 0 ? theme.fg : theme.muted)}" xml:space="preserve">${esc(line)}</text>`,
    );
  });
  out.push('</g>');
  return out.join('\n');
}

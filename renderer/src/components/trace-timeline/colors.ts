/**
 * Colours of the trace timeline (pure): a stable hue per goroutine and per region/task type (the same
 * goroutine reads the same on every P and in its own lane), and state colours shared with the rest of
 * the app (palette.ts) so "running" or "blocked (sync)" read alike in every view.
 */
import { stateColor } from '../../palette.ts';
import type { SliceKind } from '../../../../shared/query/trace/timeline/timeline-types.ts';

/** Golden-angle hues: neighbouring ids get far-apart colours. */
export function goroutineColor(g: number): string {
  const hue = (g * 137.508) % 360;
  return `hsl(${hue.toFixed(1)} 58% ${g % 2 ? 52 : 60}%)`;
}

function hash(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 16777619);
  }
  return h >>> 0;
}

/** A region or task type ("job:compress"), or a start function: one hue per name. */
export function labelColor(name: string): string {
  const h = hash(name);
  return `hsl(${((h % 3600) / 10).toFixed(1)} 55% ${48 + (h % 3) * 6}%)`;
}

/** Which of the app's blocked colours a wait reason reads as. */
export function waitColor(reason: string): string {
  const r = reason.toLowerCase();
  if (/sync|mutex|cond|waitgroup|semacquire|rwmutex/.test(r)) return stateColor('blocked (sync)');
  if (/chan|select/.test(r)) return stateColor('blocked (chan/select)');
  if (/net|network|io wait|poll/.test(r)) return stateColor('blocked (net)');
  if (/gc|assist/.test(r)) return stateColor('GC assist');
  if (/sleep/.test(r)) return '#adb5bd';
  return stateColor('waiting');
}

const KIND_COLORS: Record<SliceKind, string> = {
  running: stateColor('running'),
  runnable: stateColor('runnable'),
  waiting: stateColor('waiting'),
  syscall: stateColor('syscall'),
  'syscall-blocked': '#1971c2',
  'gc-mark': '#9775fa',
  // Not the app's STW red: here it sits beside "blocked (sync)", which is that red.
  stw: '#a61e4d',
  assist: '#b197fc',
  sweep: '#d0bfff',
  'not-exist': 'transparent',
};

export function kindColor(kind: SliceKind, reason = ''): string {
  return kind === 'waiting' && reason ? waitColor(reason) : KIND_COLORS[kind];
}

/** State names as people read them in tooltips and the legend. */
export const KIND_NAMES: Record<SliceKind, string> = {
  running: 'running',
  runnable: 'runnable',
  waiting: 'blocked',
  syscall: 'in syscall',
  'syscall-blocked': 'in syscall, P taken',
  'gc-mark': 'GC mark',
  stw: 'stop-the-world',
  assist: 'mark assist',
  sweep: 'sweep',
  'not-exist': 'not started',
};

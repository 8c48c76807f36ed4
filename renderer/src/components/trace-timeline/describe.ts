/**
 * What a hovered thing says (pure): a slice's goroutine, function, state, reason and duration; a GC
 * mark; a task or region; a log; a CPU sample column; a counter's value.
 */
import type { TimelineWindow } from '../../../../shared/query/trace/timeline/timeline-types.ts';
import { SLICE_KINDS, type SliceKind } from '../../../../shared/query/trace/timeline/timeline-types.ts';
import { formatBytes, formatCount, formatDuration } from '../../format.ts';
import { KIND_NAMES } from './colors.ts';
import type { Hit } from './hit-test.ts';
import { threadLabel } from './lane-layout.ts';

export interface HitText {
  title: string;
  /** [what, value] pairs. */
  lines: [string, string][];
}

const kindOf = (i: number): SliceKind => SLICE_KINDS[i] ?? 'waiting';

export function describeHit(hit: Hit, win: TimelineWindow, fnOf?: ReadonlyMap<number, string>, colorBy: 'goroutine' | 'region' = 'goroutine'): HitText {
  const label = (i: number) => (i >= 0 ? (win.labels[i] ?? '') : '');
  switch (hit.kind) {
    case 'slice': {
      const { lane, i } = hit;
      const kind = kindOf(lane.kind[i]!);
      const g = lane.g[i]!;
      const lab = label(lane.label[i]!);
      const dur = lane.end[i]! - lane.start[i]!;
      const merged = lane.merged[i]!;
      const lines: [string, string][] = [];
      const onLane = lane.lane.kind === 'proc' ? `P${lane.lane.id}` : lane.lane.kind === 'thread' ? threadLabel(lane.lane.id) : `G${lane.lane.id}`;
      if (g >= 0) lines.push(['goroutine', `G${g}`]);
      // A running slice's label is its start function, or its innermost region when coloured by region.
      const labelIsRegion = kind === 'running' && colorBy === 'region';
      const fn = (kind === 'running' && !labelIsRegion ? lab : '') || fnOf?.get(g >= 0 ? g : lane.lane.id);
      if (fn) lines.push(['function', fn]);
      if (labelIsRegion && lab) lines.push(['region', lab]);
      lines.push(['state', KIND_NAMES[kind]]);
      if (kind === 'waiting' && lab) lines.push(['reason', lab]);
      lines.push(['duration', formatDuration(dur)]);
      if (merged > 1) lines.push(['summary', `${formatCount(merged)} slices narrower than a pixel; zoom in for each`]);
      const who = g >= 0 && lane.lane.kind !== 'goroutine' ? `G${g} ` : '';
      return { title: merged > 1 ? `${onLane} · ${formatCount(merged)} slices` : `${onLane} · ${who}${KIND_NAMES[kind]}`, lines };
    }
    case 'gc': {
      const s = win.gc;
      const kind = kindOf(s.kind[hit.i]!);
      const lines: [string, string][] = [['duration', formatDuration(s.end[hit.i]! - s.start[hit.i]!)]];
      if (s.merged[hit.i]! > 1) lines.push(['summary', `${formatCount(s.merged[hit.i]!)} marks merged`]);
      return { title: KIND_NAMES[kind], lines };
    }
    case 'span': {
      const s = win.spans[hit.i]!;
      return {
        title: `${s.kind === 'task' ? 'Task' : 'Region'} ${s.type}`,
        lines: [
          ...(s.kind === 'task' ? ([['task id', String(s.id)]] as [string, string][]) : []),
          ...(s.g >= 0 ? ([['goroutine', `G${s.g}`]] as [string, string][]) : []),
          ['duration', formatDuration(s.end - s.start)],
        ],
      };
    }
    case 'log': {
      const l = win.logs[hit.i]!;
      return { title: `Log${l.category ? ` [${l.category}]` : ''}`, lines: [['message', l.message], ...(l.g >= 0 ? ([['goroutine', `G${l.g}`]] as [string, string][]) : [])] };
    }
    case 'cpu': {
      const { n, p } = win.cpuSamples;
      return {
        title: `${formatCount(n[hit.i]!)} CPU sample${n[hit.i] === 1 ? '' : 's'}`,
        lines: [...(p[hit.i]! >= 0 ? ([['first on', `P${p[hit.i]}`]] as [string, string][]) : []), ['click', 'shows the stacks sampled here']],
      };
    }
    case 'counter':
      return hit.row.kind === 'heap'
        ? { title: 'Heap (live bytes)', lines: [['value', formatBytes(hit.v)]] }
        : { title: 'Goroutines', lines: [['count', formatCount(hit.v)]] };
  }
}

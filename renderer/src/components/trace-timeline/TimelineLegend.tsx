import type { TimelineWindow } from '../../../../shared/query/trace/timeline/timeline-types.ts';
import { KIND_NAMES, kindColor, labelColor } from './colors.ts';
import type { TraceColorBy } from '../../state/trace-timeline-view.ts';
import { stateColor } from '../../palette.ts';

const STATES = ['running', 'runnable', 'syscall', 'syscall-blocked', 'gc-mark', 'stw'] as const;
const WAITS: [string, string][] = [
  ['blocked (sync)', stateColor('blocked (sync)')],
  ['blocked (chan/select)', stateColor('blocked (chan/select)')],
  ['blocked (net)', stateColor('blocked (net)')],
  ['blocked (other)', stateColor('waiting')],
];

/** What the colours mean: states, and in region mode the region/task types in the window (most frequent first). */
export function TimelineLegend({ colorBy, win }: { colorBy: TraceColorBy; win: TimelineWindow | null }) {
  const regions = colorBy === 'region' && win ? topRegionLabels(win, 8) : [];
  return (
    <div className="track-legend tt-legend" data-testid="trace-timeline-legend">
      <span className="legend-group">
        {STATES.map((k) => (
          <span key={k}>
            <i style={{ background: kindColor(k) }} />
            {KIND_NAMES[k]}
          </span>
        ))}
        {WAITS.map(([n, c]) => (
          <span key={n}>
            <i style={{ background: c }} />
            {n}
          </span>
        ))}
      </span>
      {colorBy === 'goroutine' ? (
        <span className="muted">P lanes: one colour per goroutine</span>
      ) : (
        <span className="legend-group" data-testid="legend-regions">
          <b>regions:</b>
          {regions.map((r) => (
            <span key={r}>
              <i style={{ background: labelColor(r) }} />
              {r}
            </span>
          ))}
        </span>
      )}
    </div>
  );
}

/** The region/task labels of running slices on P lanes, by time covered. */
export function topRegionLabels(win: TimelineWindow, k: number): string[] {
  const byLabel = new Map<number, number>();
  for (const l of win.lanes) {
    if (l.lane.kind !== 'proc') continue;
    for (let i = 0; i < l.start.length; i++) {
      const lab = l.label[i]!;
      if (lab >= 0 && l.kind[i] === 0) byLabel.set(lab, (byLabel.get(lab) ?? 0) + l.end[i]! - l.start[i]!);
    }
  }
  return [...byLabel].sort((a, b) => b[1] - a[1]).slice(0, k).map(([i]) => win.labels[i]!).filter(Boolean);
}

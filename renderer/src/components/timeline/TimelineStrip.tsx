import { useMemo, useRef, useState } from 'react';
import type { SourceInfo } from '../../../../shared/bridge.ts';
import type { TrackData } from '../../../../shared/query/tracks.ts';
import { bridge } from '../../bridge-client.ts';
import { useSourceQueries } from '../../query/use-source-query.ts';
import { axisSpan } from '../../time-domains.ts';
import { laneGroups, type LaneGroup } from './lane-groups.ts';
import { MIN_TRACK_POINTS, trackAskWindow, trackCovers, trackResolution } from './track-window.ts';
import { tickLabels, tickStep } from './tick-labels.ts';
import { defaultViewWindow, sessionExtent, useApp, type TimeRange } from '../../store.ts';
import { axisToDate, formatClock, formatDuration, timeZoneName } from '../../format.ts';
import { useElementWidth } from '../../use-element-width.ts';
import { stateColor } from '../../palette.ts';
import { StackedTrack } from './StackedTrack.tsx';
import { nearestEvidence, type NearestEvidence } from '../../../../shared/query/nearest-evidence.ts';
import { describeNearest, laneClockFlag } from '../alignment/lane-labels.ts';
import '../alignment/alignment.css';
import { AnnotationMarks } from '../notes/AnnotationMarks.tsx';
import { AnnotationControls } from '../notes/AnnotationControls.tsx';
import { ExportButton } from '../export/ExportButton.tsx';
import { startNoteAt } from '../notes/annotations.ts';
import { EstimatedTray, TRAY_DRAG_TYPE } from '../alignment/EstimatedTray.tsx';
import { offsetToPlaceAt, waitingSources } from '../alignment/align-with.ts';
import { useAlignPick } from '../alignment/align-pick.ts';
import { isHostCapture } from '../../../../shared/source-hosts.ts';
import { useFleetTrack } from './fleet-track.ts';
import { SeriesIntervalMarks } from './SeriesIntervalMarks.tsx';
import { useSourceNames } from '../../selectors.ts';

const AXIS_H = 22;
const SERIES_H = 54;
const SIMPLE_H = 20;
const GROUP_H = 17;
const PAD = 8;
/** Zooming asks for a new track resolution once the wheel pauses this long. */
const TRACK_PAUSE_MS = 300;

/**
 * Each ready source's track. Captures: at about one point per pixel their span covers at the current
 * zoom (track-window.ts), asked again as zooming crosses a doubling, or as a live capture grows.
 * Traces: the whole trace at the screen's resolution, and, once zoomed in, the visible window
 * (padded) at a point per pixel (trackAskWindow), drawn whenever it covers the view: zooming in
 * shows detail, and no question walks the whole trace again.
 */
function useTracks(sources: SourceInfo[], width: number, view: TimeRange | null): ReadonlyMap<string, TrackData> {
  const viewSpan = view ? view.endNs - view.startNs : 0;
  const spanOf = (s: SourceInfo) => (s.axisEndNs ?? 0) - (s.axisStartNs ?? 0);
  // Profiles and dumps draw a span or a point: only series (traces, captures) gain from more points.
  const res = sources
    .map((s) => (s.kind === 'ss' ? trackResolution(spanOf(s), viewSpan, width) : s.kind === 'gotrace' ? trackResolution(spanOf(s), Math.max(viewSpan, spanOf(s)), width) : MIN_TRACK_POINTS))
    .join(',');
  const asks = useMemo(() => {
    const r = res.split(',').map(Number);
    return sources.map((s, i) => ({ sourceId: s.id, args: { maxPoints: r[i]! }, version: s.sha256 ?? '' }));
  }, [sources, res]);
  // A wheel burst crosses several doublings: ask once it pauses (the engine computes every question it gets).
  const answers = useSourceQueries('track', asks, { debounceMs: TRACK_PAUSE_MS });
  // The visible window of each trace, in its own ns (session axis = source ns + shift).
  const windowAsks = sources.flatMap((s) => {
    if (s.kind !== 'gotrace' || !view) return [];
    const shift = s.axisShiftNs ?? 0;
    const ask = trackAskWindow(
      { startNs: view.startNs - shift, endNs: view.endNs - shift },
      { startNs: (s.axisStartNs ?? 0) - shift, endNs: (s.axisEndNs ?? 0) - shift },
      width,
    );
    return ask ? [{ sourceId: s.id, args: ask, version: s.sha256 ?? '' }] : [];
  });
  const windowKey = JSON.stringify(windowAsks);
  const windowAnswers = useSourceQueries('track', useMemo(() => windowAsks, [windowKey]), { debounceMs: TRACK_PAUSE_MS });
  return useMemo(() => {
    const out = new Map([...answers].map(([id, r]) => [id, r.track]));
    if (!view) return out;
    for (const s of sources) {
      const w = windowAnswers.get(s.id)?.track;
      const shift = s.axisShiftNs ?? 0;
      // An answer for an earlier window is drawn only while it still covers the view.
      if (w?.kind === 'series' && windowAsks.some((a) => a.sourceId === s.id) && trackCovers(w.timeNs, Math.max(view.startNs, s.axisStartNs ?? view.startNs) - shift, Math.min(view.endNs, s.axisEndNs ?? view.endNs) - shift)) {
        out.set(s.id, w);
      }
    }
    return out;
  }, [answers, windowAnswers, view, sources, windowKey]);
}

function laneHeight(t: TrackData | undefined): number {
  return t?.kind === 'series' ? SERIES_H : SIMPLE_H;
}

/**
 * The session's time axis across the top: one track per source (sockets or goroutines by state,
 * GC/STW bands, a profile's window, a dump's moment), wall-clock ticks with the time zone, zoom and
 * pan, a shared hover cursor, and the brush that sets the selection every view follows.
 */
export function TimelineStrip() {
  const session = useApp((s) => s.session);
  const selection = useApp((s) => s.selection);
  const setSelection = useApp((s) => s.setSelection);
  const viewWindow = useApp((s) => s.viewWindow);
  const setViewWindow = useApp((s) => s.setViewWindow);
  const hoverNs = useApp((s) => s.hoverNs);
  const setHover = useApp((s) => s.setHover);
  const focused = useApp((s) => s.focusedSourceId);
  const [ref, width] = useElementWidth<HTMLDivElement>();
  const [drag, setDrag] = useState<{ x0: number; x1: number } | null>(null);
  // Alignment: a lane dragged by its grip (or with Alt) moves its source along the axis.
  const [laneDrag, setLaneDrag] = useState<{ id: string; x0: number; x1: number } | null>(null);
  /** Dragging the time axis (the tick strip) pans the view: where it started, in px and ns. */
  const [panDrag, setPanDrag] = useState<{ x0: number; startNs: number } | null>(null);
  // Placing: a tray item dragged over the axis; "pick the moment on a lane" (align box) waiting for its click.
  const [trayOver, setTrayOver] = useState(false);
  const alignPick = useAlignPick((st) => st.pick);
  const clearPick = useAlignPick((st) => st.clear);
  const svgRef = useRef<SVGSVGElement>(null);
  const sources = useMemo(() => session.sources.filter((s) => s.status === 'ready' && s.axisStartNs !== undefined), [session]);
  const extent = useMemo(() => sessionExtent(session), [session]);
  const defaultView = useMemo(() => defaultViewWindow(session), [session]);
  const view = viewWindow ?? defaultView;
  const tracks = useTracks(sources, width, view);
  // Sources the default window leaves out (estimated times far from the rest).
  const outside = defaultView && extent && (defaultView.startNs > extent.startNs || defaultView.endNs < extent.endNs)
    ? session.sources.filter((s) => s.axisStartNs !== undefined && (s.axisEndNs! < defaultView.startNs || s.axisStartNs > defaultView.endNs)).length
    : 0;
  // Estimated sources out of the default window wait in the tray (one-click places).
  const waiting = useMemo(() => (outside > 0 ? waitingSources(session.sources, defaultView) : []), [outside, session, defaultView]);
  const origin = session.originEpochNs;
  const groups = useMemo(() => laneGroups(sources, session.profileSeries), [sources, session.profileSeries]);
  const nameOf = useSourceNames();
  const collapsed = useApp((s) => s.collapsedLaneGroups);
  const toggleLaneGroup = useApp((s) => s.toggleLaneGroup);
  // Lanes under a header per folder / host once there is more than one; a folded group is its header.
  const rows: LaneRow[] = [];
  let bottom = AXIS_H;
  // Several hosts' captures: first a lane of their sockets summed over the hosts (each host keeps its own lane).
  const fleet = useMemo(() => session.sources.filter(isHostCapture), [session]);
  const fleetTrack = useFleetTrack(fleet, view, width - 2 * PAD);
  if (fleet.length >= 2) {
    rows.push({ kind: 'fleet', top: bottom, h: SERIES_H, hosts: fleet.length });
    bottom += SERIES_H;
  }
  for (const g of groups) {
    if (groups.length > 1 || g.series) {
      const folded = collapsed.includes(g.key);
      rows.push({ kind: 'group', group: g, top: bottom, h: GROUP_H, folded });
      bottom += GROUP_H;
      if (folded) continue;
    }
    for (const src of g.sources) {
      const h = laneHeight(tracks.get(src.id));
      rows.push({ kind: 'lane', s: src, top: bottom, h });
      bottom += h;
    }
  }
  const height = bottom + 4;

  if (!view || !extent || !origin || width <= 0) {
    return (
      <div className="timeline timeline-empty" ref={ref} data-testid="timeline">
        <span className="muted">The timeline appears when a source with a place in time is ready.</span>
      </div>
    );
  }
  const w = width - 2 * PAD;
  const span = view.endNs - view.startNs;
  const x = (ns: number) => PAD + ((ns - view.startNs) / span) * w;
  const nsAt = (px: number) => view.startNs + ((Math.min(Math.max(px, PAD), PAD + w) - PAD) / w) * span;
  const step = tickStep(span, Math.max(2, Math.floor(w / 120)));
  // Ticks on round wall-clock times: axis t is wall time origin + t.
  const originRem = Number(BigInt(origin) % BigInt(Math.max(1, Math.round(step))));
  const ticks: number[] = [];
  for (let t = Math.ceil((view.startNs + originRem) / step) * step - originRem; t <= view.endNs; t += step) ticks.push(t);
  const toMs = (t: number) => axisToDate(origin, t).getTime();
  const labels = tickLabels(ticks.map(toMs), toMs(view.startNs), toMs(view.endNs), step, timeZoneName());

  const localX = (clientX: number) => clientX - (svgRef.current?.getBoundingClientRect().left ?? 0);
  const zoom = (factor: number, centerNs: number) => {
    const full = extent.endNs - extent.startNs;
    const newSpan = Math.min(full, Math.max(1e3, span * factor));
    const f = (centerNs - view.startNs) / span;
    let start = centerNs - f * newSpan;
    start = Math.min(Math.max(start, extent.startNs), extent.endNs - newSpan);
    setViewWindow(axisSpan(start, start + newSpan));
  };
  const pan = (deltaNs: number) => {
    if (span >= extent.endNs - extent.startNs) return;
    const start = Math.min(Math.max(view.startNs + deltaNs, extent.startNs), extent.endNs - span);
    setViewWindow(axisSpan(start, start + span));
  };
  const near = selection ? nearestEvidence(sources as { id: string; kind: string; axisStartNs: number; axisEndNs: number }[], selection) : null;
  const nearOf = (id: string): ['dump' | 'profile', NearestEvidence] | null =>
    near?.dump?.id === id ? ['dump', near.dump] : near?.profile?.id === id ? ['profile', near.profile] : null;
  const brush: TimeRange | null = drag ? axisSpan(nsAt(Math.min(drag.x0, drag.x1)), nsAt(Math.max(drag.x0, drag.x1))) : selection;

  return (
    <div className="timeline" ref={ref} data-testid="timeline">
      <div className="timeline-header">
        <span>Timeline</span>
        <span className="muted" data-testid="selection-label">
          {selection
            ? `${formatClock(axisToDate(origin, selection.startNs))} – ${formatClock(axisToDate(origin, selection.endNs))} (${formatDuration(selection.endNs - selection.startNs)})`
            : 'whole session'}{' '}
          · {timeZoneName()}
        </span>
        {selection && (
          <button className="link" data-testid="clear-selection" onClick={() => setSelection(null)}>
            Clear selection
          </button>
        )}
        <AnnotationControls />
        <span className="toolbar-spacer" />
        {viewWindow && (
          <button className="link" data-testid="reset-zoom" onClick={() => setViewWindow(null)}>
            Reset zoom
          </button>
        )}
        {!viewWindow && outside > 0 && (
          <button className="link" data-testid="show-all-sources" title="Sources placed by file time (estimated) lie far from the rest" onClick={() => setViewWindow(extent)}>
            Show all ({outside} estimated outside)
          </button>
        )}
        <span className="muted hint">drag: select · wheel: zoom · shift+wheel or drag the time axis: pan · alt+drag a lane: move it · right-click: note · ?: help</span>
        <ExportButton view="timeline" label="Timeline" />
      </div>
      <EstimatedTray waiting={waiting} session={session} />
      {alignPick && (
        <div className="align-pick-banner" data-testid="align-pick-banner">
          <span>
            Click the moment on the lane of {alignPick.targetName ? <b>{alignPick.targetName}</b> : 'a source'} to put the start of <b>{alignPick.sourceName}</b> there
            (Esc cancels).
          </span>
          <button className="link" data-testid="align-pick-cancel" onClick={clearPick}>
            Cancel
          </button>
        </div>
      )}
      <svg
        ref={svgRef}
        width={width}
        height={height}
        tabIndex={0}
        data-testid="timeline-svg"
        data-view-start={view.startNs}
        data-view-end={view.endNs}
        data-plot-x0={PAD}
        data-plot-w={w}
        className={`timeline-svg${trayOver ? ' drop-target' : ''}${alignPick ? ' picking' : ''}`}
        onDragOver={(e) => {
          if (!e.dataTransfer.types.includes(TRAY_DRAG_TYPE)) return;
          e.preventDefault();
          setTrayOver(true);
          setHover(nsAt(localX(e.clientX)));
        }}
        onDragLeave={() => setTrayOver(false)}
        onDrop={(e) => {
          setTrayOver(false);
          const id = e.dataTransfer.getData(TRAY_DRAG_TYPE);
          const placed = session.sources.find((x) => x.id === id);
          if (!placed) return;
          e.preventDefault();
          const off = offsetToPlaceAt(placed, nsAt(localX(e.clientX)));
          if (off !== null) void bridge.request('setSourceOffset', { id, offsetNs: off });
        }}
        onPointerDown={(e) => {
          if (e.button !== 0) return;
          if (alignPick) {
            // A click on the chosen lane puts the source's start at that moment; elsewhere it waits.
            const lane = (e.target as Element).closest?.('[data-source-id]')?.getAttribute('data-source-id');
            const moved = session.sources.find((x) => x.id === alignPick.sourceId);
            if (moved && (alignPick.targetId === null || lane === alignPick.targetId)) {
              const off = offsetToPlaceAt(moved, nsAt(localX(e.clientX)));
              if (off !== null) void bridge.request('setSourceOffset', { id: moved.id, offsetNs: off });
              clearPick();
            }
            return;
          }
          (e.target as Element).setPointerCapture?.(e.pointerId);
          const px = localX(e.clientX);
          if (e.clientY - (svgRef.current?.getBoundingClientRect().top ?? 0) < AXIS_H - 4) {
            setPanDrag({ x0: px, startNs: view.startNs });
            return;
          }
          const lane = (e.target as Element).closest?.('[data-source-id]');
          const grip = (e.target as Element).closest?.('[data-lane-grip]');
          if (lane && (grip || e.altKey)) {
            setLaneDrag({ id: lane.getAttribute('data-source-id')!, x0: px, x1: px });
            return;
          }
          setDrag({ x0: px, x1: px });
        }}
        onPointerMove={(e) => {
          const px = localX(e.clientX);
          setHover(nsAt(px));
          if (panDrag) pan(panDrag.startNs - ((px - panDrag.x0) / w) * span - view.startNs);
          if (laneDrag) setLaneDrag({ ...laneDrag, x1: px });
          if (drag) setDrag({ ...drag, x1: px });
        }}
        onPointerLeave={() => setHover(null)}
        onPointerUp={() => {
          setPanDrag(null);
          if (laneDrag) {
            const moved = sources.find((x) => x.id === laneDrag.id);
            const deltaNs = ((laneDrag.x1 - laneDrag.x0) / w) * span;
            if (moved && Math.abs(laneDrag.x1 - laneDrag.x0) >= 2) void bridge.request('setSourceOffset', { id: moved.id, offsetNs: moved.offsetNs + deltaNs });
            setLaneDrag(null);
          }
          if (drag) {
            const r = axisSpan(nsAt(Math.min(drag.x0, drag.x1)), nsAt(Math.max(drag.x0, drag.x1)));
            if (Math.abs(drag.x1 - drag.x0) >= 3) setSelection(r);
          }
          setDrag(null);
        }}
        onDoubleClick={() => setSelection(null)}
        onContextMenu={(e) => {
          e.preventDefault();
          startNoteAt(nsAt(localX(e.clientX)));
        }}
        onWheel={(e) => {
          if (e.shiftKey || Math.abs(e.deltaX) > Math.abs(e.deltaY)) pan(((e.deltaX || e.deltaY) / w) * span);
          else zoom(e.deltaY > 0 ? 1.25 : 0.8, nsAt(localX(e.clientX)));
        }}
        onKeyDown={(e) => {
          const mid = view.startNs + span / 2;
          if (e.key === '+' || e.key === '=') zoom(0.8, mid);
          else if (e.key === '-') zoom(1.25, mid);
          else if (e.key === 'ArrowLeft') pan(-span * 0.1);
          else if (e.key === 'ArrowRight') pan(span * 0.1);
          else if (e.key === '0') setViewWindow(null);
          else if (e.key === 'Escape') {
            if (alignPick) clearPick();
            else setSelection(null);
          }
          else return;
          e.preventDefault();
        }}
      >
        <defs>
          <clipPath id="timeline-clip">
            <rect x={PAD} y={0} width={w} height={height} />
          </clipPath>
        </defs>
        {ticks.map((t, i) => (
          <g key={t}>
            <line x1={x(t)} x2={x(t)} y1={AXIS_H - 4} y2={height} className="tick-line" />
            <text x={x(t) + 3} y={12} className="tick-label" data-testid="tick-label">
              {labels[i]}
            </text>
          </g>
        ))}
        <g clipPath="url(#timeline-clip)">
          {rows.map((row) => {
            if (row.kind === 'fleet') {
              return (
                <g key="fleet" data-testid="fleet-lane" data-hosts={row.hosts} data-series={fleetTrack?.series.map((x) => x.name).join('|') ?? ''} className="lane fleet-lane">
                  <rect x={0} y={row.top} width={width} height={row.h} className="lane-bg" />
                  {fleetTrack && (
                    <StackedTrack track={fleetTrack} top={row.top + 12} height={row.h - 14} x={x} endNs={view.endNs} labelX={width - PAD - 4} minX={PAD} maxX={width - PAD} fromNs={view.startNs} toNs={view.endNs} />
                  )}
                  <text x={PAD + 16} y={row.top + 11} className="lane-label">
                    all {row.hosts} hosts · sockets, summed
                  </text>
                </g>
              );
            }
            if (row.kind === 'group') {
              return (
                <LaneGroupHeader
                  key={`group:${row.group.key}`}
                  group={row.group}
                  folded={row.folded}
                  top={row.top}
                  width={width}
                  x={x}
                  onToggle={() => toggleLaneGroup(row.group.key)}
                  selection={selection}
                  onPickInterval={(a, b) => setSelection(axisSpan(a, b))}
                />
              );
            }
            const { s, top, h } = row;
            const t = tracks.get(s.id);
            const shift = s.axisShiftNs ?? 0;
            const nearest = nearOf(s.id);
            const flag = laneClockFlag(s);
            const dx = laneDrag?.id === s.id ? laneDrag.x1 - laneDrag.x0 : 0;
            return (
              <g
                key={s.id}
                data-testid="timeline-lane"
                data-name={s.name}
                data-label={nameOf(s)}
                data-kind={s.kind}
                data-source-id={s.id}
                data-clock={s.clock?.quality}
                data-axis-start={s.axisStartNs}
                data-nearest={nearest?.[0]}
                className={`lane${s.id === focused ? ' focused' : ''}${nearest ? ' nearest' : ''}${dx ? ' moving' : ''}`}
              >
                <title>{`${nameOf(s)} (${s.format})${s.clock ? ` · placed by ${s.clock.basis} (${s.clock.quality})` : ''}`}</title>
                <rect x={0} y={top} width={width} height={h} className="lane-bg" />
                <g transform={dx ? `translate(${dx},0)` : undefined}>
                {t?.kind === 'series' ? (
                  <StackedTrack track={t} top={top + 12} height={h - 14} x={(ns) => x(ns + shift)} endNs={s.axisEndNs! - shift} labelX={width - PAD - 4} minX={PAD} maxX={width - PAD} fromNs={view.startNs - shift} toNs={view.endNs - shift} />
                ) : t?.kind === 'span' || !t ? (
                  <rect
                    x={x(s.axisStartNs!)}
                    y={top + 3}
                    width={Math.max(3, x(s.axisEndNs!) - x(s.axisStartNs!))}
                    height={h - 6}
                    rx={3}
                    className={`lane-bar kind-${s.kind}`}
                  />
                ) : (
                  <path
                    d={`M${x(t.atNs + shift)},${top + 2} l6,${(h - 4) / 2} l-6,${(h - 4) / 2} l-6,-${(h - 4) / 2} z`}
                    className={`lane-marker kind-${s.kind}`}
                  />
                )}
                {nearest && (
                  <NearestMark
                    x0={x(s.axisStartNs!)}
                    x1={x(s.axisEndNs!)}
                    top={top}
                    h={h}
                    label={`nearest ${nearest[0]} · ${describeNearest(nearest[1])}`}
                    right={width - PAD}
                  />
                )}
                </g>
                <text x={PAD + 2} y={top + 11} className="lane-grip" data-lane-grip="" data-testid="lane-grip">
                  <title>Drag to move this source along the axis (manual alignment)</title>⇔
                </text>
                <text x={PAD + 16} y={top + 11} className="lane-label">
                  {nameOf(s)}
                  {t && t.kind !== 'series' ? ` · ${t.label}` : ''}
                  {t?.kind === 'series' ? ` · ${t.unit}` : ''}
                  {flag && (
                    <tspan className={`lane-clock ${flag}`} data-testid="lane-clock">
                      {` · ${flag} time`}
                    </tspan>
                  )}
                </text>
              </g>
            );
          })}
        </g>
        <AnnotationMarks x={x} top={AXIS_H - 4} bottom={height} x0={PAD} x1={PAD + w} />
        {brush && (
          <rect
            data-testid="brush"
            data-start-ns={brush.startNs}
            data-end-ns={brush.endNs}
            x={x(brush.startNs)}
            y={AXIS_H - 4}
            width={Math.max(1, x(brush.endNs) - x(brush.startNs))}
            height={height - AXIS_H + 4}
            className="brush"
          />
        )}
        {hoverNs !== null && hoverNs >= view.startNs && hoverNs <= view.endNs && (
          <g className="hover-cursor" pointerEvents="none">
            <line x1={x(hoverNs)} x2={x(hoverNs)} y1={AXIS_H - 4} y2={height} />
            <text x={Math.min(x(hoverNs) + 4, width - 90)} y={AXIS_H + 8} className="tick-label">
              {formatClock(axisToDate(origin, hoverNs))}
            </text>
          </g>
        )}
      </svg>
      <div className="timeline-footer">
        <TrackLegend tracks={[...tracks.values()]} />
          {near && (near.dump || near.profile) && (
            <span className="muted nearest-summary" data-testid="nearest-summary">
              {near.dump && `nearest dump: ${nameOf(near.dump.id)} ${describeNearest(near.dump)}`}
              {near.dump && near.profile && ' · '}
              {near.profile && `nearest profile: ${nameOf(near.profile.id)} ${describeNearest(near.profile)}`}
            </span>
          )}
      </div>
    </div>
  );
}

type LaneRow =
  | { kind: 'group'; group: LaneGroup; top: number; h: number; folded: boolean }
  | { kind: 'lane'; s: SourceInfo; top: number; h: number }
  | { kind: 'fleet'; top: number; h: number; hosts: number };

/**
 * A lane group's header: its folder or host and how many sources, a button that folds the group (a
 * folded group still marks where its sources sit on the axis).
 */
function LaneGroupHeader({
  group,
  folded,
  top,
  width,
  x,
  onToggle,
  selection,
  onPickInterval,
}: {
  group: LaneGroup;
  folded: boolean;
  top: number;
  width: number;
  x: (ns: number) => number;
  onToggle(): void;
  selection: TimeRange | null;
  onPickInterval(startNs: number, endNs: number): void;
}) {
  const n = group.sources.length;
  return (
    <g
      className={`lane-group${folded ? ' folded' : ''}`}
      data-testid="lane-group"
      data-group={group.label}
      data-folded={folded ? 'true' : 'false'}
      role="button"
      tabIndex={0}
      aria-expanded={!folded}
      aria-label={`${folded ? 'Show' : 'Fold'} the ${n} lanes of ${group.label}`}
      // Not a brush: a click here folds or unfolds the group.
      onPointerDown={(e) => e.stopPropagation()}
      onClick={onToggle}
      onKeyDown={(e) => {
        if (e.key !== 'Enter' && e.key !== ' ') return;
        e.preventDefault();
        e.stopPropagation();
        onToggle();
      }}
    >
      <rect x={0} y={top} width={width} height={GROUP_H} className="lane-group-bg" />
      {group.series && <SeriesIntervalMarks series={group.series} top={top} height={GROUP_H} x={x} selection={selection} onPick={onPickInterval} />}
      {folded &&
        !group.series &&
        group.sources.map((s) => (
          <rect key={s.id} x={x(s.axisStartNs!)} y={top + GROUP_H - 5} width={Math.max(2, x(s.axisEndNs!) - x(s.axisStartNs!))} height={3} className={`lane-bar kind-${s.kind}`} />
        ))}
      <text x={PAD + 2} y={top + 12} className="lane-group-label">
        {folded ? '▸' : '▾'} {group.label} · {n} source{n === 1 ? '' : 's'}
      </text>
    </g>
  );
}

/** Highlight around the nearest dump / profile to the selection, with how far it is. */
function NearestMark({ x0, x1, top, h, label, right }: { x0: number; x1: number; top: number; h: number; label: string; right: number }) {
  const a = Math.min(x0, x1) - 8;
  const wd = Math.max(16, Math.abs(x1 - x0) + 16);
  // The tag goes right of the mark, or left of it near the strip's right end.
  const leftSide = a + wd + 4 + label.length * 6.2 > right;
  return (
    <g className="nearest-mark" data-testid="nearest-mark" pointerEvents="none">
      <rect x={a} y={top + 1} width={wd} height={h - 2} rx={4} />
      <text x={leftSide ? a - 4 : a + wd + 4} y={top + h / 2 + 4} textAnchor={leftSide ? 'end' : 'start'}>
        {label}
      </text>
    </g>
  );
}

function TrackLegend({ tracks }: { tracks: TrackData[] }) {
  // One group per unit (sockets, goroutines…), so a state's colour is read within its own kind.
  const byUnit = new Map<string, Set<string>>();
  for (const t of tracks) {
    if (t.kind !== 'series') continue;
    let names = byUnit.get(t.unit);
    if (!names) byUnit.set(t.unit, (names = new Set()));
    for (const s of t.series) names.add(s.name);
  }
  if (!byUnit.size) return null;
  return (
    <div className="track-legend">
      {[...byUnit].map(([unit, names]) => (
        <span key={unit} className="legend-group">
          <b>{unit}:</b>
          {[...names].map((n, i) => (
            <span key={n}>
              <i style={{ background: stateColor(n, i) }} />
              {n}
            </span>
          ))}
        </span>
      ))}
    </div>
  );
}

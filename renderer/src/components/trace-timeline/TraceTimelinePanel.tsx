import { useEffect, useMemo, useRef, useState } from 'react';
import type { LaneRef, MmuFlags, TimelineWindow, WakeFlow } from '../../../../shared/query/trace/timeline/timeline-types.ts';
import { MmuChart } from './MmuChart.tsx';
import { useApp } from '../../store.ts';
import { selectTraceTimelineSource, useSourceSelection, useTraceTimelineView } from '../../selectors.ts';
import { useRequest, useSourceQuery } from '../../query/use-source-query.ts';
import { querySource } from '../../query/query-client.ts';
import { sourceSpan, toAxisSpan, type SourceSpan } from '../../time-domains.ts';
import { axisToDate, formatClock, formatDuration } from '../../format.ts';
import { Panel } from '../Panel.tsx';
import { TraceTimeline } from './TraceTimeline.tsx';
import { CpuSamplePane, heaviestStacks, SliceDetailPane } from './SliceDetailPane.tsx';
import { GoroutineSearch } from './GoroutineSearch.tsx';
import { TimelineLegend } from './TimelineLegend.tsx';
import { layoutRows, laneKey, MAX_REGION_DEPTH, taskLevels, type Row } from './lane-layout.ts';
import { around, clampSpan, type Span } from './time-scale.ts';
import { fetchWindow } from './window-request.ts';
import { useGoroutineSearch, useOverview, useSliceDetail, useTimelineWindow } from './timeline-queries.ts';
import type { Hit } from './hit-test.ts';
import type { Highlight } from './draw.ts';
import './trace-timeline.css';

/** Wait this long after the last zoom/pan step before asking (the last answer is drawn scaled meanwhile). */
const WINDOW_DEBOUNCE_MS = 60;
const FLOW_LIMIT = 300;

/**
 * The same span object while its bounds stay the same. The panel re-renders on every hover move (the
 * cursor line); a new view object each time would redraw every lane (and ask for the window again).
 */
function useSameSpan(s: Span | null): Span | null {
  const a = s?.startNs;
  const b = s?.endNs;
  return useMemo(() => (a === undefined || b === undefined ? null : { startNs: a, endNs: b }), [a, b]);
}

/**
 * The trace timeline (issue 14), connected: which trace, its view state (store slice), the brush in
 * its clock, the questions to its engine (overview, window at pixel resolution for the lanes in view,
 * the clicked slice, goroutine search), and the plain TraceTimeline canvas, detail pane and MMU tab.
 *
 * The window follows the session's brush: a new brush (here, on the timeline strip or from any view)
 * shows exactly that range. Zooming and panning here move this view alone; dragging a range on its
 * time axis (or Shift+drag, or B) makes it the brush, so every other view follows.
 */
export function TraceTimelinePanel() {
  const trace = useApp(selectTraceTimelineSource);
  const traces = useApp((s) => s.session.sources.filter((x) => x.kind === 'gotrace' && x.status === 'ready').length);
  if (!trace) {
    return <Panel title="Trace timeline" testId="panel-trace-timeline" empty="Drop a Go execution trace to see which goroutine ran on which P, who woke whom, and GC pauses, down to single events." />;
  }
  return <TraceTimelineBody key={trace.id} sourceId={trace.id} name={trace.name} several={traces > 1} />;
}

function TraceTimelineBody({ sourceId, name, several }: { sourceId: string; name: string; several: boolean }) {
  const v = useTraceTimelineView(sourceId);
  const act = useApp((s) => s.traceTimeline);
  const setSelection = useApp((s) => s.setSelection);
  const setHover = useApp((s) => s.setHover);
  const hoverAxis = useApp((s) => s.hoverNs);
  const origin = useApp((s) => s.session.originEpochNs);
  const shift = useApp((s) => s.session.sources.find((x) => x.id === sourceId)?.axisShiftNs ?? 0);
  const brush = useSourceSelection(sourceId);
  const ovQ = useOverview(sourceId);
  const ov = ovQ.data?.overview ?? null;
  const bounds: Span | null = useMemo(() => (ov ? { startNs: ov.startNs, endNs: Math.max(ov.endNs, ov.startNs + 1) } : null), [ov]);

  // A new brush resets the view to it (the first render keeps a saved window).
  const lastBrush = useRef(brush);
  useEffect(() => {
    if (lastBrush.current === brush) return;
    lastBrush.current = brush;
    if (v.window) act.update(sourceId, { window: null });
  }, [brush]);
  // The brush's part inside this trace (a brush elsewhere on the session's axis leaves the whole trace shown).
  const brushIn = useSameSpan(brush && bounds && brush.endNs > bounds.startNs && brush.startNs < bounds.endNs ? { startNs: Math.max(brush.startNs, bounds.startNs), endNs: Math.min(brush.endNs, bounds.endNs) } : null);
  const view = useSameSpan(bounds ? clampSpan(v.window ?? brushIn ?? bounds, bounds) : null);
  const colorBy = v.colorBy ?? (ov?.hasTasks ? 'region' : 'goroutine');

  // Start functions of pinned goroutines, learnt from search answers and slice details.
  const [fnOf, setFnOf] = useState<ReadonlyMap<number, string>>(new Map());
  const learn = (pairs: [number, string][]) =>
    setFnOf((m) => {
      if (pairs.every(([g, f]) => m.get(g) === f)) return m;
      const n = new Map(m);
      for (const [g, f] of pairs) if (f) n.set(g, f);
      return n;
    });

  // The lanes in view, once the canvas has measured itself (the trace-wide tracks are asked even with none).
  const [visible, setVisible] = useState<{ lanes: LaneRef[]; px: number } | null>(null);
  const winArgs = useMemo(() => (view && bounds && visible ? fetchWindow(view, bounds, visible.px, visible.lanes, colorBy, FLOW_LIMIT) : null), [view, bounds, visible, colorBy]);
  const winQ = useTimelineWindow(sourceId, winArgs, { debounceMs: WINDOW_DEBOUNCE_MS });
  const win: TimelineWindow | null = winQ.data?.window ?? null;

  const [taskDepth, regionDepth] = useMemo(() => {
    const levels = taskLevels(win?.spans ?? []);
    let t = 1;
    for (const l of levels) t = Math.max(t, l + 1);
    const r = new Map<number, number>();
    for (const s of win?.spans ?? []) {
      if (s.kind !== 'task') r.set(s.g, Math.min(MAX_REGION_DEPTH, Math.max(r.get(s.g) ?? 0, s.depth + 1)));
    }
    return [t, r];
  }, [win]);
  const rows: Row[] = useMemo(
    () => (ov ? layoutRows({ overview: ov, pinned: v.pinned, fnOf, showThreads: v.showThreads, taskDepth, regionDepth }) : []),
    [ov, v.pinned, fnOf, v.showThreads, taskDepth, regionDepth],
  );

  // The clicked slice, and a CPU sample column (its stacks come from the trace's CPU profile over that column).
  const detailQ = useSliceDetail(sourceId, v.selected ? { lane: v.selected.lane, t: v.selected.t, eventLimit: 60 } : null);
  const detail = v.selected && detailQ.data?.detail ? detailQ.data.detail : null;
  useEffect(() => {
    if (detail) learn([[detail.g, detail.fn], ...(detail.wokenBy ? ([[detail.wokenBy.g, detail.wokenBy.fn]] as [number, string][]) : [])]);
  }, [detail]);
  const [cpuPick, setCpuPick] = useState<{ startNs: number; endNs: number } | null>(null);
  const cpuQ = useSourceQuery(sourceId, 'callTree', cpuPick ? { profile: 'cpu', range: cpuPick, maxNodes: 400 } : null);
  const cpuStacks = useMemo(() => (cpuQ.data ? heaviestStacks(cpuQ.data.tree.root, 4) : []), [cpuQ.data]);

  // A finding asked for the goroutines of a function: pin the busiest few.
  const pinQ = useGoroutineSearch(sourceId, v.pinQuery ?? '', 8);
  useEffect(() => {
    if (!v.pinQuery || !pinQ.fresh || !pinQ.data) return;
    const found = pinQ.data.matches;
    learn(found.map((m) => [m.id, m.fn]));
    let next = v;
    for (const m of [...found].reverse()) next = { ...next, pinned: [m.id, ...next.pinned.filter((x) => x !== m.id)] };
    act.update(sourceId, { pinned: next.pinned.slice(0, 64), reveal: found[0]?.id ?? null, pinQuery: null });
  }, [pinQ.data, pinQ.fresh, v.pinQuery]);

  const selectedHl: Highlight | null = useMemo(() => {
    if (!v.selected || !detail) return null;
    const key = laneKey(v.selected.lane);
    return { rowKey: key, start: detail.start, end: detail.end };
  }, [v.selected, detail]);

  // Arrows: the open slice's waker (strong), and wake-ups between lanes on screen (faint).
  const flows = useMemo(() => {
    const out: { flow: WakeFlow; fromRow: Row; toRow: Row; strong: boolean }[] = [];
    const byKey = new Map(rows.map((r) => [r.key, r]));
    const gRow = (g: number) => byKey.get(`goroutine:${g}`);
    const pRow = (p: number) => byKey.get(`proc:${p}`);
    // Wake-ups in the window, of the goroutine in focus only: all of them at once would be a thicket.
    const focus = detail?.g ?? v.highlight;
    for (const f of win?.flows ?? []) {
      if (focus === null || (f.fromG !== focus && f.toG !== focus) || out.length >= 60) continue;
      const from = gRow(f.fromG) ?? (f.fromP >= 0 ? pRow(f.fromP) : undefined);
      const to = gRow(f.toG);
      if (from && to && from !== to) out.push({ flow: f, fromRow: from, toRow: to, strong: false });
    }
    if (detail?.wokenBy && v.selected) {
      const known = win?.flows.find((f) => f.toG === detail.g && f.t === detail.wokenBy!.t);
      const from = gRow(detail.wokenBy.g) ?? (known && known.fromP >= 0 ? pRow(known.fromP) : undefined);
      const to = byKey.get(laneKey(v.selected.lane));
      const flow: WakeFlow = { t: detail.wokenBy.t, fromG: detail.wokenBy.g, toG: detail.g, fromP: known?.fromP ?? -1, toRunT: detail.state === 'running' ? detail.start : detail.wokenBy.t };
      if (from && to) out.push({ flow, fromRow: from, toRow: to, strong: true });
    }
    return out;
  }, [win, rows, detail, v.selected, v.highlight]);

  // Start functions of pinned goroutines not yet known (pinned from another view): asked by id.
  const unnamed = v.pinned.filter((g) => !fnOf.has(g)).slice(0, 16);
  const namesQ = useRequest(unnamed.length ? `${sourceId}|names|${unnamed.join(',')}` : null, () =>
    Promise.all(unnamed.map((g) => querySource(sourceId, 'searchGoroutines', { text: String(g), limit: 1 }).then((r) => r.matches.find((m) => m.id === g)))),
  );
  useEffect(() => {
    const found = (namesQ.data ?? []).filter((m): m is NonNullable<typeof m> => !!m && !!m.fn);
    if (found.length) learn(found.map((m) => [m.id, m.fn]));
  }, [namesQ.data]);

  const pick = (hit: Hit | null) => {
    setCpuPick(null);
    if (!hit) return act.select(sourceId, null);
    if (hit.kind === 'slice') {
      const { lane, i } = hit;
      act.select(sourceId, { lane: lane.lane, t: (lane.start[i]! + lane.end[i]!) / 2 });
    } else if (hit.kind === 'cpu' && win) {
      act.select(sourceId, null);
      const t0 = win.cpuSamples.t[hit.i]!;
      setCpuPick({ startNs: t0, endNs: t0 + win.resolutionNs });
    } else if (hit.kind === 'span' && win) {
      // A task or region: it becomes the brush (every view narrows to it; this one zooms to it).
      const s = win.spans[hit.i]!;
      brushTo({ startNs: s.start, endNs: Math.max(s.end, s.start + 1000) });
    }
  };
  const brushTo = (s: Span) => setSelection(toAxisSpan(sourceSpan(s.startNs, s.endNs), { axisShiftNs: shift }));
  const setView = (s: Span) => act.update(sourceId, { window: sourceSpan(s.startNs, s.endNs) });
  const jump = (g: number, t: number) => view && act.jump(sourceId, { lane: { kind: 'goroutine', id: g }, t }, sourceSpan(view.startNs, view.endNs));

  const viewLabel = view && origin ? `${formatClock(axisToDate(origin, view.startNs + shift))} · ${formatDuration(view.endNs - view.startNs)} shown` : '';
  const followsBrush = !v.window;
  return (
    <Panel
      title={several ? `Trace timeline · ${name}` : 'Trace timeline'}
      testId="panel-trace-timeline"
      exportId="trace"
      actions={
        <>
          <span className="muted" data-testid="trace-timeline-summary">
            {viewLabel}
            {followsBrush ? (brushIn ? ' · the brush' : brush ? ' · whole trace (the brush is outside it)' : ' · whole trace') : ''}
          </span>
          <span className="seg" role="tablist" aria-label="Trace timeline view">
            <button role="tab" aria-selected={v.tab === 'lanes'} className={v.tab === 'lanes' ? 'on' : ''} onClick={() => act.update(sourceId, { tab: 'lanes' })}>
              Lanes
            </button>
            <button role="tab" aria-selected={v.tab === 'mmu'} className={v.tab === 'mmu' ? 'on' : ''} onClick={() => act.update(sourceId, { tab: 'mmu' })} data-testid="tab-mmu">
              MMU
            </button>
          </span>
        </>
      }
    >
      {ovQ.error && <p className="panel-error">{ovQ.error}</p>}
      {v.tab === 'lanes' && ov && view && bounds && (
        <div className="tt" data-testid="trace-timeline" data-color-by={colorBy} data-pinned={v.pinned.join(",")} data-back={v.back.length}>
          <div className="tt-toolbar" role="toolbar" aria-label="Trace timeline tools">
            <GoroutineSearch
              sourceId={sourceId}
              onPick={(m) => {
                learn([[m.id, m.fn]]);
                act.pin(sourceId, m.id);
              }}
            />
            <span className="seg" role="group" aria-label="Colour by">
              <button aria-pressed={colorBy === 'goroutine'} className={colorBy === 'goroutine' ? 'on' : ''} onClick={() => act.update(sourceId, { colorBy: 'goroutine' })}>
                goroutine
              </button>
              <button aria-pressed={colorBy === 'region'} className={colorBy === 'region' ? 'on' : ''} onClick={() => act.update(sourceId, { colorBy: 'region' })} data-testid="color-by-region">
                region/task
              </button>
            </span>
            <label className="check">
              <input type="checkbox" checked={v.showThreads} onChange={(e) => act.update(sourceId, { showThreads: e.target.checked })} /> threads
            </label>
            {!followsBrush && (
              <>
                <button className="link" data-testid="trace-view-to-brush" onClick={() => act.update(sourceId, { window: null })} title="Back to the brush (0)">
                  {brush ? 'Back to the brush' : 'Whole trace'}
                </button>
                <button className="link" data-testid="trace-view-set-brush" onClick={() => brushTo(view)} title="Make this window the brush: every view follows (B)">
                  Brush this view
                </button>
              </>
            )}
            {winQ.error && <span className="panel-error">{winQ.error}</span>}
            <span className="muted hint">Ctrl+wheel / W S zoom · A D / drag pan · axis drag / Shift+drag: brush · ↑↓ lane · ←→ slices</span>
          </div>
          <div className="tt-main">
            <TraceTimeline
              overview={ov}
              win={win}
              loading={winQ.loading}
              view={view}
              bounds={bounds}
              brush={brushIn}
              rows={rows}
              colorBy={colorBy}
              selected={selectedHl}
              flows={flows}
              focusG={detail?.g ?? v.highlight}
              reveal={v.reveal !== null ? `goroutine:${v.reveal}` : null}
              onRevealed={() => act.update(sourceId, { reveal: null })}
              onView={setView}
              onReset={() => act.update(sourceId, { window: null })}
              onBrush={brushTo}
              onPick={pick}
              onToggleGroup={(g) => g === 'threads' && act.update(sourceId, { showThreads: !v.showThreads })}
              onVisible={(lanes, px) => setVisible((old) => (old && old.px === px && old.lanes.map(laneKey).join() === lanes.map(laneKey).join() ? old : { lanes, px }))}
              onBack={v.back.length ? () => act.goBack(sourceId) : undefined}
              goroutineFn={fnOf}
              onHoverNs={(ns) => setHover(ns === null ? null : ns + shift)}
              cursorNs={hoverAxis === null ? null : hoverAxis - shift}
            />
            {v.selected && (
              <SliceDetailPane
                detail={detail}
                originNs={ov.startNs}
                loading={detailQ.loading}
                error={detailQ.error}
                canGoBack={v.back.length > 0}
                onJump={jump}
                onBack={() => act.goBack(sourceId)}
                onPin={(g) => act.pin(sourceId, g)}
                onZoom={(a, b) => setView(around(a, b, 0.1, bounds))}
                onClose={() => act.select(sourceId, null)}
              />
            )}
            {cpuPick && <CpuSamplePane stacks={cpuStacks} total={cpuQ.data?.tree.total ?? 0} loading={cpuQ.loading} onClose={() => setCpuPick(null)} />}
          </div>
          <TimelineLegend colorBy={colorBy} win={win} />
        </div>
      )}
      {v.tab === 'mmu' && <MmuSection sourceId={sourceId} range={brush ?? null} flags={v.mmuFlags} onFlags={(mmuFlags) => act.update(sourceId, { mmuFlags })} onSelect={brushTo} />}
    </Panel>
  );
}

/**
 * The MMU curve (trace-mmu's chart, Go's /mmu page) of the brushed range or the whole trace: the flags
 * are the trace's view state; a picked window size asks for its worst windows, and a worst window
 * becomes the brush (this view then shows it).
 */
function MmuSection({ sourceId, range, flags, onFlags, onSelect }: { sourceId: string; range: SourceSpan | null; flags: MmuFlags; onFlags(f: MmuFlags): void; onSelect(s: Span): void }) {
  const [worstFor, setWorstFor] = useState<number | null>(null);
  const q = useSourceQuery(sourceId, 'mmu', { flags, ...(range ? { range } : {}), ...(worstFor !== null ? { worstFor } : {}) }, { debounceMs: 100 });
  return (
    <div className="tt-mmu" data-testid="trace-mmu" data-state={q.fresh ? 'ready' : 'loading'} data-points={q.data?.result.curve.length ?? 0}>
      <p className="muted" data-testid="trace-mmu-scope">
        Minimum mutator utilization {range ? `of the brushed ${formatDuration(range.endNs - range.startNs)}` : 'of the whole trace'}: the least CPU share left to the program in any window of each size.
      </p>
      <MmuChart result={q.data?.result ?? null} loading={q.loading} error={q.error} flags={flags} onFlagsChange={onFlags} onPickWindow={setWorstFor} onSelectRange={(a, b) => onSelect({ startNs: a, endNs: b })} />
    </div>
  );
}

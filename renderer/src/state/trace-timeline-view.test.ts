import { describe, expect, it } from 'vitest';
import { DEFAULT_TRACE_TIMELINE_VIEW, loadTraceTimelineView, MAX_PINNED, saveTraceTimelineView, traceTimelineTransitions as T } from './trace-timeline-view.ts';
import { sourceSpan } from '../time-domains.ts';
import { useApp } from '../store.ts';

describe('trace timeline view state', () => {
  it('pins a goroutine on top, once, and asks the view to reveal it', () => {
    let v = T.pin(DEFAULT_TRACE_TIMELINE_VIEW, 5);
    v = T.pin(v, 9);
    v = T.pin(v, 5);
    expect(v.pinned).toEqual([5, 9]);
    expect(v.reveal).toBe(5);
    for (let g = 100; g < 200; g++) v = T.pin(v, g);
    expect(v.pinned).toHaveLength(MAX_PINNED);
    expect(T.unpin(v, 199).pinned).not.toContain(199);
  });
  it('a jump to the waker keeps the way back (pick and window), and centres on it when outside', () => {
    const from = { lane: { kind: 'goroutine' as const, id: 7 }, t: 500 };
    let v = T.select({ ...DEFAULT_TRACE_TIMELINE_VIEW, window: sourceSpan(0, 1000) }, from);
    v = T.jump(v, { lane: { kind: 'goroutine', id: 3 }, t: 4000 }, sourceSpan(0, 1000));
    expect(v.selected).toEqual({ lane: { kind: 'goroutine', id: 3 }, t: 4000 });
    expect(v.window).toEqual(sourceSpan(3500, 4500));
    expect(v.pinned[0]).toBe(3);
    const back = T.goBack(v);
    expect(back.selected).toEqual(from);
    expect(back.window).toEqual(sourceSpan(0, 1000));
    expect(back.back).toEqual([]);
    // Inside the window the view stays put.
    expect(T.jump(T.select(DEFAULT_TRACE_TIMELINE_VIEW, from), { lane: { kind: 'goroutine', id: 3 }, t: 600 }, sourceSpan(0, 1000)).window).toBeNull();
  });
  it('round-trips through a session file, dropping what is transient and anything damaged', () => {
    const v = { ...T.pin(DEFAULT_TRACE_TIMELINE_VIEW, 12), colorBy: 'region' as const, window: sourceSpan(10, 20), tab: 'mmu' as const, pinQuery: 'x' };
    const back = loadTraceTimelineView(JSON.parse(JSON.stringify(saveTraceTimelineView(v))));
    expect(back).toEqual({ ...v, reveal: null, pinQuery: null, highlight: null });
    expect(loadTraceTimelineView({ window: { startNs: 5, endNs: 1 }, pinned: [1, 1, -2, 'x'], selected: { lane: { kind: 'bogus', id: 1 }, t: 1 } })).toEqual({ ...DEFAULT_TRACE_TIMELINE_VIEW, pinned: [1] });
  });
  it('"show in trace timeline" picks that trace, pins the goroutine and opens its slice at the moment', () => {
    useApp.setState({ traceTimelineViews: {}, traceTimelineSourceId: null });
    useApp.getState().showInTraceTimeline('s2', 42, 1234);
    const st = useApp.getState();
    expect(st.traceTimelineSourceId).toBe('s2');
    expect(st.traceTimelineViews.s2!.pinned).toEqual([42]);
    expect(st.traceTimelineViews.s2!.selected).toEqual({ lane: { kind: 'goroutine', id: 42 }, t: 1234 });
    useApp.getState().showFunctionInTraceTimeline('s2', 'main.handler');
    expect(useApp.getState().traceTimelineViews.s2!.pinQuery).toBe('main.handler');
  });
});

describe('trace timeline view in a session file', () => {
  it('is saved by trace name and restored onto the reopened session’s ids, with the trace shown', async () => {
    const { saveViewSlices, restoreViewSlices } = await import('../export/view-state.ts');
    const src = (id: string, name: string) => ({ id, name, kind: 'gotrace' as const, format: 'go trace', origin: { type: 'upload' as const }, status: 'ready' as const, progress: 1, sizeBytes: 1, offsetNs: 0, axisShiftNs: 0, axisStartNs: 0, axisEndNs: 5e9 });
    useApp.setState({ traceTimelineViews: {}, traceTimelineSourceId: null, session: { seq: 1000, originEpochNs: '1700000000000000000', sources: [src('a', 'one.trace'), src('b', 'two.trace')] } });
    const st = useApp.getState();
    st.traceTimeline.update('b', { colorBy: 'goroutine', showThreads: true, window: sourceSpan(1e9, 2e9) });
    st.showInTraceTimeline('b', 77, 1.5e9);
    const saved = JSON.parse(JSON.stringify(saveViewSlices(useApp.getState())));
    expect(saved.traceTimeline.scope).toBe('two.trace');
    const back = restoreViewSlices(saved, [src('x', 'one.trace'), src('y', 'two.trace')]);
    expect(back.traceTimelineSourceId).toBe('y');
    expect(back.traceTimelineViews?.y).toMatchObject({ colorBy: 'goroutine', showThreads: true, window: { startNs: 1e9, endNs: 2e9 }, pinned: [77], selected: { lane: { kind: 'goroutine', id: 77 }, t: 1.5e9 } });
  });
});

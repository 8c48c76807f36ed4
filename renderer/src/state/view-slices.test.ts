import { beforeEach, describe, expect, it } from 'vitest';
import type { SessionInfo, SourceInfo } from '../../../shared/bridge.ts';
import { useApp } from '../store.ts';
import { selectFlameView, selectHeatmapView } from '../selectors.ts';
import { DEFAULT_FLAME_VIEW } from './flame-view.ts';
import { restoreViewSlices, saveViewSlices } from '../export/view-state.ts';
import { axisSpan, toSourceSpan } from '../time-domains.ts';

const src = (id: string, name: string, kind: SourceInfo['kind'], axisShiftNs = 0): SourceInfo => ({
  id,
  name,
  kind,
  format: '',
  origin: { type: 'upload' },
  status: 'ready',
  progress: 1,
  sizeBytes: 1,
  offsetNs: 0,
  axisShiftNs,
  axisStartNs: axisShiftNs,
  axisEndNs: axisShiftNs + 5e9,
});

let seq = 100;
const session = (sources: SourceInfo[]): SessionInfo => ({ seq: ++seq, originEpochNs: '1700000000000000000', sources });

describe('view slices (state per source, actions, session round trip)', () => {
  beforeEach(() => {
    useApp.setState({ flameViews: {}, heatmapViews: {}, heatmapSourceId: null, blockingMode: null, dumpsLabelFilter: '', focusedSourceId: null, traceDetailsViews: {}, expandedGroups: {} });
    useApp.getState().setSession(session([src('s1', 'block.pb.gz', 'pprof'), src('s2', 'base-block.pb.gz', 'pprof'), src('s3', 'ss-capture.txt.gz', 'ss', 2e9)]));
  });

  it('keeps each source its own flame view; filters and zoom interact as the panel expects', () => {
    const { flame } = useApp.getState();
    flame.zoomIn('s1', ['main.main', 'main.worker']);
    flame.addFilter('s1', 'ignore', 'runtime.gcBgMarkWorker');
    // A new filter changes the tree: the zoom path resets.
    expect(selectFlameView(useApp.getState(), 's1').rootPath).toEqual([]);
    flame.toggleFocus('s1', 'runtime.selectgo');
    flame.toggleFocus('s1', 'sync.(*Mutex).Lock');
    expect(selectFlameView(useApp.getState(), 's1').filters).toEqual([
      { kind: 'ignore', fn: 'runtime.gcBgMarkWorker' },
      { kind: 'focus', fn: 'sync.(*Mutex).Lock' },
    ]);
    flame.toggleFocus('s1', 'sync.(*Mutex).Lock');
    expect(selectFlameView(useApp.getState(), 's1').filters).toEqual([{ kind: 'ignore', fn: 'runtime.gcBgMarkWorker' }]);
    // Another source was never touched: the shared default (same object: selectors stay stable).
    expect(selectFlameView(useApp.getState(), 's2')).toBe(DEFAULT_FLAME_VIEW);
  });

  it('"show in flame graph" is one action: focus the source, only that function, in the profile named', () => {
    useApp.getState().flame.zoomIn('s2', ['main.main']);
    useApp.getState().showInFlameGraph('s2', 'net/http.(*persistConn).readLoop', 'delay');
    const st = useApp.getState();
    expect(st.focusedSourceId).toBe('s2');
    expect(selectFlameView(st, 's2')).toMatchObject({ profileKey: 'delay', rootPath: [], filters: [{ kind: 'focus', fn: 'net/http.(*persistConn).readLoop' }] });
  });

  it("keeps the dumps' label filter in the session file (with the panel's mode), and only a usable one comes back", () => {
    const a = useApp.getState();
    a.setDumpsLabelFilter('team=ingest|query');
    const saved = saveViewSlices(useApp.getState());
    expect(saved.blocking).toEqual({ scope: '', state: { mode: null, labelFilter: 'team=ingest|query' } });
    const back = restoreViewSlices(JSON.parse(JSON.stringify(saved)), []);
    expect(back.dumpsLabelFilter).toBe('team=ingest|query');
    expect(back.blockingMode).toBeUndefined();
    a.setBlockingMode('dumps');
    expect(restoreViewSlices(JSON.parse(JSON.stringify(saveViewSlices(useApp.getState()))), [])).toMatchObject({ blockingMode: 'dumps', dumpsLabelFilter: 'team=ingest|query' });
    // Without a filter nothing is written for it; a file's non-string or oversized one is left out.
    a.setDumpsLabelFilter('');
    expect(saveViewSlices(useApp.getState()).blocking).toEqual({ scope: '', state: { mode: 'dumps' } });
    expect(restoreViewSlices({ blocking: { scope: '', state: { labelFilter: 7 } } }, []).dumpsLabelFilter).toBeUndefined();
    expect(restoreViewSlices({ blocking: { scope: '', state: { labelFilter: 'x'.repeat(5000) } } }, []).dumpsLabelFilter).toBeUndefined();
  });

  it('saves every source’s view by name and restores it onto the new ids of a reopened session', () => {
    const a = useApp.getState();
    a.focusSource('s1');
    a.flame.setDiffBase('s1', 's2');
    a.flame.setSort('s1', 'cum');
    a.flame.setInverted('s2', true);
    a.updateHeatmapView('s3', { mode: 'peer', topN: 20, log: true, measure: 'recvQ', socketSort: { column: 'recvQ', desc: true }, socketFilter: '19090', hosts: 'rows' });
    a.toggleExpandedGroup('dumps', 'select|net/http.(*persistConn).readLoop');
    a.toggleExpandedGroup('s2', 'sync|main.f');
    a.toggleExpandedGroup('s2', 'sync|main.f');
    a.toggleExpandedGroup('s1', 'chan receive|main.g');
    a.updateTraceDetailsView('s1', { tab: 'goroutines', openGroup: 'main.worker', sort: { key: 2, desc: false } });
    const saved = saveViewSlices(useApp.getState());
    // The shape older session files have (and e2e/export.spec.ts reads) stays: scope + state.
    expect(saved.flame).toMatchObject({ scope: 'block.pb.gz', state: { diffBase: 'base-block.pb.gz', sortBy: 'cum' } });
    const reopened = [src('s7', 'ss-capture.txt.gz', 'ss'), src('s8', 'base-block.pb.gz', 'pprof'), src('s9', 'block.pb.gz', 'pprof')];
    const back = restoreViewSlices(JSON.parse(JSON.stringify(saved)), reopened);
    expect(back.flameViews?.s9).toMatchObject({ diffBaseId: 's8', sortBy: 'cum', inverted: false });
    expect(back.flameViews?.s8?.inverted).toBe(true);
    expect(back.heatmapViews?.s7).toEqual({
      mode: 'peer',
      measure: 'recvQ',
      state: null,
      topN: 20,
      log: true,
      zoom: false,
      socketSort: { column: 'recvQ', desc: true },
      socketFilter: '19090',
      hosts: 'rows',
    });
    expect(back.heatmapSourceId).toBe('s7');
    // s2's row was expanded and folded again: only s1's and the dumps table's rows come back.
    expect(back.expandedGroups).toEqual({ dumps: 'select|net/http.(*persistConn).readLoop', s9: 'chan receive|main.g' });
    expect(back.traceDetailsViews?.s9).toEqual({ tab: 'goroutines', open: null, openGroup: 'main.worker', sort: { key: 2, desc: false } });
  });

  it('keeps the views of two sources of one name apart (saved by the folder that tells them apart)', () => {
    const inFolder = (id: string, folder: string): SourceInfo => ({ ...src(id, 'block.pb.gz', 'pprof'), origin: { type: 'file', path: `/inc/${folder}/block.pb.gz` } });
    useApp.getState().setSession(session([inFolder('s1', 'web-01'), inFolder('s2', 'web-02')]));
    const a = useApp.getState();
    a.focusSource('s2');
    a.flame.setSort('s1', 'cum');
    a.flame.setInverted('s2', true);
    a.flame.setDiffBase('s2', 's1');
    const saved = saveViewSlices(useApp.getState());
    expect(saved.flame!.scope).toBe('web-02/block.pb.gz');
    expect(Object.keys(saved.flame!.sources!).sort()).toEqual(['web-01/block.pb.gz', 'web-02/block.pb.gz']);
    // Reopened in another order: each view goes back to the file of its folder.
    const back = restoreViewSlices(JSON.parse(JSON.stringify(saved)), [inFolder('s8', 'web-02'), inFolder('s9', 'web-01')]);
    expect(back.flameViews?.s9).toMatchObject({ sortBy: 'cum', inverted: false });
    expect(back.flameViews?.s8).toMatchObject({ inverted: true, diffBaseId: 's9' });
  });

  it('reads an older file (scope + state only) and ignores what it cannot use', () => {
    const back = restoreViewSlices(
      { flame: { scope: 'block.pb.gz', state: { filters: [{ kind: 'focus', fn: 'main.f' }, { kind: 'explode', fn: 'x' }], sortBy: 'nonsense', rootPath: ['a', 3] } }, heatmap: { scope: 'gone.txt', state: {} } },
      [src('s1', 'block.pb.gz', 'pprof')],
    );
    expect(back.flameViews?.s1).toEqual({ ...DEFAULT_FLAME_VIEW, filters: [{ kind: 'focus', fn: 'main.f' }], rootPath: ['a'] });
    expect(back.heatmapViews).toEqual({});
    expect(selectHeatmapView(useApp.getState(), 'gone')).toMatchObject({ mode: 'state', topN: 10 });
  });
});

describe('time domains', () => {
  it('converts the axis selection into a source clock by the source’s shift, and back', () => {
    const sel = axisSpan(3e9, 4e9);
    const inSrc = toSourceSpan(sel, { axisShiftNs: 2e9 });
    expect(inSrc).toEqual({ startNs: 1e9, endNs: 2e9 });
    expect(toSourceSpan(sel, {})).toEqual(sel);
  });
});

describe('expanding a goroutine group from elsewhere ("Show" in the findings)', () => {
  it('expandGroup opens and keeps open; the dumps table finds a one-dump key among stateless rows', async () => {
    const { dumpsRowKey, DUMPS_TABLE } = await import('./table-views.ts');
    useApp.setState({ expandedGroups: {} });
    const a = useApp.getState();
    a.expandGroup(DUMPS_TABLE, 'IO wait|net/http.(*persistConn).readLoop');
    a.expandGroup(DUMPS_TABLE, 'IO wait|net/http.(*persistConn).readLoop');
    expect(useApp.getState().expandedGroups[DUMPS_TABLE]).toBe('IO wait|net/http.(*persistConn).readLoop');
    // With a debug=1 dump among them, the merged rows carry no state: the same functions' row opens.
    expect(dumpsRowKey(['|net/http.(*persistConn).readLoop', '|main.main'], 'IO wait|net/http.(*persistConn).readLoop')).toBe('|net/http.(*persistConn).readLoop');
    expect(dumpsRowKey(['select|main.a', 'IO wait|main.b'], 'IO wait|main.b')).toBe('IO wait|main.b');
    expect(dumpsRowKey(['select|main.a'], 'IO wait|main.zzz')).toBe('IO wait|main.zzz');
    expect(dumpsRowKey(['select|main.a'], null)).toBeNull();
  });
});

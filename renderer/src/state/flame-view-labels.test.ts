/** The flame view's label options and the area under the graph: transitions, and a session's round trip. */
import { describe, expect, it } from 'vitest';
import { DEFAULT_FLAME_VIEW, flameTransitions, loadFlameView, saveFlameView } from './flame-view.ts';

describe('flame view: labels and peek / source lines', () => {
  it('a new grouping resets the zoom; a new filter alone keeps it', () => {
    const zoomed = flameTransitions.zoomTo(DEFAULT_FLAME_VIEW, ['main.main']);
    const filtered = flameTransitions.setLabels(zoomed, { tagfocus: 'worker=alpha' });
    expect(filtered.rootPath).toEqual(['main.main']);
    expect(filtered.labels).toEqual({ tagfocus: 'worker=alpha', tagignore: '', tagroot: '' });
    expect(flameTransitions.setLabels(filtered, { tagroot: 'worker' }).rootPath).toEqual([]);
  });

  it('peek and source lines name their function; the top table names none', () => {
    const p = flameTransitions.showSide(DEFAULT_FLAME_VIEW, 'peek', 'main.encode');
    expect([p.side, p.sideFn]).toEqual(['peek', 'main.encode']);
    const back = flameTransitions.showSide(p, 'top', 'main.encode');
    expect([back.side, back.sideFn]).toEqual(['top', null]);
  });

  it('survives a session file, and an old file without these fields reads as none', () => {
    const v = flameTransitions.showSide(flameTransitions.setLabels(DEFAULT_FLAME_VIEW, { tagroot: 'phase', tagignore: 'team=x' }), 'source', 'main.work');
    const back = loadFlameView(JSON.parse(JSON.stringify(saveFlameView(v, () => undefined))), () => undefined);
    expect(back).toEqual(v);
    const old = loadFlameView({ profileKey: 'cpu', filters: [], inverted: false, rootPath: [], search: '', diffBase: null, sortBy: 'flat' }, () => undefined);
    expect([old.labels, old.side, old.sideFn]).toEqual([{ tagfocus: '', tagignore: '', tagroot: '' }, 'top', null]);
  });
});

import { describe, expect, it } from 'vitest';
import { DEFAULT_LAYOUT, MIN_ROW_HEIGHT, MIN_SHARE, PRESETS, SLOT_IDS, normalizeLayout, presetLayout, resizeRow, resizeSources, resizeSplit } from './layout-model.ts';

describe('layout model', () => {
  it('every preset places every panel exactly once, widths summing to 1', () => {
    for (const p of PRESETS) {
      const l = presetLayout(p.id);
      expect(l.preset).toBe(p.id);
      expect(l.rows.flatMap((r) => r.slots).sort()).toEqual([...SLOT_IDS].sort());
      for (const r of l.rows) expect(r.widths.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 9);
    }
    expect(presetLayout('triage').rows[0]!.slots).toEqual(['heatmap', 'blocking']);
    expect(presetLayout('flame').rows[0]!.slots).toEqual(['flame']);
    expect(presetLayout('network').rows[0]!.slots).toEqual(['heatmap']);
  });
  it('is plain JSON: survives a round trip unchanged', () => {
    expect(JSON.parse(JSON.stringify(DEFAULT_LAYOUT))).toEqual(DEFAULT_LAYOUT);
    expect(normalizeLayout(JSON.parse(JSON.stringify(presetLayout('network'))))).toEqual(presetLayout('network'));
  });
  it('resizing clamps and marks the layout custom', () => {
    const l = resizeRow(DEFAULT_LAYOUT, 0, -10_000);
    expect(l.rows[0]!.height).toBe(MIN_ROW_HEIGHT);
    expect(l.preset).toBe('custom');
    const s = resizeSplit(DEFAULT_LAYOUT, 0, 0, 5);
    expect(s.rows[0]!.widths[1]).toBeCloseTo(MIN_SHARE, 9);
    expect(s.rows[0]!.widths[0]! + s.rows[0]!.widths[1]!).toBeCloseTo(1, 9);
    expect(resizeSplit(DEFAULT_LAYOUT, 1, 0, 0.1)).toEqual({ ...DEFAULT_LAYOUT, preset: 'custom' });
    expect(resizeSources(DEFAULT_LAYOUT, 50).sourcesWidth).toBe(DEFAULT_LAYOUT.sourcesWidth + 50);
  });
  it('normalizes a damaged saved layout: unknown or duplicate slots dropped, missing ones added', () => {
    const l = normalizeLayout({ preset: 'weird', sourcesWidth: 'x', rows: [{ slots: ['flame', 'bogus', 'flame'], widths: [2, 5], height: 10 }, null, { slots: [] }] });
    expect(l.preset).toBe('custom');
    expect(l.rows[0]).toEqual({ slots: ['flame'], widths: [1], height: MIN_ROW_HEIGHT });
    expect(l.rows.flatMap((r) => r.slots).sort()).toEqual([...SLOT_IDS].sort());
    expect(normalizeLayout(null)).toEqual(DEFAULT_LAYOUT);
    expect(normalizeLayout('nope')).toEqual(DEFAULT_LAYOUT);
  });
});

import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import type { MmuResult } from '../../../../shared/query/trace/timeline/timeline-types.ts';
import { GO_PAGE_FLAGS, goMmu } from '../../../../shared/test-support/mmu-oracle.ts';
import { MmuChart, type MmuChartProps } from './MmuChart.tsx';

const noop = () => {};
const render = (props: Partial<MmuChartProps> & { result: MmuResult | null }) =>
  renderToStaticMarkup(
    createElement(MmuChart, { flags: { stw: true, background: true, assist: true }, onFlagsChange: noop, onPickWindow: noop, onSelectRange: noop, width: 800, ...props }),
  );

describe('MmuChart', () => {
  // Go's own figures for a real trace (the renderer never parses): its /mmu curve and worst 1 ms windows.
  const go = goMmu('scenarios_cpu-pool-go1.27_trace.out')[0]!;
  const ref = go.results.find((r) => r.flags === GO_PAGE_FLAGS)!;
  const worst = ref.worst.find((w) => w.window === 1e6)!;
  const result: MmuResult = {
    flags: { stw: true, background: true, assist: true },
    range: { startNs: 0, endNs: go.lastEventNs - go.firstEventNs },
    curve: ref.curve.map(([windowNs, mmu]) => ({ windowNs, mmu })),
    worst: { windowNs: 1e6, windows: worst.windows.map((w) => ({ start: w.time - go.firstEventNs, mmu: w.util })) },
  };
  const html = render({ result });
  it('draws the curve through all 100 plotted windows, with decade ticks in human units and a 0–100 % axis', () => {
    const d = /class="mmu-curve" d="([^"]+)"/.exec(html)![1]!;
    expect(d.match(/[ML]/g)!.length).toBe(100);
    for (const label of ['1µs', '10µs', '100µs', '1ms', '10ms', '0%', '100%', 'Window duration']) expect(html).toContain(`>${label}<`);
  });
  it("offers Go's view and include options, checked as the flags say", () => {
    expect(html).toMatch(/<input type="radio" name="mmu-view" checked=""\/> System/);
    expect(html).toMatch(/<input type="checkbox" checked=""\/> STW/);
    expect(html).toMatch(/<input type="checkbox"\/> Sweep/);
  });
  it('lists the worst windows as buttons, worst first', () => {
    const items = [...html.matchAll(/<button type="button">([\d.]+) % at ([^<]+)<\/button>/g)];
    expect(items.length).toBe(result.worst!.windows.length);
    expect(items.length).toBeGreaterThan(1);
    expect(items[0]![1]).toBe((result.worst!.windows[0]!.mmu * 100).toFixed(1));
    expect(html).toContain('Lowest mutator utilization in 1ms windows:');
  });
  it('says so when there is nothing to draw, or it failed', () => {
    expect(render({ result: { ...result, curve: [], worst: null } })).toContain('never states GOMAXPROCS');
    expect(render({ result: null, error: 'engine gone' })).toContain('MMU failed: engine gone');
    expect(render({ result: null })).toContain('Computing the MMU');
  });
});

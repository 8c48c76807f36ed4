import { describe, expect, it, vi } from 'vitest';
import { fixturePath } from '../shared/test-support/fixtures.ts';
import { goMmu, GO_PAGE_FLAGS } from '../shared/test-support/mmu-oracle.ts';
import { cmdMmu, mmuReport, mmuTable, parseDurationNs, parseMmuFlags } from './cli-mmu.ts';
import { GO_PAGE_DEFAULT_FLAGS } from '../shared/query/trace/mmu/mmu-query.ts';

describe('tracedeck mmu', () => {
  it("--json prints Go's /mmu curve and worst 1 ms windows (cpu-pool, go1.27; the page's default flags)", async () => {
    const file = fixturePath('scenarios/cpu-pool-go1.27/trace.out');
    const r = await mmuReport(file, GO_PAGE_DEFAULT_FLAGS, 1e6);
    const go = goMmu('scenarios_cpu-pool-go1.27_trace.out')[0]!;
    const ref = go.results.find((x) => x.flags === GO_PAGE_FLAGS)!;
    expect(r.file).toBe(file);
    expect(r.flags).toEqual({ stw: true, background: true, assist: true });
    expect(r.curve.length).toBe(ref.curve.length);
    r.curve.forEach((p, i) => {
      expect(Math.abs(p.windowNs - ref.curve[i]![0])).toBeLessThanOrEqual(1);
      expect(p.mmu).toBeCloseTo(ref.curve[i]![1], 6);
    });
    const worst = ref.worst.find((w) => w.window === 1e6)!;
    expect(r.worst!.windowNs).toBe(1e6);
    expect(r.worst!.windows.map((w) => w.mmu)).toEqual(worst.windows.map((w) => w.util));
    // Starts are source ns: Go's clock minus the first event's offset, in the same order.
    const shift = worst.windows[0]!.time - r.worst!.windows[0]!.start;
    expect(r.worst!.windows.map((w) => w.start + shift)).toEqual(worst.windows.map((w) => w.time));
  });
  it('the table shows the curve at every 11th plotted window (10 rows) and the worst windows', async () => {
    const r = await mmuReport(fixturePath('scenarios/cpu-pool-go1.27/trace.out'), { stw: true, background: true, assist: true, sweep: true, perProc: true }, 10e6);
    const text = mmuTable(r);
    expect(text).toMatch(/flags stw,background,assist,sweep,perProc/);
    expect(text.split('\n').filter((l) => /^\s+[\d.]+(ns|µs|ms|s)\s+[\d.]+%$/.test(l)).length).toBe(10);
    expect(text).toMatch(/lowest mutator utilization in 10ms windows:\n\s+[\d.]+%\s+at /);
  });
  it('flags and durations: known names only, human units', () => {
    expect(parseMmuFlags('stw, sweep,perProc')).toEqual({ stw: true, sweep: true, perProc: true });
    expect(() => parseMmuFlags('stw,gc')).toThrow(/unknown MMU flag "gc"/);
    expect(parseDurationNs('1ms')).toBe(1e6);
    expect(parseDurationNs('250us')).toBe(250e3);
    expect(parseDurationNs('2.5s')).toBe(2.5e9);
    expect(parseDurationNs('1500')).toBe(1500);
    expect(() => parseDurationNs('1 minute')).toThrow(/not a duration/);
    // Digits enough to read as Infinity, or past the bridge's bound, are no window.
    expect(() => parseDurationNs('9'.repeat(400))).toThrow(/longer than 11\.57/);
    expect(() => parseDurationNs('1000001s')).toThrow(/longer than/);
    expect(parseDurationNs('1000000s')).toBe(1e15);
  });
  it('takes --window=D and --flags=LIST as it takes them with a space', async () => {
    let out = '';
    const w = vi.spyOn(process.stdout, 'write').mockImplementation((s) => ((out += String(s)), true));
    const e = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    let code: number;
    try {
      code = await cmdMmu([fixturePath('scenarios/cpu-pool-go1.27/trace.out'), '--window=1ms', '--flags=stw,assist', '--json'], 'usage');
    } finally {
      w.mockRestore();
      e.mockRestore();
    }
    expect(code).toBe(0);
    const r = JSON.parse(out) as { flags: object; worst: { windowNs: number } };
    expect(r.flags).toEqual({ stw: true, assist: true });
    expect(r.worst.windowNs).toBe(1e6);
    // The same report as asked directly with those flags and window.
    const direct = await mmuReport(fixturePath('scenarios/cpu-pool-go1.27/trace.out'), { stw: true, assist: true }, 1e6);
    expect(r).toEqual(JSON.parse(JSON.stringify(direct)));
  });
  it('a file that is not a trace is an error naming what it is', async () => {
    await expect(mmuReport(fixturePath('scenarios/conn-leak-go1.27/goroutine-debug2.txt'), {})).rejects.toThrow(/not a Go execution trace \(it reads as goroutine-dump/);
  });
});

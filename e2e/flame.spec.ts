/**
 * The flame graph view end to end: real block profiles and a goroutine dump dropped on the window;
 * every number asserted is computed here independently (pprof-format decode, plain text counting).
 */
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { Profile } from 'pprof-format';
import type { Page } from '@playwright/test';
import { test, expect, dropFiles, fixture, screenshot, sourceRow } from './support.ts';
import { formatValue } from '../renderer/src/format.ts';

const BLOCK = fixture('scenarios/lock-contention-go1.27/block.pb.gz');
const BASE_BLOCK = fixture('scenarios/conn-leak-go1.27/block.pb.gz');
const DUMP = fixture('scenarios/lock-contention-go1.27/goroutine-debug2.txt');

/**
 * Sum of one sample type over all samples, and over the samples whose stack has every function of
 * `through` and none of `without` (decoded with pprof-format, not our parser).
 */
function profileShare(path: string, type: string, through: string | string[], without: string[] = []): { total: number; through: number } {
  const p = Profile.decode(gunzipSync(readFileSync(path)));
  const str = (i: number | bigint) => p.stringTable.strings[Number(i)] ?? '';
  const col = p.sampleType.findIndex((t) => str(t.type) === type);
  const funcName = new Map(p.function.map((f) => [Number(f.id), str(f.name)]));
  const locFuncs = new Map(p.location.map((l) => [Number(l.id), l.line.map((ln) => funcName.get(Number(ln.functionId)) ?? '')]));
  const need = typeof through === 'string' ? [through] : through;
  let total = 0;
  let sum = 0;
  for (const s of p.sample) {
    const v = Number(s.value[col]!);
    total += v;
    const fns = new Set(s.locationId.flatMap((id) => locFuncs.get(Number(id)) ?? []));
    if (need.every((f) => fns.has(f)) && !without.some((f) => fns.has(f))) sum += v;
  }
  return { total, through: sum };
}

/** Goroutines per innermost function in a debug=2 dump, by reading the text. */
function dumpLeafCounts(path: string): { total: number; byLeaf: Map<string, number> } {
  const text = readFileSync(path, 'utf8');
  const byLeaf = new Map<string, number>();
  let total = 0;
  for (const m of text.matchAll(/^goroutine \d+ \[[^\]]*\]:\n(.*)$/gm)) {
    total++;
    const fn = m[1]!.replace(/\(.*$/, '');
    byLeaf.set(fn, (byLeaf.get(fn) ?? 0) + 1);
  }
  return { total, byLeaf };
}

const frame = (page: Page, name: string) => page.getByTestId('flame-graph').locator(`g.frame[name="${name}"]`);
const flameReady = (page: Page) => expect(page.getByTestId('flame-panel')).toHaveAttribute('data-state', 'ready');

test('block profile: delay, search percent, zoom, inverted, focus from the top table, diff; a goroutine dump', async ({ page, app }) => {
  test.setTimeout(240_000);
  await page.goto(app.url);
  await dropFiles(page, [{ path: BLOCK }]);
  await expect(sourceRow(page, 'block.pb.gz')).toHaveAttribute('data-status', 'ready');
  const panel = page.getByTestId('panel-flame');
  await expect(panel.getByTestId('flame-graph')).toBeVisible();

  // The profile picker offers both sample types; `delay` is pprof's default (the last type).
  const picker = page.getByTestId('flame-profile');
  await expect(picker.locator('option')).toHaveText(['contentions (count)', 'delay (nanoseconds)']);
  await picker.selectOption('delay');
  await flameReady(page);
  const delay = profileShare(BLOCK, 'delay', 'runtime.selectgo');
  await expect(page.getByTestId('flame-total')).toContainText(`total ${formatValue(delay.total, 'nanoseconds')}`);
  await expect(frame(page, 'sync.(*Mutex).Lock').first()).toBeVisible();
  await expect(frame(page, 'net/http.(*conn).serve').first()).toContainText('net/http.(*conn).serve');

  // Search: the share of the samples through runtime.selectgo (Go's pprof -focus says 8.99%).
  await page.getByTestId('flame-search').fill('^runtime\\.selectgo$');
  const pct = ((100 * delay.through) / delay.total).toFixed(2);
  expect(pct).toBe('8.99');
  await expect(page.getByTestId('flame-matched')).toContainText(`${pct}% of total matched`);
  // Matches are highlighted.
  await expect(frame(page, 'runtime.selectgo').first().locator('rect')).toHaveAttribute('fill', '#e600e6');
  await screenshot(page, 'flame-search');

  // Tooltip: total and self, absolute and percent, in the profile's unit.
  await frame(page, 'sync.(*Mutex).Lock').first().hover();
  const tip = page.getByTestId('flame-tooltip');
  await expect(tip).toBeVisible();
  await expect(tip).toContainText('sync.(*Mutex).Lock');
  await expect(tip).toContainText(/total\d[\d.]* (s|min) \(\d+\.\d\d%\)self\d[\d.]* (s|min) \(\d+\.\d\d%\)/);
  await screenshot(page, 'flame-tooltip');
  await page.getByTestId('flame-search').fill('');
  await expect(page.getByTestId('flame-matched')).toHaveCount(0);

  // Click to zoom: the frame becomes the root, the breadcrumb shows the path.
  const handler = profileShare(BLOCK, 'delay', 'main.handler.func1');
  await frame(page, 'main.handler.func1').first().click();
  await expect(page.getByTestId('flame-breadcrumb')).toContainText('main.handler.func1');
  await expect(page.getByTestId('flame-crumb').last()).toHaveText('main.handler.func1');
  await flameReady(page);
  await expect(frame(page, 'main.handler.func1')).toHaveCount(1);
  // The drawn root is the zoomed frame, full width.
  const rootRect = frame(page, 'main.handler.func1').locator('rect');
  const svgWidth = Number(await page.getByTestId('flame-graph').locator('svg').getAttribute('width'));
  expect(Math.round(Number(await rootRect.getAttribute('width')))).toBe(svgWidth);
  await frame(page, 'main.handler.func1').hover();
  // Percentages stay relative to the whole profile (pprof -top prints 94.96% cum).
  await expect(tip).toContainText(`total${formatValue(handler.through, 'nanoseconds')} (94.96%)`);
  await screenshot(page, 'flame-zoomed');
  await page.getByTestId('flame-reset').click();
  await expect(page.getByTestId('flame-crumb')).toHaveCount(1);

  // Inverted (bottom-up, drawn as an icicle): leaf functions are the first row under the root.
  await page.getByTestId('flame-inverted').check();
  await flameReady(page);
  await expect(frame(page, 'sync.(*Mutex).Lock')).toHaveCount(1);
  await expect(frame(page, 'sync.(*Mutex).Lock')).toHaveAttribute('transform', /, 18\)$/);
  await expect(frame(page, 'runtime.selectgo')).toHaveCount(1);
  await screenshot(page, 'flame-inverted');
  await page.getByTestId('flame-inverted').uncheck();
  await flameReady(page);

  // Top table: sortable; a row click focuses the graph on that function and shows a chip.
  const top = page.getByTestId('top-row');
  await expect(top.first()).toHaveAttribute('data-function', 'sync.(*Mutex).Lock');
  await page.getByTestId('top-sort-cum').click();
  await expect(page.getByTestId('top-sort-cum')).toHaveAttribute('aria-sort', 'descending');
  const focusFn = 'main.handler.func1.3';
  const focusRow = page.locator(`[data-testid="top-row"][data-function="${focusFn}"]`);
  const cumText = (await focusRow.locator('td').nth(2).textContent())!;
  const focusShare = profileShare(BLOCK, 'delay', focusFn);
  expect(cumText).toBe(formatValue(focusShare.through, 'nanoseconds'));
  await focusRow.click();
  const chip = page.getByTestId('flame-chip');
  await expect(chip).toHaveCount(1);
  await expect(chip).toHaveAttribute('data-kind', 'focus');
  await expect(chip).toContainText(`focus: ${focusFn}`);
  await expect(page.getByTestId('flame-total')).toContainText(`total ${cumText}`);
  await expect(frame(page, 'sync.(*Mutex).Lock')).toHaveCount(0);
  await screenshot(page, 'flame-focus-chip');
  // Ignore from a frame's context menu: main.handler.func1.3 only ever blocks in selectgo.
  expect(profileShare(BLOCK, 'delay', focusFn, ['runtime.selectgo']).through).toBe(0);
  await frame(page, 'runtime.selectgo').first().click({ button: 'right' });
  await page.getByTestId('menu-ignore').click();
  await expect(page.getByTestId('flame-chip')).toHaveCount(2);
  await expect(page.getByTestId('flame-chip').last()).toContainText('ignore: runtime.selectgo');
  await expect(page.getByTestId('flame-empty')).toHaveText('No samples left after the filters.');
  await page.getByTestId('flame-chip').getByRole('button').first().click();
  await page.getByTestId('flame-chip').getByRole('button').first().click();
  await expect(page.getByTestId('flame-chip')).toHaveCount(0);
  await expect(page.getByTestId('flame-total')).toContainText(`total ${formatValue(delay.total, 'nanoseconds')}`);
  // Hide merges a function into its caller: the frame is gone, the total stays.
  await frame(page, 'runtime/trace.WithRegion').first().click({ button: 'right' });
  await page.getByTestId('menu-hide').click();
  await expect(page.getByTestId('flame-chip')).toHaveAttribute('data-kind', 'hide');
  await expect(frame(page, 'runtime/trace.WithRegion')).toHaveCount(0);
  await expect(frame(page, 'main.handler.func1.1')).toHaveCount(1);
  await expect(page.getByTestId('flame-total')).toContainText(`total ${formatValue(delay.total, 'nanoseconds')}`);
  await screenshot(page, 'flame-hide-chip');
  await page.getByTestId('flame-chip').getByRole('button').click();
  await expect(page.getByTestId('flame-chip')).toHaveCount(0);

  // Diff against a second block profile: both values and the delta; growth red, shrink blue.
  await dropFiles(page, [{ path: BASE_BLOCK, name: 'base-block.pb.gz' }]);
  await expect(sourceRow(page, 'base-block.pb.gz')).toHaveAttribute('data-status', 'ready');
  const diffPick = page.getByTestId('flame-diff-base');
  await expect(diffPick.locator('option')).toHaveText(['— none —', 'base-block.pb.gz (delay)']);
  await diffPick.selectOption({ label: 'base-block.pb.gz (delay)' });
  await expect(page.getByTestId('flame-diff-legend')).toBeVisible();
  await flameReady(page);
  const base = profileShare(BASE_BLOCK, 'delay', 'runtime.selectgo');
  await expect(page.getByTestId('flame-total')).toContainText(`base ${formatValue(base.total, 'nanoseconds')}`);
  await page.getByTestId('flame-inverted').check();
  await flameReady(page);
  // runtime.selectgo as a leaf: 108.84 s now against ~210 s in the base: it shrank (blue). Bottom-up
  // it is drawn once (a leaf function); waiting for that also waits out the top-down diff's last paint.
  await expect(frame(page, 'runtime.selectgo')).toHaveCount(1);
  await frame(page, 'runtime.selectgo').hover();
  await expect(tip).toContainText(`base${formatValue(base.through, 'nanoseconds')}`);
  await expect(tip).toContainText(`delta−${formatValue(base.through - delay.through, 'nanoseconds')}`);
  expect(await frame(page, 'runtime.selectgo').locator('rect').getAttribute('fill')).toMatch(/^rgb\(\d+,\d+,255\)$/);
  // sync.(*Mutex).Lock is not in the base at all: pure growth, full red.
  expect(await frame(page, 'sync.(*Mutex).Lock').locator('rect').getAttribute('fill')).toBe('rgb(255,0,0)');
  await screenshot(page, 'flame-diff');
  // The diff's top table has delta columns: runtime.selectgo's cum shrank by what the flame tooltip says.
  await expect(page.getByTestId('top-table')).toHaveAttribute('data-diff', 'true');
  const selRow = page.locator('[data-testid="top-row"][data-function="runtime.selectgo"]');
  await expect(selRow.locator('td').last()).toHaveText(`−${formatValue(base.through - delay.through, 'nanoseconds')}`);
  await page.getByTestId('top-delta-flat').scrollIntoViewIfNeeded();
  await screenshot(page, 'flame-diff-top-delta');
  await diffPick.selectOption('');
  await expect(page.getByTestId('top-table')).toHaveAttribute('data-diff', 'false');
  await page.getByTestId('flame-inverted').uncheck();

  // A goroutine dump: a flame graph of goroutine counts.
  await dropFiles(page, [{ path: DUMP }]);
  await expect(sourceRow(page, 'goroutine-debug2.txt')).toHaveAttribute('data-status', 'ready');
  await sourceRow(page, 'goroutine-debug2.txt').click();
  await expect(picker.locator('option')).toHaveText(['goroutines']);
  await flameReady(page);
  const dump = dumpLeafCounts(DUMP);
  expect(dump.total).toBe(638);
  await expect(page.getByTestId('flame-total')).toContainText(`total ${formatValue(dump.total, 'count')}`);
  const [bigFn, bigCount] = [...dump.byLeaf].sort((a, b) => b[1] - a[1])[0]!;
  const first = page.getByTestId('top-row').first();
  await expect(first).toHaveAttribute('data-function', bigFn);
  await expect(first.locator('td').first()).toHaveText(formatValue(bigCount, 'count'));
  await expect(frame(page, bigFn).first()).toBeVisible();
  await frame(page, bigFn).first().hover();
  await expect(tip).toContainText(`self${formatValue(bigCount, 'count')} (${((100 * bigCount) / dump.total).toFixed(2)}%)`);
  await screenshot(page, 'flame-goroutines');
});

test('trace CPU samples read as time; the diff list offers only profiles measuring the same thing', async ({ page, app }) => {
  await page.goto(app.url);
  const dir = 'scenarios/conn-leak-go1.27';
  await dropFiles(page, [{ path: fixture(`${dir}/trace.out`) }, { path: fixture(`${dir}/goroutine-debug2.txt`) }, { path: fixture(`${dir}/cpu.pb.gz`) }]);
  for (const n of ['trace.out', 'goroutine-debug2.txt', 'cpu.pb.gz']) await expect(sourceRow(page, n)).toHaveAttribute('data-status', 'ready');
  // Show another source first: the flame panel may already have picked the trace by itself.
  await sourceRow(page, 'cpu.pb.gz').click();
  await flameReady(page);
  // Hold the trace's first call tree back a moment: until it arrives the panel says it is loading
  // (it used to print "total 0 ns", an empty profile).
  let release!: () => void;
  const held = new Promise<void>((r) => (release = r));
  await page.route('**/api/query', async (route) => {
    if ((route.request().postData() ?? '').includes('"callTree"')) await held;
    await route.continue();
  });
  await sourceRow(page, 'trace.out').click();
  await expect(page.getByTestId('flame-total')).toHaveText('loading sync blocking…');
  await expect(page.getByTestId('flame-total')).toHaveAttribute('data-loading', 'true');
  release();
  await flameReady(page);
  await expect(page.getByTestId('flame-total')).toContainText('total ');
  await page.unroute('**/api/query');
  const picker = page.getByTestId('flame-profile');
  await picker.selectOption('cpu');
  await flameReady(page);
  // The fixture README: 31 CPU samples in the trace; the runtime's profiler takes one every 10 ms.
  await expect(page.getByTestId('flame-total')).toHaveText(`total ${formatValue(31 * 10e6, 'nanoseconds')}`);
  await expect(picker.locator('option:checked')).toHaveText('CPU time (samples × 10 ms)');
  // Diff against: the CPU profile (CPU time), not the goroutine dump (goroutine counts).
  await expect(page.getByTestId('flame-diff-base').locator('option')).toHaveText(['— none —', 'cpu.pb.gz (cpu)']);
  await screenshot(page, 'flame-trace-cpu-time');
  // The dump diffs against nothing here (no other goroutine counts).
  await sourceRow(page, 'goroutine-debug2.txt').click();
  await flameReady(page);
  await expect(page.getByTestId('flame-diff-base').locator('option')).toHaveText(['— none —']);
});

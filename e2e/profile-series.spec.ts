/**
 * Profiles over time: six block profiles of one Go process (../shared/fixtures/profile-series/go1.26,
 * one every 2 s) dropped with a conn-leak ss capture. Their clocks are days apart (different runs),
 * so the capture is placed by hand, as a user would, with its climb over the series' third interval.
 * Brushing that climb shows the delta of that interval in the flame graph and top table: block-3
 * minus block-2, equal to Go's `go tool pprof -top -base block-2.pb.gz block-3.pb.gz`
 * (shared/query/stacks/testdata/go-top/intervals.json). Then a baseline range makes it a diff.
 */
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import type { Page, Request } from '@playwright/test';
import { parsePprof } from '../shared/ingest/pprof/parse-pprof.ts';
import { topTable } from '../shared/query/stacks/top-table.ts';
import { test, expect, dropFiles, fixture, screenshot, sourceRow, ROOT } from './support.ts';
import { formatValue } from '../renderer/src/format.ts';

const SERIES = 'profile-series/go1.26';
const SS = 'scenarios/conn-leak-go1.27/ss-capture.txt.gz';
/** Where the capture is placed: its first snapshot at this wall-clock time (UTC, the browser's zone here). */
const CAPTURE_AT = '2026-12-05 09:26:47.000';
const CAPTURE_AT_MS = Date.UTC(2026, 11, 5, 9, 26, 47);

interface GoCase {
  id: string;
  total: number;
  rows: { function: string; flat: number; cum: number }[];
}
const goCases = (JSON.parse(readFileSync(`${ROOT}/shared/query/stacks/testdata/go-top/intervals.json`, 'utf8')) as { cases: GoCase[] }).cases;
const go = (id: string) => goCases.find((c) => c.id === id)!;

/** The series' snapshot times (go tool pprof -raw's "Time:" of block-0 and block-5), ms. */
const BLOCK0_MS = Date.UTC(2026, 11, 5, 9, 26, 59, 207.357501);
const BLOCK5_MS = Date.UTC(2026, 11, 5, 9, 27, 9, 280.261776);

/**
 * Drags across the capture's lane between two wall-clock times (ms). The axis mapping is read from the
 * strip itself: the series header's first interval starts at block-0, its last ends at block-5.
 */
async function brush(page: Page, fromMs: number, toMs: number, kind = 'block') {
  const marks = page.locator(`[data-testid="series-marks"][data-series^="series:${kind}:"]`);
  const first = (await marks.locator('[data-interval="1"] rect').boundingBox())!;
  const last = (await marks.locator('[data-interval="5"] rect').boundingBox())!;
  const [xa, xb] = [first.x, last.x + last.width];
  const px = (ms: number) => xa + ((ms - BLOCK0_MS) / (BLOCK5_MS - BLOCK0_MS)) * (xb - xa);
  const lane = page.locator('[data-testid="timeline-lane"][data-name="ss-capture.txt.gz"]');
  const lb = (await lane.boundingBox())!;
  const y = lb.y + lb.height * 0.7;
  await page.mouse.move(px(fromMs), y);
  await page.mouse.down();
  await page.mouse.move(px(toMs), y, { steps: 8 });
  await page.mouse.up();
}

test.use({ viewport: { width: 1600, height: 1000 } });

test('a block-profile series with an ss capture: brushing the climb shows the delta of that interval, equal to go tool pprof -base', async ({ page, app }) => {
  test.setTimeout(180_000);
  await page.goto(app.url);
  const blocks = [0, 1, 2, 3, 4, 5].map((i) => `block-${i}.pb.gz`);
  await dropFiles(page, [...blocks.map((b) => ({ path: fixture(`${SERIES}/${b}`) })), { path: fixture(SS) }]);
  for (const f of [...blocks, 'ss-capture.txt.gz']) await expect(sourceRow(page, f)).toHaveAttribute('data-status', 'ready', { timeout: 90_000 });

  // The six snapshots are one lane group with five intervals.
  const group = page.locator('[data-testid="lane-group"][data-group="block profiles of pairs126 · 6 snapshots"]');
  await expect(group).toHaveCount(1);
  await expect(group.getByTestId('series-interval')).toHaveCount(5);

  // Place the capture by its start time, as a user would (its own clock is another day's).
  const row = sourceRow(page, 'ss-capture.txt.gz');
  await row.getByTestId('align-source').click();
  await row.getByTestId('start-input').fill(CAPTURE_AT);
  await row.getByTestId('start-apply').click();
  await expect(page.locator('[data-testid="timeline-lane"][data-name="ss-capture.txt.gz"]')).toHaveAttribute('data-clock', 'manual');

  // A snapshot of the series in the flame graph: before a brush it shows its cumulative figures.
  await sourceRow(page, 'block-3.pb.gz').click();
  const panel = page.getByTestId('panel-flame');
  await expect(panel.getByTestId('series-window')).toContainText('brush the timeline');

  // A range before the first snapshot overlaps no interval: the snapshot's own figures stay, and the line says so.
  await brush(page, CAPTURE_AT_MS + 2_000, CAPTURE_AT_MS + 6_000);
  await expect(panel.getByTestId('series-window-outside')).toBeVisible();
  await expect(panel.getByTestId('series-window')).not.toHaveAttribute('data-first-interval', /./);

  // The capture climbs (ESTAB 82 → 96) from +16.5 s to +18 s of its run: inside the interval block-2 → block-3
  // (09:27:03.230 – 09:27:05.249 on the axis). The session axis starts at the capture, now the earliest.
  await brush(page, CAPTURE_AT_MS + 16_500, CAPTURE_AT_MS + 18_000);
  const win = panel.getByTestId('series-window');
  await expect(win).toHaveAttribute('data-first-interval', '3');
  await expect(win).toHaveAttribute('data-last-interval', '3');
  await expect(win).toHaveAttribute('data-from', 'block-2.pb.gz');
  await expect(win).toHaveAttribute('data-to', 'block-3.pb.gz');
  await expect(panel.getByTestId('series-window-used')).toContainText('interval 3 of 5: block-3.pb.gz − block-2.pb.gz');
  // The timeline marks the interval used.
  await expect(group.locator('[data-testid="series-interval"][data-used="true"]')).toHaveCount(1);
  await expect(group.locator('[data-testid="series-interval"][data-interval="3"]')).toHaveAttribute('data-used', 'true');

  // The top table is Go's -base table, row for row, exact values; the flame graph's total is the same delta.
  const want = go('block-3 --base block-2');
  const rows = panel.getByTestId('top-row');
  await expect.poll(async () => (await rows.first().getAttribute('data-flat')) === String(want.rows[0]!.flat) ? 'ok' : await rows.first().getAttribute('data-flat')).toBe('ok');
  const shown = await rows.evaluateAll((trs) => trs.map((tr) => ({ function: tr.getAttribute('data-function'), flat: Number(tr.getAttribute('data-flat')), cum: Number(tr.getAttribute('data-cum')) })));
  expect(shown.map((r) => ({ ...r, flat: Math.round(r.flat), cum: Math.round(r.cum) }))).toEqual(want.rows);
  const flatSum = want.rows.reduce((a, r) => a + r.flat, 0);
  await expect(panel.getByTestId('flame-total')).toContainText(`total ${formatValue(flatSum, 'nanoseconds')}`);
  await screenshot(page, 'profile-series-1-interval-delta');

  // Save as pprof writes that delta: read back, its top table is Go's -base table again.
  const [download] = await Promise.all([page.waitForEvent('download'), panel.getByTestId('flame-save-pprof').click()]);
  expect(download.suggestedFilename()).toBe('block-3-delay-delta.pb.gz');
  const saved = parsePprof(new Uint8Array(gunzipSync(readFileSync((await download.path())!)))).model;
  const st = saved.sampleTypes.findIndex((x) => x.type === 'delay');
  const savedRows = topTable({ stacks: saved.stacks, sampleStack: saved.sampleStack, weight: saved.sampleValues[st]! }).rows;
  expect(savedRows.map((r) => ({ function: r.function, flat: Math.round(r.flat), cum: Math.round(r.cum) }))).toEqual(want.rows);

  // A wider brush over intervals 2–4 merges their deltas: block-4 minus block-1.
  await brush(page, CAPTURE_AT_MS + 15_000, CAPTURE_AT_MS + 19_000);
  await expect(win).toHaveAttribute('data-first-interval', '2');
  await expect(win).toHaveAttribute('data-last-interval', '4');
  const merged = go('block-4 --base block-1 focus'); // Go's figure of the same window, focused on the workers
  await expect.poll(async () => Number(await panel.locator(`[data-testid="top-row"][data-function="main.main.func1"]`).getAttribute('data-cum'))).toBe(
    merged.rows.find((r) => r.function === 'main.main.func1')!.cum,
  );

  // While the delta shows, the snapshot's own cumulative tree and table are not asked of its engine: a
  // change of view (inverted, then sorted by cum) re-asks the series only.
  const asked: string[] = [];
  const onRequest = (r: Request) => {
    const m = /\/api\/(\w+)$/.exec(r.url());
    if (!m) return;
    const type = m[1] === 'query' ? /"type":"(\w+)"/.exec(r.postData() ?? '')?.[1] : undefined;
    asked.push(type ? `query:${type}` : m[1]!);
  };
  page.on('request', onRequest);
  await Promise.all([page.waitForResponse((r) => r.url().endsWith('/api/seriesCallTree')), panel.getByTestId('flame-inverted').check()]);
  await Promise.all([page.waitForResponse((r) => r.url().endsWith('/api/seriesCallTree')), panel.getByTestId('flame-inverted').uncheck()]);
  await expect.poll(async () => Number(await panel.locator(`[data-testid="top-row"][data-function="main.main.func1"]`).getAttribute('data-cum'))).toBe(
    merged.rows.find((r) => r.function === 'main.main.func1')!.cum,
  );
  page.off('request', onRequest);
  expect(asked.filter((x) => x === 'seriesCallTree').length).toBeGreaterThanOrEqual(2);
  expect(asked.filter((x) => x === 'query:callTree' || x === 'query:topTable' || x === 'diffCallTree')).toEqual([]);

  // A click on an interval of the series header selects exactly that interval.
  await group.locator('[data-testid="series-interval"][data-interval="5"]').click();
  await expect(win).toHaveAttribute('data-first-interval', '5');
  await expect(win).toHaveAttribute('data-last-interval', '5');
  await expect(group).toHaveAttribute('data-folded', 'false');
  await expect.poll(async () => Number(await panel.locator('[data-testid="top-row"][data-function="sync.(*Mutex).Lock"]').getAttribute('data-flat'))).toBe(
    go('block-5 --base block-4').rows.find((r) => r.function === 'sync.(*Mutex).Lock')!.flat,
  );

  // Baseline: interval 1 pinned, interval 3 brushed again: the flame graph is a diff of the two deltas.
  await brush(page, CAPTURE_AT_MS + 12_500, CAPTURE_AT_MS + 13_500);
  await expect(win).toHaveAttribute('data-first-interval', '1');
  await page.getByTestId('changes-pin-baseline').click();
  await brush(page, CAPTURE_AT_MS + 16_500, CAPTURE_AT_MS + 18_000);
  await expect(panel.getByTestId('series-window-baseline')).toContainText('interval 1 of 5: block-1.pb.gz − block-0.pb.gz');
  await expect(panel.getByTestId('flame-diff-legend')).toBeVisible();
  const baseSum = go('block-1 --base block-0').rows.reduce((a, r) => a + r.flat, 0);
  await expect(panel.getByTestId('flame-total')).toContainText(`base ${formatValue(baseSum, 'nanoseconds')}`);
  // The top table gains delta columns: interval 3's flat minus interval 1's, per function (Go's figures of each).
  const lockRow = panel.locator('[data-testid="top-row"][data-function="sync.(*Mutex).Lock"]');
  const lockFlat = (id: string) => go(id).rows.find((r) => r.function === 'sync.(*Mutex).Lock')!.flat;
  await expect.poll(async () => Math.round(Number(await lockRow.getByTestId('top-row-delta').getAttribute('data-delta')))).toBe(
    lockFlat('block-3 --base block-2') - lockFlat('block-1 --base block-0'),
  );
  await panel.scrollIntoViewIfNeeded();
  await screenshot(page, 'profile-series-2-baseline-diff');
});

test('a goroutine-profile series: growth per stack in the flame graph, and the leak as the top profile mover in "what changed"', async ({ page, app }) => {
  test.setTimeout(180_000);
  await page.goto(app.url);
  const gs = [0, 1, 2, 3, 4, 5].map((i) => `goroutine-${i}.pb.gz`);
  await dropFiles(page, [...gs.map((b) => ({ path: fixture(`${SERIES}/${b}`) })), { path: fixture(SS) }]);
  for (const f of [...gs, 'ss-capture.txt.gz']) await expect(sourceRow(page, f)).toHaveAttribute('data-status', 'ready', { timeout: 90_000 });
  const row = sourceRow(page, 'ss-capture.txt.gz');
  await row.getByTestId('align-source').click();
  await row.getByTestId('start-input').fill(CAPTURE_AT);
  await row.getByTestId('start-apply').click();
  await expect(page.locator('[data-testid="timeline-lane"][data-name="ss-capture.txt.gz"]')).toHaveAttribute('data-clock', 'manual');
  await sourceRow(page, 'goroutine-2.pb.gz').click();

  // Interval 1 (no leak yet) pinned as the baseline, then interval 2 (the leak starts) brushed. The
  // goroutine series' snapshot times differ from the block series' by a few ms only: the same ranges hold.
  await brush(page, CAPTURE_AT_MS + 12_500, CAPTURE_AT_MS + 13_500, 'goroutine');
  await page.getByTestId('changes-pin-baseline').click();
  await page.getByTestId('changes-clear-baseline').waitFor();
  await brush(page, CAPTURE_AT_MS + 14_500, CAPTURE_AT_MS + 15_500, 'goroutine');
  const mover = page.locator('[data-testid="change-row"][data-category="profile-delta"]').first();
  await expect(mover).toHaveAttribute('data-function', 'runtime.gopark');
  const flat = (id: string) => go(id).rows.find((r) => r.function === 'runtime.gopark')?.flat ?? 0;
  // ~430 goroutines gained per second in interval 2, none in interval 1: the delta is the rate of the leak.
  const delta = Number(await mover.getAttribute('data-delta'));
  expect(flat('goroutine-1 --base goroutine-0')).toBe(0);
  expect(delta).toBeGreaterThan(flat('goroutine-2 --base goroutine-1') / 2.1);
  expect(delta).toBeLessThan(flat('goroutine-2 --base goroutine-1') / 1.9);

  // Without the baseline, the flame graph draws the window as growth per stack (end against start).
  await page.getByTestId('changes-clear-baseline').click();
  const panel = page.getByTestId('panel-flame');
  await expect(panel.getByTestId('series-window-used')).toContainText('growth per stack, interval 2 of 5: goroutine-2.pb.gz − goroutine-1.pb.gz');
  await expect(panel.getByTestId('flame-diff-legend')).toBeVisible();
  const gopark = panel.locator('[data-testid="top-row"][data-function="runtime.gopark"]');
  await expect(gopark).toHaveAttribute('data-flat', String(flat('goroutine-2 --base goroutine-1')));
  await panel.scrollIntoViewIfNeeded();
  await screenshot(page, 'profile-series-3-goroutine-growth');
});


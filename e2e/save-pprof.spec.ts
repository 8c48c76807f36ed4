/**
 * "Save as pprof" end to end: a trace's sync blocking profile, shown in the flame graph, saved from
 * the panel; the downloaded .pb.gz is read back with the project's own parser and its top rows are
 * the on-screen top table's — and Go's (`go tool trace -pprof=sync` | `go tool pprof -top`, committed
 * in shared/query/stacks/testdata/go-top/traces.json).
 */
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import type { Locator, Page } from '@playwright/test';
import { test, expect, dropFiles, fixture, screenshot, sourceRow } from './support.ts';
import { parsePprof } from '../shared/ingest/pprof/parse-pprof.ts';
import { topTable } from '../shared/query/stacks/top-table.ts';
import { formatValue } from '../renderer/src/format.ts';

const TRACE_REL = 'scenarios/conn-leak-go1.27/trace.out';
const GO_TOP = new URL('../shared/query/stacks/testdata/go-top/traces.json', import.meta.url);

/** Clicks Save as pprof; the download's name and its top rows (as the table lists and formats them). */
async function savePprof(page: Page, panel: Locator) {
  const [download] = await Promise.all([page.waitForEvent('download'), panel.getByTestId('flame-save-pprof').click()]);
  const gz = readFileSync((await download.path())!);
  expect([gz[0], gz[1]]).toEqual([0x1f, 0x8b]);
  const model = parsePprof(new Uint8Array(gunzipSync(gz))).model;
  const t = model.defaultSampleType;
  expect(model.sampleTypes[t]).toEqual({ type: 'delay', unit: 'nanoseconds' });
  const rows = topTable({ stacks: model.stacks, sampleStack: model.sampleStack, weight: model.sampleValues[t]! }).rows;
  return { name: download.suggestedFilename(), rows, shown: rows.map((r) => [r.function, formatValue(r.flat, 'nanoseconds'), formatValue(r.cum, 'nanoseconds')]) };
}

/** The on-screen top table, row by row: function, flat and cum as the table formats them. */
const screenRows = (rows: Locator) => rows.evaluateAll((trs) => trs.map((tr) => [tr.getAttribute('data-function'), tr.children[0]!.textContent, tr.children[2]!.textContent]));

/** The trace dropped, its sync profile in the flame panel, the top table's first row Go's first. */
async function openTraceSync(page: Page, url: string): Promise<{ panel: Locator; rows: Locator }> {
  await page.goto(url);
  await dropFiles(page, [{ path: fixture(TRACE_REL) }]);
  await expect(sourceRow(page, 'trace.out')).toHaveAttribute('data-status', 'ready');
  const panel = page.getByTestId('panel-flame');
  await panel.getByTestId('flame-profile').selectOption('sync');
  await expect(page.getByTestId('flame-panel')).toHaveAttribute('data-state', 'ready');
  const rows = panel.getByTestId('top-row');
  await expect(rows.first()).toHaveAttribute('data-function', 'runtime.selectgo');
  return { panel, rows };
}

test('save the shown sync profile of a trace as pprof: it reads back as the top table shows it, and as Go prints it', async ({ page, app }) => {
  test.setTimeout(120_000);
  const { panel, rows } = await openTraceSync(page, app.url);

  const whole = await savePprof(page, panel);
  expect(whole.name).toBe('trace-sync.pb.gz');
  const screen = await screenRows(rows);
  expect(screen.length).toBeGreaterThan(10);
  expect(whole.shown).toEqual(screen);

  // And Go's figures for the same trace.
  const go = (JSON.parse(readFileSync(GO_TOP, 'utf8')) as { cases: { trace: string; trace_kind: string; sampleIndex?: string; focus?: string; rows: unknown[] }[] }).cases.find(
    (c) => c.trace === TRACE_REL && c.trace_kind === 'sync' && !c.sampleIndex && !c.focus,
  )!;
  expect(whole.rows.map((r) => ({ function: r.function, flat: r.flat, cum: r.cum }))).toEqual(go.rows);
});

test('a brushed range of the trace with a function hidden: the saved profile is what the panel shows', async ({ page, app }) => {
  test.setTimeout(120_000);
  const { panel, rows } = await openTraceSync(page, app.url);
  const before = await screenRows(rows);

  // Brush the middle of the trace lane: the trace's profile follows the selection.
  const lane = page.locator('[data-testid="timeline-lane"][data-name="trace.out"]');
  const box = (await lane.boundingBox())!;
  await page.mouse.move(box.x + box.width * 0.3, box.y + box.height / 2);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * 0.7, box.y + box.height / 2, { steps: 6 });
  await page.mouse.up();
  await expect.poll(() => screenRows(rows)).not.toEqual(before);
  // Hide runtime.selectgo (a frame's menu): the table drops it.
  await panel.getByTestId('flame-graph').locator('g.frame[name="runtime.selectgo"]').first().click({ button: 'right' });
  await page.getByTestId('menu-hide').click();
  await expect(panel.locator('[data-testid="top-row"][data-function="runtime.selectgo"]')).toHaveCount(0);
  await expect(page.getByTestId('flame-panel')).toHaveAttribute('data-state', 'ready');
  const screen = await screenRows(rows);
  expect(screen.length).toBeGreaterThan(3);

  const saved = await savePprof(page, panel);
  expect(saved.name).toBe('trace-sync-range-filtered.pb.gz');
  expect(saved.shown).toEqual(screen);
  await screenshot(page, 'flame-save-pprof-range');
});

test('a diff shown against an earlier profile of the series saves as go tool pprof -base computes it', async ({ page, app }) => {
  test.setTimeout(120_000);
  await page.goto(app.url);
  await dropFiles(page, [{ path: fixture('profile-series/go1.26/block-0.pb.gz') }, { path: fixture('profile-series/go1.26/block-5.pb.gz') }]);
  await expect(sourceRow(page, 'block-0.pb.gz')).toHaveAttribute('data-status', 'ready');
  await expect(sourceRow(page, 'block-5.pb.gz')).toHaveAttribute('data-status', 'ready');
  await sourceRow(page, 'block-5.pb.gz').click();
  const panel = page.getByTestId('panel-flame');
  await expect(panel).toContainText('block-5.pb.gz');
  await panel.getByTestId('flame-diff-base').selectOption({ label: 'block-0.pb.gz (delay)' });
  await expect(panel.getByTestId('flame-diff-legend')).toBeVisible();
  await expect(page.getByTestId('flame-panel')).toHaveAttribute('data-state', 'ready');

  const saved = await savePprof(page, panel);
  expect(saved.name).toBe('block-5-delay-delta.pb.gz');
  const go = (JSON.parse(readFileSync(new URL('../shared/query/stacks/testdata/go-top/series.json', import.meta.url), 'utf8')) as { cases: { id: string; rows: unknown[] }[] }).cases.find(
    (c) => c.id === 'block-5 --base block-0',
  )!;
  expect(saved.rows.map((r) => ({ function: r.function, flat: r.flat, cum: r.cum }))).toEqual(go.rows);
});

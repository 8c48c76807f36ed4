/**
 * pprof's features in the flame panel, end to end on real labelled profiles of a committed Go program
 * (shared/query/stacks/testdata/go-labels): filter and group by labels (figures as Go's
 * `go tool pprof -top -tagfocus/-tagroot` prints them, top.json), peek a function (callers above,
 * callees below, as `-peek` prints them, peek.json) and its source lines read from a source root
 * (as `-list` prints them, list.json). At 1280×800 in the "Flame graph focus" layout the graph takes
 * the panel's width, and the panel has one scroller.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { test, expect, dropFiles, screenshot, sourceRow, startApp, ROOT } from './support.ts';
import { formatValue } from '../renderer/src/format.ts';

const DATA = join(ROOT, 'shared/query/stacks/testdata/go-labels');
type Row = { function: string; flat: number; cum: number };
type Edge = { function: string; weight: number };
const cases = <T>(f: string) => (JSON.parse(readFileSync(join(DATA, f), 'utf8')) as { cases: T[] }).cases;
const TOP = cases<{ file: string; tagfocus?: string; tagroot?: string; tagignore?: string; focus?: string; rows: Row[] }>('top.json');
const PEEK = cases<{ file: string; regex: string; tagfocus?: string; hide?: string; entries: { function: string; flat: number; cum: number; callers: Edge[]; callees: Edge[] }[] }>('peek.json');
const LIST = cases<{ file: string; regex: string; tagfocus?: string; routines: { function: string; lines: { line: number; flat: number; cum: number }[] }[] }>('list.json');

test.use({ viewport: { width: 1280, height: 800 } });

async function openCpu(page: Page, url: string) {
  await page.goto(url);
  await dropFiles(page, [{ path: join(DATA, 'cpu.pb.gz') }]);
  await expect(sourceRow(page, 'cpu.pb.gz')).toHaveAttribute('data-status', 'ready');
  await page.getByTestId('layout-menu').click();
  await page.getByTestId('layout-preset-flame').click();
  const panel = page.getByTestId('panel-flame');
  await expect(panel.getByTestId('top-row').first()).toBeVisible();
  return panel;
}

/** The on-screen top table: function, flat and cum as the table formats them. */
const screenRows = (page: Page) =>
  page.getByTestId('top-row').evaluateAll((trs) => trs.map((tr) => [tr.getAttribute('data-function'), tr.children[0]!.textContent, tr.children[2]!.textContent]));
const goRows = (rows: Row[]) => rows.map((r) => [r.function === '<unknown>' ? '' : r.function, formatValue(r.flat, 'nanoseconds'), formatValue(r.cum, 'nanoseconds')]);
/** Rows in pprof's order on both sides (the table sorts nameless rows as '', pprof as "<unknown>"). */
const sorted = (rows: (string | null)[][]) => [...rows].sort((a, b) => (a[0]! < b[0]! ? -1 : a[0]! > b[0]! ? 1 : 0));

test('the flame graph takes the panel width at 1280×800, with one scroller in the panel', async ({ page, app }) => {
  const panel = await openCpu(page, app.url);
  const body = (await panel.locator('.panel-body').boundingBox())!;
  const graph = (await panel.getByTestId('flame-graph').boundingBox())!;
  expect(graph.width).toBeGreaterThan(body.width - 40);
  expect(graph.width).toBeGreaterThan(950);
  // Nothing inside the panel's body scrolls on its own.
  const inner = await panel.locator('.panel-body *').evaluateAll((els) =>
    els.filter((e) => ['auto', 'scroll'].includes(getComputedStyle(e).overflowY) && e.scrollHeight > e.clientHeight + 1).map((e) => e.className),
  );
  expect(inner).toEqual([]);
  await screenshot(page, 'pprof-features-layout');
});

test('filter by a label and group the flame graph by one: figures as go tool pprof -tagfocus / -tagroot', async ({ page, app }) => {
  const panel = await openCpu(page, app.url);
  await expect(panel.getByTestId('flame-label-keys')).toContainText('worker (2)');
  await panel.getByTestId('flame-tagfocus').fill('worker=alpha');
  await panel.getByTestId('flame-tagfocus').press('Enter');
  const go = TOP.find((c) => c.file === 'cpu.pb.gz' && c.tagfocus === 'worker=alpha' && !c.tagignore)!;
  await expect.poll(async () => sorted(await screenRows(page))).toEqual(sorted(goRows(go.rows)));
  await expect(panel.getByTestId('flame-total')).toContainText(formatValue(go.rows.reduce((s, r) => s + r.flat, 0), 'nanoseconds'));
  await screenshot(page, 'pprof-features-tagfocus');

  await panel.getByTestId('flame-tagfocus').fill('');
  await panel.getByTestId('flame-tagfocus').press('Enter');
  await panel.getByTestId('flame-tagroot').fill('worker,phase');
  await panel.getByTestId('flame-tagroot').press('Enter');
  const byLabel = TOP.find((c) => c.file === 'cpu.pb.gz' && c.tagroot === 'worker,phase')!;
  await expect.poll(async () => sorted(await screenRows(page))).toEqual(sorted(goRows(byLabel.rows)));
  // The roots of the graph are the label frames, drawn as key:value.
  const graph = panel.getByTestId('flame-graph');
  await expect(graph.getByText('worker:alpha', { exact: true })).toBeVisible();
  await expect(graph.getByText('worker:beta', { exact: true })).toBeVisible();
  await expect(graph.getByText('phase:encode', { exact: true }).first()).toBeVisible();
  await screenshot(page, 'pprof-features-tagroot');
});

test('peek a function from a flame frame, then its source lines from a source root: as -peek and -list', async ({ page, app }) => {
  const panel = await openCpu(page, app.url);
  await panel.getByTestId('flame-graph').locator('g.frame[name="main.checksum"]').first().click({ button: 'right' });
  await page.getByTestId('menu-peek').click();
  const view = panel.getByTestId('peek-view');
  await expect(view).toHaveAttribute('data-function', 'main.checksum');
  const go = PEEK.find((c) => c.file === 'cpu.pb.gz' && c.regex === 'main.checksum' && !c.tagfocus)!.entries[0]!;
  const edges = (kind: string) =>
    view.getByTestId(`peek-${kind}`).evaluateAll((trs) => trs.map((tr) => ({ function: tr.getAttribute('data-function'), weight: Number(tr.getAttribute('data-weight')) })));
  await expect.poll(() => edges('caller')).toEqual(go.callers);
  expect(await edges('callee')).toEqual(go.callees);
  await expect(view.getByTestId('peek-self')).toHaveAttribute('data-cum', String(go.cum));
  await expect(view.getByTestId('peek-self')).toHaveAttribute('data-flat', String(go.flat));
  await view.scrollIntoViewIfNeeded();
  await screenshot(page, 'pprof-features-peek');

  // A caller peeks that function instead.
  await view.locator('[data-testid="peek-caller"][data-function="main.encode"]').click();
  await expect(view).toHaveAttribute('data-function', 'main.encode');
  await view.getByTestId('peek-source').click();

  // Without a source root the file is not found, and the view says where it looked.
  const source = panel.getByTestId('source-view');
  await expect(source.getByTestId('source-missing').first()).toContainText('tracedeck.test/labels/main.go not found under');
  await source.getByTestId('source-roots').fill(join(DATA, 'src'));
  await source.getByTestId('source-apply').click();
  const file = source.locator('[data-testid="source-file"][data-found="true"]');
  await expect(file).toHaveCount(1);
  const want = LIST.find((c) => c.file === 'cpu.pb.gz' && !c.tagfocus)!.routines.find((r) => r.function === 'main.encode')!.lines;
  const hot = () =>
    file.getByTestId('source-line').evaluateAll((trs) =>
      trs.filter((tr) => tr.getAttribute('data-flat') !== '0' || tr.getAttribute('data-cum') !== '0').map((tr) => ({ line: Number(tr.getAttribute('data-line')), flat: Number(tr.getAttribute('data-flat')), cum: Number(tr.getAttribute('data-cum')) })),
    );
  await expect.poll(hot).toEqual(want);
  await expect(file.locator('[data-line="37"] td.code')).toHaveText('\th := checksum(data, 1)');
  await file.scrollIntoViewIfNeeded();
  await screenshot(page, 'pprof-features-source');
});

test('peek from a top-table row', async ({ page, app }) => {
  const panel = await openCpu(page, app.url);
  await panel.locator('[data-testid="top-row"][data-function="main.encode"]').getByTestId('top-peek').click();
  const view = panel.getByTestId('peek-view');
  const go = PEEK.find((c) => c.regex === 'main.encode$')!.entries[0]!;
  await expect(view.getByTestId('peek-caller')).toHaveAttribute('data-function', go.callers[0]!.function);
  await expect(view.getByTestId('peek-callee')).toHaveAttribute('data-weight', String(go.callees[0]!.weight));
  // Back to the table: the focus filter was not touched by peeking.
  await view.getByTestId('side-close').click();
  await expect(panel.getByTestId('flame-chip')).toHaveCount(0);
});

test('a Go 1.27 goroutine dump: labels per group, and a label filter (counts as go tool pprof -tagfocus), kept by a session file', async ({ page, app, browser }) => {
  await page.goto(app.url);
  await dropFiles(page, [{ path: join(DATA, 'goroutine-debug2.txt') }]);
  await expect(sourceRow(page, 'goroutine-debug2.txt')).toHaveAttribute('data-status', 'ready');
  const panel = page.getByTestId('panel-blocking');
  const waiters = panel.locator('[data-testid="goroutine-group"][data-function="main.waiter.func1"]');
  await expect(waiters.getByTestId('group-count')).toHaveText('7');
  await expect(waiters.getByTestId('group-labels')).toContainText('role=waiter, shard=0, team=ingest');
  await waiters.click();
  await expect(panel.getByTestId('group-label-sets')).toContainText('team=report "q"');
  await panel.getByTestId('blocking-label-filter').fill('team=ingest');
  await panel.getByTestId('blocking-label-filter').press('Enter');
  const go = TOP.find((c) => c.file === 'goroutine.pb.gz' && c.tagfocus === 'team=ingest')!.rows.find((r) => r.function === 'main.waiter')!;
  await expect(waiters.getByTestId('group-count')).toHaveText(String(go.cum));
  await expect(panel.getByTestId('goroutine-group')).toHaveCount(1);
  await screenshot(page, 'pprof-features-dump-labels');

  // The session file keeps the filter: a fresh app opening it shows the same filtered groups.
  await page.getByTestId('export-menu').click();
  const [d] = await Promise.all([page.waitForEvent('download'), page.getByTestId('save-session').click()]);
  const session = readFileSync((await d.path())!);
  expect(JSON.parse(session.toString('utf8')).ui.views.blocking.state).toMatchObject({ labelFilter: 'team=ingest' });
  const app2 = await startApp([]);
  try {
    const page2 = await browser.newPage();
    await page2.goto(app2.url);
    await dropFiles(page2, [{ name: 'labels.tracedeck', bytes: session }]);
    await expect(sourceRow(page2, 'goroutine-debug2.txt')).toHaveAttribute('data-status', 'ready');
    const panel2 = page2.getByTestId('panel-blocking');
    await expect(panel2.getByTestId('blocking-label-filter')).toHaveValue('team=ingest');
    await expect(panel2.locator('[data-testid="goroutine-group"][data-function="main.waiter.func1"]').getByTestId('group-count')).toHaveText(String(go.cum));
    await expect(panel2.getByTestId('goroutine-group')).toHaveCount(1);
    await page2.close();
  } finally {
    app2.proc.kill('SIGTERM');
  }
});

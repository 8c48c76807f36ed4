import { readFileSync } from 'node:fs';
import { test, expect, dropFiles, fixture, screenshot, sourceRow } from './support.ts';

/** "N user tasks, N regions, N logs" that the fixtures README gives for a scenario's trace (go tool trace -d=parsed). */
function readmeFigures(scenario: string): { tasks: number; regions: number; logs: number } {
  const text = readFileSync(fixture('README.md'), 'utf8');
  const section = text.split('\n### ').find((s) => s.startsWith(`\`scenarios/${scenario}/\``))!;
  const m = /([\d,]+) user tasks, ([\d,]+) regions, ([\d,]+) logs/.exec(section)!;
  const n = (s: string) => Number(s.replace(/,/g, ''));
  return { tasks: n(m[1]!), regions: n(m[2]!), logs: n(m[3]!) };
}

const sumCounts = async (rows: import('@playwright/test').Locator) =>
  (await rows.getByTestId('type-count').allInnerTexts()).reduce((s, t) => s + Number(t.replace(/,/g, '')), 0);

test('trace details: task types with their counts; a task instance becomes the selection; goroutine analysis bars', async ({ page, app }) => {
  const fig = readmeFigures('conn-leak-go1.27');
  expect(fig).toEqual({ tasks: 52, regions: 189, logs: 104 });
  await page.goto(app.url);
  await dropFiles(page, [{ path: fixture('scenarios/conn-leak-go1.27/trace.out') }]);
  await expect(sourceRow(page, 'trace.out')).toHaveAttribute('data-status', 'ready');

  // The panel sits in the Triage preset's last row.
  const panel = page.getByTestId('panel-trace');
  await panel.scrollIntoViewIfNeeded();
  await expect(page.locator('[data-testid="layout-row"][data-slots="trace"]')).toBeVisible();
  await expect(panel.getByTestId('trace-details-summary')).toContainText('whole trace');
  await expect(panel.getByTestId('trace-details-summary')).toContainText(`${fig.logs} logs`);

  // Whole trace: every task and region of the README's figures, by type.
  const taskTypes = panel.getByTestId('task-type');
  const regionTypes = panel.getByTestId('region-type');
  await expect(taskTypes).toHaveCount(1);
  await expect(taskTypes.first()).toHaveAttribute('data-type', 'upstreamCall');
  await expect(taskTypes.first().getByTestId('type-count')).toHaveText(String(fig.tasks));
  await expect(regionTypes).toHaveCount(3);
  expect(await sumCounts(regionTypes)).toBe(fig.regions);
  await expect(panel.locator('[data-testid="region-type"][data-type="refreshCatalog"]').getByTestId('type-count')).toHaveText('100');
  await screenshot(page, 'trace-details-tasks');

  // Expand the task type: its instances; pick one.
  await taskTypes.first().click();
  const instances = panel.getByTestId('task-instance');
  await expect(instances).toHaveCount(fig.tasks);
  const pick = instances.nth(3);
  const [startText, durText] = await Promise.all([pick.locator('td').nth(0).innerText(), pick.locator('td').nth(1).innerText()]);
  const label = page.getByTestId('selection-label');
  const before = await label.innerText();
  await pick.click();
  // The timeline's selection is now exactly that task's span.
  await expect(label).not.toHaveText(before);
  await expect(label).toContainText(startText);
  await expect(label).toContainText(`(${durText})`);
  await expect(panel.getByTestId('trace-details-summary')).toContainText(`selected ${durText}`);
  await expect(pick).toHaveClass(/picked/);
  // Every view narrows to it: here, only the tasks that overlap that span are counted.
  const narrowed = Number(await taskTypes.first().getByTestId('type-count').innerText());
  expect(narrowed).toBeGreaterThanOrEqual(1);
  expect(narrowed).toBeLessThan(fig.tasks);
  await expect(page.getByTestId('panel-blocking').getByTestId('blocking-summary')).toContainText(`selected ${durText}`);
  await panel.scrollIntoViewIfNeeded();
  await screenshot(page, 'trace-details-task-picked');

  // Goroutine analysis over the whole trace: rows by start function with stacked bars.
  await page.getByTestId('clear-selection').click();
  await panel.getByRole('tab', { name: 'Goroutine analysis' }).click();
  const rows = panel.getByTestId('breakdown-row');
  await expect(rows.first()).toBeVisible();
  await expect(panel.getByTestId('trace-details-summary')).toContainText('goroutines · whole trace');
  // One readLoop + writeLoop pair per connection (README): two rows with equal counts.
  const readLoop = panel.locator('[data-testid="breakdown-row"][data-name="net/http.(*persistConn).readLoop"]');
  const writeLoop = panel.locator('[data-testid="breakdown-row"][data-name="net/http.(*persistConn).writeLoop"]');
  await expect(readLoop).toBeVisible();
  expect(await readLoop.locator('td').nth(1).innerText()).toBe(await writeLoop.locator('td').nth(1).innerText());
  // Bars: coloured segments, sync block among the loop's.
  await expect(readLoop.locator('.td-bar span[data-cat="Sync block"]')).toHaveCount(1);
  expect(await rows.locator('.td-bar span').count()).toBeGreaterThan(10);
  // Sortable: by goroutine count, the loops come first.
  await panel.getByRole('columnheader', { name: /^Goroutines/ }).click();
  await expect(rows.first()).toHaveAttribute('data-name', /persistConn\)\.(readLoop|writeLoop)/);
  // A row expands to its goroutines.
  await readLoop.click();
  await expect(panel.getByTestId('breakdown-member').first()).toBeVisible();
  await panel.scrollIntoViewIfNeeded();
  await screenshot(page, 'trace-details-goroutine-analysis');
});

test('trace details: cpu-pool job:<kind> tasks and the worker pool in the goroutine analysis', async ({ page, app }) => {
  const fig = readmeFigures('cpu-pool-go1.27');
  await page.goto(app.url);
  await dropFiles(page, [{ path: fixture('scenarios/cpu-pool-go1.27/trace.out') }]);
  await expect(sourceRow(page, 'trace.out')).toHaveAttribute('data-status', 'ready');
  const panel = page.getByTestId('panel-trace');
  await panel.scrollIntoViewIfNeeded();
  const jobs = panel.locator('[data-testid="task-type"][data-type^="job:"]');
  await expect(jobs).toHaveCount(6);
  // The README counts tasks that begin in the trace; 4 more began before it (shown without a type).
  expect(await sumCounts(jobs)).toBe(fig.tasks);
  await expect(panel.locator('[data-testid="task-type"][data-type=""]')).toContainText('began before the trace');
  await panel.getByRole('tab', { name: 'Goroutine analysis' }).click();
  const worker = panel.locator('[data-testid="breakdown-row"][data-name="main.worker"]');
  await expect(worker.locator('td').nth(1)).toHaveText('4');
  await expect(worker.locator('.td-bar span[data-cat="Execution"]')).toHaveCount(1);
  await screenshot(page, 'trace-details-cpu-pool');
});

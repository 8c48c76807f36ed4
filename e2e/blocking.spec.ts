import { test, expect, dropFiles, fixture, screenshot, sourceRow } from './support.ts';

test('trace: goroutines grouped by wait reason follow the brushed range; a group expands to lanes', async ({ page, app }) => {
  await page.goto(app.url);
  await dropFiles(page, [{ path: fixture('scenarios/lock-contention-go1.27/trace.out') }]);
  await expect(sourceRow(page, 'trace.out')).toHaveAttribute('data-status', 'ready');
  const panel = page.getByTestId('panel-blocking');
  await expect(panel.getByTestId('blocking-summary')).toContainText('whole trace');
  const groups = panel.getByTestId('trace-group');
  await expect(groups.first()).toBeVisible();
  // The lock-contention scenario: mutex waits are among the groups.
  await expect(panel.locator('[data-testid="trace-group"][data-state="sync"]').first()).toBeVisible();
  const wholeTotal = await groups.first().getByTestId('group-total').innerText();

  // Brush the first third of the trace lane: the view recomputes for that range.
  const lane = page.locator('[data-testid="timeline-lane"][data-name="trace.out"]');
  const box = (await lane.boundingBox())!;
  await page.mouse.move(box.x + box.width * 0.05, box.y + box.height / 2);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * 0.35, box.y + box.height / 2, { steps: 6 });
  await page.mouse.up();
  await expect(panel.getByTestId('blocking-summary')).toContainText('selected');
  await expect(groups.first().getByTestId('group-total')).not.toHaveText(wholeTotal);

  await groups.first().click();
  const lanes = panel.getByTestId('goroutine-lanes');
  await expect(lanes).toBeVisible();
  expect(Number(await lanes.getAttribute('data-rows'))).toBeGreaterThan(0);
  await screenshot(page, 'blocking-trace-range');
});

test('dumps: a leak reads as a growing group between two dumps', async ({ page, app }) => {
  await page.goto(app.url);
  await dropFiles(page, [
    { path: fixture('scenarios/conn-leak-go1.19/goroutine-debug2.txt'), name: 'early-debug2.txt', lastModified: Date.UTC(2026, 10, 22, 12, 0, 0) },
    { path: fixture('scenarios/conn-leak-go1.27/goroutine-debug2.txt'), name: 'late-debug2.txt', lastModified: Date.UTC(2026, 10, 22, 12, 5, 0) },
  ]);
  await expect(sourceRow(page, 'late-debug2.txt')).toHaveAttribute('data-status', 'ready');
  await expect(sourceRow(page, 'early-debug2.txt')).toHaveAttribute('data-status', 'ready');
  const panel = page.getByTestId('panel-blocking');
  const rows = panel.getByTestId('goroutine-group');
  await expect(rows.first()).toBeVisible();
  // Placed by their mtimes (estimated), early then late: the persistConn loops grow 37→71 and 35→69.
  const top = rows.first();
  await expect(top).toHaveAttribute('data-function', /persistConn\)\.(readLoop|writeLoop)/);
  await expect(top.getByTestId('group-growth')).toHaveText('+34');
  await expect(top.getByTestId('group-count')).toHaveText([/^(37|35)$/, /^(71|69)$/]);
  await screenshot(page, 'blocking-dumps-growth');
});

test('a trace group opens its stacks in the flame graph: the blocking profile of its reason, focused on its function', async ({ page, app }) => {
  await page.goto(app.url);
  await dropFiles(page, [{ path: fixture('scenarios/lock-contention-go1.27/trace.out') }]);
  await expect(sourceRow(page, 'trace.out')).toHaveAttribute('data-status', 'ready');
  const panel = page.getByTestId('panel-blocking');
  const syncGroup = panel.locator('[data-testid="trace-group"][data-state="sync"]').first();
  const fn = (await syncGroup.getAttribute('data-function'))!;
  await syncGroup.click();
  await panel.getByRole('button', { name: 'Show in flame graph' }).click();
  const flame = page.getByTestId('panel-flame');
  await expect(flame.getByTestId('flame-profile')).toHaveValue('sync');
  const chip = flame.getByTestId('flame-chip');
  await expect(chip).toHaveCount(1);
  await expect(chip).toHaveAttribute('data-kind', 'focus');
  await expect(chip).toHaveAttribute('data-function', fn);
  await screenshot(page, 'blocking-show-in-flame');
});

test('a connection leak: the readLoops blocked since before the trace are one group, blocked for the whole trace', async ({ page, app }) => {
  await page.goto(app.url);
  await dropFiles(page, [{ path: fixture('scenarios/conn-leak-go1.27/trace.out') }]);
  await expect(sourceRow(page, 'trace.out')).toHaveAttribute('data-status', 'ready');
  const panel = page.getByTestId('panel-blocking');
  await expect(panel.getByTestId('blocking-summary')).toContainText('whole trace');
  const readLoops = panel.locator('[data-testid="trace-group"][data-function="net/http.(*persistConn).readLoop"]');
  await expect(readLoops.first()).toBeVisible();
  // Generation boundaries split nothing: no "waiting" readLoop group, one whose longest wait is the trace.
  await expect(panel.locator('[data-testid="trace-group"][data-function="net/http.(*persistConn).readLoop"][data-state="waiting"]')).toHaveCount(0);
  const leak = panel.locator('[data-testid="trace-group"][data-function="net/http.(*persistConn).readLoop"][data-state="reason unknown (blocked before the trace)"]');
  await expect(leak).toHaveCount(1);
  await expect(leak.locator('td').nth(4)).toHaveText(/^5\.00 ?s$/);
});

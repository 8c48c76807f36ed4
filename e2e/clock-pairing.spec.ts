import { test, expect, fixture, dropFiles, screenshot, sourceRow } from './support.ts';

// An incident folder copied 12 days after the incident: the clockless files carry the copy's mtime.
const COPIED = Date.UTC(2026, 11, 4, 12, 0, 0);
const DIR = 'scenarios/conn-leak-go1.27/';

test('a dump and an lsof listing copied days later are paired by content; the pairing can be undone', async ({ page, app }) => {
  await page.goto(app.url);
  await dropFiles(
    page,
    ['goroutine-debug2.txt', 'goroutine.pb.gz', 'lsof.txt', 'ss-capture.txt.gz'].map((f) => ({ path: fixture(DIR + f), lastModified: COPIED })),
  );
  for (const f of ['goroutine-debug2.txt', 'goroutine.pb.gz', 'lsof.txt', 'ss-capture.txt.gz']) await expect(sourceRow(page, f)).toHaveAttribute('data-status', 'ready');
  await expect(sourceRow(page, 'goroutine-debug2.txt').locator('.clock-badge')).toHaveText('paired');
  await expect(sourceRow(page, 'lsof.txt').locator('.clock-badge')).toHaveText('paired');
  // The whole session is the 30 s incident, not 12 days.
  await expect(page.getByTestId('selection-label')).toContainText('whole session');
  await expect(page.getByText(/estimated outside/)).toHaveCount(0);
  await sourceRow(page, 'goroutine-debug2.txt').click();
  const details = page.getByTestId('source-details');
  await expect(details).toContainText('paired with goroutine.pb.gz: 150 vs 150 goroutines');
  await screenshot(page, 'clock-pairing');
  await details.getByTestId('undo-pairing').click();
  await expect(sourceRow(page, 'goroutine-debug2.txt').locator('.clock-badge')).toHaveText('estimated');
  await expect(details).toContainText('Clock: estimated (file mtime)');
  await expect(details.getByTestId('undo-pairing')).toHaveCount(0);
  // Now 12 days off, it waits outside the default window.
  await expect(page.getByText(/1 estimated outside/)).toBeVisible();
});

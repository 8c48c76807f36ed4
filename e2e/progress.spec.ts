import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { test, expect, FIXTURES, dropFiles, fixture, sourceRow, screenshot } from './support.ts';

// The 105 MB (raw) Go 1.27 trace from ../shared/bench-data: long enough to watch and cancel.
const BIG_TRACE = join(FIXTURES, '..', 'bench-data', 'big-go1.27.trace.gz');

test.describe('a big trace', () => {
  test.skip(!existsSync(BIG_TRACE), `bench data not found at ${BIG_TRACE}`);
  test.use({ appArgs: [BIG_TRACE] });

  test('shows progress while it loads, the window stays usable, and Cancel stops it', async ({ page, app }) => {
    await page.goto(app.url);
    const row = sourceRow(page, 'big-go1.27.trace.gz');
    await expect(row).toHaveAttribute('data-status', 'ingesting');
    const bar = row.locator('progress');
    await expect(bar).toBeVisible();
    await expect.poll(async () => Number(await bar.getAttribute('value')), { timeout: 60_000 }).toBeGreaterThan(0);
    await screenshot(page, 'progress-big-trace');
    // Parsing runs in its own engine worker: another file opens and becomes ready meanwhile.
    await dropFiles(page, [{ path: fixture('scenarios/conn-leak-go1.27/block.pb.gz') }]);
    await expect(sourceRow(page, 'block.pb.gz')).toHaveAttribute('data-status', 'ready');
    await expect(row).toHaveAttribute('data-status', 'ingesting');
    await row.getByRole('button', { name: 'Cancel' }).click();
    await expect(row).toHaveAttribute('data-status', 'cancelled');
    await expect(row.getByTestId('source-error')).toHaveText('cancelled');
    // A cancel is not an error: no notice pops up.
    await expect(page.getByTestId('notice')).toHaveCount(0);
  });
});

/**
 * Browser mode's upload of a dropped file: streamed by the browser from the File (the page never
 * reads it), shown with its progress while it goes, and cancellable.
 */
import { test, expect, dropFiles, sourceRow } from './support.ts';
import { fixturePath } from '../shared/test-support/fixtures.ts';

test('a dropped file uploads with progress shown; Cancel stops it and opens nothing', async ({ page, app }) => {
  await page.goto(app.url);
  // Hold the first upload at the network layer, as a big file on a slow disk would be held.
  let held = true;
  await page.route('**/api/openBytes*', async (route) => {
    while (held) await new Promise((r) => setTimeout(r, 100));
    await route.continue().catch(() => {}); // cancelled meanwhile
  });
  await dropFiles(page, [{ path: fixturePath('scenarios/cpu-pool-go1.27/trace.out') }]);
  const progress = page.getByTestId('upload-progress');
  await expect(progress).toBeVisible();
  await expect(progress).toContainText('trace.out');
  await expect(progress).toHaveAttribute('data-total', '1091229');
  await progress.getByTestId('upload-cancel').click();
  held = false;
  await expect(progress).toHaveCount(0);
  await expect(page.getByTestId('notice')).toHaveCount(0);
  await expect(page.getByTestId('source')).toHaveCount(0);

  // Not held: the same drop opens the trace, and the progress goes away when the host has it.
  await page.unroute('**/api/openBytes*');
  await dropFiles(page, [{ path: fixturePath('scenarios/cpu-pool-go1.27/trace.out') }]);
  await expect(sourceRow(page, 'trace.out')).toHaveAttribute('data-kind', 'gotrace');
  await expect(progress).toHaveCount(0);
});

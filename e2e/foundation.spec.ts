import { test, expect, dropFiles, fixture, screenshot, sourceRow } from './support.ts';

test('drop real files, see them by kind; a corrupt file names itself while the others stay; remove one', async ({ page, app }) => {
  await page.goto(app.url);
  await expect(page.getByTestId('empty-state')).toBeVisible();
  await screenshot(page, 'foundation-empty');

  await dropFiles(page, [
    { path: fixture('scenarios/lock-contention-go1.27/block.pb.gz') },
    { path: fixture('scenarios/lock-contention-go1.27/goroutine-debug2.txt') },
  ]);
  await expect(sourceRow(page, 'block.pb.gz')).toHaveAttribute('data-status', 'ready');
  await expect(sourceRow(page, 'block.pb.gz')).toHaveAttribute('data-kind', 'pprof');
  await expect(sourceRow(page, 'goroutine-debug2.txt')).toHaveAttribute('data-status', 'ready');
  await expect(sourceRow(page, 'goroutine-debug2.txt')).toHaveAttribute('data-kind', 'goroutine-dump');
  await expect(sourceRow(page, 'goroutine-debug2.txt').getByTestId('source-format')).toHaveText('goroutine debug=2');

  // A truncated gzip and a file of no known kind: each becomes an error naming it; the others stay.
  const truncated = (await import('node:fs')).readFileSync(fixture('scenarios/lock-contention-go1.27/block.pb.gz')).subarray(0, 700);
  await dropFiles(page, [
    { name: 'broken-block.pb.gz', bytes: truncated },
    { name: 'notes.bin', bytes: Buffer.from([0xde, 0xad, 0xbe, 0xef, 0x00, 0x01, 0x02, 0x03, 0xff, 0xfe]) },
  ]);
  await expect(sourceRow(page, 'broken-block.pb.gz')).toHaveAttribute('data-status', 'error');
  await expect(sourceRow(page, 'broken-block.pb.gz').getByTestId('source-error')).toContainText('gzip');
  await expect(sourceRow(page, 'notes.bin').getByTestId('source-error')).toContainText('unrecognized binary data');
  await expect(page.getByTestId('notice').filter({ hasText: 'notes.bin' })).toBeVisible();
  await expect(sourceRow(page, 'block.pb.gz')).toHaveAttribute('data-status', 'ready');
  await expect(page.getByTestId('source')).toHaveCount(4);
  await screenshot(page, 'foundation-sources-with-errors');

  // The figures of the focused source are those `inspect` prints.
  await sourceRow(page, 'block.pb.gz').click();
  await expect(page.getByTestId('source-details')).toContainText('sampleCount');

  await sourceRow(page, 'notes.bin').getByTestId('remove-source').click();
  await expect(page.getByTestId('source')).toHaveCount(3);
  await expect(sourceRow(page, 'notes.bin')).toHaveCount(0);
});

test.describe('demo incident', () => {
  test.use({ appArgs: ['--demo'] });
  test('serves the demo with its four sources on one timeline; brushing selects a range', async ({ page, app }) => {
    await page.goto(app.url);
    const rows = page.getByTestId('source');
    await expect(rows).toHaveCount(4);
    for (const [name, kind] of [
      ['block.pb.gz', 'pprof'],
      ['goroutine-debug2.txt', 'goroutine-dump'],
      ['ss-capture.txt.gz', 'ss'],
      ['trace.out', 'gotrace'],
    ] as const) {
      await expect(sourceRow(page, name)).toHaveAttribute('data-kind', kind);
    }
    await expect(page.getByTestId('timeline-lane')).toHaveCount(4);
    await expect(page.getByTestId('selection-label')).toContainText('whole session');
    const svg = page.getByTestId('timeline-svg');
    const box = (await svg.boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.3, box.y + 40);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.6, box.y + 40, { steps: 5 });
    await page.mouse.up();
    await expect(page.getByTestId('brush')).toBeVisible();
    await expect(page.getByTestId('selection-label')).toContainText('–');
    await expect(page.getByTestId('selection-label')).toContainText('UTC');
    await screenshot(page, 'demo-incident');
    await page.getByTestId('clear-selection').click();
    await expect(page.getByTestId('selection-label')).toContainText('whole session');
  });
});

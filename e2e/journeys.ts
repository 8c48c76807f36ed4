/** User journeys shared by the browser-mode and Electron e2e projects. */
import { readFileSync } from 'node:fs';
import type { Page } from '@playwright/test';
import { expect } from '@playwright/test';
import { dropFiles, fixture, screenshot, sourceRow } from './support.ts';

/** Drop two real files, see them by kind; a corrupt file and an unknown one name themselves; remove one. */
export async function dropAndRemoveJourney(page: Page, shotPrefix: string): Promise<void> {
  await expect(page.getByTestId('empty-state')).toBeVisible();
  await screenshot(page, `${shotPrefix}-empty`);

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
  const truncated = readFileSync(fixture('scenarios/lock-contention-go1.27/block.pb.gz')).subarray(0, 700);
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
  await screenshot(page, `${shotPrefix}-sources-with-errors`);

  // The figures of the focused source are those `inspect` prints.
  await sourceRow(page, 'block.pb.gz').click();
  await expect(page.getByTestId('source-details')).toContainText('sampleCount');

  await sourceRow(page, 'notes.bin').getByTestId('remove-source').click();
  await expect(page.getByTestId('source')).toHaveCount(3);
  await expect(sourceRow(page, 'notes.bin')).toHaveCount(0);
}

import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { test, expect, dropFiles, fixture, sourceRow, ARTIFACTS, type AppServer } from './support.ts';
import type { Page } from '@playwright/test';

/** Where the final screenshots of the view are kept for people to look at. */
const SHOTS = process.env.TRACE_VIEW_SHOTS ?? '';

async function openTrace(page: Page, app: AppServer, scenario: string) {
  await page.setViewportSize({ width: 1600, height: 1000 });
  await page.goto(app.url);
  await dropFiles(page, [{ path: fixture(`scenarios/${scenario}/trace.out`) }]);
  await expect(sourceRow(page, 'trace.out')).toHaveAttribute('data-status', 'ready');
  const panel = page.getByTestId('panel-trace-timeline');
  await panel.scrollIntoViewIfNeeded();
  const host = panel.getByTestId('trace-timeline-canvas-host');
  await expect(host).toHaveAttribute('data-ready', 'true');
  return { panel, host };
}

async function shot(page: Page, el: import('@playwright/test').Locator, name: string) {
  const path = join(ARTIFACTS, `${name}.png`);
  await el.screenshot({ path });
  if (SHOTS) copyFileSync(path, join(SHOTS, `${name}.png`));
}

test('cpu-pool: both Ps busy with job:<kind> regions', async ({ page, app }) => {
  const { panel } = await openTrace(page, app, 'cpu-pool-go1.27');
  await shot(page, panel, 'trace-timeline-cpu-pool');
});

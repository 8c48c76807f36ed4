/**
 * Issue 18: several hosts' captures opened together (a folder per host, as copied off a fleet), the
 * heat map with hosts as rows finds the host whose CLOSE-WAIT grows, lists that host's sockets, and
 * sums all hosts. The captures replay real fixture captures (verbatim ss lines) under host names.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { captureSnapshots, hostCapture } from '../shared/test-support/fleet-captures.ts';
import { test, expect, screenshot } from './support.ts';

const dir = mkdtempSync(join(tmpdir(), 'tracedeck-fleet-'));
const START = 1_795_400_000_000_000_000n;
const HOSTS = [
  { host: 'web-01', rel: 'scenarios/conn-leak-go1.27/ss-capture.txt.gz' },
  { host: 'web-02', rel: 'scenarios/fd-leak-go1.23/ss-capture.txt.gz' },
  { host: 'web-03', rel: 'scenarios/cpu-pool-go1.27/ss-capture.txt.gz' },
  { host: 'web-04', rel: 'scenarios/lock-contention-go1.27/ss-capture.txt.gz' },
];
const paths = HOSTS.map((h, i) => {
  mkdirSync(join(dir, h.host));
  const p = join(dir, h.host, 'ss-capture.txt');
  // Every capture copied off a server says `vm` in its headers: the folder names the host.
  const text = hostCapture({ template: captureSnapshots(h.rel), host: 'vm', startNs: START, intervalNs: 1_000_000_000n, snapshots: 40, phaseNs: BigInt(i) * 200_000_000n });
  writeFileSync(p, text);
  return p;
});

test.use({ appArgs: paths });

async function plotRows(page: Page): Promise<string[]> {
  return ((await page.getByTestId('heatmap-plot').getAttribute('data-rows')) ?? '').split('|');
}

test('hosts as rows: the CLOSE-WAIT host stands out, a cell lists its sockets; all hosts summed', async ({ page, app }) => {
  await page.goto(app.url);
  await expect(page.locator('[data-testid="source"][data-status="ready"]')).toHaveCount(4, { timeout: 60_000 });
  // The socket track: a lane of all hosts summed above each host's own lane.
  const fleetLane = page.getByTestId('fleet-lane');
  await expect(fleetLane).toHaveAttribute('data-hosts', '4');
  await expect(fleetLane).toHaveAttribute('data-series', /CLOSE-WAIT/);
  await expect(page.getByTestId('timeline-lane')).toHaveCount(4);
  const hosts = page.getByTestId('heatmap-hosts');
  await expect(hosts).toBeVisible();
  await hosts.selectOption('rows');
  const fleet = page.getByTestId('heatmap-fleet');
  await expect(fleet).toHaveAttribute('data-scope', 'rows');
  await page.getByTestId('heatmap-state').selectOption('CLOSE-WAIT');
  await expect(page.getByTestId('heatmap')).toHaveAttribute('data-ready', 'true');
  // The host whose CLOSE-WAIT grows is the top row; the replayed fd-leak capture peaks at 453 (fixtures README).
  await expect.poll(async () => (await plotRows(page))[0]).toBe('web-02');
  expect(new Set(await plotRows(page))).toEqual(new Set(HOSTS.map((h) => h.host)));
  const top = page.locator('[data-testid="heatmap-summary-row"][data-row="web-02"]');
  await expect(top).toHaveAttribute('data-first', '0');
  await expect(top).toHaveAttribute('data-max', '453');
  for (const quiet of ['web-01', 'web-03']) {
    await expect(page.locator(`[data-testid="heatmap-summary-row"][data-row="${quiet}"]`)).toHaveCount(0); // max 0: not in the summary
  }

  await page.getByTestId('heatmap-plot').evaluate((e) => e.scrollIntoView({ block: 'start' }));
  await screenshot(page, 'fleet-heatmap-hosts-as-rows');

  // Click web-02's row near the end: its own sockets, in CLOSE-WAIT, named by host.
  const plot = page.getByTestId('heatmap-plot');
  await plot.evaluate((e) => e.scrollIntoView({ block: 'start' }));
  const box = (await plot.boundingBox())!;
  const g = {
    x: Number(await plot.getAttribute('data-plot-x')),
    y: Number(await plot.getAttribute('data-plot-y')),
    w: Number(await plot.getAttribute('data-plot-w')),
    rowH: Number(await plot.getAttribute('data-row-h')),
  };
  const row = (await plotRows(page)).indexOf('web-02');
  await page.mouse.click(box.x + g.x + g.w * 0.93, box.y + g.y + (row + 0.5) * g.rowH);
  const cell = page.getByTestId('heatmap-cell');
  await expect(cell).toBeVisible();
  await expect(page.getByTestId('heatmap-cell-host')).toHaveAttribute('data-host', 'web-02');
  const count = Number(await page.getByTestId('heatmap-cell-count').getAttribute('data-count'));
  expect(count).toBeGreaterThan(300);
  await expect(cell.locator('tbody tr').first()).toContainText('CLOSE-WAIT');
  await screenshot(page, 'fleet-heatmap-host-cell');

  // All hosts summed: states are the rows again, and CLOSE-WAIT's peak is web-02's (the others hold none).
  await hosts.selectOption('sum');
  await expect(fleet).toHaveAttribute('data-scope', 'sum');
  await expect(page.getByTestId('heatmap')).toHaveAttribute('data-ready', 'true');
  await expect.poll(async () => (await plotRows(page)).slice(0, 2)).toEqual(['ESTAB', 'SYN-SENT']);
  await expect(page.locator('[data-testid="heatmap-summary-row"][data-row="CLOSE-WAIT"]')).toHaveAttribute('data-max', '453');
  await page.getByTestId('heatmap-plot').evaluate((e) => e.scrollIntoView({ block: 'start' }));
  await screenshot(page, 'fleet-heatmap-summed');

  // One host again: the single-capture map with its own controls.
  await hosts.selectOption('one');
  await expect(fleet).toHaveCount(0);
  await expect(page.getByTestId('heatmap-mode-state')).toBeVisible();
});

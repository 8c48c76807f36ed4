import type { Page } from '@playwright/test';
import { test, expect, dropFiles, fixture, screenshot, sourceRow } from './support.ts';

/** Geometry the heat map publishes on its plot element (CSS px relative to the plot's box). */
async function plot(page: Page) {
  const el = page.getByTestId('heatmap-plot');
  // The whole plot in view (the panel body scrolls when a socket table is open below it).
  await el.evaluate((e) => e.scrollIntoView({ block: 'start' }));
  const box = (await el.boundingBox())!;
  const num = async (a: string) => Number(await el.getAttribute(a));
  const rows = ((await el.getAttribute('data-rows')) ?? '').split('|');
  const g = { x: await num('data-plot-x'), y: await num('data-plot-y'), w: await num('data-plot-w'), rowH: await num('data-row-h') };
  /** Page point of row `label` at fraction f (0..1) of the plot's width. */
  const at = (label: string, f: number) => {
    const r = rows.indexOf(label);
    expect(r, `row ${label} in ${rows.join(',')}`).toBeGreaterThanOrEqual(0);
    return { x: box.x + g.x + Math.min(g.w - 1, Math.max(1, f * g.w)), y: box.y + g.y + (r + 0.5) * g.rowH };
  };
  return { box, g, rows, at };
}

async function hoverCount(page: Page, p: { x: number; y: number }): Promise<number> {
  // Leave the canvas first so the tooltip read below is the one for this point, not the last one.
  await page.mouse.move(5, 5);
  await expect(page.getByTestId('heatmap-tooltip')).toHaveCount(0);
  await page.mouse.move(p.x, p.y);
  await expect(page.getByTestId('heatmap-tooltip')).toBeVisible();
  const text = await page.getByTestId('heatmap-tooltip-count').innerText();
  const m = /^([\d,]+) socket/.exec(text);
  expect(m, `tooltip count "${text}"`).not.toBeNull();
  return Number(m![1]!.replace(/,/g, ''));
}

test('TIME-WAIT storm: the heat map climbs, peers mode, a cell lists its sockets, brushing sets the session range', async ({ page, app }) => {
  await page.goto(app.url);
  await dropFiles(page, [{ path: fixture('scenarios/timewait-storm-go1.25/ss-capture.txt.gz') }]);
  await expect(sourceRow(page, 'ss-capture.txt.gz')).toHaveAttribute('data-status', 'ready');
  const hm = page.getByTestId('heatmap');
  await expect(hm).toHaveAttribute('data-ready', 'true');

  // States mode: every TCP state is a row, in the fixed order.
  let p = await plot(page);
  expect(p.rows.slice(0, 11)).toEqual(['ESTAB', 'SYN-SENT', 'SYN-RECV', 'FIN-WAIT-1', 'FIN-WAIT-2', 'TIME-WAIT', 'CLOSE', 'CLOSE-WAIT', 'LAST-ACK', 'LISTEN', 'CLOSING']);

  // expected.json: first snapshot has no sockets, the last 1998 TIME-WAIT (the README's max too).
  const tw = page.locator('[data-testid="heatmap-summary-row"][data-row="TIME-WAIT"]');
  await expect(tw).toHaveAttribute('data-first', '0');
  await expect(tw).toHaveAttribute('data-last', '1998');
  await expect(tw).toHaveAttribute('data-max', '1998');

  // Climbing: the tooltip's TIME-WAIT count grows along the time axis.
  const samples: number[] = [];
  for (const f of [0.002, 0.25, 0.5, 0.75, 0.999]) samples.push(await hoverCount(page, p.at('TIME-WAIT', f)));
  expect(samples[0]).toBe(0);
  expect(samples[4]).toBe(1998);
  for (let i = 1; i < samples.length; i++) expect(samples[i]!).toBeGreaterThan(samples[i - 1]!);
  await expect(page.getByTestId('heatmap-tooltip')).toContainText('TIME-WAIT');
  await expect(page.getByTestId('heatmap-tooltip')).toContainText('UTC');
  await screenshot(page, 'heatmap-states-hover');
  console.log(`heat map redraw in the browser: ${await page.getByTestId('heatmap-plot').getAttribute('data-draw-ms')} ms`);

  // Log scale keeps the same numbers, only colours change.
  await page.getByTestId('heatmap-log').check();
  await expect(page.getByTestId('heatmap-legend')).toContainText('log scale');
  await screenshot(page, 'heatmap-states-log');
  await page.getByTestId('heatmap-log').uncheck();

  // Peers mode for the busiest state (TIME-WAIT): one peer, 127.0.0.1, climbing to 1998.
  await page.getByTestId('heatmap-mode-peer').click();
  await expect(hm).toHaveAttribute('data-mode', 'peer');
  await expect(page.getByTestId('heatmap-state')).toHaveValue('TIME-WAIT');
  await expect(hm).toHaveAttribute('data-ready', 'true');
  const peer = page.locator('[data-testid="heatmap-summary-row"][data-row="127.0.0.1"]');
  await expect(peer).toHaveAttribute('data-last', '1998');
  p = await plot(page);
  expect(p.rows).toEqual(['127.0.0.1']);

  // Click a cell early in the storm: its table lists exactly the sockets the tooltip counts.
  const early = p.at('127.0.0.1', 0.1);
  const n = await hoverCount(page, early);
  expect(n).toBeGreaterThan(0);
  expect(n).toBeLessThanOrEqual(500);
  await page.mouse.click(early.x, early.y);
  await expect(page.getByTestId('heatmap-cell-count')).toHaveAttribute('data-count', String(n));
  await expect(page.getByTestId('socket-row')).toHaveCount(n);
  await expect(page.getByTestId('socket-row').first()).toContainText('TIME-WAIT');
  await expect(page.getByTestId('socket-row').first()).toContainText('127.0.0.1');
  await expect(page.getByTestId('socket-row').first()).toContainText('timewait');
  await screenshot(page, 'heatmap-peers-cell');

  // The last cell: 1998 sockets, the table pages the first 500.
  p = await plot(page);
  const last = p.at('127.0.0.1', 0.999);
  await page.mouse.click(last.x, last.y);
  await expect(page.getByTestId('heatmap-cell-count')).toHaveAttribute('data-count', '1998');
  await expect(page.getByTestId('socket-row')).toHaveCount(500);
  await expect(page.getByTestId('socket-table-more')).toContainText('1,998');

  // Brush on the heat map: the timeline's selection label follows.
  await expect(page.getByTestId('selection-label')).toContainText('whole session');
  p = await plot(page);
  const a = p.at('127.0.0.1', 0.3);
  const b = p.at('127.0.0.1', 0.6);
  await page.mouse.move(a.x, a.y);
  await page.mouse.down();
  await page.mouse.move(b.x, b.y, { steps: 6 });
  await page.mouse.up();
  const label = page.getByTestId('selection-label');
  await expect(label).not.toContainText('whole session');
  await expect(label).toContainText('–');
  // 30%..60% of a 20.07 s capture ≈ 6.0 s.
  await expect(label).toContainText(/\((5\.9\d|6\.0\d) s\)/);
  await expect(page.getByTestId('brush')).toBeVisible();
  await screenshot(page, 'heatmap-brushed');

  // Zoom to the selection: bins are re-queried for the narrower range.
  await page.getByTestId('heatmap-zoom').check();
  await expect(page.getByTestId('heatmap-summary')).toContainText(/\((5\.9\d|6\.0\d) s\)/);
  await expect(hm).toHaveAttribute('data-ready', 'true');
  await page.getByTestId('heatmap-mode-state').click();
  await expect(hm).toHaveAttribute('data-ready', 'true');
  await screenshot(page, 'heatmap-zoomed');

  // Dark theme: colours come from the stylesheet, "no snapshot" stays distinct from zero.
  await page.getByTestId('heatmap-zoom').uncheck();
  await page.emulateMedia({ colorScheme: 'dark' });
  await expect(hm).toHaveAttribute('data-ready', 'true');
  await page.getByTestId('heatmap-plot').evaluate((e) => e.scrollIntoView({ block: 'start' }));
  await screenshot(page, 'heatmap-dark');
});

test('conn leak: processes mode shows both pids, Recv-Q as the measure, the socket table sorted by Recv-Q shows the stuck bytes first', async ({ page, app }) => {
  await page.setViewportSize({ width: 1400, height: 1000 });
  await page.goto(app.url);
  await dropFiles(page, [{ path: fixture('scenarios/conn-leak-go1.27/ss-capture.txt.gz') }]);
  await expect(sourceRow(page, 'ss-capture.txt.gz')).toHaveAttribute('data-status', 'ready');
  const hm = page.getByTestId('heatmap');
  await expect(hm).toHaveAttribute('data-ready', 'true');

  // The leak's summary: ESTAB climbs to 148 while the processes live; the last snapshot (0) is after they exited.
  const estab = page.locator('[data-testid="heatmap-summary-row"][data-row="ESTAB"]');
  await expect(estab).toHaveAttribute('data-max', '148');
  await expect(estab).toHaveAttribute('data-alive', '148');
  await expect(estab).toHaveAttribute('data-last', '0');
  await expect(estab).toContainText('148 while alive');
  await expect(page.getByTestId('heatmap-exit')).toHaveCount(2);
  await screenshot(page, 'heatmap-connleak-summary');

  // Processes mode (ESTAB, the busiest state): the client and the upstream, same binary, two rows.
  await page.getByTestId('heatmap-mode-process').click();
  await expect(hm).toHaveAttribute('data-mode', 'process');
  await expect(page.getByTestId('heatmap-state')).toHaveValue('ESTAB');
  await expect(hm).toHaveAttribute('data-ready', 'true');
  let p = await plot(page);
  expect(p.rows.slice().sort()).toEqual(['conn-leak (pid 19090)', 'conn-leak (pid 19098)']);
  await screenshot(page, 'heatmap-connleak-processes');

  // Recv-Q bytes as the measure: only the client holds unread bytes; the tooltip says bytes.
  await page.getByTestId('heatmap-measure').selectOption('recvQ');
  await expect(hm).toHaveAttribute('data-ready', 'true');
  p = await plot(page);
  expect(p.rows).toEqual(['conn-leak (pid 19090)']);
  await expect(page.getByTestId('heatmap-legend')).toContainText('bytes in Recv-Q');
  const late = p.at('conn-leak (pid 19090)', 0.9);
  await page.mouse.move(5, 5);
  await expect(page.getByTestId('heatmap-tooltip')).toHaveCount(0);
  await page.mouse.move(late.x, late.y);
  await expect(page.getByTestId('heatmap-tooltip-count')).toContainText(/MiB in Recv-Q/);
  await screenshot(page, 'heatmap-connleak-recvq');
  // Listing that cell while measuring Recv-Q opens with the biggest queues first.
  await page.mouse.click(late.x, late.y);
  await expect(page.getByTestId('socket-sort-recvQ')).toHaveAttribute('aria-sort', 'descending');
  await expect(page.getByTestId('socket-row').first()).toHaveAttribute('data-recvq', '61243');
  await page.getByTestId('heatmap-cell-close').click();

  // Back to sockets by state; click ESTAB late in the run: 100+ sockets, both ends.
  await page.getByTestId('heatmap-measure').selectOption('sockets');
  await page.getByTestId('heatmap-mode-state').click();
  await expect(hm).toHaveAttribute('data-ready', 'true');
  p = await plot(page);
  const cellAt = p.at('ESTAB', 0.93);
  await page.mouse.click(cellAt.x, cellAt.y);
  const count = Number(await page.getByTestId('heatmap-cell-count').getAttribute('data-count'));
  expect(count).toBeGreaterThan(100);
  const rows = page.getByTestId('socket-row');
  await expect(rows).toHaveCount(count);
  // Owner side first: the client's (19090) sockets lead; the totals cover the whole cell.
  await expect(rows.first()).toHaveAttribute('data-pid', '19090');
  const totals = page.getByTestId('socket-totals');
  const recvQ = Number(await totals.getAttribute('data-recvq'));
  expect(recvQ).toBeGreaterThan(60 * 61_000);

  // Sort by Recv-Q (the header used to do nothing): the stuck ~61 KB sockets come first.
  await page.getByTestId('socket-sort-recvQ').getByRole('button').click();
  await expect(page.getByTestId('socket-sort-recvQ')).toHaveAttribute('aria-sort', 'descending');
  await expect(rows.first()).toHaveAttribute('data-recvq', '61243');
  await expect(rows.first()).toContainText('conn-leak (19090');
  const firstTen = await rows.evaluateAll((els) => els.slice(0, 10).map((e) => Number(e.getAttribute('data-recvq'))));
  expect(firstTen.every((v) => v > 60_000)).toBe(true);
  await screenshot(page, 'heatmap-connleak-sorted-recvq');
  // A second click: ascending (zeros first).
  await page.getByTestId('socket-sort-recvQ').getByRole('button').click();
  await expect(page.getByTestId('socket-sort-recvQ')).toHaveAttribute('aria-sort', 'ascending');
  await expect(rows.first()).toHaveAttribute('data-recvq', '0');

  // Filter to the upstream's pid: only its sockets, totals follow (it holds no unread bytes).
  await page.getByTestId('socket-filter').fill('19098');
  await expect(totals).toHaveAttribute('data-recvq', '0');
  const matched = Number(await totals.getAttribute('data-matched'));
  expect(matched).toBeGreaterThan(0);
  expect(matched).toBeLessThan(count);
  await expect(rows).toHaveCount(matched);
  expect(await rows.evaluateAll((els) => els.every((e) => e.getAttribute('data-pid') === '19098'))).toBe(true);
  await screenshot(page, 'heatmap-connleak-filtered');
});

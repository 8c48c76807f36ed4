/**
 * Every view by keyboard alone (after the files are dropped): Tab reaches the sources list, the view
 * modes, goroutine groups, heat-map cells, flame frames and top-table rows; each shows its focus and
 * does by key what a click does; `?` lists the keys.
 */
import type { Page } from '@playwright/test';
import { test, expect, dropFiles, fixture, screenshot, sourceRow } from './support.ts';

const SCEN = 'scenarios/conn-leak-go1.27';
const FILES = ['block.pb.gz', 'ss-capture.txt.gz', 'trace.out', 'goroutine-debug2.txt'];

/** Presses Tab until the focused element matches `selector` (fails after `max` presses). */
async function tabTo(page: Page, selector: string, max = 400): Promise<void> {
  for (let i = 0; i < max; i++) {
    if (await page.evaluate((s) => !!document.activeElement?.matches(s), selector)) return;
    await page.keyboard.press('Tab');
  }
  throw new Error(`Tab never reached ${selector}`);
}

const focused = (page: Page) => page.locator(':focus');

/** The focus is drawn (an outline from :focus-visible). */
async function expectVisibleFocus(page: Page) {
  const style = await page.evaluate(() => {
    const cs = getComputedStyle(document.activeElement!);
    return { outline: cs.outlineStyle, width: parseFloat(cs.outlineWidth) };
  });
  expect(style.outline).not.toBe('none');
  expect(style.width).toBeGreaterThanOrEqual(1);
}

async function open(page: Page, url: string) {
  await page.goto(url);
  await dropFiles(page, FILES.map((f) => ({ path: fixture(`${SCEN}/${f}`) })));
  for (const f of FILES) await expect(sourceRow(page, f)).toHaveAttribute('data-status', 'ready');
  await expect(page.getByTestId('heatmap')).toHaveAttribute('data-ready', 'true');
  await expect(page.locator('[data-testid="flame-graph"] svg')).toBeVisible();
  // Start from the top of the page, as a keyboard user would.
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
}

test('sources: a listbox; Tab reaches an entry, ↑/↓ move, Enter shows it in the views', async ({ page, app }) => {
  await open(page, app.url);
  await expect(page.locator('ul[role="listbox"] [role="option"]')).toHaveCount(4);
  await tabTo(page, '[data-testid="source"]');
  await expectVisibleFocus(page);
  // Down to the profile, then Enter: the flame graph shows it.
  for (let i = 0; i < FILES.length && (await focused(page).getAttribute('data-name')) !== 'block.pb.gz'; i++) await page.keyboard.press('ArrowDown');
  if ((await focused(page).getAttribute('data-name')) !== 'block.pb.gz') for (let i = 0; i < FILES.length; i++) await page.keyboard.press('ArrowUp');
  await expect(focused(page)).toHaveAttribute('data-name', 'block.pb.gz');
  await page.keyboard.press('Enter');
  await expect(focused(page)).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByTestId('panel-flame')).toContainText('block.pb.gz');
  await screenshot(page, 'keyboard-1-sources');
});

test('heat map: Tab reaches the modes and the cells; arrows move a cell cursor, Enter lists the sockets', async ({ page, app }) => {
  await open(page, app.url);
  const plot = page.getByTestId('heatmap-overlay');
  await expect(plot).toHaveAttribute('role', 'grid');
  const rows = ((await page.getByTestId('heatmap-plot').getAttribute('data-rows')) ?? '').split('|');
  await tabTo(page, '[data-testid="heatmap-overlay"]');
  await expectVisibleFocus(page);
  // The cursor starts on the first row at the last snapshot, described for screen readers.
  const start = (await plot.getAttribute('data-cursor'))!.split(':').map(Number);
  expect(start[0]).toBe(0);
  await expect(page.getByTestId('heatmap-cursor-text')).toContainText(`${rows[0]}:`);
  await expect(page.getByTestId('heatmap-tooltip')).toBeVisible();
  await page.keyboard.press('ArrowDown');
  await expect(plot).toHaveAttribute('data-cursor', `1:${start[1]}`);
  await expect(page.getByTestId('heatmap-cursor-text')).toContainText(`${rows[1]}:`);
  await page.keyboard.press('ArrowUp');
  await page.keyboard.press('ArrowLeft');
  const left = (await plot.getAttribute('data-cursor'))!.split(':').map(Number);
  expect(left[0]).toBe(0);
  expect(left[1]).toBeLessThan(start[1]!);
  await page.keyboard.press('ArrowRight');
  await expect(plot).toHaveAttribute('data-cursor', `0:${start[1]}`);
  // TIME-WAIT at the last snapshot holds 65 sockets (ss-capture's last figures): ↓ to it, Enter lists them.
  const tw = rows.indexOf('TIME-WAIT');
  expect(tw).toBeGreaterThan(0);
  for (let i = 0; i < tw; i++) await page.keyboard.press('ArrowDown');
  await expect(plot).toHaveAttribute('data-cursor', `${tw}:${start[1]}`);
  await expect(page.getByTestId('heatmap-cursor-text')).toContainText('TIME-WAIT: 65');
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('socket-table')).toBeVisible();
  await expect(page.getByTestId('socket-row').first()).toBeVisible();
  await expect(page.getByTestId('socket-table')).toContainText('TIME-WAIT');
  await screenshot(page, 'keyboard-2-heatmap');

  // The row modes are buttons in the Tab order: Shift+Tab back to "Peers", Enter switches.
  for (let i = 0; i < 40 && (await focused(page).innerText().catch(() => '')) !== 'Peers'; i++) await page.keyboard.press('Shift+Tab');
  await expect(focused(page)).toHaveText('Peers');
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('panel-heatmap').getByRole('button', { name: 'Peers' })).toHaveAttribute('aria-pressed', 'true');
});

test('goroutines: Tab reaches a group, Enter/Space expand and collapse it, ↓ moves to the next', async ({ page, app }) => {
  await open(page, app.url);
  const panel = page.getByTestId('panel-blocking');
  await expect(panel.getByRole('grid')).toBeVisible();
  await tabTo(page, '[data-testid="trace-group"]');
  await expectVisibleFocus(page);
  const first = focused(page);
  const fn = await first.getAttribute('data-function');
  // Tab reached the table's first group: the one Enter opens below.
  expect(fn).toMatch(/\S/);
  await expect(panel.locator('[data-testid="trace-group"]').first()).toHaveAttribute('data-function', fn!);
  await expect(first).toHaveAttribute('aria-expanded', 'false');
  await page.keyboard.press('Enter');
  await expect(panel.locator('[data-testid="trace-group"]').first()).toHaveAttribute('aria-expanded', 'true');
  await expect(panel.locator('tr.group-stack')).toHaveCount(1);
  await screenshot(page, 'keyboard-3-goroutines');
  await page.keyboard.press(' ');
  await expect(panel.locator('tr.group-stack')).toHaveCount(0);
  await page.keyboard.press('ArrowDown');
  await expect(panel.locator('[data-testid="trace-group"]').nth(1)).toBeFocused();
});

test('flame graph: arrows walk frames (child, sibling, parent), Enter zooms, Esc resets; top-table rows by Enter', async ({ page, app }) => {
  await open(page, app.url);
  // The profile in the flame graph (by keyboard too).
  await tabTo(page, '[data-testid="source"][data-name="block.pb.gz"]');
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('panel-flame')).toContainText('block.pb.gz');
  await expect(page.locator('[data-testid="flame-panel"][data-state="ready"] [data-testid="flame-graph"] svg')).toBeVisible();
  const graph = page.getByTestId('flame-graph');
  await expect(graph).toHaveAttribute('role', 'tree');
  await tabTo(page, '[data-testid="flame-graph"]');
  await expectVisibleFocus(page);
  await expect(graph).toHaveAttribute('data-cursor', 'root');
  await expect(page.locator('g.frame.kbd-cursor')).toHaveCount(1);
  // ↑/↓ follow the drawing: towards the leaves is ↓ when the root is at the top (icicle), ↑ when at the bottom.
  const icicle = await graph.evaluate((el) => el.classList.contains('flame-down'));
  const [leafward, rootward] = icicle ? ['ArrowDown', 'ArrowUp'] : ['ArrowUp', 'ArrowDown'];
  await page.keyboard.press(leafward);
  const child = await graph.getAttribute('data-cursor');
  expect(child).not.toBe('root');
  await expect(page.getByTestId('flame-cursor-text')).toContainText(child!);
  // → moves to the next sibling, ← back to this child.
  await page.keyboard.press('ArrowRight');
  const sibling = await graph.getAttribute('data-cursor');
  expect(sibling).not.toBe(child);
  expect(sibling).not.toBe('root');
  await page.keyboard.press('ArrowLeft');
  await expect(graph).toHaveAttribute('data-cursor', child!);
  // Back down to the root and up again lands on the same widest child.
  await page.keyboard.press(rootward);
  await expect(graph).toHaveAttribute('data-cursor', 'root');
  await page.keyboard.press(leafward);
  await expect(graph).toHaveAttribute('data-cursor', child!);
  // Enter zooms into the frame under the cursor: the breadcrumb names it.
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('flame-crumb')).toHaveCount(2);
  await screenshot(page, 'keyboard-4-flame');
  await page.getByTestId('flame-graph').focus();
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('flame-crumb')).toHaveCount(1);

  // Top-table rows: Tab reaches one, Enter focuses the flame graph on its function.
  await tabTo(page, '[data-testid="top-row"]');
  await expectVisibleFocus(page);
  const fn = await focused(page).getAttribute('data-function');
  await page.keyboard.press('ArrowDown');
  const next = await focused(page).getAttribute('data-function');
  expect(next).not.toBe(fn);
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('flame-chip')).toHaveCount(1);
  await expect(page.getByTestId('flame-chip')).toHaveAttribute('data-function', next!);
  await screenshot(page, 'keyboard-5-top-table');
});

test('`?` lists the keys of every view', async ({ page, app }) => {
  await open(page, app.url);
  await page.keyboard.press('?');
  const help = page.getByTestId('help-overlay');
  await expect(help).toBeVisible();
  for (const view of ['Sources', 'Connections heat map', 'Flame graph', 'Goroutines']) await expect(help.getByRole('heading', { name: view })).toBeVisible();
  await expect(help).toContainText('move the cell cursor');
  await expect(help).toContainText('list the sockets of the cell under the cursor');
  await expect(help).toContainText('move the frame cursor to a child / the parent');
  await expect(help).toContainText('reset the zoom');
  await expect(help).toContainText('expand / collapse it');
  await expect(help).toContainText('show it in the views');
  await screenshot(page, 'keyboard-6-help');
  await page.keyboard.press('Escape');
  await expect(help).toBeHidden();
});

import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test, expect, fixture, dropFiles, screenshot, sourceRow, ARTIFACTS } from './support.ts';

const DIR = 'scenarios/conn-leak-go1.27';

test.describe('a workspace that fits', () => {
  test.use({ viewport: { width: 1280, height: 800 } });

  test('a whole incident folder at 1280×800: the timeline is bounded, empty views are one header', async ({ page, app }) => {
    await page.goto(app.url);
    const files = readdirSync(fixture(DIR)).sort();
    expect(files.length).toBe(13);
    await dropFiles(page, files.map((f) => ({ path: fixture(`${DIR}/${f}`) })));
    await expect(page.getByTestId('source')).toHaveCount(13);
    await expect(sourceRow(page, 'trace.out')).toHaveAttribute('data-status', 'ready', { timeout: 60_000 });
    await expect(page.getByTestId('heatmap')).toHaveAttribute('data-ready', 'true');
    // The timeline keeps to a bounded share of the window and scrolls its own lanes.
    await screenshot(page, 'workspace-1-folder-1280');
    const tl = (await page.getByTestId('timeline').boundingBox())!;
    expect(tl.height).toBeLessThanOrEqual(800 * 0.34);
    // The flame graph: labels that do not fit lose their package path, not their function name.
    await page.getByTestId('panel-flame').scrollIntoViewIfNeeded();
    await expect(page.locator('[data-testid="flame-panel"][data-state="ready"] [data-testid="flame-graph"] svg')).toBeVisible();
    await page.getByTestId('panel-flame').screenshot({ path: join(ARTIFACTS, 'workspace-1b-flame-1280.png') });
    await page.locator('.panels.layout').evaluate((el) => el.scrollBy(0, 900));
    await screenshot(page, 'workspace-2-folder-1280-scrolled');
  });

  test('profiles alone: connections, goroutines and trace details collapse to headers saying what fills them', async ({ page, app }) => {
    await page.goto(app.url);
    await dropFiles(page, [{ path: fixture(`${DIR}/block.pb.gz`) }, { path: fixture(`${DIR}/cpu.pb.gz`) }]);
    await expect(sourceRow(page, 'cpu.pb.gz')).toHaveAttribute('data-status', 'ready', { timeout: 30_000 });
    for (const id of ['panel-heatmap', 'panel-blocking', 'panel-trace']) {
      const p = page.getByTestId(id);
      await expect(p).toHaveAttribute('data-empty', 'true');
      expect((await p.boundingBox())!.height).toBeLessThan(80);
    }
    await expect(page.getByTestId('heatmap-empty')).toContainText('ss');
    await expect(page.getByTestId('panel-blocking')).toContainText('Drop a Go execution trace');
    // The flame graph is not empty and keeps its room.
    await expect(page.locator('[data-testid="flame-panel"][data-state="ready"] [data-testid="flame-graph"] svg')).toBeVisible();
    expect((await page.getByTestId('panel-flame').boundingBox())!.height).toBeGreaterThan(300);
    await screenshot(page, 'workspace-3-profiles-only');
  });

  test('a capture alone: the connections panel takes the room its collapsed neighbour leaves', async ({ page, app }) => {
    await page.goto(app.url);
    await dropFiles(page, [{ path: fixture(`${DIR}/ss-capture.txt.gz`) }]);
    await expect(sourceRow(page, 'ss-capture.txt.gz')).toHaveAttribute('data-status', 'ready', { timeout: 30_000 });
    await expect(page.getByTestId('panel-blocking')).toHaveAttribute('data-empty', 'true');
    const row = (await page.locator('.layout-row', { has: page.getByTestId('panel-heatmap') }).boundingBox())!;
    const heatmap = (await page.getByTestId('panel-heatmap').boundingBox())!;
    const blocking = (await page.getByTestId('panel-blocking').boundingBox())!;
    // Its preset share was 0.55 of the row; with the goroutines header at its fixed width, it gets the rest.
    expect(heatmap.width + blocking.width).toBeGreaterThan(row.width - 40);
  });
});

test.describe('lanes by folder', () => {
  test.use({
    appArgs: [
      fixture(`${DIR}/trace.out`),
      fixture(`${DIR}/ss-capture.txt.gz`),
      fixture('scenarios/timewait-storm-go1.27/ss-capture.txt.gz'),
      fixture('scenarios/timewait-storm-go1.27/block.pb.gz'),
    ],
  });

  test('opened from two folders: a header per folder that folds its lanes away and back', async ({ page, app }) => {
    await page.goto(app.url);
    await expect(page.getByTestId('source')).toHaveCount(4);
    await expect(page.getByTestId('timeline-lane')).toHaveCount(4, { timeout: 60_000 });
    const groups = page.getByTestId('lane-group');
    await expect(groups).toHaveCount(2);
    await expect(groups.nth(0)).toHaveAttribute('data-group', 'scenarios/conn-leak-go1.27');
    await expect(groups.nth(1)).toHaveAttribute('data-group', 'scenarios/timewait-storm-go1.27');
    const h0 = (await page.getByTestId('timeline-svg').boundingBox())!.height;
    await groups.nth(0).click();
    await expect(groups.nth(0)).toHaveAttribute('data-folded', 'true');
    await expect(page.getByTestId('timeline-lane')).toHaveCount(2);
    expect((await page.getByTestId('timeline-svg').boundingBox())!.height).toBeLessThan(h0);
    // Folding is not a brush.
    await expect(page.getByTestId('selection-label')).toContainText('whole session');
    await screenshot(page, 'workspace-4-lane-groups-folded');
    // By keyboard too.
    await groups.nth(0).focus();
    await page.keyboard.press('Enter');
    await expect(groups.nth(0)).toHaveAttribute('data-folded', 'false');
    await expect(page.getByTestId('timeline-lane')).toHaveCount(4);

    // Zooming in brings detail: the trace's track is asked again at more points, and only those in
    // view are drawn.
    const track = page.locator('[data-testid="timeline-lane"][data-name="trace.out"] g[data-points]');
    const before = Number(await track.getAttribute('data-points'));
    await page.getByTestId('timeline-svg').focus();
    for (let i = 0; i < 8; i++) await page.keyboard.press('+');
    await expect.poll(async () => Number(await track.getAttribute('data-points'))).toBeGreaterThanOrEqual(4 * before);
    expect(Number(await track.getAttribute('data-drawn-points'))).toBeLessThan(Number(await track.getAttribute('data-points')) / 2);
    await screenshot(page, 'workspace-5-zoomed-trace');
  });
});

import { test, expect, screenshot, sourceRow } from './support.ts';
import { dropAndRemoveJourney } from './journeys.ts';

test('drop real files, see them by kind; a corrupt file names itself while the others stay; remove one', async ({ page, app }) => {
  await page.goto(app.url);
  await dropAndRemoveJourney(page, 'foundation');
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

    // Zoom in with the wheel, then drag the time axis (the tick strip) to pan: the view moves later.
    await page.mouse.move(box.x + box.width / 2, box.y + 40);
    await page.mouse.wheel(0, -300);
    await expect(page.getByTestId('reset-zoom')).toBeVisible();
    const viewStart = async () => Number(await svg.getAttribute('data-view-start'));
    const before = await viewStart();
    await page.mouse.move(box.x + box.width * 0.6, box.y + 8);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.3, box.y + 8, { steps: 5 });
    await page.mouse.up();
    await expect.poll(viewStart).toBeGreaterThan(before);
    await expect(page.getByTestId('selection-label')).toContainText('whole session');
  });

  test('zoomed into the trace, its lane draws the visible window at screen resolution (tracks by window)', async ({ page, app }) => {
    await page.goto(app.url);
    const lane = page.locator('[data-testid="timeline-lane"][data-kind="gotrace"]');
    const track = lane.locator('g[data-points]');
    await expect(track).toHaveAttribute('data-first-ns', '0'); // the whole trace, from its start
    const svg = page.getByTestId('timeline-svg');
    const box = (await svg.boundingBox())!;
    const viewSpan = async () => Number(await svg.getAttribute('data-view-end')) - Number(await svg.getAttribute('data-view-start'));
    // Wheel in over the middle of the trace's lane until the view shows a small part of it.
    for (let i = 0; i < 40; i++) {
      const b = (await lane.locator('rect.lane-bg').boundingBox())!;
      const area = (await track.locator('path.track-area').first().boundingBox())!;
      await page.mouse.move(area.x + area.width / 2, b.y + b.height / 2);
      await page.mouse.wheel(0, -300);
      if ((await viewSpan()) < 1e9) break;
    }
    expect(await viewSpan()).toBeLessThan(1e9);
    // The window's track arrives: it starts inside the trace (not at its start), and its points are about the screen's width.
    await expect.poll(async () => Number(await track.getAttribute('data-first-ns')), { timeout: 15_000 }).toBeGreaterThan(0);
    const points = Number(await track.getAttribute('data-points'));
    expect(points).toBeGreaterThanOrEqual(box.width);
    expect(Number(await track.getAttribute('data-drawn-points'))).toBeLessThanOrEqual(points);
  });
});

/**
 * The trace timeline (issue 14) on real traces: the journey of the "Done when" on the
 * lock-contention trace — a goroutine found from the blocking view, its slices on its P, hover and
 * click for stack and waker, zoom to a single event and back, the MMU curve, the view exported — and
 * screenshots of the cpu-pool and lock-contention traces telling the fixtures README's story.
 */
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Download, Locator, Page } from '@playwright/test';
import { test, expect, dropFiles, fixture, sourceRow, ARTIFACTS, type AppServer } from './support.ts';

/** Also copy the screenshots here (for people to look at), when set. */
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

async function shot(el: Locator, name: string) {
  const path = join(ARTIFACTS, `${name}.png`);
  await el.screenshot({ path });
  if (SHOTS) {
    mkdirSync(SHOTS, { recursive: true });
    copyFileSync(path, join(SHOTS, `${name}.png`));
  }
}

interface HostGeometry {
  box: { x: number; y: number; width: number; height: number };
  viewStart: number;
  viewEnd: number;
  x0: number;
  w: number;
  axisH: number;
  scrollTop: number;
  lanes: Map<string, { top: number; h: number }>;
}

/** The canvas's layout as the view publishes it (times in the trace's clock). */
async function geometry(host: Locator): Promise<HostGeometry> {
  const a = await host.evaluate((el) => Object.fromEntries([...el.attributes].map((x) => [x.name, x.value])));
  const box = (await host.boundingBox())!;
  const lanes = new Map((JSON.parse(a['data-lanes']!) as [string, number, number][]).map(([k, top, h]) => [k, { top, h }]));
  return { box, viewStart: Number(a['data-view-start']), viewEnd: Number(a['data-view-end']), x0: Number(a['data-plot-x0']), w: Number(a['data-plot-w']), axisH: Number(a['data-axis-h']), scrollTop: Number(a['data-scroll-top']), lanes };
}

/** Page coordinates of time `ns` on lane `key`. */
function at(g: HostGeometry, key: string, ns: number): { x: number; y: number } {
  const lane = g.lanes.get(key);
  if (!lane) throw new Error(`no lane ${key} (have ${[...g.lanes.keys()].join(', ')})`);
  return { x: g.box.x + 1 + g.x0 + ((ns - g.viewStart) / (g.viewEnd - g.viewStart)) * g.w, y: g.box.y + 1 + g.axisH + lane.top - g.scrollTop + Math.min(lane.h, 18) / 2 };
}

/** The slice open in the detail pane: its lane and span, from the host's data-selected. */
async function selectedSlice(host: Locator): Promise<{ key: string; start: number; end: number }> {
  const s = (await host.getAttribute('data-selected'))!;
  const m = /^(.+)@(.+)-(.+)$/.exec(s)!;
  return { key: m[1]!, start: Number(m[2]), end: Number(m[3]) };
}

function pngSize(b: Buffer): { width: number; height: number } {
  expect(b.subarray(1, 4).toString()).toBe('PNG');
  return { width: b.readUInt32BE(16), height: b.readUInt32BE(20) };
}

async function download(page: Page, click: () => Promise<void>): Promise<{ d: Download; bytes: Buffer }> {
  const [d] = await Promise.all([page.waitForEvent('download'), click()]);
  const path = await d.path();
  const { readFileSync } = await import('node:fs');
  return { d, bytes: readFileSync(path!) };
}

test('journey: a goroutine from the blocking view, its slices on its P, stack and waker, zoom to one event and back, MMU, export', async ({ page, app }) => {
  test.setTimeout(180_000);
  const { panel, host } = await openTrace(page, app, 'lock-contention-go1.27');
  const bounds = { start: Number(await host.getAttribute('data-view-start')), end: Number(await host.getAttribute('data-view-end')) };
  expect(bounds.end - bounds.start).toBeGreaterThan(4.9e9);

  // 1. The blocking view: the sync.Mutex waiters; "show in trace timeline" gives them lanes.
  const blocking = page.getByTestId('panel-blocking');
  const syncGroup = blocking.locator('[data-testid="trace-group"][data-state="sync"]').first();
  await syncGroup.scrollIntoViewIfNeeded();
  await syncGroup.click();
  await blocking.getByTestId('group-show-in-trace-timeline').click();
  const tt = panel.getByTestId('trace-timeline');
  await expect(tt).not.toHaveAttribute('data-pinned', '');
  const pinned = (await tt.getAttribute('data-pinned'))!.split(',').map(Number);
  expect(pinned.length).toBeGreaterThanOrEqual(2);
  const g = pinned[0]!;
  await expect(host).toHaveAttribute('data-focus-row', `goroutine:${g}`);
  await expect(host).toHaveAttribute('data-focus-g', String(g));
  await expect(host).toHaveAttribute('data-ready', 'true');
  await panel.scrollIntoViewIfNeeded();
  await shot(panel, 'trace-timeline-lock-contention-pinned');

  // 2. Keyboard: step through the goroutine's slices (→) until one it ran, and open it.
  const detail = panel.getByTestId('trace-slice-detail');
  await host.focus();
  let ran = false;
  for (let i = 0; i < 40 && !ran; i++) {
    await page.keyboard.press('ArrowRight');
    await expect(detail).toHaveAttribute('data-state', 'ready');
    ran = (await detail.getByTestId('detail-title').innerText()).includes('running');
  }
  expect(ran).toBe(true);
  await expect(detail.getByTestId('detail-title')).toContainText(`G${g} · running`);
  // The stack at that moment, and the goroutine's events.
  await expect(detail.getByTestId('detail-stack').locator('li').first()).toBeVisible();
  expect(await detail.getByTestId('detail-events').locator('tr').count()).toBeGreaterThan(1);
  const onP = /^P(\d+)$/.exec(await detail.locator('dt:text-is("on") + dd').innerText())![1]!;

  // 3. Zoom to the slice (F): on its P the same goroutine runs then; hover says so.
  await page.keyboard.press('f');
  const sel = await selectedSlice(host);
  expect(sel.key).toBe(`goroutine:${g}`);
  await expect.poll(async () => Number(await host.getAttribute('data-view-end')) - Number(await host.getAttribute('data-view-start'))).toBeLessThan((sel.end - sel.start) * 1.5);
  await expect(host).toHaveAttribute('data-ready', 'true');
  const tooltip = panel.getByTestId('trace-timeline-tooltip');
  let geo = await geometry(host);
  const mid = (sel.start + sel.end) / 2;
  const onProc = at(geo, `proc:${onP}`, mid);
  await page.mouse.move(onProc.x, onProc.y);
  await expect(tooltip).toContainText(`P${onP} · G${g} running`);
  // The same goroutine and start function as the detail pane names.
  const fn = (await detail.locator('dt:text-is("function") + dd').getAttribute('title'))!;
  expect(fn).toMatch(/\./);
  await expect(tooltip.locator('[data-key="function"]')).toContainText(fn);
  await expect(tooltip.locator('[data-key="duration"]')).toBeVisible();
  // Hover on its own lane: state and duration.
  const onLane = at(geo, sel.key, mid);
  await page.mouse.move(onLane.x, onLane.y);
  await expect(tooltip).toContainText(`G${g}`);
  await expect(tooltip.locator('[data-key="state"]')).toHaveText(/running/);

  // 4. Who woke it: "unblocked by G…", a link to the waker's slice and back.
  await expect(detail.getByTestId('detail-waker')).toContainText('Unblocked by G');
  const waker = Number(await detail.getByTestId('waker-link').getAttribute('data-g'));
  expect(waker).not.toBe(g);
  await shot(panel, 'trace-timeline-lock-contention-slice');
  await detail.getByTestId('waker-link').click();
  await expect(tt).toHaveAttribute('data-back', '1');
  await expect(detail.getByTestId('detail-title')).toContainText(`G${waker} ·`);
  expect((await tt.getAttribute('data-pinned'))!.split(',').map(Number)).toContain(waker);
  await expect(host).toHaveAttribute('data-selected', new RegExp(`^goroutine:${waker}@`));
  await detail.getByTestId('detail-back').click();
  await expect(detail.getByTestId('detail-title')).toContainText(`G${g} · running`);
  await expect(tt).toHaveAttribute('data-back', '0');

  // 5. Zoom to a single event (ns ticks) with W, then back to the whole trace with 0.
  await host.focus();
  for (let i = 0; i < 60; i++) {
    const span = Number(await host.getAttribute('data-view-end')) - Number(await host.getAttribute('data-view-start'));
    if (span <= 200) break;
    await page.keyboard.press('w');
  }
  const span = Number(await host.getAttribute('data-view-end')) - Number(await host.getAttribute('data-view-start'));
  expect(span).toBeLessThanOrEqual(200);
  expect(Number(await host.getAttribute('data-tick-step'))).toBeLessThanOrEqual(50);
  await expect(host).toHaveAttribute('data-ready', 'true');
  geo = await geometry(host);
  await page.mouse.move(at(geo, sel.key, (geo.viewStart + geo.viewEnd) / 2).x, at(geo, sel.key, 0).y);
  await expect(tooltip).toContainText(`G${g}`);
  await page.keyboard.press('0');
  await expect(host).toHaveAttribute('data-view-start', String(bounds.start));
  await expect(host).toHaveAttribute('data-view-end', String(bounds.end));

  // 6. The MMU curve of the trace: read a point.
  await panel.getByTestId('tab-mmu').click();
  const mmu = panel.getByTestId('trace-mmu');
  await expect(mmu).toHaveAttribute('data-state', 'ready');
  expect(Number(await mmu.getAttribute('data-points'))).toBeGreaterThan(10);
  const plot = mmu.locator('svg[aria-label="Minimum mutator utilization by window size"]');
  const pb = (await plot.boundingBox())!;
  await page.mouse.move(pb.x + pb.width * 0.6, pb.y + pb.height / 2);
  await expect(mmu.locator('.mmu-reading')).toHaveText(/windows: MMU \d+\.\d+ %/);
  await shot(panel, 'trace-timeline-lock-contention-mmu');
  await panel.getByRole('tab', { name: 'Lanes' }).click();
  await expect(host).toHaveAttribute('data-ready', 'true');

  // 7. Export the view: the whole view at ≥ 1200 px, every lane drawn.
  await panel.getByTestId('panel-export-trace').click();
  const png = await download(page, () => panel.getByTestId('panel-export-trace-png').click());
  expect(png.d.suggestedFilename()).toMatch(/^tracedeck-trace-.*\.png$/);
  const size = pngSize(png.bytes);
  expect(size.width).toBeGreaterThanOrEqual(1200);
  const svg = await download(page, async () => {
    await panel.getByTestId('panel-export-trace').click();
    await panel.getByTestId('panel-export-trace-svg').click();
  });
  const text = svg.bytes.toString('utf8');
  expect(text).toContain('Trace timeline');
  expect(text).toContain('<image');
});

test('cpu-pool: both Ps busy with job:<kind> regions', async ({ page, app }) => {
  const { panel, host } = await openTrace(page, app, 'cpu-pool-go1.27');
  // Coloured by region: the Ps run the pool's job regions nearly all the time.
  await expect(panel.getByTestId('trace-timeline')).toHaveAttribute('data-color-by', 'region');
  const geo = await geometry(host);
  expect([...geo.lanes.keys()].filter((k) => k.startsWith('proc:'))).toEqual(['proc:0', 'proc:1']);
  await expect(panel.getByTestId('legend-regions')).toContainText('gzip');
  // Search the pool's workers by function and give four of them lanes: running or runnable, never idle.
  const search = panel.getByTestId('goroutine-search');
  for (let i = 0; i < 4; i++) {
    await search.fill('main.worker');
    const matches = panel.getByTestId('goroutine-match');
    await expect(matches.nth(i)).toBeVisible();
    await expect(matches.nth(i)).toContainText('main.worker');
    await matches.nth(i).click();
  }
  await expect.poll(async () => (await panel.getByTestId('trace-timeline').getAttribute('data-pinned'))!.split(',').length).toBe(4);
  await page.keyboard.press('Escape');
  // Escape on the canvas: no goroutine singled out, every P slice in its region's colour.
  await host.focus();
  await page.keyboard.press('Escape');
  await expect(host).not.toHaveAttribute('data-focus-g');
  await expect(host).toHaveAttribute('data-ready', 'true');
  await page.mouse.move(0, 0);
  await shot(panel, 'trace-timeline-cpu-pool');
  // Zoomed in to 20 ms: each job's slice reads with its goroutine and region.
  await host.focus();
  for (let i = 0; i < 40; i++) {
    const span = Number(await host.getAttribute('data-view-end')) - Number(await host.getAttribute('data-view-start'));
    if (span <= 20e6) break;
    await page.keyboard.press('w');
  }
  await expect(host).toHaveAttribute('data-ready', 'true');
  const g2 = await geometry(host);
  await page.mouse.move(at(g2, 'proc:0', (g2.viewStart + g2.viewEnd) / 2).x, at(g2, 'proc:0', 0).y);
  const tooltip = panel.getByTestId('trace-timeline-tooltip');
  await expect(tooltip).toContainText('P0 · G');
  await expect(tooltip.locator('[data-key="region"]')).toBeVisible();
  await page.mouse.move(0, 0);
  await shot(panel, 'trace-timeline-cpu-pool-zoomed');
});

test('lock-contention: mutex waiters and leaked senders from the blocking view, whole trace', async ({ page, app }) => {
  const { panel, host } = await openTrace(page, app, 'lock-contention-go1.27');
  await shot(panel, 'trace-timeline-lock-contention-empty');
  const blocking = page.getByTestId('panel-blocking');
  // The leaked goroutines (chan send in main.handler.func1.2), then the handlers waiting on the mutex on top: lanes for both.
  for (const group of [blocking.locator('[data-testid="trace-group"][data-function="main.handler.func1.2"]').first(), blocking.locator('[data-testid="trace-group"][data-state="sync"]').first()]) {
    await group.scrollIntoViewIfNeeded();
    await group.click();
    await blocking.getByTestId('group-show-in-trace-timeline').click();
  }
  await expect.poll(async () => (await panel.getByTestId('trace-timeline').getAttribute('data-pinned'))!.split(',').length).toBeGreaterThanOrEqual(10);
  await panel.scrollIntoViewIfNeeded();
  await host.focus();
  await page.keyboard.press('Escape');
  await expect(host).toHaveAttribute('data-ready', 'true');
  await page.mouse.move(0, 0);
  await shot(panel, 'trace-timeline-lock-contention');
  // The exported view holds every lane (the panel scrolls; the picture does not).
  await panel.getByTestId('panel-export-trace').click();
  const png = await download(page, () => panel.getByTestId('panel-export-trace-png').click());
  const lanes = JSON.parse((await host.getAttribute('data-lanes'))!) as [string, number, number][];
  const last = lanes[lanes.length - 1]!;
  expect(pngSize(png.bytes).height).toBeGreaterThan(last[1] + last[2]);
  const path = join(ARTIFACTS, 'trace-timeline-lock-contention-export.png');
  writeFileSync(path, png.bytes);
  if (SHOTS) copyFileSync(path, join(SHOTS, 'trace-timeline-lock-contention-export.png'));
});

test('cpu-pool: a range dragged on the axis becomes the brush; threads; a CPU tick opens its stacks; goroutine analysis links here', async ({ page, app }) => {
  const { panel, host } = await openTrace(page, app, 'cpu-pool-go1.27');
  let geo = await geometry(host);
  const label = page.getByTestId('selection-label');
  await expect(label).toContainText('whole session');

  // A CPU sample tick (the trace has samples in its first ~2 s): its stacks.
  const cpuRow = geo.lanes.get('cpu')!;
  const cpuY = geo.box.y + 1 + geo.axisH + cpuRow.top + cpuRow.h - 3;
  let opened = false;
  for (let x = geo.box.x + geo.x0 + 5; x < geo.box.x + geo.x0 + geo.w * 0.35 && !opened; x += 7) {
    await page.mouse.move(x, cpuY);
    const tip = panel.getByTestId('trace-timeline-tooltip');
    if ((await tip.count()) && (await tip.innerText()).includes('CPU sample')) {
      await page.mouse.click(x, cpuY);
      opened = true;
    }
  }
  expect(opened).toBe(true);
  const cpu = panel.getByTestId('trace-cpu-detail');
  await expect(cpu).toHaveAttribute('data-state', 'ready');
  await expect(cpu.getByTestId('cpu-stack').first().locator('li').first()).toBeVisible();

  // Threads: their lanes appear under the header.
  await panel.getByLabel('threads').check();
  await expect.poll(async () => (await geometry(host)).lanes.size).toBeGreaterThan(geo.lanes.size);
  geo = await geometry(host);
  expect([...geo.lanes.keys()].some((k) => k.startsWith('thread:'))).toBe(true);

  // Drag 1 s → 2 s on the time axis: the session's brush, and this view shows exactly it.
  const ax = (ns: number) => geo.box.x + 1 + geo.x0 + ((ns - geo.viewStart) / (geo.viewEnd - geo.viewStart)) * geo.w;
  const axisY = geo.box.y + 10;
  await page.mouse.move(ax(geo.viewStart + 1e9), axisY);
  await page.mouse.down();
  await page.mouse.move(ax(geo.viewStart + 1.5e9), axisY, { steps: 4 });
  await page.mouse.move(ax(geo.viewStart + 2e9), axisY, { steps: 4 });
  await page.mouse.up();
  await expect(label).not.toContainText('whole session');
  await expect.poll(async () => Number(await host.getAttribute('data-view-end')) - Number(await host.getAttribute('data-view-start'))).toBeGreaterThan(0.97e9);
  const span = Number(await host.getAttribute('data-view-end')) - Number(await host.getAttribute('data-view-start'));
  expect(span).toBeLessThan(1.03e9);
  await expect(panel.getByTestId('trace-timeline-summary')).toContainText('the brush');
  // The other views follow the brush: the blocking view now speaks of the selection.
  await expect(page.getByTestId('panel-blocking').getByTestId('blocking-summary')).toContainText('selected');

  // The goroutine analysis (trace details): a worker's row links to its lane here.
  const details = page.getByTestId('panel-trace');
  await details.scrollIntoViewIfNeeded();
  await details.getByRole('tab', { name: 'Goroutine analysis' }).click();
  await details.locator('[data-testid="breakdown-row"][data-name="main.worker"]').click();
  const member = details.getByTestId('breakdown-member').first();
  const id = Number(/goroutine (\d+)/.exec(await member.innerText())![1]);
  await member.getByTestId('show-in-trace-timeline').click();
  await expect(panel.getByTestId('trace-timeline')).toHaveAttribute('data-pinned', String(id));
  await expect(host).toHaveAttribute('data-focus-row', `goroutine:${id}`);
});

test('findings: a trace group named by a finding gets lanes in the trace timeline', async ({ page, app }) => {
  await page.setViewportSize({ width: 1600, height: 1000 });
  await page.goto(app.url);
  await dropFiles(page, [{ path: fixture('scenarios/lock-contention-go1.27/trace.out') }, { path: fixture('scenarios/lock-contention-go1.27/goroutine-debug2.txt') }]);
  await expect(sourceRow(page, 'trace.out')).toHaveAttribute('data-status', 'ready');
  const findings = page.getByTestId('panel-findings');
  await findings.scrollIntoViewIfNeeded();
  const link = findings.getByTestId('finding-show-trace-timeline').first();
  await expect(link).toBeVisible();
  const fn = (await link.getAttribute('title'))!.replace(/^Lanes for the goroutines of (.*) in the trace timeline$/, '$1');
  await link.click();
  const panel = page.getByTestId('panel-trace-timeline');
  await expect(panel.getByTestId('trace-timeline')).not.toHaveAttribute('data-pinned', '');
  const pinned = (await panel.getByTestId('trace-timeline').getAttribute('data-pinned'))!.split(',');
  expect(pinned.length).toBeGreaterThan(0);
  // Each pinned goroutine's lane names its start function: the finding's function.
  const host = panel.getByTestId('trace-timeline-canvas-host');
  await expect(host).toHaveAttribute('data-focus-row', `goroutine:${pinned[0]}`);
  const subs = async () => {
    const lanes = JSON.parse((await host.getAttribute('data-lanes'))!) as [string, number, number, string][];
    return pinned.map((g) => lanes.find((l) => l[0] === `goroutine:${g}`)?.[3]);
  };
  await expect.poll(subs).toEqual(pinned.map(() => fn));
});

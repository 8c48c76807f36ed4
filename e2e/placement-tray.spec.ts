/**
 * Issue 15: sources placed by a copy's file time (12 days late) wait in a tray on the timeline instead
 * of stretching the axis; one click places a listing beside the one it was taken with, a drag puts a
 * trace where it is dropped, and "align with" puts it at a moment of another source, typed or clicked
 * on that source's lane.
 */
import type { Page } from '@playwright/test';
import { test, expect, dropFiles, fixture, screenshot, sourceRow } from './support.ts';

const DIR = 'scenarios/conn-leak-go1.19';
const COPIED = Date.UTC(2026, 11, 4, 12, 0, 0);
const FILES = ['cpu.pb.gz', 'goroutine.pb.gz', 'lsof.txt', 'proc-fd.txt', 'ss-capture.txt.gz', 'trace.out'];

/** A source row's start as epoch ms, from its shown clock (the page runs in UTC, the incident's day). */
async function rowStartMs(page: Page, name: string): Promise<number> {
  const t = (/^(\d\d):(\d\d):(\d\d)\.(\d{3})/.exec(await sourceRow(page, name).locator('.source-time').innerText()) ?? []).slice(1).map(Number);
  return Date.UTC(2026, 10, 22, t[0]!, t[1]!, t[2]!, t[3]!);
}

test('estimated sources wait in the tray; placed beside a partner, by a drop, at a typed or clicked moment of another source', async ({ page, app }) => {
  await page.goto(app.url);
  await dropFiles(page, FILES.map((f) => ({ path: fixture(`${DIR}/${f}`), lastModified: COPIED })));
  for (const f of FILES) await expect(sourceRow(page, f)).toHaveAttribute('data-status', 'ready', { timeout: 60_000 });
  const lane = (name: string) => page.locator(`[data-testid="timeline-lane"][data-name="${name}"]`);
  // lsof is placed by its sockets (paired with the capture); /proc/PID/fd and the Go 1.19 trace have no
  // clock of their own and land 12 days late: they wait in the tray.
  await expect(lane('lsof.txt')).toHaveAttribute('data-clock', 'paired');
  const tray = page.getByTestId('estimated-tray');
  await expect(tray).toHaveAttribute('data-count', '2');
  const item = (name: string) => tray.locator(`[data-testid="tray-item"][data-name="${name}"]`);
  await expect(item('proc-fd.txt')).toContainText('file time 2026-12-04');
  await screenshot(page, 'placement-tray');

  // One click: the fd listing beside the lsof listing taken with it.
  await expect(item('proc-fd.txt').getByTestId('tray-place-partner')).toHaveAttribute('data-partner', 'lsof.txt');
  await item('proc-fd.txt').getByTestId('tray-place-partner').click();
  await expect(lane('proc-fd.txt')).toHaveAttribute('data-clock', 'manual');
  await expect.poll(() => rowStartMs(page, 'proc-fd.txt')).toBe(await rowStartMs(page, 'lsof.txt'));
  await expect(tray).toHaveAttribute('data-count', '1');

  // A drag from the tray: the trace starts where it is dropped (inside the incident, not 12 days later).
  const svg = page.getByTestId('timeline-svg');
  const x0 = Number(await svg.getAttribute('data-plot-x0'));
  const w = Number(await svg.getAttribute('data-plot-w'));
  const viewStart = Number(await svg.getAttribute('data-view-start'));
  const viewEnd = Number(await svg.getAttribute('data-view-end'));
  await item('trace.out').dragTo(svg, { targetPosition: { x: x0 + w * 0.3, y: 30 } });
  await expect(lane('trace.out')).toHaveAttribute('data-clock', 'manual');
  await expect(tray).toHaveCount(0);
  const cpuStart = await rowStartMs(page, 'cpu.pb.gz');
  const cpuEnd = cpuStart + 4.13e3; // the CPU profile's 4.13 s (fixtures README)
  // Dropped at 30 % of the window: its start there, to the pixel (the window spans a few tens of seconds).
  const droppedAxis = viewStart + 0.3 * (viewEnd - viewStart);
  const traceAxis = Number(await lane('trace.out').getAttribute('data-axis-start'));
  expect(Math.abs(traceAxis - droppedAxis)).toBeLessThan(((viewEnd - viewStart) / w) * 2);

  // Align with a typed moment of the CPU profile: 1.5 s after its start.
  const trace = sourceRow(page, 'trace.out');
  await trace.getByTestId('align-source').click();
  const cpuOption = trace.getByTestId('align-target').locator('option', { hasText: 'cpu.pb.gz' });
  await trace.getByTestId('align-target').selectOption((await cpuOption.getAttribute('value'))!);
  await trace.getByTestId('align-point').selectOption('moment');
  await trace.getByTestId('align-moment').fill('+1.5s');
  await trace.getByTestId('align-apply').click();
  await expect.poll(() => rowStartMs(page, 'trace.out')).toBe(cpuStart + 1500);

  // …or clicked on the profile's lane: pick, then click 3/4 along its span.
  await trace.getByTestId('align-pick').click();
  await expect(page.getByTestId('align-pick-banner')).toContainText('cpu.pb.gz');
  await screenshot(page, 'placement-pick-on-lane');
  const cpuLane = (await lane('cpu.pb.gz').locator('.lane-bar').boundingBox())!;
  await page.mouse.click(cpuLane.x + cpuLane.width * 0.75, cpuLane.y + cpuLane.height / 2);
  await expect(page.getByTestId('align-pick-banner')).toHaveCount(0);
  await expect.poll(async () => (await rowStartMs(page, 'trace.out')) !== cpuStart + 1500).toBe(true);
  const picked = await rowStartMs(page, 'trace.out');
  expect(picked).toBeGreaterThan(cpuStart + 0.6 * (cpuEnd - cpuStart));
  expect(picked).toBeLessThan(cpuStart + 0.9 * (cpuEnd - cpuStart));
  await screenshot(page, 'placement-picked');
});

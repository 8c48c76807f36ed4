/**
 * Placing sources that carry no time of their own, as copied incident folders have them: a goroutine
 * dump and a Go 1.19 trace whose file times are 12 days after the incident. The dump is placed by typing a
 * full date-time, the trace by a bare time of day (which must land on the incident's day, not the copy's)
 * and then by aligning its start with the CPU profile's. Expected times come from the run's meta.json.
 */
import { readFileSync } from 'node:fs';
import type { Page } from '@playwright/test';
import { test, expect, dropFiles, fixture, screenshot, sourceRow } from './support.ts';

const DIR = 'scenarios/conn-leak-go1.19';
const COPIED = Date.UTC(2026, 11, 4, 12, 0, 0);
type Meta = { events: { name: string; unix_ns: number }[] };
const meta = JSON.parse(readFileSync(fixture(`${DIR}/meta.json`), 'utf8')) as Meta;
const eventMs = (name: string) => Number(BigInt(meta.events.find((e) => e.name === name)!.unix_ns) / 1_000_000n);
/** The shown format (the browser runs in UTC): 2026-11-22 19:46:31.500. */
const shown = (ms: number) => new Date(ms).toISOString().replace('T', ' ').replace('Z', '');
const clockOf = (ms: number) => new Date(ms).toISOString().slice(11, 23);

/** The start clock a source row shows (HH:MM:SS.mmm). */
async function rowStart(page: Page, name: string): Promise<string> {
  return (/^\d\d:\d\d:\d\d\.\d{3}/.exec(await sourceRow(page, name).locator('.source-time').innerText()) ?? [''])[0];
}

test('a dump placed by a typed date-time, a trace by a time of day and then aligned with a profile', async ({ page, app }) => {
  await page.goto(app.url);
  const files = ['cpu.pb.gz', 'goroutine-debug2.txt', 'trace.out'];
  await dropFiles(page, files.map((f) => ({ path: fixture(`${DIR}/${f}`), lastModified: COPIED })));
  for (const f of files) await expect(sourceRow(page, f)).toHaveAttribute('data-status', 'ready', { timeout: 60_000 });
  const lane = (name: string) => page.locator(`[data-testid="timeline-lane"][data-name="${name}"]`);
  await expect(lane('goroutine-debug2.txt')).toHaveAttribute('data-clock', 'estimated');
  await expect(lane('trace.out')).toHaveAttribute('data-clock', 'estimated');

  // The dump: the full date-time of the profiles snapshot it was taken with, in the shown format.
  const snapshot = eventMs('profiles-snapshot');
  const dump = sourceRow(page, 'goroutine-debug2.txt');
  await dump.getByTestId('align-source').click();
  // The box opens on the estimated start, with its (wrong, copied) date.
  await expect(dump.getByTestId('start-input')).toHaveValue(/^2026-12-0[34] /);
  await dump.getByTestId('start-input').fill(shown(snapshot));
  await expect(dump.getByTestId('start-preview')).toContainText(shown(snapshot));
  await dump.getByTestId('start-apply').click();
  await expect(lane('goroutine-debug2.txt')).toHaveAttribute('data-clock', 'manual');
  await expect.poll(() => rowStart(page, 'goroutine-debug2.txt')).toBe(clockOf(snapshot));
  // ISO 8601 with a zone names the same instant another way: placing there again changes nothing.
  await dump.getByTestId('start-input').fill(new Date(snapshot).toISOString().replace('Z', '+00:00'));
  await expect(dump.getByTestId('start-preview')).toHaveCount(0);
  // ...and it parsed (an unreadable entry has no preview either).
  await expect(dump.getByTestId('start-apply')).toBeEnabled();

  // The trace: a bare time of day lands on the incident's day (nearest the evidence), not the copy's.
  const traceStart = eventMs('trace-start');
  const trace = sourceRow(page, 'trace.out');
  await trace.getByTestId('align-source').click();
  await trace.getByTestId('start-input').fill(clockOf(traceStart));
  await expect(trace.getByTestId('start-preview')).toContainText(shown(traceStart));
  await screenshot(page, 'placement-1-time-of-day');
  await trace.getByTestId('start-apply').click();
  await expect(lane('trace.out')).toHaveAttribute('data-clock', 'manual');
  await expect.poll(() => rowStart(page, 'trace.out')).toBe(clockOf(traceStart));
  // The whole session is now the incident's ~15 s: the axis names no date.
  await expect(page.getByTestId('tick-label').first()).not.toContainText('Nov');

  // Align the trace's start with the CPU profile's start.
  const cpuOption = trace.getByTestId('align-target').locator('option', { hasText: 'cpu.pb.gz' });
  await trace.getByTestId('align-target').selectOption((await cpuOption.getAttribute('value'))!);
  await trace.getByTestId('align-point').selectOption('start');
  await trace.getByTestId('align-apply').click();
  const cpuStart = await rowStart(page, 'cpu.pb.gz');
  expect(cpuStart).toMatch(/^\d\d:/);
  await expect.poll(() => rowStart(page, 'trace.out')).toBe(cpuStart);
  // Its offset box shows the shift from its own clock with units (about −12 days).
  await expect(trace.getByTestId('offset-input')).toHaveValue(/^-\d+d( \d+h)?( \d+m)?( [\d.]+s)?$/);
  await screenshot(page, 'placement-2-aligned-with-profile');

  // An offset with units: a day back puts the dump (now manual, so known) on the day before; the whole
  // session then crosses midnight and the axis shows dates.
  // The box shows the dump's offset in units (about −12 days): one more day back, typed as such.
  const before = await dump.getByTestId('offset-input').inputValue();
  const days = /^-(\d+)d /.exec(before);
  expect(Number(days?.[1])).toBeGreaterThanOrEqual(11);
  await dump.getByTestId('offset-input').fill(before.replace(/^-\d+d/, `-${Number(days![1]) + 1}d`));
  await dump.getByTestId('offset-apply').click();
  await expect.poll(() => rowStart(page, 'goroutine-debug2.txt')).toBe(clockOf(snapshot));
  await expect(page.getByTestId('tick-label').first()).toContainText(/^(Nov|Dec) \d+ \d\d:\d\d:\d\d$/);
  await screenshot(page, 'placement-3-axis-over-days');
});

test('an open "starts at" box follows the source when it is placed another way', async ({ page, app }) => {
  await page.goto(app.url);
  const files = ['cpu.pb.gz', 'goroutine-debug2.txt'];
  await dropFiles(page, files.map((f) => ({ path: fixture(`${DIR}/${f}`), lastModified: COPIED })));
  for (const f of files) await expect(sourceRow(page, f)).toHaveAttribute('data-status', 'ready', { timeout: 60_000 });
  const dump = sourceRow(page, 'goroutine-debug2.txt');
  await dump.getByTestId('align-source').click();
  // Opened on the copied file time.
  await expect(dump.getByTestId('start-input')).toHaveValue(/^2026-12-0[34] /);
  const opened = await dump.getByTestId('start-input').inputValue();

  // Placed from the tray (not this box): the box now shows the new start, as the row does.
  await page.locator('[data-testid="tray-item"][data-name="goroutine-debug2.txt"]').getByTestId('tray-place-evidence').click();
  await expect(page.locator('[data-testid="timeline-lane"][data-name="goroutine-debug2.txt"]')).toHaveAttribute('data-clock', 'manual');
  const placed = await rowStart(page, 'goroutine-debug2.txt');
  await expect(dump.getByTestId('start-input')).toHaveValue(new RegExp(`^2026-11-2\\d ${placed.replace(/\./g, '\\.')}$`));
  expect(await dump.getByTestId('start-input').inputValue()).not.toBe(opened);
  // Nothing typed, so nothing to place: no preview of a move.
  await expect(dump.getByTestId('start-preview')).toHaveCount(0);
  // And the offset box shows the offset the tray applied, not the 0 it opened with.
  await expect(dump.getByTestId('offset-input')).toHaveValue(/^-\d+d/);
});

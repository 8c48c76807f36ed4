/**
 * The acceptance test of the product: one incident's whole evidence on one axis, one brush driving
 * every view. conn-leak-go1.27 (an HTTP client that never closes response bodies): ESTAB sockets and
 * persistConn readLoop/writeLoop goroutines climb together. The expected numbers are read here,
 * independently of the app, from the fixture files themselves (capture text, meta.json, expected.json).
 */
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import type { Page } from '@playwright/test';
import { test, expect, dropFiles, fixture, screenshot, sourceRow } from './support.ts';

const DIR = 'scenarios/conn-leak-go1.27';
type Meta = { events: { name: string; unix_ns: number }[] };
const readMeta = (dir: string) => JSON.parse(readFileSync(fixture(`${dir}/meta.json`), 'utf8')) as Meta;
const meta = readMeta(DIR);
const eventNs = (name: string, m: Meta = meta) => BigInt(m.events.find((e) => e.name === name)!.unix_ns);
const expected = JSON.parse(readFileSync(fixture('expected.json'), 'utf8')) as Record<string, { blockingNs?: Record<string, number> }>;

/** Snapshots straight from the capture text: header epoch ns, then one regex count per state. */
function captureSnapshots(dir = DIR): { epoch: bigint; counts: Record<string, number> }[] {
  const text = gunzipSync(readFileSync(fixture(`${dir}/ss-capture.txt.gz`))).toString('utf8');
  const out: { epoch: bigint; counts: Record<string, number> }[] = [];
  for (const line of text.split('\n')) {
    const h = /^### ss-snapshot (\d+) /.exec(line);
    if (h) out.push({ epoch: BigInt(h[1]!), counts: {} });
    const s = /^([A-Z][A-Z0-9-]+)\s+\d+\s+\d+\s/.exec(line);
    if (s && out.length) {
      const c = out[out.length - 1]!.counts;
      c[s[1]!] = (c[s[1]!] ?? 0) + 1;
    }
  }
  return out;
}

/** Drags across the timeline from one epoch-ns instant to another (the axis mapping read from the strip). */
async function brush(page: Page, originEpoch: bigint, fromEpoch: bigint, toEpoch: bigint) {
  const svg = page.getByTestId('timeline-svg');
  const box = (await svg.boundingBox())!;
  const a = async (k: string) => Number(await svg.getAttribute(k));
  const [v0, v1, x0, w] = [await a('data-view-start'), await a('data-view-end'), await a('data-plot-x0'), await a('data-plot-w')];
  const px = (epoch: bigint) => box.x + x0 + (Number(epoch - originEpoch) - v0) / (v1 - v0) * w;
  const lane = page.locator('[data-testid="timeline-lane"][data-name="ss-capture.txt.gz"]');
  const lb = (await lane.boundingBox())!;
  const y = lb.y + lb.height * 0.7;
  await page.mouse.move(px(fromEpoch), y);
  await page.mouse.down();
  await page.mouse.move(px(toEpoch), y, { steps: 8 });
  await page.mouse.up();
}

test.use({ viewport: { width: 1600, height: 1000 } });

test('one brush over the leak: heat map, goroutines, flame graph and what-changed all tell the same story', async ({ page, app }) => {
  test.setTimeout(150_000);
  await page.goto(app.url);
  // A dump carries no time of its own: its file time (when the run wrote it) places it, estimated.
  const written = Number(eventNs('profiles-written') / 1_000_000n);
  await dropFiles(page, [
    { path: fixture(`${DIR}/ss-capture.txt.gz`) },
    { path: fixture(`${DIR}/trace.out`) },
    { path: fixture(`${DIR}/goroutine-debug2.txt`), lastModified: written },
    { path: fixture(`${DIR}/block.pb.gz`) },
    { path: fixture(`${DIR}/cpu.pb.gz`) },
  ]);
  for (const name of ['ss-capture.txt.gz', 'trace.out', 'goroutine-debug2.txt', 'block.pb.gz', 'cpu.pb.gz']) {
    await expect(sourceRow(page, name)).toHaveAttribute('data-status', 'ready', { timeout: 60_000 });
  }
  // The dump's lane says its time is an estimate.
  await expect(page.locator('[data-testid="timeline-lane"][data-name="goroutine-debug2.txt"]')).toHaveAttribute('data-clock', 'estimated');
  await expect(page.locator('[data-testid="timeline-lane"][data-name="goroutine-debug2.txt"] [data-testid="lane-clock"]')).toHaveText(/estimated time/);

  // Whole-session figures, to see them change. The flame graph shows the trace's sync blocking:
  // `go tool trace -pprof=sync` totals 44.70 s over the whole trace (expected.json).
  await sourceRow(page, 'trace.out').click();
  const flame = page.getByTestId('panel-flame');
  const syncTotal = expected[`${DIR}/trace.out`]!.blockingNs!.sync!;
  await expect(flame.getByTestId('flame-total')).toContainText(`total ${(syncTotal / 1e9).toFixed(1)} s`);
  const blocking = page.getByTestId('panel-blocking');
  await expect(blocking.getByTestId('blocking-summary')).toContainText('whole trace');
  const wholeTop = await blocking.getByTestId('trace-group').first().getByTestId('group-total').innerText();
  await screenshot(page, 'correlation-0-loaded');

  // The capture's own clock is the axis origin (it starts first). Brush most of the trace's window
  // (from 1 s after it starts to 0.5 s before it ends), where ESTAB climbs (README: "ESTAB sockets
  // climbing steadily"), so every view, the trace's included, narrows to it.
  const snaps = captureSnapshots();
  const origin = snaps[0]!.epoch;
  await brush(page, origin, eventNs('trace-start') + 1_000_000_000n, eventNs('trace-stop') - 500_000_000n);
  const sel = page.getByTestId('brush');
  const selStart = BigInt(Math.round(Number(await sel.getAttribute('data-start-ns'))));
  const selEnd = BigInt(Math.round(Number(await sel.getAttribute('data-end-ns'))));
  // The app's axis origin is the capture's first header (the earliest source clock).
  const inRange = snaps.filter((s) => s.epoch - origin >= selStart && s.epoch - origin <= selEnd);
  expect(inRange.length).toBeGreaterThanOrEqual(6);
  const estab = inRange.map((s) => s.counts.ESTAB ?? 0);
  const [first, last, peak] = [estab[0]!, estab[estab.length - 1]!, Math.max(...estab)];
  expect(last - first).toBeGreaterThan(10);

  // Heat map: the range is highlighted; zoomed to it, its summary reads the capture's own counts.
  const heat = page.getByTestId('panel-heatmap');
  await heat.getByTestId('heatmap-zoom').check();
  const estabRow = heat.locator('[data-testid="heatmap-summary-row"][data-row="ESTAB"]');
  await expect(estabRow).toHaveAttribute('data-first', String(first));
  await expect(estabRow).toHaveAttribute('data-last', String(last));
  await expect(estabRow).toHaveAttribute('data-max', String(peak));
  await expect(heat.getByTestId('heatmap-summary')).toContainText(`${inRange.length} snapshots`);

  // Goroutines: recomputed for the range; the persistConn loops lead.
  await expect(blocking.getByTestId('blocking-summary')).toContainText('selected');
  await expect(blocking.getByTestId('trace-group').first().getByTestId('group-total')).not.toHaveText(wholeTop);
  await expect(blocking.getByTestId('trace-group').first()).toContainText(/persistConn\)\.(readLoop|writeLoop)/);

  // Flame graph: the trace's blocking for the selected range only, less than the whole trace's.
  await expect(flame.getByTestId('flame-range')).toBeVisible();
  await expect(flame.getByTestId('flame-total')).not.toContainText(`total ${(syncTotal / 1e9).toFixed(1)} s`);
  const rangeTotal = await flame.getByTestId('flame-total').innerText();
  const rangeSec = Number(/total ([\d.]+) s/.exec(rangeTotal)?.[1]);
  expect(rangeSec).toBeGreaterThan(0);
  expect(rangeSec).toBeLessThan(syncTotal / 1e9);

  // Correlation: the nearest dump and profile are marked, with how far they are.
  const near = page.getByTestId('nearest-summary');
  // The dump sits at its file time; the CPU profile's window (7.5–14.0 s after run start) overlaps.
  const after = (epoch: bigint) => `${(Number(epoch - origin - selEnd) / 1e9).toFixed(1)} s after`;
  await expect(near).toContainText(`nearest dump: goroutine-debug2.txt ${after(BigInt(written) * 1_000_000n)}`);
  await expect(near).toContainText('nearest profile: cpu.pb.gz overlaps the range');
  await expect(page.locator('[data-testid="timeline-lane"][data-nearest="dump"]')).toHaveAttribute('data-name', 'goroutine-debug2.txt');
  await expect(page.locator('[data-testid="timeline-lane"][data-nearest="profile"]')).toHaveAttribute('data-name', 'cpu.pb.gz');

  // What changed: ESTAB is the growing socket state, a persistConn loop the growing goroutine group.
  const changes = page.getByTestId('panel-changes');
  const topSocket = changes.locator('[data-testid="change-row"][data-category="socket-state"]').first();
  await expect(topSocket).toHaveAttribute('data-key', 'ESTAB');
  await expect(topSocket).toHaveAttribute('data-first', String(first));
  await expect(topSocket).toHaveAttribute('data-last', String(last));
  await expect(topSocket).toHaveAttribute('data-growth', String(last - first));
  // One measure per column: the movement inside the selection has its own, the change is selection − baseline.
  await expect(topSocket.getByTestId('change-run')).toHaveText(`${first} → ${last}`);
  const delta = Number(await topSocket.getAttribute('data-delta'));
  const selMean = Number((await topSocket.getByTestId('change-sel').innerText()).replace(/,/g, ''));
  const baseMean = Number((await topSocket.getByTestId('change-base').innerText()).replace(/,/g, ''));
  expect(Math.abs(selMean - baseMean - delta)).toBeLessThanOrEqual(1.5); // both shown rounded
  await expect(topSocket.getByTestId('change-delta')).toContainText(delta > 0 ? '▲' : '▼');
  await expect(changes.getByTestId('changes-headline')).toContainText(`ESTAB +${last - first} sockets`);
  await expect(changes.getByTestId('changes-headline')).toContainText(/\(\*persistConn\)\.(readLoop|writeLoop) \+[\d.]+ blocked/);
  const topGroup = changes.locator('[data-testid="change-row"][data-category="trace-group"]').first();
  await expect(topGroup).toHaveAttribute('data-function', /persistConn\)\.(readLoop|writeLoop)$/);
  expect(Number(await topGroup.getAttribute('data-growth'))).toBeGreaterThan(1);
  // The story, top to bottom: the brushed climb, the sockets and goroutines in it, then its stacks
  // and what changed.
  await page.locator('main.panels').evaluate((el) => el.scrollTo(0, 0));
  await heat.locator('.panel-body').evaluate((el) => el.scrollTo(0, 0));
  await screenshot(page, 'correlation-1-brushed');
  await changes.scrollIntoViewIfNeeded();
  await screenshot(page, 'correlation-2-flame-and-changes');
  await changes.screenshot({ path: 'e2e/artifacts/correlation-3-what-changed.png' });

  // A row opens its view: the socket state → the heat map of that capture.
  await topSocket.click();
  await expect(page.locator('.panel-slot.slot-heatmap')).toBeInViewport();

  // Alignment: the dump was taken at profiles-snapshot; put it there by wall-clock time (UTC).
  const snapAt = new Date(Number(eventNs('profiles-snapshot') / 1_000_000n));
  const hhmmss = snapAt.toISOString().slice(11, 23);
  const dumpRow = sourceRow(page, 'goroutine-debug2.txt');
  await dumpRow.getByTestId('align-source').click();
  await dumpRow.getByTestId('start-input').fill(hhmmss);
  await dumpRow.getByTestId('start-apply').click();
  await expect(page.locator('[data-testid="timeline-lane"][data-name="goroutine-debug2.txt"]')).toHaveAttribute('data-clock', 'manual');
  await expect(dumpRow).toContainText(hhmmss);
  // Now measured from profiles-snapshot (28.0006 s after run start).
  await expect(near).toContainText(`nearest dump: goroutine-debug2.txt ${after((eventNs('profiles-snapshot') / 1_000_000n) * 1_000_000n)}`);
});

test('layout: presets, keyboard-resizable panels, and the shortcut help', async ({ page, app }) => {
  await page.goto(app.url);
  await dropFiles(page, [{ path: fixture(`${DIR}/ss-capture.txt.gz`) }, { path: fixture(`${DIR}/trace.out`) }]);
  await expect(sourceRow(page, 'trace.out')).toHaveAttribute('data-status', 'ready', { timeout: 60_000 });
  await expect(page.getByTestId('workspace')).toHaveAttribute('data-preset', 'triage');

  await page.getByTestId('layout-menu').click();
  await page.getByTestId('layout-preset-network').click();
  await expect(page.getByTestId('workspace')).toHaveAttribute('data-preset', 'network');
  await expect(page.getByTestId('layout-row').first()).toHaveAttribute('data-slots', 'heatmap');

  // A row handle, by keyboard: the row grows and the layout becomes custom.
  const row = page.getByTestId('layout-row').first();
  const h0 = (await row.boundingBox())!.height;
  await page.getByTestId('split-row-0').focus();
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowDown');
  await expect.poll(async () => (await row.boundingBox())!.height).toBe(h0 + 48);
  await expect(page.getByTestId('workspace')).toHaveAttribute('data-preset', 'custom');
  // A handle between two panels, by mouse.
  const split = page.getByTestId('split-changes');
  const cell = page.locator('.panel-slot.slot-changes');
  const w0 = (await cell.boundingBox())!.width;
  const sb = (await split.boundingBox())!;
  await page.mouse.move(sb.x + sb.width / 2, sb.y + 40);
  await page.mouse.down();
  await page.mouse.move(sb.x + sb.width / 2 + 120, sb.y + 40, { steps: 5 });
  await page.mouse.up();
  await expect.poll(async () => (await cell.boundingBox())!.width).toBeGreaterThan(w0 + 100);
  await screenshot(page, 'correlation-4-network-layout');

  // `?` lists every shortcut, by view; Escape closes it.
  await page.locator('body').press('?');
  const help = page.getByTestId('help-overlay');
  await expect(help).toBeVisible();
  for (const view of ['Timeline', 'Connections heat map', 'Flame graph', 'Goroutines', 'What changed', 'Layout and app']) {
    await expect(help.getByRole('heading', { name: view, exact: true })).toBeVisible();
  }
  for (const k of ['Shift', '+', '-', '0', '←', '→', 'Esc']) await expect(help.locator('kbd', { hasText: k }).first()).toBeVisible();
  await expect(help).toContainText('double-click');
  await screenshot(page, 'correlation-5-help');
  await page.keyboard.press('Escape');
  await expect(help).toBeHidden();
});

test('alignment: dragging a lane by its grip moves that source along the axis (manual clock)', async ({ page, app }) => {
  await page.goto(app.url);
  const written = Number(eventNs('profiles-written') / 1_000_000n);
  await dropFiles(page, [{ path: fixture(`${DIR}/ss-capture.txt.gz`) }, { path: fixture(`${DIR}/goroutine-debug2.txt`), lastModified: written - 10_000 }]);
  for (const name of ['ss-capture.txt.gz', 'goroutine-debug2.txt']) await expect(sourceRow(page, name)).toHaveAttribute('data-status', 'ready', { timeout: 60_000 });
  const lane = page.locator('[data-testid="timeline-lane"][data-name="goroutine-debug2.txt"]');
  await expect(lane).toHaveAttribute('data-clock', 'estimated');
  const svg = page.getByTestId('timeline-svg');
  const span = Number(await svg.getAttribute('data-view-end')) - Number(await svg.getAttribute('data-view-start'));
  const plotW = Number(await svg.getAttribute('data-plot-w'));
  const before = await sourceRow(page, 'goroutine-debug2.txt').locator('.source-time').innerText();
  const grip = lane.getByTestId('lane-grip');
  const g = (await grip.boundingBox())!;
  await page.mouse.move(g.x + g.width / 2, g.y + g.height / 2);
  await page.mouse.down();
  await page.mouse.move(g.x + g.width / 2 + 150, g.y + g.height / 2, { steps: 6 });
  await page.mouse.up();
  await expect(lane).toHaveAttribute('data-clock', 'manual');
  await expect(lane.getByTestId('lane-clock')).toHaveText(/manual time/);
  // The dump moved right by 150 px of the axis: its start time is later by that much.
  const clock = (t: string) => {
    const m = /(\d\d):(\d\d):(\d\d)\.(\d{3})/.exec(t)!;
    return ((Number(m[1]) * 60 + Number(m[2])) * 60 + Number(m[3])) * 1000 + Number(m[4]);
  };
  await expect.poll(async () => clock(await sourceRow(page, 'goroutine-debug2.txt').locator('.source-time').innerText()) - clock(before)).toBeGreaterThan(0);
  const movedMs = clock(await sourceRow(page, 'goroutine-debug2.txt').locator('.source-time').innerText()) - clock(before);
  expect(Math.abs(movedMs - ((150 / plotW) * span) / 1e6)).toBeLessThan(((4 / plotW) * span) / 1e6);
  await screenshot(page, 'correlation-6-aligned');
});

test('the TIME-WAIT storm: brushing its climb narrows every view, and what-changed names TIME-WAIT', async ({ page, app }) => {
  test.setTimeout(150_000);
  // timewait-storm-go1.27: a client with keep-alives off; TIME-WAIT climbs ~100/s while ESTAB stays ~0.
  const dir = 'scenarios/timewait-storm-go1.27';
  const m = readMeta(dir);
  await page.goto(app.url);
  await dropFiles(page, [
    { path: fixture(`${dir}/ss-capture.txt.gz`) },
    { path: fixture(`${dir}/trace.out`) },
    { path: fixture(`${dir}/block.pb.gz`) },
  ]);
  for (const name of ['ss-capture.txt.gz', 'trace.out', 'block.pb.gz']) {
    await expect(sourceRow(page, name)).toHaveAttribute('data-status', 'ready', { timeout: 60_000 });
  }
  await sourceRow(page, 'trace.out').click();
  const flame = page.getByTestId('panel-flame');
  const syncTotal = expected[`${dir}/trace.out`]!.blockingNs!.sync!;
  await expect(flame.getByTestId('flame-total')).toContainText(`total ${(syncTotal / 1e9).toFixed(1)} s`);
  const blocking = page.getByTestId('panel-blocking');
  await expect(blocking.getByTestId('blocking-summary')).toContainText('whole trace');

  // Brush the trace's window: TIME-WAIT climbs through it (README: ~100-120 per second).
  const snaps = captureSnapshots(dir);
  const origin = snaps[0]!.epoch;
  await brush(page, origin, eventNs('trace-start', m) + 500_000_000n, eventNs('trace-stop', m) - 500_000_000n);
  const sel = page.getByTestId('brush');
  const selStart = BigInt(Math.round(Number(await sel.getAttribute('data-start-ns'))));
  const selEnd = BigInt(Math.round(Number(await sel.getAttribute('data-end-ns'))));
  const inRange = snaps.filter((s) => s.epoch - origin >= selStart && s.epoch - origin <= selEnd);
  const tw = inRange.map((s) => s.counts['TIME-WAIT'] ?? 0);
  const [first, last, peak] = [tw[0]!, tw[tw.length - 1]!, Math.max(...tw)];
  expect(last - first).toBeGreaterThan(300);

  // Heat map zoomed to the range: TIME-WAIT's first, last and peak are the capture's own counts.
  const heat = page.getByTestId('panel-heatmap');
  await heat.getByTestId('heatmap-zoom').check();
  const twRow = heat.locator('[data-testid="heatmap-summary-row"][data-row="TIME-WAIT"]');
  await expect(twRow).toHaveAttribute('data-first', String(first));
  await expect(twRow).toHaveAttribute('data-last', String(last));
  await expect(twRow).toHaveAttribute('data-max', String(peak));

  // The goroutine view and the flame graph narrow to the range.
  await expect(blocking.getByTestId('blocking-summary')).toContainText('selected');
  await expect(flame.getByTestId('flame-range')).toBeVisible();
  const rangeSec = Number(/total ([\d.]+) s/.exec(await flame.getByTestId('flame-total').innerText())?.[1]);
  expect(rangeSec).toBeGreaterThan(0);
  expect(rangeSec).toBeLessThan(syncTotal / 1e9);

  // What changed: TIME-WAIT is the growing socket state, by exactly the capture's growth.
  const changes = page.getByTestId('panel-changes');
  const topSocket = changes.locator('[data-testid="change-row"][data-category="socket-state"]').first();
  await expect(topSocket).toHaveAttribute('data-key', 'TIME-WAIT');
  await expect(topSocket).toHaveAttribute('data-growth', String(last - first));
  await expect(changes.getByTestId('changes-headline')).toContainText(`TIME-WAIT +${last - first} sockets`);
  await page.locator('main.panels').evaluate((el) => el.scrollTo(0, 0));
  await screenshot(page, 'correlation-timewait-brushed');
});

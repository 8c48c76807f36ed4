/**
 * Postmortem export: pictures of every view (PNG 1×/2× and SVG, from the Export menu and the panel
 * buttons), annotations, a bundle whose session reopens to the same state, and the headless CLI.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Download, Page } from '@playwright/test';
import { test, expect, dropFiles, fixture, screenshot, sourceRow, startApp, ARTIFACTS, ROOT } from './support.ts';
import { readZip } from '../shared/test-support/zip-reader.ts';

const run = promisify(execFile);
// Bundles land here (the server inherits this environment), not in the user's home.
const BUNDLES = mkdtempSync(join(tmpdir(), 'tracedeck-e2e-bundles-'));
process.env.TRACEDECK_BUNDLE_DIR = BUNDLES;
// …and the recent-files list in a folder of the test's own.
process.env.TRACEDECK_CONFIG_DIR = mkdtempSync(join(tmpdir(), 'tracedeck-e2e-config-'));

const SCEN = 'scenarios/conn-leak-go1.27';
const FILES = ['block.pb.gz', 'ss-capture.txt.gz', 'trace.out', 'goroutine-debug2.txt'];

/** PNG size from its IHDR chunk (bytes 16..24), after checking the signature. */
function pngSize(b: Buffer): { width: number; height: number } {
  expect(b.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
  expect(b.subarray(12, 16).toString('latin1')).toBe('IHDR');
  return { width: b.readUInt32BE(16), height: b.readUInt32BE(20) };
}

/** Decodes the PNG in the page; returns its size and the variance of its luminance. */
async function decodePng(page: Page, b: Buffer): Promise<{ width: number; height: number; variance: number }> {
  return page.evaluate(async (b64) => {
    const bin = atob(b64);
    const u8 = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) u8[i] = bin.charCodeAt(i);
    const bmp = await createImageBitmap(new Blob([u8], { type: 'image/png' }));
    const c = new OffscreenCanvas(bmp.width, bmp.height);
    const ctx = c.getContext('2d')!;
    ctx.drawImage(bmp, 0, 0);
    const d = ctx.getImageData(0, 0, bmp.width, bmp.height).data;
    let s = 0;
    let s2 = 0;
    const n = d.length / 4;
    for (let i = 0; i < d.length; i += 4) {
      const y = 0.299 * d[i]! + 0.587 * d[i + 1]! + 0.114 * d[i + 2]!;
      s += y;
      s2 += y * y;
    }
    return { width: bmp.width, height: bmp.height, variance: s2 / n - (s / n) ** 2 };
  }, b.toString('base64'));
}

async function download(page: Page, click: () => Promise<void>): Promise<{ d: Download; bytes: Buffer }> {
  const [d] = await Promise.all([page.waitForEvent('download'), click()]);
  const path = await d.path();
  return { d, bytes: readFileSync(path!) };
}

async function openApp(page: Page, url: string) {
  await page.goto(url);
  await dropFiles(page, FILES.map((f) => ({ path: fixture(`${SCEN}/${f}`) })));
  for (const f of FILES) await expect(sourceRow(page, f)).toHaveAttribute('data-status', 'ready');
  await expect(page.getByTestId('heatmap')).toHaveAttribute('data-ready', 'true');
  await expect(page.locator('[data-testid="flame-graph"] svg')).toBeVisible();
  await expect(page.getByTestId('timeline-lane')).toHaveCount(4);
}

async function brush(page: Page, f0: number, f1: number) {
  const svg = page.getByTestId('timeline-svg');
  const box = (await svg.boundingBox())!;
  await page.mouse.move(box.x + box.width * f0, box.y + 40);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * f1, box.y + 40, { steps: 5 });
  await page.mouse.up();
  await expect(page.getByTestId('brush')).toBeVisible();
}

test('every view exports to PNG (1×, 2×) and SVG with a caption; the PNGs decode and are not blank', async ({ page, app }) => {
  test.setTimeout(180_000);
  await openApp(page, app.url);
  await brush(page, 0.05, 0.3);
  const label = await page.getByTestId('selection-label').innerText();
  // The flame graph shows the profile (brushing over a lane may have focused another source).
  await sourceRow(page, 'block.pb.gz').click();
  await expect(page.getByTestId('panel-flame')).toContainText('block.pb.gz');
  await expect(page.locator('[data-testid="flame-panel"][data-state="ready"] [data-testid="flame-graph"] svg')).toBeVisible();

  const sizes = new Map<string, { width: number; height: number }>();
  for (const view of ['workspace', 'timeline', 'flame', 'heatmap', 'blocking'] as const) {
    const menu = async (item: string) => {
      await page.getByTestId('export-menu').click();
      await page.getByTestId(`export-${view}-${item}`).click();
    };
    const png1 = await download(page, () => menu('png'));
    expect(png1.d.suggestedFilename()).toMatch(new RegExp(`^tracedeck-${view}-\\d{8}-\\d{6}\\.png$`));
    const svg = await download(page, () => menu('svg'));
    const text = svg.bytes.toString('utf8');
    const w = Number(/<svg [^>]*width="(\d+)"/.exec(text)![1]);
    const h = Number(/<svg [^>]*height="(\d+)"/.exec(text)![1]);
    // The PNG is the SVG drawn at 1×: same size.
    expect(pngSize(png1.bytes)).toEqual({ width: w, height: h });
    const dec = await decodePng(page, png1.bytes);
    expect(dec).toMatchObject({ width: w, height: h });
    sizes.set(view, { width: w, height: h });
    expect(dec.variance, `${view} PNG luminance variance`).toBeGreaterThan(200);
    // A view alone is laid out again at the export width (≥ 1200 px, wider if it already is), without its controls.
    if (view !== 'workspace') {
      const target = view === 'timeline' ? page.getByTestId('timeline') : page.getByTestId(`panel-${view}`);
      const box = (await target.boundingBox())!;
      expect(w).toBe(Math.max(1200, Math.round(box.width)));
      expect(text).not.toContain('<g data-row=""></g>');
      // …and the panel on screen is back as it was.
      const after = (await target.boundingBox())!;
      expect(Math.round(after.width)).toBe(Math.round(box.width));
    }
    if (view === 'heatmap') expect(text).not.toMatch(/>(log scale|Peers|Local ports)<\/text>/);
    if (view === 'blocking') expect(text).not.toMatch(/>Dumps<\/text>/);
    const png2 = await download(page, () => menu('png2'));
    expect(pngSize(png2.bytes)).toEqual({ width: 2 * w, height: 2 * h });
    // Caption: sources, the range in wall-clock time with the zone, filters; text stays text.
    expect(text).toContain('<text');
    expect(text).toMatch(/Range: 2026-11-22 \d\d:\d\d:\d\d\.\d{3} UTC \(UTC\+00:00\) – \d\d:\d\d:\d\d\.\d{3} \(/);
    expect(text).toContain('Filters: ');
    expect(text).not.toContain('<foreignObject');
    if (view === 'flame') {
      expect(text).toContain('Sources: block.pb.gz');
      expect(text).toMatch(/<text[^>]*>runtime\.selectgo<\/text>/);
      expect(text).toContain('profile: delay (nanoseconds)');
    } else if (view === 'heatmap') {
      expect(text).toContain('Sources: ss-capture.txt.gz');
      expect(text).toMatch(/<text[^>]*>TIME-WAIT<\/text>/);
      expect(text).toContain('<image ');
      // The time axis painted on the canvas is text too: the zone and wall-clock ticks.
      expect(text).toMatch(/<text[^>]*text-anchor="end" dominant-baseline="hanging"[^>]*>UTC<\/text>/);
      expect(text.match(/<text[^>]*text-anchor="middle" dominant-baseline="hanging"[^>]*>19:37:[0-5]\d<\/text>/g)?.length).toBeGreaterThanOrEqual(3);
    } else {
      expect(text).toContain(`Sources: ${FILES.join(', ')}`);
    }
    for (const [name, b] of [
      [`export-${view}.png`, png1.bytes],
      [`export-${view}.svg`, svg.bytes],
    ] as const) {
      writeFileSync(join(ARTIFACTS, name), b);
    }
  }
  // The panel header button exports the same picture.
  await page.getByTestId('panel-export-flame').click();
  const fromPanel = await download(page, () => page.getByTestId('panel-export-flame-svg').click());
  expect(fromPanel.bytes.toString('utf8')).toContain('TraceDeck · Flame graph');
  await expect(page.getByTestId('export-status')).toContainText('Saved tracedeck-flame-');
  // Copy image: the clipboard holds a PNG of the view at 1× (browser mode, where the Clipboard API allows it).
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(app.url).origin });
  for (const view of ['flame', 'heatmap'] as const) {
    await page.getByTestId(`panel-export-${view}`).click();
    await page.getByTestId(`panel-export-${view}-copy`).click();
    await expect(page.getByTestId('export-status')).toHaveText(`Copied the ${view} picture to the clipboard`);
    const clip = await page.evaluate(async () => {
      const items = await navigator.clipboard.read();
      const item = items.find((i) => i.types.includes('image/png'));
      if (!item) return { types: items.flatMap((i) => i.types) };
      const blob = await item.getType('image/png');
      const bmp = await createImageBitmap(blob);
      const head = [...new Uint8Array(await blob.slice(0, 8).arrayBuffer())].map((b) => b.toString(16).padStart(2, '0')).join('');
      return { types: ['image/png'], width: bmp.width, height: bmp.height, head, bytes: blob.size };
    });
    expect(clip.types).toContain('image/png');
    expect(clip.head).toBe('89504e470d0a1a0a');
    expect({ width: clip.width, height: clip.height }, `${view} clipboard image size`).toEqual(sizes.get(view));
    expect(clip.bytes).toBeGreaterThan(5000);
  }
  // The selection was not disturbed by exporting.
  await expect(page.getByTestId('selection-label')).toHaveText(label);
});

test('notes, a postmortem bundle, and its session reopening to the same state', async ({ page, app, browser }) => {
  test.setTimeout(180_000);
  await openApp(page, app.url);
  await brush(page, 0.1, 0.4);
  const label = await page.getByTestId('selection-label').innerText();

  // A note on the selected range, another pinned by right-click.
  await page.getByTestId('add-note').click();
  await page.getByTestId('note-input').fill('pool exhausted: ESTAB climbs');
  await page.getByTestId('note-save').click();
  const svgBox = (await page.getByTestId('timeline-svg').boundingBox())!;
  await page.mouse.click(svgBox.x + svgBox.width * 0.8, svgBox.y + 40, { button: 'right' });
  await page.getByTestId('note-input').fill('GC storm');
  await page.getByTestId('note-input').press('Enter');
  // Notes show on every time-based view; count them on the timeline.
  await expect(page.getByTestId('timeline').getByTestId('annotation-mark')).toHaveCount(2);

  // A flame filter: focus on the top function from the table.
  await page.locator('.top-table tbody tr').first().click();
  await expect(page.getByTestId('flame-chip')).toHaveCount(1);
  const chip = await page.getByTestId('flame-chip').getAttribute('data-function');
  await screenshot(page, 'export-notes');

  await page.getByTestId('export-menu').click();
  await page.getByTestId('write-bundle').click();
  await expect(page.getByTestId('export-status')).toContainText('Bundle written to', { timeout: 60_000 });
  const dir = (await page.getByTestId('export-status').getAttribute('data-bundle'))!;
  expect(dir.startsWith(BUNDLES)).toBe(true);
  expect(readdirSync(dir).sort()).toEqual(['images', 'report.md', 'session.tracedeck', 'sources']);
  expect(readdirSync(join(dir, 'sources')).sort()).toEqual([...FILES].sort());
  for (const f of FILES) expect(readFileSync(join(dir, 'sources', f)).equals(readFileSync(fixture(`${SCEN}/${f}`))), f).toBe(true);
  const images = readdirSync(join(dir, 'images'));
  expect(images).toEqual(expect.arrayContaining(['workspace.png', 'timeline.png', 'timeline.svg', 'flame.png', 'flame.svg', 'heatmap.png', 'blocking.png']));
  const ws = await decodePng(page, readFileSync(join(dir, 'images', 'workspace.png')));
  expect(ws.variance).toBeGreaterThan(200);
  const report = readFileSync(join(dir, 'report.md'), 'utf8');
  expect(report).toContain('pool exhausted: ESTAB climbs');
  expect(report).toContain('GC storm');
  expect(report).toMatch(/## Selected range\n\n2026-11-22 \d\d:\d\d:\d\d\.\d{3} UTC \(UTC\+00:00\) – /);
  expect(report).toContain('| samples | 21 |');
  expect(report).toContain('| totals | contentions 2,240, delay 221 s |');
  expect(report).toContain('![workspace.png](images/workspace.png)');
  expect(readFileSync(join(dir, 'images', 'flame.svg'), 'utf8')).toContain(`focus: ${chip}`);

  // The same bundle as one .zip: browser mode downloads it.
  await page.getByTestId('export-menu').click();
  const zip = await download(page, () => page.getByTestId('write-bundle-zip').click());
  await expect(page.getByTestId('export-status')).toContainText(/Bundle written to \d{4}-\d\d-\d\dT\d\d-\d\d-\d\d\.zip/);
  expect(zip.d.suggestedFilename()).toMatch(/^\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d\.zip$/);
  const top = zip.d.suggestedFilename().replace(/\.zip$/, '');
  const entries = readZip(new Uint8Array(zip.bytes));
  const names = entries.map((e) => e.name).sort();
  expect(names).toEqual(
    [...FILES.map((f) => `sources/${f}`), 'report.md', 'session.tracedeck', ...readdirSync(join(dir, 'images')).map((i) => `images/${i}`)].map((n) => `${top}/${n}`).sort(),
  );
  for (const f of FILES) expect(Buffer.from(entries.find((e) => e.name === `${top}/sources/${f}`)!.bytes).equals(readFileSync(fixture(`${SCEN}/${f}`))), f).toBe(true);
  const zipReport = Buffer.from(entries.find((e) => e.name === `${top}/report.md`)!.bytes).toString('utf8');
  expect(zipReport).toContain('pool exhausted: ESTAB climbs');
  expect(zipReport).toContain('| samples | 21 |');
  const zipFile = join(mkdtempSync(join(tmpdir(), 'tracedeck-e2e-zip-')), zip.d.suggestedFilename());
  writeFileSync(zipFile, zip.bytes);
  // An independent reader too, when installed.
  const unzipTest = await run('unzip', ['-t', zipFile]).catch((e: { code?: string }) => (e.code === 'ENOENT' ? null : Promise.reject(e)));
  if (unzipTest) expect(unzipTest.stdout).toContain('No errors detected');
  // Unzipped anywhere, its session reopens from its own sources/ (the uploads have no other copy).
  const unzipped = join(zipFile, '..', 'x');
  for (const e of entries) {
    mkdirSync(join(unzipped, e.name, '..'), { recursive: true });
    writeFileSync(join(unzipped, e.name), e.bytes);
  }
  const app4 = await startApp([join(unzipped, top, 'session.tracedeck')]);
  try {
    const page4 = await browser.newPage();
    await page4.goto(app4.url);
    for (const f of FILES) await expect(sourceRow(page4, f)).toHaveAttribute('data-status', 'ready');
    await expect(page4.getByTestId('selection-label')).toHaveText(label);
    // Notes show on every time-based view; count them on the timeline.
    await expect(page4.getByTestId('timeline').getByTestId('annotation-mark')).toHaveCount(2);
    await page4.close();
  } finally {
    app4.proc.kill('SIGTERM');
  }

  // A fresh app (a new server, nothing open): drop the bundle's session file.
  const app2 = await startApp([]);
  try {
    const page2 = await browser.newPage();
    await page2.goto(app2.url);
    await dropFiles(page2, [{ path: join(dir, 'session.tracedeck') }]);
    for (const f of FILES) await expect(sourceRow(page2, f)).toHaveAttribute('data-status', 'ready');
    await expect(page2.getByTestId('source')).toHaveCount(4);
    await expect(page2.getByTestId('selection-label')).toHaveText(label);
    // Notes show on every time-based view; count them on the timeline.
    await expect(page2.getByTestId('timeline').getByTestId('annotation-mark')).toHaveCount(2);
    await expect(page2.getByTestId('timeline').locator('[data-testid="annotation-mark"][data-text="GC storm"]')).toHaveCount(1);
    await expect(page2.getByTestId('flame-chip')).toHaveCount(1);
    await expect(page2.getByTestId('flame-chip')).toHaveAttribute('data-function', chip!);
    await expect(page2.getByTestId('panel-flame')).toContainText('block.pb.gz');
    await screenshot(page2, 'export-session-reopened');
    await page2.close();
  } finally {
    app2.proc.kill('SIGTERM');
  }

  // The same session from the command line (`tracedeck serve session.tracedeck`): opened before any page.
  const app3 = await startApp([join(dir, 'session.tracedeck')]);
  try {
    const page3 = await browser.newPage();
    await page3.goto(app3.url);
    for (const f of FILES) await expect(sourceRow(page3, f)).toHaveAttribute('data-status', 'ready');
    await expect(page3.getByTestId('selection-label')).toHaveText(label);
    await expect(page3.getByTestId('flame-chip')).toHaveAttribute('data-function', chip!);
    await page3.close();
  } finally {
    app3.proc.kill('SIGTERM');
  }
});

test('a session names a source whose file changed, and loads the rest', async ({ page, app }) => {
  const { copyFileSync, appendFileSync } = await import('node:fs');
  const work = mkdtempSync(join(tmpdir(), 'tracedeck-e2e-session-'));
  copyFileSync(fixture(`${SCEN}/block.pb.gz`), join(work, 'block.pb.gz'));
  copyFileSync(fixture(`${SCEN}/ss-capture.txt.gz`), join(work, 'ss-capture.txt.gz'));
  const app2 = await startApp([join(work, 'block.pb.gz'), join(work, 'ss-capture.txt.gz')]);
  let session: Buffer;
  try {
    await page.goto(app2.url);
    await expect(sourceRow(page, 'ss-capture.txt.gz')).toHaveAttribute('data-status', 'ready');
    await page.getByTestId('export-menu').click();
    session = (await download(page, () => page.getByTestId('save-session').click())).bytes;
  } finally {
    app2.proc.kill('SIGTERM');
  }
  expect(session.toString('utf8')).toMatch(/^\{\s*"tracedeck-session": 2/);
  appendFileSync(join(work, 'block.pb.gz'), 'x');
  await page.goto(app.url);
  // The empty state lists the files opened before (from the command line of the other server).
  await expect(page.locator('[data-testid="recent-item"][data-kind="file"]', { hasText: 'ss-capture.txt.gz' })).toHaveCount(1);
  await expect(page.locator('[data-testid="recent-item"]', { hasText: 'block.pb.gz' })).toHaveCount(1);
  await screenshot(page, 'export-recent');
  await dropFiles(page, [{ name: 'incident.tracedeck', bytes: session }]);
  await expect(sourceRow(page, 'ss-capture.txt.gz')).toHaveAttribute('data-status', 'ready');
  await expect(page.getByTestId('source')).toHaveCount(1);
  await expect(page.locator('body')).toContainText('block.pb.gz');
  await expect(page.locator('body')).toContainText('file changed since the session was saved');

  // A note pinned on the timeline shows on the heat map's time axis too.
  await expect(page.getByTestId('heatmap')).toHaveAttribute('data-ready', 'true');
  const tl = (await page.getByTestId('timeline-svg').boundingBox())!;
  await page.mouse.click(tl.x + tl.width * 0.5, tl.y + 40, { button: 'right' });
  await page.getByTestId('note-input').fill('storm starts');
  await page.getByTestId('note-save').click();
  await expect(page.locator('[data-testid="timeline-svg"] [data-testid="annotation-mark"]')).toHaveCount(1);
  await expect(page.locator('[data-testid="heatmap-notes"] [data-testid="annotation-mark"][data-text="storm starts"]')).toHaveCount(1);
  await page.getByTestId('panel-export-heatmap').click();
  const svg = await download(page, () => page.getByTestId('panel-export-heatmap-svg').click());
  expect(svg.bytes.toString('utf8')).toContain('✎ storm starts');
  expect(svg.bytes.toString('utf8')).toMatch(/Notes: \d\d:\d\d:\d\d\.\d{3} storm starts/);
  await screenshot(page, 'export-heatmap-note');
});

test('a session keeps the flame graph diff base and the top-table sort', async ({ page, app, browser }) => {
  test.setTimeout(120_000);
  const BLOCK = fixture(`${SCEN}/block.pb.gz`);
  const BASE = fixture('scenarios/conn-leak-go1.19/block.pb.gz');
  await page.goto(app.url);
  await dropFiles(page, [{ path: BLOCK }, { path: BASE, name: 'base-block.pb.gz' }]);
  await expect(sourceRow(page, 'block.pb.gz')).toHaveAttribute('data-status', 'ready');
  await expect(sourceRow(page, 'base-block.pb.gz')).toHaveAttribute('data-status', 'ready');
  await sourceRow(page, 'block.pb.gz').click();
  await expect(page.getByTestId('panel-flame')).toContainText('Flame graph · block.pb.gz');
  await page.getByTestId('flame-diff-base').selectOption({ label: 'base-block.pb.gz (delay)' });
  await expect(page.getByTestId('flame-diff-legend')).toContainText('grew vs base-block.pb.gz');
  await page.getByTestId('top-sort-cum').click();
  await expect(page.getByTestId('top-sort-cum')).toHaveAttribute('aria-sort', 'descending');
  await expect(page.getByTestId('top-sort-flat')).toHaveAttribute('aria-sort', 'none');
  // The header flips before the re-sorted table arrives: wait for rows in cum order.
  await expect
    .poll(async () => {
      const cums = await page.locator('.top-table tbody tr').evaluateAll((rs) => rs.slice(0, 5).map((r) => Number(r.getAttribute('data-cum'))));
      return cums.length === 5 && cums.every((c, i) => i === 0 || c <= cums[i - 1]!);
    })
    .toBe(true);
  const firstRows = await page.locator('.top-table tbody tr').evaluateAll((rs) => rs.slice(0, 5).map((r) => r.textContent));
  const baseTotal = await page.getByTestId('flame-total').innerText();
  expect(baseTotal).toContain(' · base ');

  await page.getByTestId('export-menu').click();
  const session = (await download(page, () => page.getByTestId('save-session').click())).bytes;
  const flame = (JSON.parse(session.toString('utf8')) as { ui: { views: Record<string, { scope: string; state: Record<string, unknown> }> } }).ui.views.flame!;
  expect(flame.scope).toBe('block.pb.gz');
  expect(flame.state).toMatchObject({ diffBase: 'base-block.pb.gz', sortBy: 'cum' });

  // A fresh app: the same diff, the same sort, the same table.
  const app2 = await startApp([]);
  try {
    const page2 = await browser.newPage();
    await page2.goto(app2.url);
    await dropFiles(page2, [{ name: 'diff.tracedeck', bytes: session }]);
    await expect(sourceRow(page2, 'block.pb.gz')).toHaveAttribute('data-status', 'ready');
    await expect(sourceRow(page2, 'base-block.pb.gz')).toHaveAttribute('data-status', 'ready');
    await expect(page2.getByTestId('panel-flame')).toContainText('Flame graph · block.pb.gz');
    await expect(page2.getByTestId('flame-diff-base').locator('option:checked')).toHaveText('base-block.pb.gz (delay)');
    await expect(page2.getByTestId('flame-diff-legend')).toContainText('grew vs base-block.pb.gz');
    await expect(page2.getByTestId('flame-total')).toHaveText(baseTotal);
    await expect(page2.getByTestId('top-sort-cum')).toHaveAttribute('aria-sort', 'descending');
    await expect(page2.locator('.top-table tbody tr').first()).toHaveText(firstRows[0]!);
    expect(await page2.locator('.top-table tbody tr').evaluateAll((rs) => rs.slice(0, 5).map((r) => r.textContent))).toEqual(firstRows);
    await screenshot(page2, 'export-session-diff-sort');
    await page2.close();
  } finally {
    app2.proc.kill('SIGTERM');
  }
});

test('notes show on the goroutine lanes, where right-click pins one too', async ({ page, app }) => {
  await page.goto(app.url);
  await dropFiles(page, [{ path: fixture(`${SCEN}/trace.out`) }]);
  await expect(sourceRow(page, 'trace.out')).toHaveAttribute('data-status', 'ready');
  // A note from the timeline (a moment at 30 % of it).
  const tl = (await page.getByTestId('timeline-svg').boundingBox())!;
  await page.mouse.click(tl.x + tl.width * 0.3, tl.y + 40, { button: 'right' });
  await page.getByTestId('note-input').fill('retry storm');
  await page.getByTestId('note-save').click();
  const panel = page.getByTestId('panel-blocking');
  await panel.getByTestId('trace-group').first().click();
  const lanes = panel.getByTestId('goroutine-lanes');
  await expect(lanes).toBeVisible();
  const mark = lanes.locator('[data-testid="lanes-notes"] [data-testid="annotation-mark"][data-text="retry storm"]');
  await expect(mark).toHaveCount(1);
  // The same moment on both axes: the timeline's x → axis ns → the lanes' x (after their 70 px label column).
  const nsOnTimeline = await page.getByTestId('timeline-svg').evaluate((svg) => {
    const line = svg.querySelector('[data-testid="annotation-mark"] line')!;
    const x = Number(line.getAttribute('x1'));
    const n = (k: string) => Number(svg.getAttribute(k));
    return n('data-view-start') + ((x - n('data-plot-x0')) / n('data-plot-w')) * (n('data-view-end') - n('data-view-start'));
  });
  const lanesGeo = await lanes.evaluate((el) => ({
    a: Number(el.getAttribute('data-axis-start')),
    b: Number(el.getAttribute('data-axis-end')),
    w: Number(el.querySelector('svg')!.getAttribute('width')),
  }));
  // With the trace alone, the timeline shows exactly the trace, and so do the lanes (no range selected):
  // their axis range (their own clock shifted onto the axis) is the timeline's.
  const view = await page.getByTestId('timeline-svg').evaluate((svg) => [Number(svg.getAttribute('data-view-start')), Number(svg.getAttribute('data-view-end'))]);
  expect(Math.abs(lanesGeo.a - view[0]!)).toBeLessThan(1000);
  expect(Math.abs(lanesGeo.b - view[1]!)).toBeLessThan(1000);
  expect(nsOnTimeline).toBeGreaterThan(lanesGeo.a);
  expect(nsOnTimeline).toBeLessThan(lanesGeo.b);
  const lanesX = Number(await mark.locator('line').getAttribute('x1'));
  expect(Math.abs(lanesX - (70 + ((nsOnTimeline - lanesGeo.a) / (lanesGeo.b - lanesGeo.a)) * (lanesGeo.w - 70)))).toBeLessThan(0.5);
  const lanesBox = (await lanes.boundingBox())!;
  // Right-click on the lanes pins a note there; it shows on the timeline as well.
  await lanes.click({ button: 'right', position: { x: 70 + (lanesBox.width - 70) * 0.8, y: 10 } });
  await page.getByTestId('note-input').fill('pool drained');
  await page.getByTestId('note-input').press('Enter');
  await expect(lanes.locator('[data-testid="annotation-mark"][data-text="pool drained"]')).toHaveCount(1);
  await expect(page.locator('[data-testid="timeline-svg"] [data-testid="annotation-mark"][data-text="pool drained"]')).toHaveCount(1);
  await screenshot(page, 'export-lanes-notes');
  await page.getByTestId('panel-export-blocking').click();
  const svg = (await download(page, () => page.getByTestId('panel-export-blocking-svg').click())).bytes.toString('utf8');
  expect(svg).toContain('✎ retry storm');
  expect(svg).toContain('✎ pool drained');
  await page.getByTestId('panel-export-blocking').click();
  const png = await download(page, () => page.getByTestId('panel-export-blocking-png').click());
  writeFileSync(join(ARTIFACTS, 'export-blocking-lanes.png'), png.bytes);
});

/** Rows of a view as the app shows them (a source per view as the CLI picks it: the profile for the flame graph). */
async function liveRowCounts(page: Page) {
  await sourceRow(page, 'block.pb.gz').click();
  await expect(page.locator('[data-testid="flame-panel"][data-state="ready"] [data-testid="flame-graph"] svg')).toBeVisible();
  await expect(page.locator('.top-table tbody tr').first()).toBeVisible();
  await expect(page.locator('[data-testid="panel-blocking"] tbody tr').first()).toBeVisible();
  return {
    heatmap: ((await page.getByTestId('heatmap-plot').getAttribute('data-rows')) ?? '').split('|').length,
    blocking: await page.locator('[data-testid="panel-blocking"] tbody tr').count(),
    flame: await page.locator('.top-table tbody tr').count(),
    timeline: await page.getByTestId('timeline-lane').count(),
  };
}

test.describe('headless CLI export', () => {
  test('tracedeck export --view heatmap|blocking|flame|timeline: at least 1000 px wide, every row of the view, no controls', async ({ page, app }) => {
    test.setTimeout(300_000);
    await openApp(page, app.url);
    const want = await liveRowCounts(page);
    // More rows than any panel shows without scrolling: the picture must not be a screenshot.
    expect(want.blocking).toBeGreaterThan(20);
    expect(want.flame).toBeGreaterThan(20);
    expect(want.heatmap).toBeGreaterThanOrEqual(10);
    expect(want.timeline).toBe(4);
    const out = mkdtempSync(join(tmpdir(), 'tracedeck-e2e-cli-whole-'));
    const files = FILES.map((f) => fixture(`${SCEN}/${f}`));
    const cli = (args: string[]) => run(process.execPath, [join(ROOT, 'bin', 'tracedeck.mjs'), 'export', ...args], { cwd: ROOT, env: { ...process.env, TZ: 'UTC' }, timeout: 120_000 });
    for (const view of ['heatmap', 'blocking', 'flame', 'timeline'] as const) {
      const png = join(out, `${view}.png`);
      await cli([...files, '--view', view, '--out', png]);
      const pb = readFileSync(png);
      const { width, height } = pngSize(pb);
      expect(width, `${view} PNG width`).toBeGreaterThanOrEqual(1000);
      writeFileSync(join(ARTIFACTS, `export-cli-whole-${view}.png`), pb);
      const dec = await decodePng(page, pb);
      expect(dec).toMatchObject({ width, height });
      expect(dec.variance, `${view} PNG luminance variance`).toBeGreaterThan(200);

      const svgFile = join(out, `${view}.svg`);
      await cli([...files, '--view', view, '--out', svgFile]);
      const t = readFileSync(svgFile, 'utf8');
      expect(Number(/<svg [^>]*width="(\d+)"/.exec(t)![1])).toBe(width);
      // Every row of the view is in the picture (table rows and heat-map rows carry data-row; lanes their test id).
      const rows = view === 'timeline' ? t.split('data-testid="timeline-lane"').length - 1 : t.split('data-row=""').length - 1;
      expect(rows, `${view} rows in the SVG`).toBe(want[view]);
      if (view === 'blocking') expect(t).toContain(`${want.blocking} groups`);
      // No form controls: their state is in the caption instead.
      expect(t).not.toMatch(/>(log scale|zoom to selection|Peers|Dumps|Invert)<\/text>/);
      expect(t).toContain('TraceDeck · ');
      expect(t).toContain('Sources: ');
    }
    // The workspace: every panel grown to all its rows (the views' rows are all in it), at the window's width.
    const ws = join(out, 'workspace.svg');
    await cli([...files, '--view', 'workspace', '--out', ws]);
    const wt = readFileSync(ws, 'utf8');
    expect(Number(/<svg [^>]*width="(\d+)"/.exec(wt)![1])).toBeGreaterThanOrEqual(1000);
    expect(wt.split('data-row=""').length - 1).toBeGreaterThanOrEqual(want.heatmap + want.blocking + want.flame);
    expect(wt.split('data-testid="timeline-lane"').length - 1).toBe(want.timeline);
  });


  test('tracedeck export renders each view from the fixtures; bad input exits non-zero with the reason', async () => {
    test.setTimeout(240_000);
    const out = mkdtempSync(join(tmpdir(), 'tracedeck-e2e-cli-'));
    const files = FILES.map((f) => fixture(`${SCEN}/${f}`));
    const cli = (args: string[]) => run(process.execPath, [join(ROOT, 'bin', 'tracedeck.mjs'), 'export', ...args], { cwd: ROOT, env: { ...process.env, TZ: 'UTC' }, timeout: 120_000 });
    for (const view of ['flame', 'heatmap', 'blocking', 'timeline', 'workspace'] as const) {
      const file = join(out, `${view}.${view === 'flame' || view === 'heatmap' ? 'svg' : 'png'}`);
      const extra = view === 'flame' ? ['--sample-type', 'contentions'] : [];
      const r = await cli([...files, '--view', view, '--range', '2..12', ...extra, '--out', file]);
      expect(r.stdout).toContain(`wrote ${file}`);
      const b = readFileSync(file);
      if (file.endsWith('.png')) {
        const { width, height } = pngSize(b);
        expect(r.stdout).toContain(`(${width}×${height})`);
        expect(width).toBeGreaterThanOrEqual(480);
      } else {
        const t = b.toString('utf8');
        expect(t).toContain('Range: 2026-11-22 19:37:21.967 UTC (UTC+00:00) – 19:37:31.967 (10.000 s)');
        if (view === 'flame') expect(t).toContain('profile: contentions (count)');
        if (view === 'heatmap') expect(t).toMatch(/<text[^>]*>ESTAB<\/text>/);
      }
    }
    const bundle = join(out, 'bundle');
    const r = await cli([files[0]!, files[1]!, '--view', 'workspace', '--bundle', bundle]);
    expect(r.stdout).toContain(`wrote bundle ${bundle}`);
    expect(existsSync(join(bundle, 'report.md'))).toBe(true);
    expect(existsSync(join(bundle, 'images', 'workspace.png'))).toBe(true);
    // The same as one .zip: the name decides.
    const zipOut = join(out, 'bundle.zip');
    const rz = await cli([files[0]!, files[1]!, '--view', 'workspace', '--bundle', zipOut]);
    expect(rz.stdout).toContain(`wrote bundle ${zipOut}`);
    const zipped = readZip(new Uint8Array(readFileSync(zipOut)));
    expect(zipped.map((e) => e.name)).toEqual(expect.arrayContaining(['bundle/report.md', 'bundle/session.tracedeck', 'bundle/images/workspace.png', 'bundle/sources/block.pb.gz', 'bundle/sources/ss-capture.txt.gz']));
    expect(Buffer.from(zipped.find((e) => e.name === 'bundle/sources/block.pb.gz')!.bytes).equals(readFileSync(files[0]!))).toBe(true);

    const missing = await cli([join(out, 'nope.pb.gz'), '--view', 'flame', '--out', join(out, 'x.png')]).then(
      () => null,
      (e: { code: number; stderr: string }) => e,
    );
    expect(missing?.code).toBe(1);
    expect(missing?.stderr).toContain(`cannot read ${join(out, 'nope.pb.gz')}: ENOENT`);
    const noChromium = await run(process.execPath, [join(ROOT, 'bin', 'tracedeck.mjs'), 'export', files[0]!, '--view', 'flame', '--out', join(out, 'x.png')], {
      cwd: ROOT,
      env: { ...process.env, CHROMIUM_PATH: '/nonexistent/chromium' },
    }).then(
      () => null,
      (e: { code: number; stderr: string }) => e,
    );
    expect(noChromium?.code).toBe(1);
    expect(noChromium?.stderr).toContain('Chromium not found at /nonexistent/chromium');
  });
});

/**
 * Flame graph speed in Chromium (issue "pprof profiles, goroutine dumps, and the flame graph view",
 * Speed): drop a big heap profile on the running app and time, in the page's clock,
 *   - drop → source ready (ingest in the engine) → first flame-graph paint (target < 1 s at 100k stacks);
 *   - zoom (click a frame: re-query with rootPath + redraw) and search (re-query + highlight + redraw),
 *     target < 100 ms each;
 *   - each filter as a user applies it (focus from the top table, remove the chip, hide, inverted,
 *     focus while inverted): to the flame graph's redraw and to the top table's new answer.
 * The first click comes FLAME_LOOK_MS (default 1500) after the first paint, as a person reads the
 * graph first — the engine warms its indexes meanwhile; FLAME_LOOK_MS=0 times a user who clicks at once.
 * FLAME_RUNS=N (fresh app per run, best and median), FLAME_FILES=100k,700k.
 * Runs on ../shared/bench-data/big-heap-go1.27.pb.gz (700k distinct stacks) and on a 100k-sample cut
 * of it (re-encoded with pprof-format), the size the first-paint target names.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { chromium, type Page } from '@playwright/test';
import { Profile } from 'pprof-format';
import { CHROMIUM_ARGS } from '../e2e/playwright.config.ts';
import { ROOT, startApp } from '../e2e/support.ts';

const BIG = join(ROOT, '..', 'shared', 'bench-data', 'big-heap-go1.27.pb.gz');

/** The first `n` samples of a profile, re-encoded (distinct stacks ≈ n for this heap profile). */
function cutProfile(gz: Uint8Array, n: number): Buffer {
  const p = Profile.decode(gunzipSync(gz));
  p.sample = p.sample.slice(0, n);
  return gzipSync(p.encode());
}

interface Timings {
  ready: number;
  firstPaint: number;
  frames: number;
  zoom: number;
  search: number;
  searchQueryMs: number;
  reset: number;
  /** Filters, each the first time for that filter: click → re-query → redraw. */
  focus: number;
  unfocus: number;
  hide: number;
  inverted: number;
  invertedFocus: number;
  /** The same filters: click → the top table's new answer (it follows the flame query in the worker). */
  focusTop: number;
  unfocusTop: number;
  hideTop: number;
}

/** Clicks what `selector` (CSS, nth match) finds; resolves at the redraw it causes and, with `top`, at the top table's answer too. */
async function clickToPaint(page: Page, selector: string, nth?: number): Promise<number>;
async function clickToPaint(page: Page, selector: string, nth: number, top: true): Promise<{ paint: number; top: number }>;
async function clickToPaint(page: Page, selector: string, nth = 0, top = false): Promise<number | { paint: number; top: number }> {
  const before = await drawnAt(page);
  const t = await page.evaluate(
    ({ selector, nth }) => {
      const el = document.querySelectorAll<HTMLElement>(selector)[nth];
      if (!el) throw new Error(`nothing matches ${selector} [${nth}]`);
      const t = performance.now();
      el.click();
      return t;
    },
    { selector, nth },
  );
  const paint = (await nextPaint(page, Math.max(before, t))) - t;
  if (!top) return paint;
  await page.waitForFunction((t) => Number(document.querySelector<HTMLElement>('[data-testid="flame-top"]')?.dataset.resultAt ?? 0) > t, t, {
    timeout: 120_000,
    polling: 'raf',
  });
  const topAt = await page.evaluate(() => Number(document.querySelector<HTMLElement>('[data-testid="flame-top"]')!.dataset.resultAt));
  return { paint, top: topAt - t };
}

const drawnAt = (page: Page) => page.evaluate(() => Number(document.querySelector<HTMLElement>('[data-testid="flame-graph"]')?.dataset.paintedAt ?? 0));
/** The first paint after `after` that shows a query result received after `after`. */
async function nextPaint(page: Page, after: number): Promise<number> {
  await page.waitForFunction(
    (t) => {
      const painted = Number(document.querySelector<HTMLElement>('[data-testid="flame-graph"]')?.dataset.paintedAt ?? 0);
      const got = Number(document.querySelector<HTMLElement>('[data-testid="flame-panel"]')?.dataset.resultAt ?? 0);
      return got > t && painted > got;
    },
    after,
    { timeout: 120_000, polling: 'raf' },
  );
  return drawnAt(page);
}

async function measure(url: string, name: string, bytes: Buffer): Promise<Timings> {
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: CHROMIUM_ARGS });
  try {
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    await page.goto(url);
    await page.waitForSelector('[data-testid="empty-state"]');
    // FLAME_IDLE_MS: let a just-started app settle first (its spare engine worker boots in the
    // background), as when a user opens the app and then drops a file. Default 0: a cold start.
    await page.waitForTimeout(Number(process.env.FLAME_IDLE_MS) || 0);
    // The File is built before the clock starts: only the app's own work is timed.
    const dt = await page.evaluateHandle(
      ({ name, b64 }) => {
        const bin = atob(b64);
        const u8 = new Uint8Array(bin.length);
        for (let i = 0; i < bin.length; i++) u8[i] = bin.charCodeAt(i);
        const dt = new DataTransfer();
        dt.items.add(new File([u8], name));
        return dt;
      },
      { name, b64: bytes.toString('base64') },
    );
    const t0 = await page.evaluate((dt) => {
      const w = window as unknown as { __readyAt?: number };
      new MutationObserver((_m, obs) => {
        if (document.querySelector('[data-testid="source"][data-status="ready"]')) {
          w.__readyAt = performance.now();
          obs.disconnect();
        }
      }).observe(document.body, { subtree: true, childList: true, attributes: true });
      const t = performance.now();
      for (const type of ['dragenter', 'dragover', 'drop']) {
        document.body.dispatchEvent(new DragEvent(type, { dataTransfer: dt, bubbles: true, cancelable: true }));
      }
      return t;
    }, dt);
    const paint = await nextPaint(page, 0);
    const readyAt = await page.evaluate(() => (window as unknown as { __readyAt?: number }).__readyAt ?? NaN);
    const frames = await page.locator('[data-testid="flame-graph"] g.frame').count();
    // A person reads the graph before the first click (the engine warms its indexes meanwhile).
    await page.waitForTimeout(LOOK_MS);

    // Zoom: click the widest frame just above the root.
    const target = await page.evaluate(() => {
      let best: { name: string; w: number } | null = null;
      for (const g of document.querySelectorAll<SVGGElement>('[data-testid="flame-graph"] g.frame')) {
        const w = Number(g.getAttribute('width'));
        const name = g.getAttribute('name') ?? '';
        if (name !== 'root' && (!best || w > best.w)) best = { name, w };
      }
      return best?.name ?? '';
    });
    let before = await drawnAt(page);
    const tz = await page.evaluate((n) => {
      const g = document.querySelector(`[data-testid="flame-graph"] g.frame[name="${CSS.escape(n)}"]`)!;
      const t = performance.now();
      g.dispatchEvent(new MouseEvent('click', { bubbles: true }));
      return t;
    }, target);
    const zoomed = await nextPaint(page, before);
    await page.getByTestId('flame-reset').waitFor();

    // Search: from typing to the redraw of the new result (minus the typing debounce).
    before = zoomed;
    const ts = await page.evaluate(() => performance.now());
    await page.getByTestId('flame-search').fill('runtime\\.mallocgc');
    const searched = await nextPaint(page, ts);
    const queryMs = Number(await page.getByTestId('flame-panel').getAttribute('data-query-ms'));
    before = searched;
    const tr = await page.evaluate(() => {
      const t = performance.now();
      document.querySelector<HTMLButtonElement>('[data-testid="flame-reset"]')!.click();
      return t;
    });
    const reset = await nextPaint(page, before);

    // Filters, as a user applies them: focus from the top table (its third row), remove the chip,
    // hide a frame from its context menu, switch to bottom-up, focus there.
    await page.locator('[data-testid="top-row"]').nth(2).waitFor();
    const focus = await clickToPaint(page, '[data-testid="top-row"]', 2, true);
    const unfocus = await clickToPaint(page, '[data-testid="flame-chip"] button', 0, true);
    await page.evaluate(() => {
      const g = document.querySelector<SVGGElement>('[data-testid="flame-graph"] g.frame:not([name="root"])')!;
      const r = g.getBoundingClientRect();
      g.dispatchEvent(new MouseEvent('contextmenu', { bubbles: true, cancelable: true, clientX: r.x + 2, clientY: r.y + 2 }));
    });
    await page.getByTestId('menu-hide').waitFor();
    const hide = await clickToPaint(page, '[data-testid="menu-hide"]', 0, true);
    await clickToPaint(page, '[data-testid="flame-chip"] button');
    const inverted = await clickToPaint(page, '[data-testid="flame-inverted"]');
    const invertedFocus = await clickToPaint(page, '[data-testid="top-row"]', 3);
    return {
      focus: focus.paint,
      unfocus: unfocus.paint,
      hide: hide.paint,
      focusTop: focus.top,
      unfocusTop: unfocus.top,
      hideTop: hide.top,
      inverted,
      invertedFocus,
      ready: readyAt - t0,
      firstPaint: paint - t0,
      frames,
      zoom: zoomed - tz,
      search: searched - ts - 180,
      searchQueryMs: queryMs,
      reset: reset - tr,
    };
  } finally {
    await browser.close();
  }
}

const big = readFileSync(BIG);
const cut = cutProfile(big, 100_000);
/** FLAME_LOOK_MS: pause between the first paint and the first click (0: a user who clicks at once). */
const LOOK_MS = Number(process.env.FLAME_LOOK_MS ?? 1500);
/** FLAME_RUNS=N: N fresh apps per file, best and median of each figure (a shared machine is noisy). */
const RUNS = Math.max(1, Number(process.env.FLAME_RUNS) || 1);
const FILES = (process.env.FLAME_FILES ?? '100k,700k').split(',');
{
  const ms = (x: number) => `${x.toFixed(0)} ms`;
  const stat = (xs: number[]) => {
    const s = [...xs].sort((a, b) => a - b);
    return RUNS === 1 ? ms(s[0]!) : `${ms(s[0]!)} best, ${ms(s[Math.floor((s.length - 1) / 2)]!)} median of ${RUNS}`;
  };
  for (const [key, name, bytes, label] of [
    ['100k', 'heap-100k.pb.gz', cut, '100k stacks (cut of big-heap)'],
    ['700k', 'big-heap-go1.27.pb.gz', big, '700k stacks (big-heap-go1.27.pb.gz)'],
  ] as const) {
    if (!FILES.includes(key)) continue;
    const all: Timings[] = [];
    for (let i = 0; i < RUNS; i++) {
      // A fresh app per run: each drop lands on an empty session, with a new engine worker.
      const app = await startApp([], 120_000);
      try {
        all.push(await measure(app.url, name, bytes));
      } finally {
        app.proc.kill('SIGTERM');
      }
    }
    const f = (k: (t: Timings) => number) => stat(all.map(k));
    console.log(`flame graph, ${label}; first click ${LOOK_MS} ms after the first paint (FLAME_LOOK_MS):`);
    console.log(`  drop → source ready (ingest)          ${f((t) => t.ready)}`);
    console.log(`  drop → first flame paint              ${f((t) => t.firstPaint)}  (target < 1000 ms at 100k stacks)  ${all[0]!.frames} frames drawn`);
    console.log(`  ready → first flame paint             ${f((t) => t.firstPaint - t.ready)}`);
    console.log(`  zoom: click → re-query → redraw       ${f((t) => t.zoom)}  (target < 100 ms)`);
    console.log(`  search: re-query → highlight → redraw ${f((t) => t.search)}  (query round trip ${f((t) => t.searchQueryMs)}; typing debounce 180 ms excluded)  (target < 100 ms)`);
    console.log(`  reset zoom: re-query → redraw         ${f((t) => t.reset)}  (target < 100 ms)`);
    console.log(`  focus (top-table row) → redraw        ${f((t) => t.focus)}  (target < 100 ms)`);
    console.log(`  remove the focus chip → redraw        ${f((t) => t.unfocus)}  (target < 100 ms)`);
    console.log(`  hide (frame menu) → redraw            ${f((t) => t.hide)}  (target < 100 ms)`);
    console.log(`  focus → top table's answer            ${f((t) => t.focusTop)}  (target < 100 ms)`);
    console.log(`  remove the focus chip → top table     ${f((t) => t.unfocusTop)}  (target < 100 ms)`);
    console.log(`  hide → top table's answer             ${f((t) => t.hideTop)}  (target < 100 ms)`);
    console.log(`  inverted on → redraw                  ${f((t) => t.inverted)}  (target < 100 ms)`);
    console.log(`  focus while inverted → redraw         ${f((t) => t.invertedFocus)}  (target < 100 ms)`);
  }
}

/**
 * Long tasks on the page thread once a big trace is ready (issue 14: none over 100 ms on the 105 MB
 * bench trace, none over 200 ms on a 1 GB trace). `tracedeck serve` empty, Chromium at 1600×1000; the
 * trace is opened by path through the host (the bridge's openPaths, as File → Open does), then every
 * view is drawn and driven as a user would: every panel of the default layout scrolled into view,
 * the trace timeline zoomed and panned, the goroutine analysis and its biggest group, the blocking
 * view's biggest group and its lanes scrolled, the timeline strip zoomed and panned, a 1 s brush
 * (what changed, blocking view, flame graph follow), the flame graph's profiles switched.
 *
 * Two witnesses, both in the page: PerformanceObserver 'longtask' entries (the browser's own) and a
 * requestAnimationFrame loop's frame gaps (a fallback, also catching work split across frames
 * that still froze the window). Each is charged to the step during which it started; only what
 * starts after "ready" counts.
 *
 * Run: `npm run bench longtask` or `node --import tsx bench/longtask-bench.ts [TRACE…]` (needs the
 * built renderer: scripts/build-renderer.mjs). Default: the 105 MB bench trace, then
 * TRACEDECK_BIG_TRACE when it names a file (the engine holding a 1 GB trace needs
 * ~5–6 GB of RAM and a minute or more to parse).
 */
import { existsSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Page } from '@playwright/test';
import { CHROMIUM_ARGS } from '../e2e/playwright.config.ts';
import { biggestTraceGroup, startAppWithApi } from './ui-bench-browser.ts';
import { BENCH_DATA } from '../shared/test-support/fixtures.ts';

const BIG = process.env.TRACEDECK_BIG_TRACE ?? '';
const PROFILE = process.env.LONGTASK_PROFILE;
const TRACE_OUT = process.env.LONGTASK_TRACE;
const traces = process.argv.slice(2).length ? process.argv.slice(2) : [join(BENCH_DATA, 'big-go1.27.trace.gz'), ...(BIG && existsSync(BIG) ? [BIG] : [])];

interface Task {
  start: number;
  dur: number;
}

/** In the page: long tasks and frame gaps, with the time each started. */
function probes(): void {
  const w = window as unknown as Record<string, unknown>;
  const s = { tasks: [] as Task[], gaps: [] as Task[], last: 0 };
  w.__lt = s;
  // Every bridge answer's size is read at the end (the default buffer keeps 250 entries).
  performance.setResourceTimingBufferSize(1_000_000);
  try {
    new PerformanceObserver((l) => {
      for (const e of l.getEntries()) s.tasks.push({ start: e.startTime, dur: e.duration });
    }).observe({ type: 'longtask', buffered: true });
  } catch {
    // no longtask entries in this browser: the frame gaps still tell
  }
  const loop = (t: number) => {
    // A gap over 50 ms is the frame-gap equivalent of a long task.
    if (s.last && t - s.last > 50) s.gaps.push({ start: s.last, dur: t - s.last });
    s.last = t;
    requestAnimationFrame(loop);
  };
  requestAnimationFrame(loop);
}

interface Step {
  name: string;
  t0: number;
}

/** The flame graph shows an answer newer than page time `t`: painted, or said to be empty. */
const flameShown = (t: number) => {
  const got = Number(document.querySelector<HTMLElement>('[data-testid="flame-panel"]')?.dataset.resultAt ?? 0);
  const painted = Number(document.querySelector<HTMLElement>('[data-testid="flame-graph"]')?.dataset.paintedAt ?? 0);
  return got > t && (painted > got || document.querySelector('[data-testid="flame-empty"], [data-testid="flame-no-stacks"]') !== null);
};
const now = (page: Page) => page.evaluate(() => performance.now());
const waitFor = (page: Page, sel: string, timeout = 300_000) => page.locator(sel).first().waitFor({ state: 'attached', timeout });
const waitFn = <A extends number | null>(page: Page, f: (a: A) => unknown, arg: A, timeout = 300_000) => page.waitForFunction(f as (a: unknown) => unknown, arg, { timeout, polling: 100 });

async function runOne(trace: string): Promise<{ worst: number; over100: number; over200: number }> {
  const app = await startAppWithApi([], 300_000);
  const api = app.api;
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: CHROMIUM_ARGS });
  const steps: Step[] = [];
  try {
    const ctx = await browser.newContext({ viewport: { width: 1600, height: 1000 }, timezoneId: 'UTC' });
    // tsx keeps function names with an `__name` helper that functions sent to the page call.
    await ctx.addInitScript({ content: 'globalThis.__name = (f) => f;' });
    await ctx.addInitScript(probes);
    const page = await ctx.newPage();
    page.on('pageerror', (e) => console.log(`  page error: ${e.message}`));
    await page.goto(app.url);
    await waitFor(page, '[data-testid="empty-state"], [data-testid="timeline"]', 60_000);
    const t0 = Date.now();
    await api('openPaths', { paths: [trace] });
    await waitFor(page, '[data-testid="source"][data-kind="gotrace"][data-status="ready"]', 900_000);
    console.log(`\n${trace} (${(statSync(trace).size / 1e6).toFixed(0)} MB): ready ${((Date.now() - t0) / 1000).toFixed(1)} s after openPaths`);
    // LONGTASK_PROFILE=file.cpuprofile: the page's CPU profile from ready to the end (open it in
    // Chromium's DevTools, which maps the bundle back to the sources), to see what a long task ran.
    const cdp = PROFILE ? await ctx.newCDPSession(page) : null;
    // LONGTASK_TRACE=file.json: a Chromium performance trace instead (what each task spent in
    // script, style, layout, paint), for DevTools' Performance panel.
    if (TRACE_OUT) await browser.startTracing(page, { path: TRACE_OUT, categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'v8.execute', 'blink.user_timing'] });
    if (cdp) {
      await cdp.send('Profiler.enable');
      await cdp.send('Profiler.setSamplingInterval', { interval: 500 });
      await cdp.send('Profiler.start');
    }
    const step = async (name: string, f: () => Promise<void>) => {
      steps.push({ name, t0: await now(page) });
      const s0 = Date.now();
      let note = '';
      try {
        await f();
      } catch (e) {
        // A view that never showed its answer is reported; the long tasks of the step still count.
        note = `, NOT DONE: ${String((e as Error).message).split('\n')[0]}`;
      }
      // Let anything the step started (answers, draws) land inside the step.
      await page.waitForTimeout(300);
      console.log(`  · ${name} (${((Date.now() - s0) / 1000).toFixed(1)} s${note})`);
    };

    await step('ready → first views drawn', async () => {
      await waitFor(page, '[data-testid="timeline-lane"][data-kind="gotrace"] path.track-area');
      await waitFor(page, '[data-testid="trace-group"]');
      await waitFn(page, () => document.querySelector<HTMLElement>('[data-testid="flame-graph"]')?.dataset.paintedAt, null);
    });
    await step('every panel scrolled into view and drawn', async () => {
      const panels = await page.locator('[data-testid="layout-row"]').count();
      for (let i = 0; i < panels; i++) {
        await page.locator('[data-testid="layout-row"]').nth(i).scrollIntoViewIfNeeded();
        await page.waitForTimeout(400);
      }
      await page.getByTestId('panel-trace-timeline').scrollIntoViewIfNeeded();
      await waitFn(page, () => document.querySelector('[data-testid="trace-timeline-canvas-host"]')?.getAttribute('data-ready') === 'true', null);
    });

    // ---- the trace timeline: ctrl+wheel zoom, keyboard pan, drag, zoom out ----
    const host = page.getByTestId('trace-timeline-canvas-host');
    const ttReady = () => waitFn(page, () => document.querySelector('[data-testid="trace-timeline-canvas-host"]')?.getAttribute('data-ready') === 'true', null);
    const box = (await host.boundingBox())!;
    const cx = box.x + box.width * 0.6;
    const cy = box.y + Math.min(200, box.height / 2);
    const wheel = async (dy: number, n: number) => {
      await page.mouse.move(cx, cy);
      await page.keyboard.down('Control');
      for (let i = 0; i < n; i++) {
        await page.mouse.wheel(0, dy);
        await page.waitForTimeout(16);
      }
      await page.keyboard.up('Control');
    };
    await step('trace timeline: ctrl+wheel zoom in ×40', async () => {
      await wheel(-100, 40);
      await ttReady();
    });
    await step('trace timeline: D pan ×20, drag 600 px', async () => {
      await host.focus();
      for (let i = 0; i < 20; i++) await page.keyboard.press('d');
      await ttReady();
      await page.mouse.move(cx, cy);
      await page.mouse.down();
      for (let i = 1; i <= 30; i++) await page.mouse.move(cx - i * 20, cy);
      await page.mouse.up();
      await ttReady();
    });
    await step('trace timeline: ctrl+wheel zoom out ×60', async () => {
      await wheel(100, 60);
      await ttReady();
    });
    await step('trace timeline: pointer swept over the lanes ×120 (hover)', async () => {
      // How often the lanes' canvas was redrawn while only the pointer moved (its data-drawn-at).
      const drawnAt = () => page.getByTestId('trace-timeline-canvas').getAttribute('data-drawn-at');
      const before = await page.evaluate(() => {
        const c = document.querySelector('[data-testid="trace-timeline-canvas"]')!;
        const w = window as unknown as { __draws: number };
        w.__draws = 0;
        new MutationObserver(() => w.__draws++).observe(c, { attributes: true, attributeFilter: ['data-drawn-at'] });
        return 0;
      });
      const b = (await host.boundingBox())!;
      for (let i = 0; i < 120; i++) await page.mouse.move(b.x + 180 + ((b.width - 200) * i) / 120, b.y + 60 + (i % 20) * 8);
      await page.waitForTimeout(200);
      const draws = await page.evaluate(() => (window as unknown as { __draws: number }).__draws);
      console.log(`    lanes canvas redrawn ${draws - before} times for 120 pointer moves (last at ${await drawnAt()})`);
    });

    // ---- goroutine analysis (trace details), its biggest group opened ----
    await step('goroutine analysis: tab, biggest group opened', async () => {
      await page.getByTestId('panel-trace').scrollIntoViewIfNeeded();
      await page.getByTestId('panel-trace').getByRole('tab', { name: 'Goroutine analysis' }).click();
      await waitFor(page, '[data-testid="breakdown-row"]');
      await page.locator('[data-testid="breakdown-row"]').first().click();
      await waitFor(page, '[data-testid="breakdown-member"]');
    });

    // ---- the blocking view: the biggest group's lanes, scrolled ----
    const expandBiggest = async () => {
      await page.getByTestId('panel-blocking').scrollIntoViewIfNeeded();
      const index = Math.max(0, (await biggestTraceGroup(page)).index);
      const open = page.locator('[data-testid="trace-group"].open');
      if (await open.count()) await open.first().click();
      const t = await now(page);
      await page.locator('[data-testid="trace-group"]').nth(index).click();
      await waitFn(page, (t) => Number(document.querySelector<HTMLElement>('[data-testid="goroutine-lanes"]')?.dataset.drawnAt ?? 0) > t, t);
      await page.evaluate(async () => {
        const el = document.querySelector<HTMLElement>('[data-testid="goroutine-lanes"]')!;
        const n = Math.min(120, Math.ceil((el.scrollHeight - el.clientHeight) / 40));
        for (let i = 0; i <= n; i++) {
          await new Promise((ok) => requestAnimationFrame(ok));
          el.scrollTop = (i + 1) * 40;
        }
      });
    };
    await step('blocking view: biggest group expanded, lanes scrolled', expandBiggest);

    // ---- the timeline strip: wheel zoom onto the trace, then pans ----
    const strip = page.getByTestId('timeline-svg');
    await strip.scrollIntoViewIfNeeded();
    const lane = (await page.locator('[data-testid="timeline-lane"][data-kind="gotrace"]').first().boundingBox())!;
    const laneY = lane.y + lane.height / 2;
    const sbox = (await strip.boundingBox())!;
    await step('timeline strip: wheel zoom in ×6 and out ×6, pan ×10', async () => {
      await page.mouse.move(sbox.x + sbox.width / 2, laneY);
      for (const dy of [-100, -100, -100, -100, -100, -100, 100, 100, 100, 100, 100, 100]) {
        await page.mouse.wheel(0, dy);
        await page.waitForTimeout(60);
      }
      for (let i = 0; i < 10; i++) {
        await page.mouse.wheel(i % 2 ? 80 : -80, 0);
        await page.waitForTimeout(60);
      }
    });

    // ---- brush 1 s in the middle of the trace: what changed, blocking view, flame graph ----
    await step('brush 1 s → what changed, blocking view, flame graph', async () => {
      const g = await page.evaluate(() => {
        const el = document.querySelector('[data-testid="timeline-svg"]')!;
        return { start: Number(el.getAttribute('data-view-start')), end: Number(el.getAttribute('data-view-end')), x0: Number(el.getAttribute('data-plot-x0')), w: Number(el.getAttribute('data-plot-w')) };
      });
      const s = await api<{ sources: { kind: string; axisStartNs?: number; axisEndNs?: number }[] }>('getSession');
      const tr = s.sources.find((x) => x.kind === 'gotrace')!;
      const lo = Math.max(g.start, tr.axisStartNs!);
      const hi = Math.min(g.end, tr.axisEndNs!);
      const mid = (lo + hi) / 2;
      const half = Math.min(0.5e9, (hi - lo) / 4);
      const xOf = (ns: number) => sbox.x + g.x0 + ((ns - g.start) / (g.end - g.start)) * g.w;
      const t = await now(page);
      await page.mouse.move(xOf(mid - half), laneY);
      await page.mouse.down();
      await page.mouse.move(xOf(mid + half), laneY, { steps: 12 });
      await page.mouse.up();
      await waitFn(page, (t) => Number(document.querySelector('[data-testid="blocking-summary"]')?.getAttribute('data-result-at') ?? 0) > t, t);
      await page.getByTestId('panel-changes').scrollIntoViewIfNeeded();
      await waitFn(page, () => document.querySelector('[data-testid="changes"][data-state="ready"]') || /Nothing moved/.test(document.querySelector('[data-testid="panel-changes"]')?.textContent ?? ''), null);
      await waitFn(
        page,
        flameShown,
        t,
      );
      await page.getByTestId('panel-trace-timeline').scrollIntoViewIfNeeded();
      await ttReady();
    });
    await step('blocking view (1 s range): biggest group expanded, lanes scrolled', expandBiggest);
    await step('goroutine analysis of the range', async () => {
      await page.getByTestId('panel-trace').scrollIntoViewIfNeeded();
      await waitFn(page, () => /selected/.test(document.querySelector('[data-testid="trace-details-summary"]')?.textContent ?? ''), null);
    });
    await step('flame graph: profiles switched (net, syscall, sched, cpu, sync)', async () => {
      await page.getByTestId('panel-flame').scrollIntoViewIfNeeded().catch(() => {});
      for (const key of ['net', 'syscall', 'sched', 'cpu', 'sync']) {
        const t = await now(page);
        await page.getByTestId('flame-profile').selectOption(key);
        await waitFn(
          page,
          flameShown,
          t,
        );
      }
    });
    await step('trace timeline over the brush: zoom in ×30, out ×30', async () => {
      await page.getByTestId('panel-trace-timeline').scrollIntoViewIfNeeded();
      const b = (await host.boundingBox())!;
      await page.mouse.move(b.x + b.width * 0.5, b.y + Math.min(200, b.height / 2));
      await wheel(-100, 30);
      await ttReady();
      await wheel(100, 30);
      await ttReady();
    });

    if (cdp) {
      const { profile } = await cdp.send('Profiler.stop');
      writeFileSync(PROFILE!, JSON.stringify(profile));
      console.log(`  CPU profile written to ${PROFILE}`);
    }
    if (TRACE_OUT) {
      await browser.stopTracing();
      console.log(`  performance trace written to ${TRACE_OUT}`);
    }
    // What the page holds: a big DOM is what makes style, layout and paint long.
    const dom = await page.evaluate(() => {
      const out: string[] = [`${document.getElementsByTagName('*').length} elements`];
      for (const p of document.querySelectorAll('[data-testid^="panel-"], [data-testid="timeline"]')) out.push(`${p.getAttribute('data-testid')} ${p.getElementsByTagName('*').length}`);
      return out.join(', ');
    });
    console.log(`  DOM at the end: ${dom}`);
    // What the host sent after ready: every answer is parsed on the page thread.
    const answers = await page.evaluate((from) => {
      const xs = performance.getEntriesByType('resource').filter((e) => e.name.includes('/api/') && e.startTime >= from) as PerformanceResourceTiming[];
      const sizes = xs.map((e) => e.decodedBodySize).sort((a, b) => b - a);
      return { n: xs.length, total: sizes.reduce((a, b) => a + b, 0), top: sizes.slice(0, 3) };
    }, steps[0]!.t0);
    console.log(`  answers after ready: ${answers.n}, ${(answers.total / 1e6).toFixed(1)} MB in all, largest ${answers.top.map((b) => `${(b / 1e6).toFixed(2)} MB`).join(', ')}`);
    const { tasks, gaps } = await page.evaluate(() => (window as unknown as { __lt: { tasks: Task[]; gaps: Task[] } }).__lt);
    const end = await now(page);
    let worst = 0;
    let over100 = 0;
    let over200 = 0;
    console.log(`  ${'step'.padEnd(66)} ${'longest task'.padStart(12)} ${'>100'.padStart(5)} ${'>200'.padStart(5)} ${'longest frame'.padStart(13)}`);
    steps.forEach((s, i) => {
      const to = steps[i + 1]?.t0 ?? end;
      const mine = tasks.filter((t) => t.start >= s.t0 && t.start < to);
      const gapsIn = gaps.filter((t) => t.start >= s.t0 && t.start < to);
      const longest = Math.max(0, ...mine.map((t) => t.dur));
      const frame = Math.max(0, ...gapsIn.map((t) => t.dur));
      const n100 = mine.filter((t) => t.dur > 100).length;
      const n200 = mine.filter((t) => t.dur > 200).length;
      worst = Math.max(worst, longest);
      over100 += n100;
      over200 += n200;
      console.log(`  ${s.name.padEnd(66)} ${`${longest.toFixed(0)} ms`.padStart(12)} ${String(n100).padStart(5)} ${String(n200).padStart(5)} ${`${frame.toFixed(0)} ms`.padStart(13)}`);
    });
    const frameWorst = Math.max(0, ...gaps.filter((t) => t.start >= steps[0]!.t0).map((t) => t.dur));
    const big = statSync(trace).size > 500e6;
    const limit = big ? 200 : 100;
    const bad = big ? over200 : over100;
    console.log(
      `  after ready: longest task ${worst.toFixed(0)} ms, ${over100} over 100 ms, ${over200} over 200 ms; longest frame gap ${frameWorst.toFixed(0)} ms  ` +
        `${bad === 0 && worst <= limit ? 'OK' : `OVER (target: no task over ${limit} ms)`}`,
    );
    return { worst, over100, over200 };
  } finally {
    await browser.close();
    app.stop();
  }
}

for (const t of traces) await runOne(t);

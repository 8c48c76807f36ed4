/**
 * The Chromium half of ui-bench.ts: `tracedeck serve` with the big trace, the big heap profile and the
 * synthetic ss capture, driven as a user would. Every time is the page's own clock
 * (performance.now()), from the user's action to the first frame that shows the result; the
 * longest frame gap (requestAnimationFrame) during each step tells whether the window froze.
 */
import { chromium, type Page } from '@playwright/test';
import { CHROMIUM_ARGS } from '../e2e/playwright.config.ts';
import { startApp, type AppServer } from '../e2e/support.ts';
import type { SessionInfo, SourceInfo } from '../shared/bridge.ts';
import { fromWire, toWire } from '../shared/wire.ts';

const STEP_MS = 1000;
const FRAME_MS = 50;

type Report = (label: string, ms: number, target: number, extra?: string) => void;

/** The blocking view's goroutine group with the most goroutines: its row index and count (-1: none). */
export function biggestTraceGroup(page: Page): Promise<{ index: number; goroutines: number }> {
  return page.evaluate(() => {
    let best = -1;
    let bestN = -1;
    document.querySelectorAll('[data-testid="trace-group"]').forEach((r, i) => {
      const n = Number((r.querySelectorAll('td.num')[0]?.textContent ?? '0').replace(/[^\d]/g, ''));
      if (n > bestN) {
        bestN = n;
        best = i;
      }
    });
    return { index: best, goroutines: bestN };
  });
}

export interface App extends AppServer {
  stop: () => void;
  api: <T>(name: string, arg?: unknown) => Promise<T>;
}

/** `tracedeck serve` as the e2e tests start it, plus a caller for its HTTP bridge. */
export async function startAppWithApi(files: string[], timeoutMs = 180_000): Promise<App> {
  const app = await startApp(files, timeoutMs);
  const u = new URL(app.url);
  const api = async <T>(name: string, arg: unknown = {}): Promise<T> => {
    // The API takes the token in its header, from our own Origin only (electron/server.ts).
    const r = await fetch(`${u.origin}/api/${name}`, { method: 'POST', headers: { 'x-tracedeck-token': u.searchParams.get('token') ?? '', origin: u.origin }, body: toWire(arg) });
    const w = fromWire<{ ok: boolean; result?: T; error?: string }>(await r.text());
    if (!w.ok) throw new Error(`${name}: ${w.error}`);
    return w.result as T;
  };
  return { ...app, stop: () => app.proc.kill('SIGTERM'), api };
}

/**
 * In the page: a rAF loop keeps the longest frame gap since the last reset, and `__until` waits for
 * several named conditions at once, giving the first frame time each held.
 */
function installProbes(): void {
  const w = window as unknown as Record<string, unknown>;
  const state = { last: 0, max: 0, gaps: [] as number[] };
  w.__frames = state;
  w.__lastPointerUp = 0;
  document.addEventListener('pointerup', () => (w.__lastPointerUp = performance.now()), true);
  const loop = (t: number) => {
    if (state.last) {
      const d = t - state.last;
      if (d > state.max) state.max = d;
      state.gaps.push(d);
    }
    state.last = t;
    requestAnimationFrame(loop);
  };
  requestAnimationFrame(loop);
  w.__resetFrames = () => {
    state.max = 0;
    state.gaps = [];
  };
  w.__until = (preds: Record<string, () => unknown>, timeoutMs: number) =>
    new Promise((ok) => {
      const at: Record<string, number> = {};
      const t0 = performance.now();
      const tick = () => {
        const now = performance.now();
        for (const [k, f] of Object.entries(preds)) {
          if (k in at) continue;
          try {
            if (f()) at[k] = now;
          } catch {
            // not there yet
          }
        }
        if (Object.keys(at).length === Object.keys(preds).length || now - t0 > timeoutMs) ok({ at, maxFrame: state.max, gaps: state.gaps.slice() });
        else requestAnimationFrame(tick);
      };
      tick();
    });
}

interface Until {
  at: Record<string, number>;
  maxFrame: number;
  gaps: number[];
}

const now = (page: Page) => page.evaluate(() => performance.now());
const resetFrames = (page: Page) => page.evaluate(() => (window as unknown as { __resetFrames: () => void }).__resetFrames());

function pct(xs: number[], p: number): number {
  if (!xs.length) return 0;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(p * s.length))]!;
}

export async function ui(files: { trace: string; heap: string; ss: string }, report: Report): Promise<number> {
  console.log('\nUI (tracedeck serve + Chromium; page clock; "frame" = longest frame gap during the step)');
  let slow = 0;
  const rep: Report = (label, ms, target, extra) => {
    if (!(ms <= target)) slow++;
    report(label, ms, target, extra);
  };
  const frameNote = (u: { maxFrame: number }) => `longest frame ${u.maxFrame.toFixed(0)} ms${u.maxFrame > FRAME_MS ? ' (FREEZE > 50 ms)' : ''}`;
  const app = await startAppWithApi([files.trace, files.heap, files.ss]);
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: CHROMIUM_ARGS });
  try {
    const ctx = await browser.newContext({ viewport: { width: 1600, height: 1000 }, timezoneId: 'UTC', bypassCSP: true });
    // tsx keeps function names with an `__name` helper that functions sent to the page call.
    await ctx.addInitScript({ content: 'globalThis.__name = (f) => f;' });
    await ctx.addInitScript(installProbes);
    const page = await ctx.newPage();
    page.on('pageerror', (e) => console.log(`  page error: ${e.message}`));
    // UI_BENCH_LOG=1: every bridge request with its round trip (which engine query a step waits on).
    if (process.env.UI_BENCH_LOG) {
      const sent = new Map<object, number>();
      page.on('request', (r) => r.url().includes('/api/') && sent.set(r, performance.now()));
      page.on('requestfinished', (r) => {
        const t = sent.get(r);
        if (t === undefined) return;
        const body = (r.postData() ?? '').slice(0, 140).replace(/"__typed":"\w+","data":\[[^\]]*\]/g, '…');
        console.log(`    [api ${(performance.now() - t).toFixed(0).padStart(5)} ms] ${r.url().replace(/^.*\/api\/(\w+).*$/, '$1')} ${body}`);
      });
    }
    await page.goto(app.url);

    // ---- load: every source ready, then the first paint of every panel ----
    const load = await page.evaluate(
      () =>
        (window as unknown as { __until: (p: Record<string, () => unknown>, t: number) => Promise<Until> }).__until(
          {
            'trace ready': () => document.querySelector('[data-testid="source"][data-kind="gotrace"][data-status="ready"]'),
            'heap ready': () => document.querySelector('[data-testid="source"][data-kind="pprof"][data-status="ready"]'),
            'ss ready': () => document.querySelector('[data-testid="source"][data-kind="ss"][data-status="ready"]'),
            'timeline: trace track': () => document.querySelector('[data-testid="timeline-lane"][data-kind="gotrace"] path.track-area'),
            'timeline: ss track': () => document.querySelector('[data-testid="timeline-lane"][data-kind="ss"] path.track-area'),
            'blocking: trace groups': () => document.querySelector('[data-testid="trace-group"]'),
            'heat map': () => document.querySelector('[data-testid="heatmap"][data-ready="true"] [data-testid="heatmap-plot"]'),
            'flame graph': () => document.querySelector<HTMLElement>('[data-testid="flame-graph"]')?.dataset.paintedAt,
          },
          300_000,
        ),
    );
    const readyOf: Record<string, string> = {
      'timeline: trace track': 'trace ready',
      'timeline: ss track': 'ss ready',
      'blocking: trace groups': 'trace ready',
      'heat map': 'ss ready',
    };
    for (const k of ['trace ready', 'heap ready', 'ss ready']) console.log(`  ${`page load → ${k}`.padEnd(58)} ${(load.at[k] ?? NaN).toFixed(0).padStart(6)} ms`);
    const firstReady = Math.min(load.at['trace ready'] ?? Infinity, load.at['heap ready'] ?? Infinity, load.at['ss ready'] ?? Infinity);
    for (const k of ['timeline: trace track', 'timeline: ss track', 'blocking: trace groups', 'heat map', 'flame graph']) {
      const ready = readyOf[k] ? load.at[readyOf[k]!]! : firstReady;
      rep(`first paint after ready: ${k}`, (load.at[k] ?? NaN) - ready, STEP_MS);
    }
    console.log(`  (longest frame while loading: ${load.maxFrame.toFixed(0)} ms)`);

    // ---- place the capture on the trace (manual alignment, as alt+drag does) ----
    const session = await app.api<SessionInfo>('getSession');
    const trace = session.sources.find((s) => s.kind === 'gotrace')!;
    const ss = session.sources.find((s) => s.kind === 'ss')!;
    const heap = session.sources.find((s) => s.kind === 'pprof')!;
    // The trace sits 60 s into the capture.
    const delta = trace.axisStartNs! - 60e9 - ss.axisStartNs!;
    await app.api('setSourceOffset', { id: ss.id, offsetNs: ss.offsetNs + delta });
    await page.waitForFunction(
      (want) => {
        const svg = document.querySelector('[data-testid="timeline-svg"]');
        return svg && Math.abs(Number(svg.getAttribute('data-view-start')) - want) < 1e9;
      },
      Math.min(trace.axisStartNs!, ss.axisStartNs! + delta),
    );
    const after = await app.api<SessionInfo>('getSession');
    const tr: SourceInfo = after.sources.find((s) => s.id === trace.id)!;

    // ---- timeline zoom onto the trace: wheel steps until the view is about the trace's span ----
    const svg = page.getByTestId('timeline-svg');
    const box = (await svg.boundingBox())!;
    const geo = async () =>
      page.evaluate(() => {
        const el = document.querySelector('[data-testid="timeline-svg"]')!;
        return {
          start: Number(el.getAttribute('data-view-start')),
          end: Number(el.getAttribute('data-view-end')),
          x0: Number(el.getAttribute('data-plot-x0')),
          w: Number(el.getAttribute('data-plot-w')),
        };
      });
    const xOf = (g: Awaited<ReturnType<typeof geo>>, ns: number) => box.x + g.x0 + ((ns - g.start) / (g.end - g.start)) * g.w;
    // Inside the trace's own lane (lanes sit under folder headers; a header or grip would not brush).
    const laneBox = (await page.locator('[data-testid="timeline-lane"]').first().boundingBox())!;
    const laneY = laneBox.y + laneBox.height / 2;
    const traceMid = (tr.axisStartNs! + tr.axisEndNs!) / 2;
    await resetFrames(page);
    let g = await geo();
    const z0 = await now(page);
    let wheels = 0;
    while (g.end - g.start > (tr.axisEndNs! - tr.axisStartNs!) * 1.3 && wheels < 60) {
      await page.mouse.move(xOf(g, traceMid), laneY);
      await page.mouse.wheel(0, -100);
      const before = g.start;
      await page.waitForFunction((b) => Number(document.querySelector('[data-testid="timeline-svg"]')!.getAttribute('data-view-start')) !== b, before);
      g = await geo();
      wheels++;
    }
    const zoomU = (await page.evaluate(() => (window as unknown as { __until: (p: Record<string, () => unknown>, t: number) => Promise<Until> }).__until({ done: () => true }, 1000))) as Until;
    const zoomMs = (await now(page)) - z0;
    rep(`timeline zoom: one wheel step (mean of ${wheels})`, zoomMs / Math.max(1, wheels), STEP_MS, `${frameNote(zoomU)}; 25 min → ${((g.end - g.start) / 1e9).toFixed(0)} s`);

    // ---- wheel and pan steps timed in the page (issue 13: ≤ 50 ms a step): a wheel event dispatched
    // on the strip, until the frame after the one that shows the new view (render + layout + paint),
    // without the driver's round trips. Zoom steps alternate in and out, pans left and right, so the
    // view stays about the trace's span.
    const steps = (await page.evaluate(
      async ({ x, y }) => {
        const el = document.querySelector('[data-testid="timeline-svg"]')!;
        const frame = () => new Promise<number>((ok) => requestAnimationFrame(() => ok(performance.now())));
        const out: { wheel: number[]; pan: number[] } = { wheel: [], pan: [] };
        for (let i = 0; i < 24; i++) {
          for (const kind of ['wheel', 'pan'] as const) {
            await frame();
            const before = el.getAttribute('data-view-start');
            const t0 = performance.now();
            const sign = i % 2 === 0 ? -1 : 1;
            el.dispatchEvent(
              new WheelEvent('wheel', kind === 'wheel' ? { deltaY: 100 * sign, clientX: x, clientY: y, bubbles: true } : { deltaX: 80 * sign, clientX: x, clientY: y, bubbles: true }),
            );
            // React commits the update before a frame; the second frame comes after that one painted.
            while (el.getAttribute('data-view-start') === before && performance.now() - t0 < 2000) await frame();
            await frame();
            out[kind].push(performance.now() - t0);
          }
        }
        return out;
      },
      { x: xOf(g, traceMid), y: laneY },
    )) as { wheel: number[]; pan: number[] };
    rep(`timeline wheel step, in page (median of ${steps.wheel.length})`, pct(steps.wheel, 0.5), 50, `p90 ${pct(steps.wheel, 0.9).toFixed(0)} ms`);
    rep(`timeline pan step, in page (median of ${steps.pan.length})`, pct(steps.pan, 0.5), 50, `p90 ${pct(steps.pan, 0.9).toFixed(0)} ms`);

    // ---- focus the trace: the flame graph shows its sync blocking profile ----
    await resetFrames(page);
    const f0 = await now(page);
    await page.locator(`[data-testid="source"][data-kind="gotrace"]`).click();
    const focusU = await untilIn(page, f0, { flame: 'flame' });
    rep('focus the trace → its flame graph painted', focusU.at.flame! - f0, STEP_MS, frameNote(focusU));

    // ---- expand the biggest goroutine group (whole trace: lanes for up to 2,000 goroutines) ----
    const lanesStep = async (label: string) => {
      const row = await biggestTraceGroup(page);
      const open = page.locator('[data-testid="trace-group"].open');
      if (await open.count()) await open.first().click();
      await resetFrames(page);
      const e0 = await now(page);
      await page.locator('[data-testid="trace-group"]').nth(row.index).click();
      const u = await untilIn(page, e0, { lanes: 'lanes' });
      const rows = Number(await page.getByTestId('goroutine-lanes').getAttribute('data-rows'));
      rep(`${label}: expand a group → lanes drawn`, u.at.lanes! - e0, STEP_MS, `${rows} lanes (group of ${row.goroutines}); ${frameNote(u)}`);
      // Scroll the lanes one step a frame and keep every frame's length.
      const scroll = await page.evaluate(async () => {
        const el = document.querySelector<HTMLElement>('[data-testid="goroutine-lanes"]')!;
        const gaps: number[] = [];
        let last = 0;
        const steps = Math.min(240, Math.ceil((el.scrollHeight - el.clientHeight) / 25));
        for (let i = 0; i <= steps; i++) {
          const t = await new Promise<number>((ok) => requestAnimationFrame(ok));
          if (last) gaps.push(t - last);
          last = t;
          el.scrollTop = Math.min(el.scrollHeight, (i + 1) * 25);
        }
        return gaps;
      });
      const worst = Math.max(0, ...scroll);
      rep(`${label}: scroll the lanes, worst frame (${scroll.length} frames)`, worst, FRAME_MS, `p95 ${pct(scroll, 0.95).toFixed(0)} ms`);
    };
    await lanesStep('whole trace');

    // ---- brush 1 s in the middle of the trace: every view follows ----
    g = await geo();
    // The pan steps above may have left the trace's middle off screen: brush 1 s of the trace in view.
    const shownLo = Math.max(g.start, tr.axisStartNs!) + 0.6e9;
    const shownHi = Math.min(g.end, tr.axisEndNs!) - 0.6e9;
    const brushMid = shownLo <= shownHi ? Math.min(Math.max(traceMid, shownLo), shownHi) : traceMid;
    const bx0 = xOf(g, brushMid - 0.5e9);
    const bx1 = xOf(g, brushMid + 0.5e9);
    await page.mouse.move(bx0, laneY);
    await page.mouse.down();
    await page.mouse.move(bx1, laneY, { steps: 12 });
    await resetFrames(page);
    await page.mouse.up();
    const b0 = await page.evaluate(() => (window as unknown as { __lastPointerUp: number }).__lastPointerUp);
    const brushU = await untilIn(page, b0, { blocking: 'blocking', heat: 'heat', flame: 'flame', changes: 'changes', lanes: 'lanes' });
    for (const [k, label] of [
      ['blocking', 'blocking view (groups of the range)'],
      ['lanes', 'blocking view (open group lanes of the range)'],
      ['heat', 'heat map (selection drawn)'],
      ['flame', 'flame graph (sync blocking in the range)'],
      ['changes', 'what changed'],
    ] as const) {
      rep(`brush 1 s → ${label}`, (brushU.at[k] ?? NaN) - b0, STEP_MS);
    }
    const all = Math.max(...Object.values(brushU.at)) - b0;
    rep('brush 1 s → all four views updated', all, STEP_MS, frameNote(brushU));
    // The heat map zoomed to the selection: a re-query of the range.
    const hz = await now(page);
    const preHeat = await page.evaluate(() => document.querySelector('[data-testid="heatmap-plot"]')?.getAttribute('data-time-axis') ?? '');
    await resetFrames(page);
    await page.getByTestId('heatmap-zoom').check();
    const hzU = await untilIn(page, hz, { heatZoom: 'heatZoom' }, { heat: preHeat });
    rep('heat map: zoom to the selection', (hzU.at.heatZoom ?? NaN) - hz, STEP_MS, frameNote(hzU));
    await lanesStep('1 s range');

    // ---- flame profile switches (trace: net, syscall, sched, cpu, back to sync), then zoom ----
    for (const key of ['net', 'syscall', 'sched', 'cpu', 'sync']) {
      await resetFrames(page);
      const s0 = await now(page);
      await page.getByTestId('flame-profile').selectOption(key);
      const u = await untilIn(page, s0, { flame: 'flame' });
      rep(`flame: switch to ${key}`, (u.at.flame ?? NaN) - s0, STEP_MS, frameNote(u));
    }
    const zoomFlame = async (label: string) => {
      const target = await page.evaluate(() => {
        let best: { name: string; w: number } | null = null;
        for (const el of document.querySelectorAll<SVGGElement>('[data-testid="flame-graph"] g.frame')) {
          const w = Number(el.getAttribute('width'));
          const name = el.getAttribute('name') ?? '';
          if (name !== 'root' && (!best || w > best.w)) best = { name, w };
        }
        return best?.name ?? '';
      });
      await resetFrames(page);
      const t = await page.evaluate((n) => {
        const el = document.querySelector(`[data-testid="flame-graph"] g.frame[name="${CSS.escape(n)}"]`)!;
        const t = performance.now();
        el.dispatchEvent(new MouseEvent('click', { bubbles: true }));
        return t;
      }, target);
      const u = await untilIn(page, t, { flame: 'flame' });
      rep(`flame: ${label}`, (u.at.flame ?? NaN) - t, STEP_MS, frameNote(u));
    };
    await zoomFlame('zoom into the widest frame (trace sync)');

    // ---- the 700k-stack heap profile in the flame graph ----
    await resetFrames(page);
    const h0 = await now(page);
    await page.locator(`[data-testid="source"][data-kind="pprof"]`).click();
    const heapU = await untilIn(page, h0, { flame: 'flame' });
    rep(`focus ${heap.name} → flame graph painted`, (heapU.at.flame ?? NaN) - h0, STEP_MS, frameNote(heapU));
    const heapProfiles = await page.getByTestId('flame-profile').locator('option').evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value));
    for (const key of heapProfiles.filter((k) => k === 'alloc_space' || k === 'inuse_objects')) {
      await resetFrames(page);
      const s0 = await now(page);
      await page.getByTestId('flame-profile').selectOption(key);
      const u = await untilIn(page, s0, { flame: 'flame' });
      rep(`flame (heap): switch to ${key}`, (u.at.flame ?? NaN) - s0, STEP_MS, frameNote(u));
    }
    await zoomFlame('zoom into the widest frame (heap)');
  } finally {
    await browser.close();
    app.stop();
  }
  return slow;
}

type Probe = 'flame' | 'lanes' | 'blocking' | 'heat' | 'heatZoom' | 'changes';

/** Waits (in the page) for each named view to show a result newer than page time `t0`. */
async function untilIn(page: Page, t0: number, probes: Partial<Record<Probe, Probe>>, pre: { heat?: string; blocking?: string } = {}): Promise<Until> {
  return page.evaluate(
    ({ t0, probes, pre }) => {
      const all: Record<string, () => unknown> = {
        flame: () => {
          const painted = Number(document.querySelector<HTMLElement>('[data-testid="flame-graph"]')?.dataset.paintedAt ?? 0);
          const got = Number(document.querySelector<HTMLElement>('[data-testid="flame-panel"]')?.dataset.resultAt ?? 0);
          return got > t0 && painted > got;
        },
        lanes: () => {
          const el = document.querySelector<HTMLElement>('[data-testid="goroutine-lanes"]');
          return el && Number(el.dataset.drawnAt ?? 0) > t0;
        },
        blocking: () => Number(document.querySelector('[data-testid="blocking-summary"]')?.getAttribute('data-result-at') ?? 0) > t0,
        heat: () => {
          const plot = document.querySelector<HTMLElement>('[data-testid="heatmap-plot"]');
          return plot && plot.dataset.selection && Number(plot.dataset.selectionAt ?? 0) > t0;
        },
        heatZoom: () => {
          const root = document.querySelector('[data-testid="heatmap"]');
          const axis = document.querySelector('[data-testid="heatmap-plot"]')?.getAttribute('data-time-axis') ?? '';
          return root?.getAttribute('data-ready') === 'true' && axis !== (pre.heat ?? '');
        },
        changes: () =>
          document.querySelector('[data-testid="changes"][data-state="ready"]') ||
          /Nothing moved/.test(document.querySelector('[data-testid="panel-changes"]')?.textContent ?? ''),
      };
      const preds: Record<string, () => unknown> = {};
      for (const k of Object.keys(probes)) preds[k] = all[k]!;
      return (window as unknown as { __until: (p: Record<string, () => unknown>, t: number) => Promise<Until> }).__until(preds, 120_000);
    },
    { t0, probes, pre },
  );
}

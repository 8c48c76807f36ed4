/**
 * `tracedeck export FILES… --view flame|heatmap|blocking|timeline|trace|workspace [--range START..END]
 * [--sample-type T] [--out FILE.png|.svg] [--scale 1|2] [--bundle DIR|FILE.zip]`
 *
 * Renders without a window: the browser-mode server runs in this process, headless Chromium loads
 * the app, and the page's own exporter (renderer/src/export) draws the picture — the same code as
 * the Export menu, so CI pictures and the ones users save match.
 *
 * Plain Node; never imports 'electron'.
 */
import { accessSync, constants, existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, extname, resolve } from 'node:path';
import { Host } from './host/handlers.ts';
import { startServer } from './server.ts';
import { DEMO_DIR, RENDERER_DIST } from './paths.ts';
import { ensureRendererBuilt } from './renderer-build.ts';
import { engineWorkerScript } from './worker-build.ts';
import { CHROMIUM_ARGS, chromiumPath } from './chromium.ts';

export const EXPORT_USAGE = `usage:
  tracedeck export FILE… --view flame|heatmap|blocking|timeline|trace|workspace
                   [--range START..END] [--sample-type T] [--out FILE.png|FILE.svg] [--scale 1|2] [--bundle DIR|FILE.zip]
    START/END: seconds from the session start (2.5, 300ms) or ISO times (2026-11-22T19:37:20Z)
    --bundle: a postmortem folder, or one .zip when the name ends in .zip`;

const VIEWS = ['flame', 'heatmap', 'blocking', 'timeline', 'trace', 'workspace'] as const;
type View = (typeof VIEWS)[number];


export interface ExportArgs {
  files: string[];
  view: View;
  range?: [string, string];
  sampleType?: string;
  out?: string;
  scale: number;
  bundle?: string;
}

export class UsageError extends Error {}

export function parseExportArgs(args: string[]): ExportArgs {
  const a: ExportArgs = { files: [], view: 'workspace', scale: 1 };
  let sawView = false;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const eq = arg.indexOf('=');
    const [flag, inline] = arg.startsWith('--') && eq > 0 ? [arg.slice(0, eq), arg.slice(eq + 1)] : [arg, undefined];
    const value = () => {
      const v = inline ?? args[++i];
      if (v === undefined) throw new UsageError(`${flag} needs a value`);
      return v;
    };
    switch (flag) {
      case '--view': {
        const v = value();
        if (!(VIEWS as readonly string[]).includes(v)) throw new UsageError(`--view must be one of ${VIEWS.join(', ')}`);
        a.view = v as View;
        sawView = true;
        break;
      }
      case '--range': {
        const v = value();
        const m = /^(.+?)\.\.(.+)$/.exec(v);
        if (!m) throw new UsageError(`--range must be START..END (got ${v})`);
        a.range = [m[1]!, m[2]!];
        break;
      }
      case '--sample-type':
        a.sampleType = value();
        break;
      case '--out':
        a.out = value();
        if (!/\.(png|svg)$/i.test(a.out)) throw new UsageError('--out must end in .png or .svg');
        break;
      case '--scale':
        a.scale = Number(value());
        if (a.scale !== 1 && a.scale !== 2) throw new UsageError('--scale must be 1 or 2');
        break;
      case '--bundle':
        a.bundle = value();
        break;
      default:
        if (arg.startsWith('-')) throw new UsageError(`unknown option ${arg}`);
        a.files.push(arg);
    }
  }
  if (a.files.length === 0) throw new UsageError('no files to export');
  if (!sawView) throw new UsageError('--view is required');
  if (!a.out && !a.bundle) a.out = `tracedeck-${a.view}.png`;
  return a;
}

function checkReadable(file: string): string | null {
  try {
    accessSync(file, constants.R_OK);
    if (!statSync(file).isFile()) return 'not a file';
    return null;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code ?? (e as Error).message;
  }
}

const log = (msg: string) => console.error(msg);

export async function cmdExport(argv: string[]): Promise<number> {
  let args: ExportArgs;
  try {
    args = parseExportArgs(argv);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    console.error(`tracedeck export: ${e.message}\n${EXPORT_USAGE}`);
    return 2;
  }
  for (const f of args.files) {
    const bad = checkReadable(f);
    if (bad) {
      console.error(`tracedeck export: cannot read ${f}: ${bad}`);
      return 1;
    }
  }
  const browserPath = chromiumPath();
  if (!existsSync(browserPath)) {
    console.error(`tracedeck export: Chromium not found at ${browserPath} (install chromium or set CHROMIUM_PATH)`);
    return 1;
  }

  await ensureRendererBuilt(log);
  const host = new Host({ workerScript: await engineWorkerScript(log), demoDir: DEMO_DIR });
  const server = await startServer({ host, rendererDir: RENDERER_DIST });
  let browser: { close(): Promise<void> } | null = null;
  try {
    await host.handle('openPaths', { paths: args.files.map((f) => resolve(f)) });
    await host.store.settled();
    const failed = host.store.snapshot().sources.filter((s) => s.status === 'error');
    if (failed.length) {
      for (const s of failed) console.error(`tracedeck export: cannot read ${s.name}: ${s.error}`);
      return 1;
    }

    const { chromium } = await import('@playwright/test');
    let b;
    try {
      b = await chromium.launch({ executablePath: browserPath, args: CHROMIUM_ARGS });
    } catch (e) {
      console.error(`tracedeck export: cannot start Chromium at ${browserPath}: ${(e as Error).message.split('\n')[0]}`);
      return 1;
    }
    browser = b;
    const page = await b.newPage({ viewport: { width: 1440, height: 900 }, deviceScaleFactor: 1, ...(process.env.TZ ? { timezoneId: process.env.TZ } : {}) });
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await page.goto(server.url);
    await page.waitForFunction(() => !!window.__tracedeckExport, undefined, { timeout: 30_000 });
    await page.evaluate(() => window.__tracedeckExport!.sourcesSettled());
    await page.evaluate((v) => window.__tracedeckExport!.focusSourceFor(v), args.view);
    if (args.range) {
      const [s, e] = args.range;
      try {
        await page.evaluate(([a, b2]) => window.__tracedeckExport!.setRange(a, b2), [s, e] as const);
      } catch (err) {
        console.error(`tracedeck export: --range: ${(err as Error).message.replace(/^.*Error: /s, '')}`);
        return 2;
      }
    }
    if (args.sampleType) {
      const sel = page.getByTestId('flame-profile');
      await sel.waitFor({ timeout: 20_000 }).catch(() => {});
      const options = (await sel.count()) ? await sel.locator('option').evaluateAll((os) => os.map((o) => ({ value: (o as HTMLOptionElement).value, label: o.textContent ?? '' }))) : [];
      const t = args.sampleType.toLowerCase();
      const hit = options.find((o) => o.value.toLowerCase() === t) ?? options.find((o) => o.label.toLowerCase().includes(t));
      if (!hit) {
        console.error(`tracedeck export: no sample type "${args.sampleType}" in the flame graph (have: ${options.map((o) => o.value).join(', ') || 'none'})`);
        return 2;
      }
      await sel.selectOption(hit.value);
    }
    await waitForView(page, args.view);

    if (args.out) {
      const out = resolve(args.out);
      const format = extname(out).toLowerCase() === '.svg' ? 'svg' : 'png';
      const r = await page.evaluate(([v, f, s]) => window.__tracedeckExport!.render(v, f, s), [args.view, format, args.scale] as const);
      mkdirSync(dirname(out), { recursive: true });
      writeFileSync(out, Buffer.from(r.base64, 'base64'));
      console.log(`wrote ${out} (${r.width}×${r.height})`);
    }
    if (args.bundle) {
      const dir = await page.evaluate((d) => window.__tracedeckExport!.bundle(d), resolve(args.bundle));
      console.log(`wrote bundle ${dir}`);
    }
    if (pageErrors.length) console.error(`tracedeck export: page errors: ${pageErrors.join('; ')}`);
    return 0;
  } finally {
    await browser?.close().catch(() => {});
    await server.close();
    host.dispose();
  }
}

type Page = import('@playwright/test').Page;

/** Waits until the view has drawn its data, then until the page stops changing. */
async function waitForView(page: Page, view: View): Promise<void> {
  const wait = (sel: string) => page.locator(sel).first().waitFor({ timeout: 30_000 }).catch(() => {});
  if (view === 'flame' || view === 'workspace') await wait('[data-testid="flame-panel"][data-state="ready"] [data-testid="flame-graph"] svg, [data-testid="flame-empty"], [data-testid="panel-flame"] p.muted');
  if (view === 'heatmap' || view === 'workspace') await wait('[data-testid="heatmap"][data-ready="true"], [data-testid="heatmap-empty"]');
  if (view === 'timeline' || view === 'workspace') await wait('[data-testid="timeline-lane"]');
  if (view === 'blocking' || view === 'workspace') await wait('[data-testid="panel-blocking"]');
  // The trace timeline: its canvas drew an answer for the lanes in view.
  if (view === 'trace') await wait('[data-testid="trace-timeline-canvas-host"][data-ready="true"], [data-testid="panel-trace-timeline"][data-empty="true"]');
  // Quiet: the text on the page stays the same for 400 ms (tables and tracks arrive asynchronously).
  let last = '';
  let stableSince = Date.now();
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    const now = await page.evaluate(() => `${document.body.innerText.length}:${document.querySelectorAll('*').length}:${document.body.innerText.includes('Loading')}`);
    if (now !== last) {
      last = now;
      stableSince = Date.now();
    } else if (Date.now() - stableSince >= 400 && !now.endsWith(':true')) break;
    await page.waitForTimeout(100);
  }
}

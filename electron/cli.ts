/**
 * `tracedeck` — the command line.
 *
 *   tracedeck [FILES…]                       open the app on FILES (the demo incident when none)
 *   tracedeck serve [--port N] [--no-open] [FILES…]   browser mode on 127.0.0.1
 *   tracedeck inspect FILE… [--json]         print what each file is and its figures, no UI (one engine process per file)
 *   tracedeck goroutines TRACE [--json]      per-goroutine time of a trace (cli-goroutines.ts)
 *   tracedeck mmu TRACE [--flags …] [--window D] [--json]   minimum mutator utilization, as Go's /mmu (cli-mmu.ts)
 *   tracedeck export FILE… --view V [...]     render a view to PNG/SVG (or a bundle) headless
 *   tracedeck collect HOST… [...]             collect ss snapshots / pprof over SSH into a folder (cli-collect.ts)
 *   tracedeck diagnose FILE|DIR… [--json]    ranked findings (incident patterns) with evidence
 *   tracedeck top FILE… [--json] [...]        pprof's top table, equal to `go tool pprof -top` (cli-top.ts)
 *
 * Plain Node (runs under tsx): never imports 'electron'.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { disposeSpareWorkers, startEngine, type Engine } from './host/engine.ts';
import type { SourceHeader } from './host/engine-protocol.ts';
import { DEMO_DIR, PROJECT_ROOT, RENDERER_DIST } from './paths.ts';
import { engineWorkerScript, partWorkerScript } from './worker-build.ts';

// Every other command is imported when it runs: `inspect` (a process per call, often in scripts)
// then loads neither the server, SSH, export nor their packages (ws, ssh2, valibot: ~0.1 s of CPU).
// The bundle (scripts/cli-bundle.mjs) keeps them in chunks of their own.
const commands = {
  export: () => import('./export-cli.ts'),
  collect: () => import('./cli-collect.ts'),
  diagnose: () => import('./cli-diagnose.ts'),
  top: () => import('./cli-top.ts'),
  list: () => import('./cli-list.ts'),
  goroutines: () => import('./cli-goroutines.ts'),
  mmu: () => import('./cli-mmu.ts'),
};

async function usage(): Promise<string> {
  const [{ EXPORT_USAGE }, { COLLECT_USAGE }, { DIAGNOSE_USAGE }, { TOP_USAGE }, { LIST_USAGE }, { GOROUTINES_USAGE }, { MMU_USAGE }] = await Promise.all([
    commands.export(),
    commands.collect(),
    commands.diagnose(),
    commands.top(),
    commands.list(),
    commands.goroutines(),
    commands.mmu(),
  ]);
  return `usage:
  tracedeck [FILES…]                              open the app on FILES (the bundled demo incident when none)
  tracedeck serve [--port N] [--no-open] [FILES…] browser mode: serve the app on 127.0.0.1
  tracedeck inspect FILE… [--json]                print the kind, format and figures of each file
${GOROUTINES_USAGE}
${MMU_USAGE}
${DIAGNOSE_USAGE}
${EXPORT_USAGE.replace(/^usage:\n/, '')}
${TOP_USAGE.replace(/^usage:\n/, '')}
${LIST_USAGE.replace(/^usage:\n/, '')}
${COLLECT_USAGE.replace(/^usage:\n/, '')}`;
}

interface InspectRow {
  file: string;
  kind: string;
  format?: string;
  error?: string;
  [k: string]: unknown;
}

/**
 * Files are parsed in engine processes, as in the app: a file that aborts or exhausts its engine
 * becomes an error row (with the reason) and the other files are still inspected. An engine goes on
 * to the next file only after one that read cleanly (starting a process costs more than parsing a
 * small file); after any error the next file gets a fresh one. A few run at once; rows keep the order.
 * A big new-format trace is first read in two parts at once by worker threads of this process
 * (trace-figures-file.ts traceFiguresSplit: no engine to start, and this thread only waits); when the
 * parts do not join, an engine reads it as any other file.
 */
export async function inspectFiles(files: string[], workerScript?: string): Promise<InspectRow[]> {
  const script = workerScript ?? (await engineWorkerScript((msg) => console.error(msg)));
  const partWorker = partWorkerScript(script);
  const { traceFiguresSplit } = await import('./host/trace-figures-file.ts');
  const rows: InspectRow[] = new Array(files.length);
  let next = 0;
  const lane = async (): Promise<void> => {
    let engine: Engine | null = null;
    for (let i = next++; i < files.length; i = next++) {
      const file = files[i]!;
      const path = resolve(file);
      try {
        const split = await traceFiguresSplit(path, { partWorker });
        if (split !== null) {
          rows[i] = { file, kind: 'gotrace', format: split.format, partial: split.partial, ...split.figures, warnings: split.warnings };
          continue;
        }
        let h: SourceHeader;
        if (engine) {
          h = await engine.reload(path);
        } else {
          engine = startEngine(script, { path, figuresOnly: true }, () => {}, { spare: false });
          h = await engine.ready;
        }
        rows[i] = { file, kind: h.kind, format: h.format, partial: h.partial, ...h.figures, warnings: h.warnings };
        // An engine that read only a trace's figures reloads a next file in full: a fresh one reads figures.
        if (h.figuresOnly === true) {
          engine.dispose();
          engine = null;
        }
      } catch (e) {
        rows[i] = { file, kind: 'error', error: (e as Error).message };
        engine?.dispose();
        engine = null;
      }
    }
    engine?.dispose();
  };
  try {
    await Promise.all(Array.from({ length: Math.min(Math.max(1, Math.min(4, availableParallelism())), files.length) }, lane));
  } finally {
    disposeSpareWorkers();
  }
  return rows;
}

async function cmdInspect(args: string[]): Promise<number> {
  const json = args.includes('--json');
  const files = args.filter((a) => a !== '--json');
  if (files.length === 0) {
    console.error(await usage());
    return 2;
  }
  const rows = await inspectFiles(files);
  if (json) {
    process.stdout.write(JSON.stringify(rows, null, 2) + '\n');
  } else {
    for (const r of rows) {
      if (r.kind === 'error') {
        console.log(`${r.file}: error: ${r.error}`);
        continue;
      }
      const { file, kind, format, warnings, ...figures } = r;
      console.log(`${file}: ${kind} (${format})`);
      for (const [k, v] of Object.entries(figures)) {
        if (k === 'top' || v === undefined) continue;
        console.log(`  ${k}: ${typeof v === 'object' ? JSON.stringify(v) : String(v)}`);
      }
      for (const w of (warnings as string[] | undefined) ?? []) console.log(`  warning: ${w}`);
    }
  }
  return rows.some((r) => r.kind === 'error') ? 1 : 0;
}

/**
 * A page that sends the browser on to `url`, in a private folder (0700, file 0600): the browser is
 * started with this file's path, so the token never appears on a command line (`ps` shows those to
 * every local user). Deleted after a minute, or when we exit.
 */
export function launchPage(url: string): { path: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'tracedeck-open-'));
  const path = join(dir, 'open-tracedeck.html');
  const href = url.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  writeFileSync(path, `<!doctype html><meta charset="utf-8"><meta name="referrer" content="no-referrer"><meta http-equiv="refresh" content="0;url=${href}"><title>TraceDeck</title><a href="${href}">Open TraceDeck</a>\n`, { mode: 0o600, flag: 'wx' });
  const remove = () => rmSync(dir, { recursive: true, force: true });
  return { path, remove };
}

function openBrowser(url: string): boolean {
  for (const cmd of ['xdg-open', 'open']) {
    const which = spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' });
    if (which.status === 0 && process.env.DISPLAY) {
      const page = launchPage(url);
      spawn(cmd, [page.path], { stdio: 'ignore', detached: true }).unref();
      setTimeout(page.remove, 60_000).unref();
      process.once('exit', page.remove);
      return true;
    }
  }
  return false;
}

async function cmdServe(args: string[], announce?: string): Promise<number> {
  let port: number | undefined;
  let open = true;
  const files: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--port') port = Number(args[++i]);
    else if (a.startsWith('--port=')) port = Number(a.slice(7));
    else if (a === '--no-open') open = false;
    else if (a === '--demo') files.push('--demo');
    else files.push(a);
  }
  if (port !== undefined && !(Number.isInteger(port) && port >= 0 && port < 65536)) {
    console.error(`tracedeck: bad --port ${port}`);
    return 2;
  }
  const [{ ensureRendererBuilt }, { Host }, { startServer }] = await Promise.all([import('./renderer-build.ts'), import('./host/handlers.ts'), import('./server.ts')]);
  await ensureRendererBuilt((msg) => console.error(msg));
  const workerScript = await engineWorkerScript((msg) => console.error(msg));
  const host = new Host({ workerScript, demoDir: DEMO_DIR });
  const server = await startServer({ host, rendererDir: RENDERER_DIST, port });
  if (files.includes('--demo')) await host.handle('openDemo', {});
  const paths = files.filter((f) => f !== '--demo').map((f) => resolve(f));
  if (paths.length) await host.handle('openPaths', { paths });
  if (announce) console.log(announce);
  console.log(`TraceDeck (browser mode) is serving on ${server.url}`);
  if (open && !openBrowser(server.url)) console.log('Open that URL in a browser (no system browser found to open it).');
  const stop = async () => {
    await server.close();
    host.dispose();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  return new Promise<number>(() => {}); // serve until killed
}

async function cmdOpen(files: string[]): Promise<number> {
  const { probeElectron } = await import('./electron-binary.ts');
  const probe = probeElectron(PROJECT_ROOT);
  const args = files.length ? files.map((f) => resolve(f)) : ['--demo'];
  if (probe.ok) {
    const launcher = join(PROJECT_ROOT, 'scripts', 'with-node22.mjs');
    const child = spawn(process.execPath, [launcher, 'electron-forge', 'start', '--', ...args], { stdio: 'inherit', cwd: PROJECT_ROOT });
    return new Promise((r) => child.on('exit', (code) => r(code ?? 1)));
  }
  return cmdServe(args, `Electron is not available (${probe.reason}); starting browser mode instead.`);
}

export async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  if (cmd === '--help' || cmd === '-h' || cmd === 'help') {
    console.log(await usage());
    return 0;
  }
  if (cmd === 'inspect') return cmdInspect(rest);
  if (cmd === 'goroutines') return (await commands.goroutines()).cmdGoroutines(rest, await usage());
  if (cmd === 'mmu') return (await commands.mmu()).cmdMmu(rest, await usage());
  if (cmd === 'export') return (await commands.export()).cmdExport(rest);
  if (cmd === 'collect') return (await commands.collect()).cmdCollect(rest);
  if (cmd === 'diagnose') return (await commands.diagnose()).cmdDiagnose(rest);
  if (cmd === 'top') return (await commands.top()).cmdTop(rest);
  if (cmd === 'list' || cmd === 'peek') return (await commands.list()).cmdList(cmd, rest);
  if (cmd === 'serve') return cmdServe(rest);
  if (cmd === 'open') return cmdOpen(rest);
  const files = argv.filter((a) => a !== '--');
  for (const f of files) {
    if (f.startsWith('-') || !existsSync(f)) {
      console.error(`tracedeck: ${f.startsWith('-') ? 'unknown option' : 'no such file'}: ${f}\n${await usage()}`);
      return 2;
    }
  }
  return cmdOpen(files);
}

// Run as a script itself (`node dist/tracedeck-cli.mjs inspect FILE`, as a benchmark times the bundle
// without bin/tracedeck.mjs's staleness check), it does what bin/tracedeck.mjs does with it.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) process.exitCode = await main(process.argv.slice(2));

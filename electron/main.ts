/**
 * Electron shell: the window, menus, file dialogs, files from the command line; thin. Everything
 * else (ingest, queries, sessions) lives in electron/host and is shared with browser mode.
 */
import { app, BrowserWindow, Menu, dialog, ipcMain, protocol, session, shell, utilityProcess, type MenuItemConstructorOptions, type SaveDialogOptions, type WebContents } from 'electron';
import { join } from 'node:path';
import { writeFile } from 'node:fs/promises';
import { Host } from './host/handlers.ts';
import { registerIpc, sendEvent } from './ipc.ts';
import { readRecent } from './host/recent.ts';
import { exportMenuTemplate } from './export-menu.ts';
import { configureEngines } from './host/engine.ts';
import type { EngineExit, EngineSpawner, FromEngine } from './host/engine-protocol.ts';
import { CONTENT_SECURITY_POLICY } from './csp.ts';
import { APP_BASE_URL, APP_ENTRY_URL, APP_SCHEME, isOwnPageUrl, pageBase, serveAppRequest } from './app-protocol.ts';

declare const MAIN_WINDOW_VITE_DEV_SERVER_URL: string | undefined;
declare const MAIN_WINDOW_VITE_NAME: string;

const RECENT_MAX = 10;
const recent: string[] = [];

/**
 * Where the window's page comes from: the Vite dev server in development, else app://tracedeck/
 * (app-protocol.ts) serving the built renderer folder, never file://. `base` is the URL prefix, ending
 * in `/`, that every check of "is this our page" compares against (isOwnPageUrl).
 */
function rendererEntry(): { url: string; base: string } {
  if (typeof MAIN_WINDOW_VITE_DEV_SERVER_URL === 'string' && MAIN_WINDOW_VITE_DEV_SERVER_URL) {
    return { url: MAIN_WINDOW_VITE_DEV_SERVER_URL, base: pageBase(MAIN_WINDOW_VITE_DEV_SERVER_URL) };
  }
  return { url: APP_ENTRY_URL, base: APP_BASE_URL };
}

/** The built renderer folder app:// serves (Forge's Vite plugin writes it beside the main bundle). */
function rendererDir(): string {
  return join(__dirname, `../renderer/${MAIN_WINDOW_VITE_NAME}`);
}

function filesFromArgv(argv: string[]): string[] {
  const i = argv.indexOf('--');
  const args = i >= 0 ? argv.slice(i + 1) : argv.slice(app.isPackaged ? 1 : 2);
  return args.filter((a) => !a.startsWith('-') || a === '--demo' || a === '--no-demo');
}

function buildMenu(win: BrowserWindow, host: Host) {
  const open = async () => {
    const r = await dialog.showOpenDialog(win, { properties: ['openFile', 'multiSelections'] });
    if (!r.canceled && r.filePaths.length) {
      for (const p of r.filePaths) if (!recent.includes(p)) recent.unshift(p);
      recent.splice(RECENT_MAX);
      await host.handle('openPaths', { paths: r.filePaths });
      buildMenu(win, host);
    }
  };
  const template: MenuItemConstructorOptions[] = [
    {
      label: 'File',
      submenu: [
        { label: 'Open…', accelerator: 'CmdOrCtrl+O', click: () => void open() },
        {
          label: 'Open Recent',
          // The host's list (files and sessions, kept across launches; shared with the empty state).
          submenu: readRecent().length
            ? readRecent().map((r) => ({ label: r.kind === 'session' ? `${r.path} (session)` : r.path, click: () => void host.handle('openPaths', { paths: [r.path] }) }))
            : [{ label: 'No recent files', enabled: false }],
        },
        { label: 'Open Demo Incident', click: () => void host.handle('openDemo', {}) },
        { type: 'separator' },
        // Runs the page's own exporter (see export-menu.ts).
        { label: 'Export', submenu: exportMenuTemplate((command) => sendEvent(win, 'menuCommand', { command })) },
        {
          label: 'Close Source',
          accelerator: 'CmdOrCtrl+W',
          click: () => {
            const last = host.store.snapshot().sources.at(-1);
            if (last) void host.handle('removeSource', { id: last.id });
          },
        },
        { type: 'separator' },
        { role: 'quit' },
      ],
    },
    { role: 'editMenu' },
    {
      label: 'View',
      submenu: [
        { role: 'reload' },
        ...(app.isPackaged ? [] : [{ role: 'toggleDevTools' as const }]),
        { type: 'separator' },
        { role: 'resetZoom' },
        { role: 'zoomIn' },
        { role: 'zoomOut' },
        { role: 'togglefullscreen' },
      ],
    },
  ];
  Menu.setApplicationMenu(Menu.buildFromTemplate(template));
}

/**
 * Engines in the app run as Electron utility processes, one per source (what the CLI and browser mode
 * do with child_process.fork; host/engine-process.ts): a crash or out-of-memory in one parse ends that
 * process, never this one. Electron's own verdict on a process's end (child-process-gone, e.g. "oom")
 * is matched to the engine by its unique service name.
 */
const engineEnds = new Map<string, string>();
app.on('child-process-gone', (_e, d) => {
  if (d.type === 'Utility' && d.name?.startsWith('TraceDeck engine')) engineEnds.set(d.name, d.reason);
});
let engineSeq = 0;
const utilityEngine: EngineSpawner = (script, { maxHeapMb }) => {
  const name = `TraceDeck engine ${++engineSeq}`;
  const child = utilityProcess.fork(script, [], { execArgv: [`--max-old-space-size=${Math.round(maxHeapMb)}`], serviceName: name, stdio: ['ignore', 'inherit', 'pipe'] });
  let tail = '';
  child.stderr?.on('data', (d: Buffer | string) => {
    process.stderr.write(d);
    tail = (tail + String(d)).slice(-8192);
  });
  const exitListeners: ((e: EngineExit) => void)[] = [];
  child.once('exit', (code) => {
    // child-process-gone and the last stderr bytes may come just after 'exit'.
    setTimeout(() => {
      const exit: EngineExit = { code, signal: null, stderrTail: tail, reason: engineEnds.get(name) };
      engineEnds.delete(name);
      for (const fn of exitListeners) fn(exit);
    }, 200);
  });
  return {
    get pid() {
      return child.pid;
    },
    send: (m) => child.postMessage(m),
    onMessage: (fn) => void child.on('message', (m: FromEngine) => fn(m)),
    onExit: (fn) => void exitListeners.push(fn),
    kill: () => void child.kill(),
    setRef: () => {}, // the app's lifetime is the window's, not its child processes'
  };
};

async function createWindow() {
  configureEngines({ spawner: utilityEngine });
  const host = new Host({
    workerScript: join(__dirname, 'engine-worker.cjs'),
    demoDir: app.isPackaged ? join(process.resourcesPath, 'demo') : join(app.getAppPath(), 'assets', 'demo'),
    // Session files go through a native save dialog (browser mode downloads them).
    saveDialog: async (defaultName, text) => {
      const opts = { defaultPath: defaultName, filters: [{ name: 'TraceDeck session', extensions: ['tracedeck'] }] };
      const owner = BrowserWindow.getFocusedWindow();
      const r = owner ? await dialog.showSaveDialog(owner, opts) : await dialog.showSaveDialog(opts);
      if (r.canceled || !r.filePath) return null;
      await writeFile(r.filePath, text);
      return r.filePath;
    },
    // Bundles: the user names the folder (created) or the .zip.
    bundleDialog: async (defaultPath, zip) => {
      const opts: SaveDialogOptions = {
        title: zip ? 'Save postmortem bundle (.zip)' : 'Save postmortem bundle (a new folder)',
        defaultPath,
        buttonLabel: 'Write Bundle',
        properties: ['createDirectory', 'showOverwriteConfirmation'],
        ...(zip ? { filters: [{ name: 'ZIP archive', extensions: ['zip'] }] } : {}),
      };
      const owner = BrowserWindow.getFocusedWindow();
      const r = owner ? await dialog.showSaveDialog(owner, opts) : await dialog.showSaveDialog(opts);
      return r.canceled || !r.filePath ? null : r.filePath;
    },
  });
  const win = new BrowserWindow({
    width: 1400,
    height: 900,
    title: 'TraceDeck',
    webPreferences: {
      preload: join(__dirname, 'preload.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      spellcheck: false,
    },
  });
  const entry = rendererEntry();
  session.defaultSession.webRequest.onHeadersReceived((details, cb) => {
    cb({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] } });
  });
  // Every permission is refused except writing images to the clipboard (Copy image), and that only
  // for our own page in our own window.
  const ownPage = (wc: WebContents | null, url: string | undefined) => !!wc && wc.id === win.webContents.id && isOwnPageUrl(url, entry.base);
  session.defaultSession.setPermissionRequestHandler((wc, perm, cb, details) => cb(perm === 'clipboard-sanitized-write' && details.isMainFrame && ownPage(wc, details.requestingUrl)));
  session.defaultSession.setPermissionCheckHandler((wc, perm, _origin, details) => perm === 'clipboard-sanitized-write' && details.isMainFrame && ownPage(wc, details.requestingUrl));
  win.webContents.setWindowOpenHandler(({ url }) => {
    if (/^https:\/\//.test(url)) void shell.openExternal(url);
    return { action: 'deny' };
  });
  // The page never leaves our own pages (a link, a form, a script setting location, a redirect).
  win.webContents.on('will-navigate', (e, url) => {
    if (!isOwnPageUrl(url, entry.base)) e.preventDefault();
  });
  win.webContents.on('will-redirect', (e, url) => {
    if (!isOwnPageUrl(url, entry.base)) e.preventDefault();
  });
  const offIpc = registerIpc(ipcMain, host, win, entry.base);
  buildMenu(win, host);
  win.on('closed', () => {
    offIpc();
    host.dispose();
  });
  await win.loadURL(entry.url);
  const files = filesFromArgv(process.argv);
  // No files: the demo incident (`--no-demo` starts empty, for tests).
  if ((files.length === 0 || files.includes('--demo')) && !files.includes('--no-demo')) await host.handle('openDemo', {});
  const paths = files.filter((f) => !f.startsWith('--'));
  if (paths.length) await host.handle('openPaths', { paths });
}

// app:// must be privileged before the app is ready: standard (an origin, relative URLs), secure (a
// secure context, like https), fetch allowed. Not corsEnabled: that would let other origins read it.
protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true } }]);

app.enableSandbox();
app.whenReady().then(() => {
  protocol.handle(APP_SCHEME, (req) => serveAppRequest(rendererDir(), req.url, req.method));
  return createWindow();
});
app.on('window-all-closed', () => app.quit());
app.on('web-contents-created', (_e, wc) => {
  wc.on('will-attach-webview', (e) => e.preventDefault());
});

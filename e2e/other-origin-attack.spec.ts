/**
 * Another web page on this machine (a second server on another 127.0.0.1 port, so "same-site" for
 * cookies) tries to drive browser mode while the user's TraceDeck page is open in the same browser:
 * open a local file, open a session, write a bundle where it chooses, listen to the events. Every
 * attempt must be refused, and nothing may be opened or written.
 */
import { createServer, type Server } from 'node:http';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';
import { test, expect, fixture, dropFiles, sourceRow } from './support.ts';
import { launchPage } from '../electron/cli.ts';
import { fromWire, toWire } from '../shared/wire.ts';

// Where the app would write bundles without a dir and its recent list: private folders, checked below.
const state = mkdtempSync(join(tmpdir(), 'tracedeck-attack-e2e-'));
process.env.TRACEDECK_BUNDLE_DIR = join(state, 'default-bundles');
process.env.TRACEDECK_CONFIG_DIR = join(state, 'config');
const TARGET = join(state, 'written-by-attacker');
test.afterAll(() => rmSync(state, { recursive: true, force: true }));

/** The attacker's page: every attack it can make from its own origin, results kept in window.attack. */
function attackPage(appOrigin: string, target: string, victimFile: string): string {
  const session = toWire({
    bytes: new Uint8Array(
      new TextEncoder().encode(
        JSON.stringify({ 'tracedeck-session': 2, savedAt: '2026-11-22T12:00:00Z', app: 'x', originEpochNs: null, sources: [{ name: 'victim', origin: { type: 'file', path: victimFile }, sizeBytes: -1, sha256: '0'.repeat(64), offsetNs: 0, data: { type: 'path', path: victimFile } }], ui: { selection: null, annotations: [], views: {} } }),
      ),
    ),
  });
  const calls = {
    openPaths: JSON.stringify({ paths: [victimFile] }),
    openSession: session,
    exportBundle: JSON.stringify({ dir: target, images: [], uiState: { selection: null, annotations: [], views: {} } }),
    exportBundleDefault: JSON.stringify({ images: [], uiState: { selection: null, annotations: [], views: {} } }),
  };
  return `<!doctype html><title>totally unrelated page</title>
<iframe name="sink" style="display:none"></iframe>
<form id="f" method="POST" enctype="text/plain" target="sink" action="${appOrigin}/api/openPaths"><input name='{"paths":["${victimFile}"],"x":"' value='"}'></form>
<script>
const app = ${JSON.stringify(appOrigin)};
const calls = ${JSON.stringify(calls)};
window.attack = (async () => {
  const out = { fetches: [], ws: null };
  for (const [name, body] of Object.entries(calls)) {
    const path = '/api/' + (name === 'exportBundleDefault' ? 'exportBundle' : name);
    // "Simple" requests go out without a preflight; the cookie rides along where it applies.
    for (const mode of ['no-cors', 'cors']) {
      try {
        const r = await fetch(app + path, { method: 'POST', mode, credentials: 'include', headers: { 'content-type': 'text/plain' }, body });
        out.fetches.push([name, mode, r.type, r.status]);
      } catch (e) {
        out.fetches.push([name, mode, 'error', String(e)]);
      }
    }
  }
  document.getElementById('f').submit();
  out.ws = await new Promise((resolve) => {
    const ws = new WebSocket(app.replace('http:', 'ws:') + '/events');
    const seen = [];
    ws.onmessage = (m) => seen.push(String(m.data).slice(0, 40));
    ws.onopen = () => setTimeout(() => resolve({ opened: true, seen }), 500);
    ws.onerror = () => resolve({ opened: false, seen });
  });
  await new Promise((r) => setTimeout(r, 500));
  return out;
})();
</script>`;
}

test('a page on another 127.0.0.1 port cannot open files, sessions, write bundles or listen, even with the app open', async ({ page, context, app }) => {
  const appUrl = new URL(app.url);
  const token = appUrl.searchParams.get('token')!;
  const hostApi = async (name: string, arg: unknown = {}) => {
    const r = await fetch(`${appUrl.origin}/api/${name}`, { method: 'POST', headers: { 'x-tracedeck-token': token, origin: appUrl.origin }, body: toWire(arg) });
    return fromWire<{ ok: boolean; result: { sources?: unknown[]; items?: unknown[] } }>(await r.text());
  };

  // The user's page: loaded, its token gone from the address bar, its asset cookie set.
  await page.goto(app.url);
  await expect(page.locator('#root > *').first()).toBeVisible();
  await expect.poll(() => page.url()).toBe(`${appUrl.origin}/`);
  const cookies = await context.cookies(appUrl.origin + '/assets/');
  expect(cookies.map((c) => [c.name, c.path, c.httpOnly, c.sameSite])).toEqual([['tracedeck_token', '/assets/', true, 'Strict']]);
  // A reload keeps working (the token stays in the tab, not in the URL).
  await page.reload();
  await expect(page.locator('#root > *').first()).toBeVisible();
  expect((await hostApi('getSession')).result.sources).toEqual([]);

  // The attacker's server on another port.
  const evil: Server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end(attackPage(appUrl.origin, TARGET, fixture('scenarios/conn-leak-go1.27/block.pb.gz')));
  });
  await new Promise<void>((r) => evil.listen(0, '127.0.0.1', () => r()));
  try {
    const attacker = await context.newPage();
    await attacker.goto(`http://127.0.0.1:${(evil.address() as AddressInfo).port}/`);
    const result = await attacker.evaluate(() => (window as unknown as { attack: Promise<{ fetches: unknown[][]; ws: { opened: boolean; seen: string[] } }> }).attack);
    // Every request went out (opaque or refused answers: the page learns nothing either way)...
    expect(result.fetches).toHaveLength(8);
    for (const [name, mode, type] of result.fetches) expect([name, mode, type]).toEqual([name, mode, mode === 'no-cors' ? 'opaque' : 'error']);
    // ...and the events socket never opened.
    expect(result.ws).toEqual({ opened: false, seen: [] });
  } finally {
    await new Promise<void>((r) => evil.close(() => r()));
  }

  // Nothing was opened, restored, written or remembered.
  expect((await hostApi('getSession')).result.sources).toEqual([]);
  expect((await hostApi('listRecent')).result.items).toEqual([]);
  expect(existsSync(TARGET)).toBe(false);
  expect(existsSync(process.env.TRACEDECK_BUNDLE_DIR!) ? readdirSync(process.env.TRACEDECK_BUNDLE_DIR!) : []).toEqual([]);
  // The user's own page still works.
  await expect(page.locator('#root > *').first()).toBeVisible();
  // The address without its token (copied from the address bar into a new tab) loads the page, which
  // says what to do instead of failing silently.
  const copied = await context.newPage();
  await copied.goto(`${appUrl.origin}/`);
  await expect(copied.getByText('open the URL TraceDeck printed at launch')).toBeVisible();
});

test('the launch page the CLI hands xdg-open (a private file, no token on a command line) opens the app', async ({ page, app }) => {
  const launch = launchPage(app.url);
  try {
    await page.goto(pathToFileURL(launch.path).href);
    await expect.poll(() => page.url()).toBe(`${new URL(app.url).origin}/`);
    await expect(page.locator('#root > *').first()).toBeVisible();
    // Fully working: the page's own API calls and event socket carry the token it took from the URL.
    await dropFiles(page, [{ path: fixture('scenarios/conn-leak-go1.27/goroutine-debug2.txt') }]);
    await expect(sourceRow(page, 'goroutine-debug2.txt')).toHaveAttribute('data-kind', 'goroutine-dump');
  } finally {
    launch.remove();
  }
});

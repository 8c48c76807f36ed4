/** e2e helpers: start the app in browser mode as a user would, drop real files on it, screenshots. */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test as base, expect, type Page } from '@playwright/test';

export const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));
export const FIXTURES = resolve(process.env.TRACEDECK_FIXTURES ?? join(ROOT, '..', 'shared', 'fixtures'));
export const ARTIFACTS = join(ROOT, 'e2e', 'artifacts');
mkdirSync(ARTIFACTS, { recursive: true });

export function fixture(rel: string): string {
  return join(FIXTURES, rel);
}

export interface AppServer {
  url: string;
  proc: ChildProcess;
  output: () => string;
}

/**
 * Starts `tracedeck serve` (the real CLI) on a free port and waits for the URL it prints. The benches
 * start it this way too, with a longer wait (a first launch may build the renderer and the worker).
 */
export async function startApp(args: string[] = [], urlTimeoutMs = 60_000): Promise<AppServer> {
  const proc = spawn(process.execPath, [join(ROOT, 'bin', 'tracedeck.mjs'), 'serve', '--no-open', ...args], {
    cwd: ROOT,
    env: { ...process.env, TZ: 'UTC' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  proc.stdout!.on('data', (d) => (out += d));
  proc.stderr!.on('data', (d) => (out += d));
  const url = await new Promise<string>((resolveUrl, reject) => {
    const timer = setTimeout(() => reject(new Error(`tracedeck serve did not print a URL in ${urlTimeoutMs / 1000} s:\n${out}`)), urlTimeoutMs);
    const check = () => {
      const m = /serving on (http:\/\/127\.0\.0\.1:\d+\/\?token=[0-9a-f]+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolveUrl(m[1]!);
      }
    };
    proc.stdout!.on('data', check);
    proc.on('exit', (code) => reject(new Error(`tracedeck serve exited with ${code}:\n${out}`)));
  });
  return { url, proc, output: () => out };
}

export const test = base.extend<{ app: AppServer; appArgs: string[] }>({
  appArgs: [[], { option: true }],
  app: async ({ appArgs }, use) => {
    const app = await startApp(appArgs);
    await use(app);
    app.proc.kill('SIGTERM');
  },
});
export { expect };

/** Drops real files on the window through a DataTransfer, as a user's drag-and-drop does. */
export async function dropFiles(page: Page, files: { path?: string; name?: string; bytes?: Buffer; lastModified?: number }[]): Promise<void> {
  const payload = files.map((f) => ({
    name: f.name ?? basename(f.path!),
    b64: (f.bytes ?? readFileSync(f.path!)).toString('base64'),
    lastModified: f.lastModified ?? Date.UTC(2026, 10, 22, 12, 0, 0),
  }));
  const dt = await page.evaluateHandle((items) => {
    const dt = new DataTransfer();
    for (const it of items) {
      const bin = atob(it.b64);
      const u8 = new Uint8Array(bin.length);
      for (let i = 0; i < bin.length; i++) u8[i] = bin.charCodeAt(i);
      dt.items.add(new File([u8], it.name, { lastModified: it.lastModified }));
    }
    return dt;
  }, payload);
  const target = page.locator('body');
  await target.dispatchEvent('dragenter', { dataTransfer: dt });
  await target.dispatchEvent('dragover', { dataTransfer: dt });
  await target.dispatchEvent('drop', { dataTransfer: dt });
}

export async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: false });
}

export function sourceRow(page: Page, name: string) {
  return page.locator(`[data-testid="source"][data-name="${name}"]`);
}

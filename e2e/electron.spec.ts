/**
 * The same user journeys through the real Electron app, where an Electron binary exists (users'
 * machines; build it once with `npm run package`). Where none can run (no binary can be downloaded
 * here, or no display), the spec is skipped and says why.
 */
import { test, expect, _electron as electron } from '@playwright/test';
import { join } from 'node:path';
import { existsSync } from 'node:fs';
import { ROOT } from './support.ts';
import { dropAndRemoveJourney } from './journeys.ts';
import { probeElectron } from '../electron/electron-binary.ts';
import { APP_ENTRY_URL } from '../electron/app-protocol.ts';

const probe = probeElectron(ROOT);
const mainBundle = join(ROOT, '.vite', 'build', 'main.cjs');
const skipReason = !probe.ok
  ? `Electron binary not available: ${probe.reason}`
  : !existsSync(mainBundle)
    ? 'Electron main bundle not built (run `npm run package` once)'
    : null;
if (skipReason) console.log(`[electron e2e] skipped — ${skipReason}`);

test('Electron: drop real files, errors name themselves, remove one', async () => {
  test.skip(skipReason !== null, skipReason ?? '');
  const app = await electron.launch({ executablePath: (probe as { path: string }).path, args: [ROOT, '--', '--no-demo'] });
  try {
    const page = await app.firstWindow();
    await dropAndRemoveJourney(page, 'electron');
  } finally {
    await app.close();
  }
});

test('Electron: opens the demo incident with no files given', async () => {
  test.skip(skipReason !== null, skipReason ?? '');
  const app = await electron.launch({ executablePath: (probe as { path: string }).path, args: [ROOT] });
  try {
    const page = await app.firstWindow();
    await expect(page.getByTestId('source')).toHaveCount(4);
  } finally {
    await app.close();
  }
});

test('Electron: the page is app://tracedeck/, reads no local file, and the CSP holds', async () => {
  test.skip(skipReason !== null, skipReason ?? '');
  const app = await electron.launch({ executablePath: (probe as { path: string }).path, args: [ROOT, '--', '--no-demo'] });
  try {
    const page = await app.firstWindow();
    await page.waitForLoadState('domcontentloaded');
    expect(page.url()).toBe(APP_ENTRY_URL);
    const outcome = await page.evaluate(async () => {
      const status = (url: string) =>
        fetch(url).then(
          (r) => r.status,
          () => 'refused',
        );
      const inline = document.createElement('script');
      inline.textContent = 'window.__inlineRan = true';
      document.head.append(inline);
      return {
        file: await status('file:///etc/hostname'),
        traversal: await status('app://tracedeck/..%2f..%2fpackage.json'),
        backslash: await status('app://tracedeck/..%5c..%5cpackage.json'),
        inlineRan: (window as unknown as { __inlineRan?: boolean }).__inlineRan === true,
      };
    });
    expect(outcome).toEqual({ file: 'refused', traversal: 403, backslash: 403, inlineRan: false });
  } finally {
    await app.close();
  }
});

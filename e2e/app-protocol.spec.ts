/**
 * The Electron shell's app:// handler (electron/app-protocol.ts), exercised by real Chromium where no
 * Electron binary can run: every request of a page on a stand-in https origin is answered by
 * serveAppRequest from the built renderer, as protocol.handle('app', …) answers it in the app, and a
 * stub `window.tracedeck` stands in for the preload. Chromium's own URL canonicalization is what the
 * handler sees. Shows that the built page boots under its CSP (header and meta tag), that inline
 * script does not run, and that traversal attempts through the browser are refused.
 */
import { test, expect } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { APP_BASE_URL, serveAppRequest } from '../electron/app-protocol.ts';
import { RENDERER_DIST, PROJECT_ROOT } from '../electron/paths.ts';

const STAND_IN = 'https://tracedeck.app.test/';

test('the built renderer served by the app:// handler boots under its CSP; traversal is refused', async ({ page }) => {
  const served: { url: string; status: number }[] = [];
  await page.route(`${STAND_IN}**`, async (route) => {
    const appUrl = APP_BASE_URL + route.request().url().slice(STAND_IN.length);
    const r = await serveAppRequest(RENDERER_DIST, appUrl, route.request().method());
    served.push({ url: appUrl, status: r.status });
    await route.fulfill({ status: r.status, headers: Object.fromEntries(r.headers), body: Buffer.from(await r.arrayBuffer()) });
  });
  await page.addInitScript(() => {
    const w = window as unknown as { tracedeck: unknown; cspViolations: string[] };
    w.cspViolations = [];
    // Which policy spoke: the header one carries frame-ancestors, the meta tag's cannot.
    document.addEventListener('securitypolicyviolation', (e) => w.cspViolations.push(`${e.originalPolicy.includes('frame-ancestors') ? 'header' : 'meta'}: ${e.effectiveDirective} ${e.blockedURI}`));
    // What the preload would expose; no host behind it here.
    w.tracedeck = { request: (name: string) => Promise.reject(new Error(`no host in this test (${name})`)), on: () => () => {}, pathForFile: () => '' };
  });

  await page.goto(`${STAND_IN}index.html`);
  // The bundle ran (React rendered the host's refusal as a notice) and its stylesheet applied.
  await expect(page.getByText('no host in this test (getSession)')).toBeVisible();
  expect(await page.evaluate(() => document.styleSheets.length)).toBeGreaterThan(0);
  expect(served.filter((s) => s.status !== 200)).toEqual([]);
  expect(served.some((s) => /\/assets\/.*\.js$/.test(s.url))).toBe(true);
  expect(await page.evaluate(() => (window as unknown as { cspViolations: string[] }).cspViolations)).toEqual([]);

  const outcome = await page.evaluate(async () => {
    const inline = document.createElement('script');
    inline.textContent = 'window.inlineRan = true';
    document.head.append(inline);
    const get = async (path: string) => {
      const r = await fetch(location.origin + path); // never protocol-relative: '//x' would name another host
      return { status: r.status, body: await r.text() };
    };
    return {
      inlineRan: (window as unknown as { inlineRan?: boolean }).inlineRan === true,
      violations: (window as unknown as { cspViolations: string[] }).cspViolations,
      attacks: await Promise.all(['/..%2f..%2fpackage.json', '/assets/..%2f..%2f..%2fpackage.json', '/..%5c..%5cpackage.json', '/%2e%2e/%2e%2e/package.json', '/index.html%00.js', '//etc/passwd'].map(get)),
    };
  });
  expect(outcome.inlineRan).toBe(false);
  // Both policies are in force, and each refused it.
  expect([...outcome.violations].sort()).toEqual(['header: script-src-elem inline', 'meta: script-src-elem inline']);
  const pkg = readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8');
  for (const a of outcome.attacks) {
    expect(a.status).toBeGreaterThanOrEqual(400);
    expect(a.body).not.toContain(pkg.slice(0, 40));
  }
});

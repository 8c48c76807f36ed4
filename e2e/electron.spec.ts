/**
 * The same user journey through the real Electron app, where an Electron binary exists (users'
 * machines). Here (no binary can be downloaded) it is skipped with the reason.
 */
import { test, expect, _electron as electron } from '@playwright/test';
import { join } from 'node:path';
import { existsSync } from 'node:fs';
import { ROOT, fixture } from './support.ts';
import { probeElectron } from '../electron/electron-binary.ts';

const probe = probeElectron(ROOT);
const mainBundle = join(ROOT, '.vite', 'build', 'main.cjs');

test('Electron: opens the demo incident and files given on the command line', async () => {
  test.skip(!probe.ok, `Electron binary not available: ${probe.ok ? '' : probe.reason}`);
  test.skip(!existsSync(mainBundle), 'Electron main bundle not built (run `npm run package` once)');
  const app = await electron.launch({
    executablePath: (probe as { path: string }).path,
    args: [ROOT, '--', fixture('scenarios/lock-contention-go1.27/block.pb.gz')],
  });
  const page = await app.firstWindow();
  await expect(page.locator('[data-testid="source"][data-name="block.pb.gz"]')).toHaveAttribute('data-kind', 'pprof');
  await app.close();
});

/**
 * Browser mode with an engine that dies: a dropped file aborts its engine process (the engine's
 * env-gated test hook: a real SIGABRT, as a V8 fatal error gives) next to a real profile. The server
 * and the profile's engine must go on: the bad source says why, the flame graph still answers.
 */
import { test, expect, dropFiles, fixture, sourceRow } from './support.ts';
import { ENGINE_TEST_HOOKS_ENV, testHookInput } from '../electron/host/engine-test-hooks.ts';

// Inherited by the server startApp spawns, and from it by every engine process.
process.env[ENGINE_TEST_HOOKS_ENV] = '1';

const BLOCK = fixture('scenarios/lock-contention-go1.27/block.pb.gz');

test('an engine that aborts becomes an error saying so; the server and the other source go on', async ({ page, app }) => {
  await page.goto(app.url);
  await dropFiles(page, [{ path: BLOCK }]);
  await expect(sourceRow(page, 'block.pb.gz')).toHaveAttribute('data-status', 'ready');
  await expect(page.getByTestId('panel-flame').getByTestId('flame-graph')).toBeVisible();

  await dropFiles(page, [{ name: 'abort.bin', bytes: Buffer.from(testHookInput('abort')) }]);
  await expect(sourceRow(page, 'abort.bin')).toHaveAttribute('data-status', 'error');
  await expect(sourceRow(page, 'abort.bin').getByTestId('source-error')).toContainText('engine crashed (signal SIGABRT)');

  // New queries to the profile's engine after the crash: both sample types draw.
  await expect(sourceRow(page, 'block.pb.gz')).toHaveAttribute('data-status', 'ready');
  const picker = page.getByTestId('flame-profile');
  for (const type of ['contentions', 'delay']) {
    await picker.selectOption(type);
    await expect(page.getByTestId('flame-panel')).toHaveAttribute('data-state', 'ready');
    await expect(page.getByTestId('flame-total')).toContainText('total');
  }
});

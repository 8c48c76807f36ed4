import { defineConfig } from '@playwright/test';
import { CHROMIUM_ARGS, chromiumPath } from '../electron/chromium.ts';

export { CHROMIUM_ARGS };

// Browser mode drives Debian's Chromium (`npx playwright install` cannot download browsers here).
// The electron project runs the same specs through Playwright's Electron launcher where a binary exists.

export default defineConfig({
  testDir: '.',
  outputDir: '../test-results',
  timeout: 90_000,
  expect: { timeout: 20_000 },
  workers: 1,
  retries: 0,
  reporter: [['list']],
  use: {
    timezoneId: 'UTC',
    viewport: { width: 1440, height: 900 },
    launchOptions: { executablePath: chromiumPath(), args: CHROMIUM_ARGS },
  },
  projects: [
    { name: 'browser', testIgnore: /electron\.spec\.ts/ },
    { name: 'electron', testMatch: /electron\.spec\.ts/ },
  ],
});

import { chromium } from '@playwright/test';
import { spawn } from 'node:child_process';
const proc = spawn(process.execPath, ['bin/tracedeck.mjs', 'serve', '--no-open', '--port', '0', ...process.argv.slice(2)], { cwd: '/work/main' });
let out = '';
const url = await new Promise((res) => proc.stdout.on('data', (d) => { out += d; const m = /serving on (\S+)/.exec(out); if (m) res(m[1]); }));
const b = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
const page = await b.newPage({ viewport: { width: 1440, height: 900 } });
await page.goto(url);
await page.waitForSelector('[data-testid=flame-graph] svg', { timeout: 30000 });
await page.waitForTimeout(500);
console.log(await page.evaluate(() => {
  const q = (s) => document.querySelector(s);
  const h = (s) => { const e = q(s); return e ? `${s}: ${e.getBoundingClientRect().height} scroll=${e.scrollHeight} css=${getComputedStyle(e).flex}` : s + ' missing'; };
  return ['.slot-flame', '[data-testid=panel-flame]', '[data-testid=panel-flame] > .panel-body', '.flame-panel', '.flame-body', '.flame-graph-col', '.flame-top-col', '.flame-scroll'].map(h).join('\n');
}));
await page.screenshot({ path: '/tmp/dbg.png' });
await b.close();
proc.kill();

/**
 * Issue 15: a folder opened as a whole, holding a folder per host with the same file names in each
 * (`block.pb.gz`, `ss-capture.txt.gz`): every place a source is named shows the folder that tells
 * equal names apart — the sources list, the lane labels and their groups, the align picker, the heat
 * map's capture picker, the flame graph's title and diff-base picker.
 */
import { copyFileSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, expect, fixture, screenshot } from './support.ts';

const root = mkdtempSync(join(tmpdir(), 'tracedeck-names-'));
const incident = join(root, 'incident');
const HOSTS = [
  { host: 'web-01', scenario: 'scenarios/conn-leak-go1.27' },
  { host: 'web-02', scenario: 'scenarios/timewait-storm-go1.27' },
];
for (const h of HOSTS) {
  mkdirSync(join(incident, h.host), { recursive: true });
  for (const f of ['block.pb.gz', 'ss-capture.txt.gz']) copyFileSync(fixture(`${h.scenario}/${f}`), join(incident, h.host, f));
}
// A name only one folder holds stays as it is.
copyFileSync(fixture('scenarios/conn-leak-go1.27/mutex.pb.gz'), join(incident, 'web-01', 'mutex.pb.gz'));

test('two folders each holding files of the same name: each is named with its folder everywhere', async ({ page, app }) => {
  await page.goto(app.url);
  await page.getByTestId('folder-input').setInputFiles(incident);
  const ready = page.locator('[data-testid="source"][data-status="ready"]');
  await expect(ready).toHaveCount(5, { timeout: 60_000 });

  // Sources list.
  const labels = await page.getByTestId('source-name').allTextContents();
  expect(labels.map((l) => l.trim()).sort()).toEqual(
    ['mutex.pb.gz', 'web-01/block.pb.gz', 'web-01/ss-capture.txt.gz', 'web-02/block.pb.gz', 'web-02/ss-capture.txt.gz'].sort(),
  );

  // Timeline: a lane group per folder, lane labels with the folder.
  const groups = page.getByTestId('lane-group');
  await expect(groups).toHaveCount(2, { timeout: 60_000 });
  expect((await groups.evaluateAll((gs) => gs.map((g) => g.getAttribute('data-group')))).sort()).toEqual(['incident/web-01', 'incident/web-02']);
  const laneLabels = await page.getByTestId('timeline-lane').evaluateAll((ls) => ls.map((l) => l.getAttribute('data-label')));
  expect(laneLabels.sort()).toEqual(labels.map((l) => l.trim()).sort());
  await expect(page.locator('[data-testid="timeline-lane"][data-label="web-02/block.pb.gz"] .lane-label')).toContainText('web-02/block.pb.gz');

  // The heat map's capture picker.
  const picker = page.getByTestId('heatmap-source');
  await expect(picker).toBeVisible();
  expect((await picker.locator('option').allTextContents()).sort()).toEqual(['web-01/ss-capture.txt.gz', 'web-02/ss-capture.txt.gz']);
  // The hosts control names the host by the folder it came in.
  await expect(page.getByTestId('heatmap-hosts').locator('option').first()).toHaveText(/^web-0[12] only$/);

  // The align picker of one block profile offers the other one by its folder.
  const row = page.locator('[data-testid="source"][data-label="web-01/block.pb.gz"]');
  await row.getByTestId('align-source').click();
  await expect(row.getByTestId('start-input')).toHaveAttribute('aria-label', 'Wall-clock start of web-01/block.pb.gz');
  const targets = await row.getByTestId('align-target').locator('option').allTextContents();
  expect(targets.some((t) => t.startsWith('web-02/block.pb.gz'))).toBe(true);
  expect(targets.some((t) => /^block\.pb\.gz/.test(t))).toBe(false);
  await screenshot(page, 'source-names-1-folder-per-host');

  // The flame graph names the focused profile, and the profiles it can diff against, by folder.
  await row.getByTestId('source-name').click();
  const flame = page.getByTestId('panel-flame');
  await expect(flame.locator('h2').first()).toHaveText('Flame graph · web-01/block.pb.gz', { timeout: 60_000 });
  const bases = flame.getByTestId('flame-diff-base').locator('option');
  await expect(bases.filter({ hasText: /^web-02\/block\.pb\.gz \(/ })).toHaveCount(1);
  expect((await bases.allTextContents()).some((t) => /^block\.pb\.gz/.test(t))).toBe(false);
});

import { afterAll, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildWorkerBundle, workerBundleIsStale } from './worker-build.ts';
import { disposeSpareWorkers, startEngine } from './host/engine.ts';
import { PROJECT_ROOT } from './paths.ts';
import { fixturePath } from '../shared/test-support/fixtures.ts';

// Inside the project (gitignored), not os.tmpdir(): the bundle resolves its external packages from node_modules.
const base = join(PROJECT_ROOT, '.tracedeck-tmp');
mkdirSync(base, { recursive: true });
const dir = mkdtempSync(join(base, 'worker-build-'));
afterAll(() => {
  disposeSpareWorkers();
  rmSync(dir, { recursive: true, force: true });
});

describe('engine worker bundle', () => {
  it('is stale when missing or older than a source, ignoring tests and dot files', () => {
    const src = join(dir, 'src');
    mkdirSync(join(src, 'sub'), { recursive: true });
    const out = join(dir, 'stale-check.mjs');
    const at = (f: string, s: number) => utimesSync(f, s, s);
    writeFileSync(join(src, 'sub', 'a.ts'), '');
    at(join(src, 'sub', 'a.ts'), 1000);
    expect(workerBundleIsStale(out, [src])).toBe(true);
    writeFileSync(out, '');
    at(out, 2000);
    expect(workerBundleIsStale(out, [src])).toBe(false);
    writeFileSync(join(src, 'a.test.ts'), '');
    writeFileSync(join(src, '.b.ts'), '');
    expect(workerBundleIsStale(out, [src])).toBe(false);
    at(join(src, 'sub', 'a.ts'), 3000);
    expect(workerBundleIsStale(out, [src])).toBe(true);
  });

  it('builds concurrently without leftovers, and the bundled worker parses a profile', async () => {
    const out = join(dir, 'out', 'engine-worker.mjs');
    await Promise.all([buildWorkerBundle(out), buildWorkerBundle(out)]);
    expect(readdirSync(join(dir, 'out'))).toEqual(['engine-worker.mjs']);
    expect(existsSync(out)).toBe(true);
    const engine = startEngine(out, { path: fixturePath('scenarios/conn-leak-go1.27/block.pb.gz') }, () => {});
    try {
      const header = await engine.ready;
      expect(header.kind).toBe('pprof');
    } finally {
      engine.dispose();
    }
  });
});

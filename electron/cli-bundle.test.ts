/**
 * The pre-bundled CLI (scripts/cli-bundle.mjs) answers as the TypeScript CLI under tsx does, and is
 * rebuilt when a source is newer than it.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, statSync, utimesSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixturePath } from '../shared/test-support/fixtures.ts';
import { buildCliBundle, CLI_BUNDLE, cliBundle, cliBundleIsStale } from '../scripts/cli-bundle.mjs';
import { PROJECT_ROOT } from './paths.ts';

const BIN = join(PROJECT_ROOT, 'bin', 'tracedeck.mjs');
const run = (args: string[], env: Record<string, string> = {}) =>
  execFileSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env: { ...process.env, ...env }, timeout: 120_000 });

describe('the CLI bundle', () => {
  it('inspect gives the same JSON bundled and from source', async () => {
    await buildCliBundle();
    expect(cliBundleIsStale()).toBe(false);
    const files = [fixturePath('scenarios/cpu-pool-go1.27/trace.out'), fixturePath('scenarios/cpu-pool-go1.27/block.pb.gz')];
    const bundled = JSON.parse(run(['inspect', ...files, '--json'])) as { kind: string }[];
    const fromSource = JSON.parse(run(['inspect', ...files, '--json'], { TRACEDECK_FROM_SOURCE: '1' })) as unknown[];
    expect(bundled.map((r) => r.kind)).toEqual(['gotrace', 'pprof']);
    expect(bundled).toEqual(fromSource);
  }, 240_000);

  it('loads no other command with the entry: its static imports reach neither ws, ssh2 nor valibot', async () => {
    await buildCliBundle();
    const packages = new Set<string>();
    const seen = new Set<string>();
    const visit = (file: string) => {
      if (seen.has(file)) return;
      seen.add(file);
      // Static imports only (`import x from "y"`, `import "y"`); `import("y")` loads when a command runs.
      for (const m of readFileSync(file, 'utf8').matchAll(/^import\s(?:[^;]*?\sfrom\s)?"([^"]+)";?$/gm)) {
        const spec = m[1]!;
        if (spec.startsWith('./')) visit(join(dirname(file), spec));
        else if (!spec.startsWith('node:')) packages.add(spec);
      }
    };
    visit(CLI_BUNDLE);
    expect(seen.size).toBeGreaterThan(1); // the entry and at least one shared chunk
    for (const heavy of ['ws', 'ssh2', 'valibot']) expect(packages.has(heavy), heavy).toBe(false);
    // ...while the commands that need them still reach them when they run (help lists every one).
    expect(run(['--help'])).toContain('tracedeck collect');
  }, 120_000);

  it('is rebuilt when a source is newer than it', async () => {
    const old = new Date(Date.UTC(2020, 0, 1));
    utimesSync(CLI_BUNDLE, old, old);
    expect(cliBundleIsStale()).toBe(true);
    expect(await cliBundle()).toBe(CLI_BUNDLE);
    expect(statSync(CLI_BUNDLE).mtimeMs).toBeGreaterThan(old.getTime());
    expect(cliBundleIsStale()).toBe(false);
  }, 120_000);
});

/**
 * `npm run bench`: runs every bench/*-bench.ts in its own process (so peak memory is per benchmark)
 * and prints what each prints. Targets and Go's anchors are printed by the benchmarks themselves.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));
const only = process.argv.slice(2);
const benches = readdirSync(here)
  .filter((f) => f.endsWith('-bench.ts'))
  .filter((f) => only.length === 0 || only.some((o) => f.includes(o)))
  .sort();
let failed = 0;
for (const b of benches) {
  console.log(`\n=== ${b}`);
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--expose-gc', join(here, b)], { stdio: 'inherit' });
  if (r.status !== 0) {
    failed++;
    console.log(`${b} exited with ${r.status}`);
  }
}
process.exit(failed ? 1 : 0);

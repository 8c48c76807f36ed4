/**
 * What a profile-series window costs on a big snapshot (shared/query/stacks/profile-series.ts): the
 * start snapshot copied as it crosses between engines, the subtraction on the end snapshot's own table
 * against the merge of both tables it replaced, and a later question on the same window (cached).
 * The big heap profile of bench-data is its own start and end (every stack looked up, a zero delta).
 *
 *   node --import tsx bench/profile-series-bench.ts
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BENCH_DATA } from '../shared/test-support/fixtures.ts';
import { ingestBytes } from '../shared/ingest/ingest.ts';
import { exportSnapshotStacks, seriesTopTable, subtractOnEndTable } from '../shared/query/stacks/profile-series.ts';
import { weightedStacksOf } from '../shared/query/stacks/stack-sources.ts';
import { mergeWeightedStacks } from '../shared/query/stacks/stack-merge.ts';

const src = await ingestBytes(readFileSync(join(BENCH_DATA, 'big-heap-go1.27.pb.gz')));
const ms = (t0: number) => `${(performance.now() - t0).toFixed(0)} ms`;
const end = weightedStacksOf(src, 'alloc_space');
let t = performance.now();
const start = structuredClone(exportSnapshotStacks(src, 'alloc_space'));
console.log(`export + copy of the start (${end.stacks.stackCount.toLocaleString('en-US')} stack nodes): ${ms(t)}`);
t = performance.now();
subtractOnEndTable(end, start);
console.log(`subtraction on the end's table: ${ms(t)}`);
t = performance.now();
mergeWeightedStacks([
  { input: end, sign: 1 },
  { input: start, sign: -1 },
]);
console.log(`merge of both tables (the fallback): ${ms(t)}`);
seriesTopTable(src, { profile: 'alloc_space', start: { key: 'bench', stacks: start }, limit: 50 });
t = performance.now();
seriesTopTable(src, { profile: 'alloc_space', start: { key: 'bench' }, limit: 50 });
console.log(`the same window asked again (by key): ${ms(t)}`);

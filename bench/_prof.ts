import { readFileSync } from 'node:fs';
import { ingestBytes } from '../shared/ingest/ingest.ts';
import { runQuery } from '../shared/query/run-query.ts';
import { BENCH_DATA } from '../shared/test-support/fixtures.ts';
import { join } from 'node:path';
const src = await ingestBytes(new Uint8Array(readFileSync(join(BENCH_DATA, 'big-go1.27.trace.gz'))));
if (src.kind !== 'gotrace') throw 0;
const m = src.model;
const which = process.argv[2] ?? 'groups';
const mid = (m.startNs + m.endNs) / 2;
const oneSec = { startNs: mid - 0.5e9, endNs: mid + 0.5e9 };
for (let k = 0; k < 4; k++) {
  const t0 = performance.now();
  if (which === 'groups') runQuery(src, { type: 'traceGoroutineGroups' });
  if (which === 'track') runQuery(src, { type: 'track', maxPoints: 1400 });
  if (which === 'wc') runQuery(src, { type: 'whatChangedPart', sourceId: 't', a: oneSec, b: [{ startNs: m.startNs, endNs: oneSec.startNs }, { startNs: oneSec.endNs, endNs: m.endNs }] });
  console.log(which, (performance.now() - t0).toFixed(0), 'ms');
}
const { blockingTotals } = await import('../shared/query/trace/trace-blocking.ts');
const { traceGoroutineGroups } = await import('../shared/query/trace/trace-goroutine-groups.ts');
for (let k = 0; k < 3; k++) {
  let t0 = performance.now(); blockingTotals(m, ['sync', 'net', 'syscall', 'sched'], { startNs: m.startNs, endNs: m.endNs }); const a = performance.now() - t0;
  t0 = performance.now(); traceGoroutineGroups(m, { startNs: m.startNs, endNs: m.endNs }, { maxIds: 0 }); const b = performance.now() - t0;
  console.log('blockingTotals4', a.toFixed(0), 'groups', b.toFixed(0));
}

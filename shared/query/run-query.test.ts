import { describe, expect, it } from 'vitest';
import { ingestBytes } from '../ingest/ingest.ts';
import { readFixture } from '../test-support/fixtures.ts';
import { isQueryName, runQuery } from './run-query.ts';
import type { SourceQuery } from './query-types.ts';

const DIR = 'scenarios/conn-leak-go1.27';

describe('runQuery (one handler per query name)', () => {
  it('answers a goroutine dump by name, typed by the map: 150 goroutines in the debug=2 dump', async () => {
    const src = await ingestBytes(readFixture(`${DIR}/goroutine-debug2.txt`));
    const groups = runQuery(src, { type: 'goroutineGroups', sourceId: 'd' }).result;
    // README: 145 [select], 2 [IO wait], 1 running, 1 sleep, 1 runnable.
    expect(groups.rows.reduce((s, r) => s + (r.counts[0] ?? 0), 0)).toBe(150);
    const merged = runQuery(src, { type: 'mergeGoroutineGroups', parts: [groups], limit: 1 });
    expect(merged.type).toBe('goroutineGroups');
    expect(merged.result.rows).toHaveLength(1);
  });

  it('refuses a query the source kind cannot answer, and a name it does not know', async () => {
    const src = await ingestBytes(readFixture(`${DIR}/goroutine-debug2.txt`));
    expect(() => runQuery(src, { type: 'traceGoroutineGroups' })).toThrow(/needs a trace/);
    expect(() => runQuery(src, { type: 'heatmap', bins: 10, mode: 'state' })).toThrow(/ss socket capture/);
    // From the wire a name is any string: said plainly, not answered with undefined.
    expect(() => runQuery(src, { type: 'dropTables' } as unknown as SourceQuery)).toThrow(/unknown query "dropTables"/);
    expect(isQueryName('callTree')).toBe(true);
    expect(isQueryName('toString')).toBe(false);
    expect(isQueryName(undefined)).toBe(false);
  });
});

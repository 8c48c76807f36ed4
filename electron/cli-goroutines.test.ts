import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { fixturePath } from '../shared/test-support/fixtures.ts';
import { goroutinesReport, goroutinesTable } from './cli-goroutines.ts';

const ref = (name: string) =>
  (JSON.parse(gunzipSync(readFileSync(new URL(`../shared/test-support/oracles/go-trace-summary/${name}.0.json.gz`, import.meta.url))).toString()) as { rangeNs?: unknown }[]).map(
    ({ rangeNs: _r, ...g }) => g,
  );

describe('tracedeck goroutines', () => {
  it('--json prints go-trace-summary figures, goroutine by goroutine (conn-leak, go1.19 and go1.27 formats)', async () => {
    for (const v of ['1.19', '1.27']) {
      const file = fixturePath(`scenarios/conn-leak-go${v}/trace.out`);
      const r = await goroutinesReport(file);
      expect(r.file).toBe(file);
      expect(JSON.parse(JSON.stringify(r.goroutines))).toEqual(ref(`scenarios_conn-leak-go${v}_trace.out`));
    }
  });
  it('the table has a line per goroutine, the leak readable at the top', async () => {
    const r = await goroutinesReport(fixturePath('scenarios/conn-leak-go1.27/trace.out'));
    const lines = goroutinesTable(r).split('\n');
    expect(lines.length).toBe(r.goroutines.length + 2);
    expect(lines.some((l) => l.includes('net/http.(*persistConn).readLoop') && l.includes('(reason unknown) 5.000s'))).toBe(true);
  });
  it('a file that is not a trace is an error naming what it is', async () => {
    await expect(goroutinesReport(fixturePath('scenarios/conn-leak-go1.27/goroutine-debug2.txt'))).rejects.toThrow(/not a Go execution trace \(it reads as goroutine-dump/);
  });
});

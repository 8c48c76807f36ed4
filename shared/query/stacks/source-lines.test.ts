/**
 * Per-line figures (pprof's list) against Go's `go tool pprof -list=REGEX` on real profiles
 * (testdata/go-labels/list.json, made by generate.mjs there): every function, file and line with a
 * value, and the ROUTINE sums. Go shows files trimmed by -trim_path=tracedeck.test/labels; the engine
 * keeps the profile's names (the host trims when it looks files up).
 */
import { describe, expect, it } from 'vitest';
import { ingestBytes } from '../../ingest/ingest.ts';
import { labelledStacksOf } from './stack-sources.ts';
import { sourceLines } from './source-lines.ts';
import { runQuery } from '../run-query.ts';
import { goLabelsCases, goLabelsFile, type GoListCase } from '../../test-support/go-labels.ts';

const CASES = goLabelsCases<GoListCase>('list.json');

describe('source lines equal go tool pprof -list', () => {
  it.each(CASES.map((c) => [c.command, c] as const))('%s', async (_, c) => {
    const src = await ingestBytes(goLabelsFile(c.file));
    // The app's query: it also gives each function's start line (the profile's start_line), where Go's listing starts.
    const r = runQuery(src, { type: 'sourceLines', profile: c.sampleIndex, tagfocus: c.tagfocus, regex: c.regex });
    const ours = r.functions.flatMap((fn) =>
      fn.files.map((f) => ({
        function: fn.function,
        file: f.file.replace(/^tracedeck\.test\/labels\//, ''),
        flat: Math.round(f.flat),
        cum: Math.round(f.cum),
        lines: f.lines.map((l) => ({ line: l.line, flat: Math.round(l.flat), cum: Math.round(l.cum) })),
        startLine: f.startLine,
      })),
    );
    expect(ours).toEqual(c.routines.map(({ shown, ...x }) => ({ ...x, startLine: shown[0] })));
    expect(c.routines.length).toBeGreaterThan(0);
  });

  it('limits the functions listed and says so', async () => {
    const src = await ingestBytes(goLabelsFile('cpu.pb.gz'));
    const r = sourceLines(labelledStacksOf(src, 'cpu', undefined, {}), { regex: '^main\\.', limit: 2 });
    expect(r.functions.map((f) => f.function)).toEqual(['main.checksum', 'main.encode']);
    expect(r.truncated).toBe(true);
  });
});

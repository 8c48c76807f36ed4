/**
 * The registry's sniffs on every real fixture and generated dump: certain (one importer claims a
 * file, so the order never has to break a tie on real data) and the claimed importer parses it.
 */
import { describe, it, expect } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { IMPORTERS, type SniffView } from './importers.ts';
import { isGzip, isText } from './sniff.ts';
import { fixturePath, listFixtures } from '../test-support/fixtures.ts';

const dumps = fileURLToPath(new URL('./goroutines/testdata/', import.meta.url));
const files: [string, string][] = [
  ...listFixtures().map((f): [string, string] => [f, fixturePath(f)]),
  ...['go1.27', 'go1.26'].flatMap((v) => readdirSync(join(dumps, v)).map((f): [string, string] => [`${v}/${f}`, join(dumps, v, f)])),
];

function view(path: string): SniffView {
  let bytes: Uint8Array = readFileSync(path);
  if (isGzip(bytes)) bytes = gunzipSync(bytes);
  const text = isText(bytes);
  return { bytes, text, head: text ? new TextDecoder().decode(bytes.subarray(0, 8192)) : '' };
}

describe('importer registry', () => {
  it('has one importer per format family, each with a sniff and a parser', () => {
    expect(IMPORTERS.map((i) => `${i.kind}:${i.format}`)).toEqual([
      'gotrace:go trace',
      'ss:ss capture',
      'goroutine-dump:goroutine debug=1',
      'goroutine-dump:goroutine debug=2',
      'ss:ss',
      'ss:lsof',
      'ss:proc fd listing',
      'pprof:pprof legacy',
      'pprof:pprof protobuf',
    ]);
  });

  it('on real files one sniff claims a file (but for two known overlaps), and its parser reads it as that kind', () => {
    let claimed = 0;
    const overlaps = new Set<string>();
    for (const [name, path] of files) {
      const v = view(path);
      const asks = IMPORTERS.filter((imp) => imp.input === 'any' || (imp.input === 'text') === v.text);
      const claims = asks.filter((imp) => imp.sniff(v) !== null);
      if (claims.length > 1) overlaps.add(claims.map((c) => c.format).join(' + '));
      if (claims.length === 0) continue;
      const imp = claims[0]!;
      claimed++;
      if (v.bytes.length > 256 << 10) continue; // big traces and captures: their own tests parse them
      const src = imp.parse(v.bytes, {});
      expect(src.kind, name).toBe(imp.kind);
      expect(src.format.startsWith(imp.format === 'ss' ? '' : imp.format.split(' ')[0]!), name).toBe(true);
    }
    expect(claimed).toBeGreaterThan(100);
    // A debug=1 goroutine profile is also a legacy text profile (the dump reader comes first: it
    // keeps labels and the records as goroutine groups); a framed ss capture holds ss output.
    expect([...overlaps].sort()).toEqual(['goroutine debug=1 + pprof legacy', 'ss capture + ss']);
  });
});

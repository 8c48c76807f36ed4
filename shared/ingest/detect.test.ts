import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { detect } from './detect.ts';
import { fixturePath, listFixtures, expectedFigures } from '../test-support/fixtures.ts';

function detectFile(rel: string) {
  let b: Uint8Array = readFileSync(fixturePath(rel));
  let d = detect(b);
  if (d.kind === 'gzip') {
    b = gunzipSync(b);
    d = detect(b);
  }
  return d;
}

describe('detect on every fixture', () => {
  const expected = expectedFigures();
  for (const rel of listFixtures()) {
    const want = expected[rel] as { kind?: string; format?: string } | undefined;
    it(rel, () => {
      const d = detectFile(rel);
      if (want?.kind) {
        expect(d.kind).toBe(want.kind);
        if (want.format && want.kind !== 'pprof') expect((d as { format: string }).format).toBe(want.format);
      } else if (rel.endsWith('/lsof.txt')) {
        expect(d).toEqual({ kind: 'ss', format: 'lsof' });
      } else if (rel.endsWith('/proc-fd.txt')) {
        expect(d).toEqual({ kind: 'ss', format: 'proc fd listing' });
      } else if (rel.endsWith('/ss-summary.txt')) {
        expect(d).toEqual({ kind: 'ss', format: 'ss summary' });
      } else if (/meta\.json$|README|LICENSE|SOURCES\.tsv|\.string$|\.test$|^expected\.json$/.test(rel)) {
        expect(d.kind).toBe('unknown');
      }
    });
  }
  it('ss -s summary, lsof and /proc fd listings are recognized by content', () => {
    expect(detectFile('scenarios/conn-leak-go1.27/ss-summary.txt')).toEqual({ kind: 'ss', format: 'ss summary' });
    expect(detectFile('scenarios/conn-leak-go1.27/lsof.txt')).toEqual({ kind: 'ss', format: 'lsof' });
    expect(detectFile('scenarios/conn-leak-go1.27/proc-fd.txt')).toEqual({ kind: 'ss', format: 'proc fd listing' });
  });
  it('a JSON file (e.g. a run\'s meta.json) is refused as JSON', () => {
    const d = detectFile('scenarios/conn-leak-go1.27/meta.json');
    expect(d.kind).toBe('unknown');
    expect((d as { reason: string }).reason).toMatch(/^a JSON document/);
  });
  it('an empty file and random bytes are unknown with a reason', () => {
    expect(detect(new Uint8Array())).toEqual({ kind: 'unknown', reason: 'empty file' });
    const junk = new Uint8Array(256).map((_, i) => (i * 151 + 7) & 0xff);
    expect(detect(junk).kind).toBe('unknown');
  });
  it('recognizes newer goroutine header forms and panics with a long preamble', () => {
    const enc = (t: string) => new TextEncoder().encode(t);
    expect(detect(enc('goroutine 1 gp=0xc000002380 m=0 mp=0x5b3c00 [running]:\nmain.main()\n')).kind).toBe('goroutine-dump');
    expect(detect(enc('goroutine 7 [select] {"path":"/x"}:\nmain.f()\n')).kind).toBe('goroutine-dump');
    const preamble = 'panic: boom\n\n' + 'log line that is not a goroutine\n'.repeat(500);
    expect(detect(enc(preamble + 'goroutine 1 [running]:\nmain.main()\n')).kind).toBe('goroutine-dump');
  });
  it('a trace header with an unknown version is still a trace (the parser names the version)', () => {
    const b = new TextEncoder().encode('go 1.99 trace\0\0\0rest');
    expect(detect(b)).toEqual({ kind: 'gotrace', format: 'go 1.99 trace' });
  });
  it('legacy (pre-protobuf) pprof profiles are pprof, with their legacy format', () => {
    const legacy: Record<string, string> = {
      'gobench.cpu': 'pprof legacy cpu',
      'go.crc32.cpu': 'pprof legacy cpu',
      'cppbench.cpu': 'pprof legacy cpu',
      'java.cpu': 'pprof legacy java cpu',
      'gobench.heap': 'pprof legacy heap',
      'java.heap': 'pprof legacy java heap',
      'go.godoc.thread': 'pprof legacy threadcreate',
      'cppbench.contention': 'pprof legacy contention',
    };
    for (const [name, format] of Object.entries(legacy)) {
      expect(detectFile(`third-party/google-pprof/${name}`)).toEqual({ kind: 'pprof', format });
    }
    const enc = (t: string) => new TextEncoder().encode(t);
    expect(detect(enc('--- mutex:\ncycles/second=1000\nsampling period=1\n1 1 @ 0x1\n'))).toEqual({ kind: 'pprof', format: 'pprof legacy contention' });
    // 32-bit big-endian binary CPU header: 0 3 0 period 0.
    const be = new Uint8Array([0, 0, 0, 0, 0, 0, 0, 3, 0, 0, 0, 0, 0, 0, 0x27, 0x10, 0, 0, 0, 0]);
    expect(detect(be)).toEqual({ kind: 'pprof', format: 'pprof legacy cpu' });
    // Not quite the header (third word 2): not a legacy profile, and not protobuf either.
    be[11] = 2;
    expect(detect(be).kind).toBe('unknown');
  });
});

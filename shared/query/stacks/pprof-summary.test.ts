import { describe, it, expect } from 'vitest';
import { gunzipSync } from 'node:zlib';
import { fixturesOfKind, readFixture } from '../../test-support/fixtures.ts';
import { parsePprof } from '../../ingest/pprof/parse-pprof.ts';
import { decodeReference } from '../../ingest/pprof/test-reference.ts';
import { summarizePprof } from './pprof-summary.ts';

function raw(rel: string): Uint8Array {
  const b = readFixture(rel);
  return b[0] === 0x1f && b[1] === 0x8b ? gunzipSync(b) : b;
}

const FIXTURES = fixturesOfKind('pprof');

describe('summarizePprof', () => {
  // The corpus grows (profile-series came later): at least the 52 scenario and third-party profiles.
  it('covers every pprof fixture of expected.json', () => {
    expect(FIXTURES.length).toBeGreaterThanOrEqual(52);
  });

  it.each(FIXTURES)('%s: figures equal expected.json', (rel, exp) => {
    const f = summarizePprof(parsePprof(raw(rel)));
    expect(f.sampleTypes).toEqual(exp.sampleTypes);
    expect(f.totals).toEqual(exp.totals);
    expect(f.sampleCount).toBe(exp.sampleCount);
    expect(f.stackCount).toBe(exp.stackCount);
    expect(f.top[0]?.function).toBe(exp.topFlatFunction);
  });

  it('has exactly the documented keys, and the clock figures of the file', () => {
    const rel = 'scenarios/cpu-pool-go1.27/cpu.pb.gz';
    const f = summarizePprof(parsePprof(raw(rel)));
    expect(Object.keys(f).sort()).toEqual(
      ['defaultSampleType', 'durationNanos', 'sampleCount', 'sampleTypes', 'stackCount', 'timeNanos', 'top', 'totals'].sort(),
    );
    const ref = decodeReference(raw(rel));
    expect(f.timeNanos).toBe(ref.timeNanos);
    expect(f.durationNanos).toBe(ref.durationNanos);
    expect(f.defaultSampleType).toBe('cpu');
    expect(f.top.length).toBe(10);
    for (const r of f.top) expect(Object.keys(r).sort()).toEqual(['cum', 'flat', 'function']);
    // README: findMatch is the top flat function of this profile; pprof's order is flat desc.
    for (let i = 1; i < f.top.length; i++) expect(f.top[i - 1]!.flat).toBeGreaterThanOrEqual(f.top[i]!.flat);
  });

  it('uses the last sample type when no default is set (heap: inuse_space)', () => {
    const f = summarizePprof(parsePprof(raw('scenarios/conn-leak-go1.27/heap.pb.gz')));
    expect(f.defaultSampleType).toBe('inuse_space');
    expect(f.top[0]!.function).toBe('bufio.NewWriterSize');
    // README: bufio.NewWriterSize is 20.44% of 1680.51kB inuse_space.
    expect(f.top[0]!.flat / f.totals.inuse_space!).toBeCloseTo(0.2044, 4);
  });
});

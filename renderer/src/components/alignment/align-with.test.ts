import { describe, expect, it } from 'vitest';
import type { SourceInfo } from '../../../../shared/bridge.ts';
import { alignTargets, offsetToAlign } from './align-with.ts';

const src = (id: string, over: Partial<SourceInfo>): SourceInfo => ({
  id,
  name: `${id}.bin`,
  kind: 'pprof',
  format: 'pprof',
  origin: { type: 'upload' },
  status: 'ready',
  progress: 1,
  sizeBytes: 1,
  offsetNs: 0,
  ...over,
});

describe('align with another source', () => {
  // A trace estimated 12 days late, already nudged by +2 s; a CPU profile covering 30 s.
  const trace = src('trace', { kind: 'gotrace', axisStartNs: 1_036_800e9, axisEndNs: 1_036_805e9, offsetNs: 2e9 });
  const profile = src('cpu', { axisStartNs: 10e9, axisEndNs: 40e9 });
  it('puts the start on the target’s start, keeping the offset relative to the source’s own clock', () => {
    const off = offsetToAlign(trace, profile, 'start')!;
    expect(off).toBe(2e9 + (10e9 - 1_036_800e9));
    // The host places the source at its own-clock start + offset: own start is axisStart − current offset.
    expect(trace.axisStartNs! - trace.offsetNs + off).toBe(10e9);
  });
  it('or on the target’s end (a dump, a point, ends where it starts)', () => {
    expect(trace.axisStartNs! - trace.offsetNs + offsetToAlign(trace, profile, 'end')!).toBe(40e9);
    const dump = src('dump', { kind: 'goroutine-dump', axisStartNs: 25e9 });
    expect(trace.axisStartNs! - trace.offsetNs + offsetToAlign(trace, dump, 'end')!).toBe(25e9);
  });
  it('offers only other ready sources with a place on the axis', () => {
    const loading = src('loading', { status: 'ingesting' });
    const unplaced = src('unplaced', {});
    expect(alignTargets(trace, [trace, profile, loading, unplaced]).map((s) => s.id)).toEqual(['cpu']);
    expect(offsetToAlign(trace, unplaced, 'start')).toBeNull();
  });
});

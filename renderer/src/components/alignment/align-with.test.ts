import { describe, expect, it } from 'vitest';
import type { SourceInfo } from '../../../../shared/bridge.ts';
import { alignTargets, momentOn, offsetToAlign, offsetToPlaceAt, placementPartner, waitingSources } from './align-with.ts';

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

describe('a moment on another source, the tray, and partners', () => {
  // Axis origin 2026-11-22T19:37:19.967Z; a profile from +10 s to +40 s; a trace estimated 12 days late.
  const origin = String(Date.UTC(2026, 10, 22, 19, 37, 19, 967) * 1e6);
  const profile = src('cpu', { axisStartNs: 10e9, axisEndNs: 40e9, clock: { originEpochNs: origin, quality: 'exact', basis: 'pprof time_nanos' } });
  const trace = src('trace', { kind: 'gotrace', axisStartNs: 1_036_800e9, axisEndNs: 1_036_805e9, offsetNs: 2e9, clock: { originEpochNs: origin, quality: 'estimated', basis: 'file mtime' } });
  it('reads an offset from the target’s start, or a time of day / date-time on it', () => {
    expect(momentOn(profile, '+12.5s', origin, 'UTC')).toBe(22.5e9);
    expect(momentOn(profile, '1m', origin, 'UTC')).toBe(70e9);
    // 19:37:40 is 20.033 s after the origin (19:37:19.967).
    expect(momentOn(profile, '19:37:40', origin, 'UTC')).toBeCloseTo(20.033e9, -3);
    expect(momentOn(profile, '2026-11-22T19:37:45Z', origin, 'UTC')).toBeCloseTo(25.033e9, -3);
    expect(momentOn(profile, 'soon', origin, 'UTC')).toBeNull();
    expect(momentOn(profile, '', origin, 'UTC')).toBeNull();
    // Placing the trace's start there: own start + offset lands on the moment.
    const off = offsetToPlaceAt(trace, momentOn(profile, '+12.5s', origin, 'UTC')!)!;
    expect(trace.axisStartNs! - trace.offsetNs + off).toBe(22.5e9);
  });

  it('waits in the tray: estimated sources wholly outside the window, not the placed ones', () => {
    const near = src('near', { axisStartNs: 20e9, axisEndNs: 20e9, clock: { originEpochNs: origin, quality: 'estimated', basis: 'file mtime' } });
    const view = { startNs: 9e9, endNs: 41e9 };
    expect(waitingSources([profile, trace, near], view).map((s) => s.id)).toEqual(['trace']);
    expect(waitingSources([profile, trace], null)).toEqual([]);
  });

  it('a partner: the same kind from the same folder, paired first; a dump falls back to a goroutine profile', () => {
    const at = (name: string, over: Partial<SourceInfo>) => src(name, { name, origin: { type: 'file', path: `/inc/a/${name}` }, axisStartNs: 28e9, ...over });
    const paired = { originEpochNs: origin, quality: 'paired' as const, basis: 'paired with ss-capture.txt.gz' };
    const exact = { originEpochNs: origin, quality: 'exact' as const, basis: 'x' };
    const estimated = { originEpochNs: origin, quality: 'estimated' as const, basis: 'file mtime' };
    const procFd = at('proc-fd.txt', { kind: 'ss', format: 'proc fd listing', clock: estimated });
    const lsof = at('lsof.txt', { kind: 'ss', format: 'lsof', clock: paired });
    const capture = at('ss-capture.txt.gz', { kind: 'ss', format: 'ss capture', clock: exact });
    const other = src('lsof.txt', { kind: 'ss', format: 'lsof', origin: { type: 'file', path: '/inc/b/lsof.txt' }, axisStartNs: 1e9, clock: paired });
    expect(placementPartner(procFd, [procFd, capture, other, lsof])?.id).toBe('lsof.txt');
    expect(placementPartner(procFd, [procFd, capture, other])).toBeNull();
    const dump = at('goroutine-debug2.txt', { kind: 'goroutine-dump', clock: estimated });
    const gprof = at('goroutine.pb.gz', { kind: 'pprof', clock: exact });
    const cpu = at('cpu.pb.gz', { kind: 'pprof', clock: exact });
    expect(placementPartner(dump, [dump, cpu, gprof])?.id).toBe('goroutine.pb.gz');
  });
});

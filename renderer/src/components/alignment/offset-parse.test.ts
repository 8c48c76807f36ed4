import { describe, expect, it } from 'vitest';
import { parseClockOn, parseOffsetSeconds } from './offset-parse.ts';

describe('offset editor input', () => {
  it('reads signed seconds', () => {
    expect(parseOffsetSeconds('+1.25')).toBe(1.25e9);
    expect(parseOffsetSeconds('-0.5 s')).toBe(-0.5e9);
    expect(parseOffsetSeconds('−2')).toBe(-2e9);
    expect(parseOffsetSeconds('.5')).toBe(0.5e9);
    expect(parseOffsetSeconds('3')).toBe(3e9);
    for (const bad of ['', 'abc', '1.2.3', '+-1', '1e5', '12:00']) expect(parseOffsetSeconds(bad)).toBeNull();
  });
  it('reads a wall-clock time on the day of the source (TZ=UTC in tests)', () => {
    const day = new Date(Date.UTC(2026, 10, 22, 19, 37, 47, 998));
    expect(parseClockOn('19:37:48.001', day)!.toISOString()).toBe('2026-11-22T19:37:48.001Z');
    expect(parseClockOn('7:05', day)!.toISOString()).toBe('2026-11-22T07:05:00.000Z');
    expect(parseClockOn('19:37:48.5', day)!.getUTCMilliseconds()).toBe(500);
    for (const bad of ['25:00', '12:60', '12', 'noon', '12:00:00.1234']) expect(parseClockOn(bad, day)).toBeNull();
  });
});

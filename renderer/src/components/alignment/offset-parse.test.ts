import { describe, expect, it } from 'vitest';
import { formatOffset, parseDateTime, parseOffset, parseStartAt, parseTimeOfDay } from './offset-parse.ts';

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

describe('offset with units', () => {
  it('reads signed amounts with units, the sign covering the whole sum', () => {
    expect(parseOffset('+2.5s')).toBe(2.5e9);
    expect(parseOffset('-300ms')).toBe(-300e6);
    expect(parseOffset('+1h')).toBe(3600e9);
    expect(parseOffset('-2d 3h')).toBe(-(2 * 86400e9 + 3 * 3600e9));
    expect(parseOffset('1m30s')).toBe(90e9);
    expect(parseOffset('5 min')).toBe(300e9);
    expect(parseOffset('+250us')).toBe(250e3);
    expect(parseOffset('40ns')).toBe(40);
  });
  it('still reads a bare number as seconds', () => {
    expect(parseOffset('+1.25')).toBe(1.25e9);
    expect(parseOffset('−2')).toBe(-2e9);
    expect(parseOffset('.5')).toBe(0.5e9);
  });
  it('shows an offset in units it reads back exactly', () => {
    expect(formatOffset(0)).toBe('0s');
    expect(formatOffset(2.5e9)).toBe('+2.5s');
    expect(formatOffset(-300e6)).toBe('-0.3s');
    expect(formatOffset(-(2 * 86400e9 + 3 * 3600e9))).toBe('-2d 3h');
    const twelveDays = -(11 * 86400e9 + 16 * 3600e9 + 19 * 60e9 + 45.397123456e9);
    expect(formatOffset(twelveDays)).toBe('-11d 16h 19m 45.397123456s');
    for (const ns of [0, 1, -40, 2.5e9, twelveDays, 86400e9, 59.999999999e9]) expect(parseOffset(formatOffset(ns))).toBeCloseTo(ns, -1);
  });
  it('refuses anything else', () => {
    for (const bad of ['', 'abc', '1.2.3', '+-1', '1e5', '12:00', '3 x', '2dd', 's', '1h -2m', '3 seconds']) expect(parseOffset(bad)).toBeNull();
  });
});

describe('full date-time', () => {
  it('reads ISO 8601 with a zone as that instant', () => {
    expect(iso(parseDateTime('2026-11-22T19:46:31.5Z', 'UTC'))).toBe('2026-11-22T19:46:31.500Z');
    expect(iso(parseDateTime('2026-11-22T19:46:31+01:00', 'UTC'))).toBe('2026-11-22T18:46:31.000Z');
    expect(iso(parseDateTime('2026-11-22T19:46:31.123456789-0530', 'Europe/Berlin'))).toBe('2026-11-23T01:16:31.123Z');
  });
  it('reads a zone-less date-time (ISO or the shown format) in the shown zone', () => {
    expect(iso(parseDateTime('2026-11-22T19:46:31', 'UTC'))).toBe('2026-11-22T19:46:31.000Z');
    expect(iso(parseDateTime('2026-11-22 19:46:31.500', 'UTC'))).toBe('2026-11-22T19:46:31.500Z');
    // New York is UTC−5 in November and UTC−4 in July.
    expect(iso(parseDateTime('2026-11-22 19:46:31.500', 'America/New_York'))).toBe('2026-11-23T00:46:31.500Z');
    expect(iso(parseDateTime('2026-07-01 08:00', 'America/New_York'))).toBe('2026-07-01T12:00:00.000Z');
    expect(iso(parseDateTime('2026-11-22 09:00', 'Asia/Kolkata'))).toBe('2026-11-22T03:30:00.000Z');
  });
  it('refuses impossible dates and times', () => {
    for (const bad of ['2026-02-30 10:00', '2026-13-01T00:00', '2026-11-22T24:00', '2026-11-22', '22/11/2026 10:00', '2026-11-22T10:00+25:00'])
      expect(parseDateTime(bad, 'UTC')).toBeNull();
  });
});

describe('time of day', () => {
  const current = Date.UTC(2026, 10, 22, 19, 37, 47, 998);
  it('keeps the source’s current date (TZ=UTC)', () => {
    expect(iso(parseTimeOfDay('19:37:48.001', { currentMs: current, timeZone: 'UTC' }))).toBe('2026-11-22T19:37:48.001Z');
    expect(iso(parseTimeOfDay('7:05', { currentMs: current, timeZone: 'UTC' }))).toBe('2026-11-22T07:05:00.000Z');
    for (const bad of ['25:00', '12:60', '12', 'noon', '12:00:00.1234']) expect(parseTimeOfDay(bad, { currentMs: current, timeZone: 'UTC' })).toBeNull();
  });
  it('keeps the current date in the shown zone, not in UTC', () => {
    // 19:37 UTC on the 22nd is 04:37 on the 23rd in Tokyo: 10:00 there stays on the 23rd.
    expect(iso(parseTimeOfDay('10:00', { currentMs: current, timeZone: 'Asia/Tokyo' }))).toBe('2026-11-23T01:00:00.000Z');
  });
  it('for an estimated source, takes the date that lands nearest the evidence span', () => {
    // The source's estimated date is 12 days after the incident (a copied file's mtime).
    const estimated = Date.UTC(2026, 11, 4, 9, 0);
    const near = { startMs: Date.UTC(2026, 10, 22, 19, 40), endMs: Date.UTC(2026, 10, 22, 19, 50) };
    expect(iso(parseTimeOfDay('19:46:31.5', { currentMs: estimated, timeZone: 'UTC', near }))).toBe('2026-11-22T19:46:31.500Z');
    // Just after midnight is nearer the span on the next day than 24 h earlier.
    const late = { startMs: Date.UTC(2026, 10, 22, 23, 50), endMs: Date.UTC(2026, 10, 22, 23, 59) };
    expect(iso(parseTimeOfDay('00:03', { currentMs: estimated, timeZone: 'UTC', near: late }))).toBe('2026-11-23T00:03:00.000Z');
    // In Tokyo the span is on the 23rd, 04:40–04:50: 04:45 lands inside it.
    expect(iso(parseTimeOfDay('04:45', { currentMs: estimated, timeZone: 'Asia/Tokyo', near }))).toBe('2026-11-22T19:45:00.000Z');
  });
  it('the start box takes a date-time before a time of day', () => {
    const ctx = { currentMs: current, timeZone: 'UTC' };
    expect(iso(parseStartAt('2026-11-20 08:00', ctx))).toBe('2026-11-20T08:00:00.000Z');
    expect(iso(parseStartAt('08:00', ctx))).toBe('2026-11-22T08:00:00.000Z');
    expect(parseStartAt('+2s', ctx)).toBeNull();
  });
});

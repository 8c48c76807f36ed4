import { describe, expect, it } from 'vitest';
import { axisToDate, formatDuration, formatValue, shortFunctionName } from './format.ts';

describe('format', () => {
  it('trims Go package directories from function names', () => {
    expect(shortFunctionName('net/http.(*persistConn).readLoop')).toBe('http.(*persistConn).readLoop');
    expect(shortFunctionName('github.com/acme/svc/internal/pool.(*Pool).Get')).toBe('pool.(*Pool).Get');
    expect(shortFunctionName('main.main.func1')).toBe('main.main.func1');
    expect(shortFunctionName('runtime.gopark')).toBe('runtime.gopark');
    expect(shortFunctionName('internal/poll.runtime_pollWait')).toBe('poll.runtime_pollWait');
  });
  it('maps the session axis to wall-clock time without losing the origin\'s sub-millisecond part', () => {
    // origin = …34.288600 s; 211.4 ms later is exactly …34.500 s.
    const d = axisToDate('1795376314288600000', 211_400_000);
    expect(d.getUTCSeconds()).toBe(34);
    expect(d.getUTCMilliseconds()).toBe(500);
  });
  it('formats values in their units', () => {
    expect(formatDuration(1.5e9)).toBe('1.50 s');
    expect(formatValue(2048, 'bytes')).toBe('2.0 KiB');
    expect(formatValue(1234567, 'count')).toBe('1,234,567');
    // Legacy profiles name other units: java contention delay is in microseconds (1,900 µs = 1.90 ms).
    expect(formatValue(1900, 'microseconds')).toBe('1.90 ms');
    expect(formatValue(3, 'seconds')).toBe('3.00 s');
    expect(formatValue(2, 'kilobytes')).toBe('2.0 KiB');
    expect(formatValue(12, 'widgets')).toBe('12 widgets');
  });
});

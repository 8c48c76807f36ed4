import { describe, expect, it } from 'vitest';
import { formatDuration, formatValue, shortFunctionName } from './format.ts';

describe('format', () => {
  it('trims Go package directories from function names', () => {
    expect(shortFunctionName('net/http.(*persistConn).readLoop')).toBe('http.(*persistConn).readLoop');
    expect(shortFunctionName('github.com/acme/svc/internal/pool.(*Pool).Get')).toBe('pool.(*Pool).Get');
    expect(shortFunctionName('main.main.func1')).toBe('main.main.func1');
    expect(shortFunctionName('runtime.gopark')).toBe('runtime.gopark');
    expect(shortFunctionName('internal/poll.runtime_pollWait')).toBe('poll.runtime_pollWait');
  });
  it('formats values in their units', () => {
    expect(formatDuration(1.5e9)).toBe('1.50 s');
    expect(formatValue(2048, 'bytes')).toBe('2.0 KiB');
    expect(formatValue(1234567, 'count')).toBe('1,234,567');
  });
});

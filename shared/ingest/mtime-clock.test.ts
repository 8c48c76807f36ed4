import { describe, it, expect } from 'vitest';
import { epochMsToNs, mtimeClock } from './mtime-clock.ts';
import { parseGoroutineDump } from './goroutines/parse-goroutines.ts';
import { parseTrace } from './gotrace/parse-trace.ts';
import { readFixture } from '../test-support/fixtures.ts';

describe('mtimeClock: the one no-clock fallback', () => {
  it('keeps sub-millisecond mtimes exactly and says what is missing without one', () => {
    expect(epochMsToNs(1_700_000_000_123.25).toString()).toBe('1700000000123250000'); // fs.stat keeps fractions of a ms
    expect(mtimeClock(1_700_000_000_123.5, { noFileTime: 'x' })).toEqual({ originEpochNs: '1700000000123500000', quality: 'estimated', basis: 'file mtime' });
    expect(mtimeClock(undefined, { noFileTime: 'no clock' })).toEqual({ originEpochNs: null, quality: 'estimated', basis: 'no clock' });
    expect(mtimeClock(Number.NaN, { noFileTime: 'no clock' }).originEpochNs).toBeNull();
    expect(mtimeClock(2000, { noFileTime: 'x', writtenAtNs: 5e8, basis: 'file mtime minus trace duration' })).toEqual({
      originEpochNs: '1500000000',
      quality: 'estimated',
      basis: 'file mtime minus trace duration',
    });
  });

  it('is what the parsers use: a dump sits at the mtime, an old trace ends at it', () => {
    const mtimeMs = 1_795_376_486_000.25;
    expect(parseGoroutineDump(readFixture('scenarios/conn-leak-go1.19/goroutine-debug2.txt'), { mtimeMs }).clock.originEpochNs).toBe('1795376486000250000');
    const t = parseTrace(readFixture('scenarios/conn-leak-go1.19/trace.out'), { mtimeMs });
    expect(t.clock.quality).toBe('estimated');
    expect(BigInt(t.clock.originEpochNs!) + BigInt(Math.round(t.endNs))).toBe(1_795_376_486_000_250_000n);
  });
});

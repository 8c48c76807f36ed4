import { describe, expect, it } from 'vitest';
import { validateRequestArg } from '../../../../shared/bridge-schemas.ts';
import { SCHEDULE_DEFAULTS, scheduleLabel, toPprofSchedule } from './PprofScheduleFields.tsx';

describe('the schedule fields', () => {
  it('a delta every interval tiles the axis; a custom path is sent as typed; the host accepts both', () => {
    const delta = toPprofSchedule({ ...SCHEDULE_DEFAULTS, choice: 'block-delta', everyS: '20' });
    expect(delta).toEqual({ kind: 'block', port: 6060, everyS: 20, seconds: 20 });
    expect(scheduleLabel(delta as Exclude<typeof delta, string>)).toBe('block delta 20 s every 20 s');
    const custom = toPprofSchedule({ ...SCHEDULE_DEFAULTS, choice: 'custom', everyS: '60', path: '/debug/fr?format=trace' });
    expect(custom).toEqual({ kind: 'custom', port: 6060, everyS: 60, path: '/debug/fr?format=trace' });
    expect(scheduleLabel(custom as Exclude<typeof custom, string>)).toBe('/debug/fr?format=trace every 60 s');
    for (const s of [delta, custom, toPprofSchedule({ ...SCHEDULE_DEFAULTS, choice: 'goroutineleak' })]) {
      expect(validateRequestArg('setPprofSchedule', { collectionId: 'c1', schedule: s })).toBeNull();
    }
    expect(toPprofSchedule({ ...SCHEDULE_DEFAULTS, choice: 'custom', path: 'debug/fr' })).toBe("The path must start with '/'.");
    // What only the host checks is refused there, with the reason.
    const sneaky = toPprofSchedule({ ...SCHEDULE_DEFAULTS, choice: 'custom', path: '/a/../b' });
    expect(validateRequestArg('setPprofSchedule', { collectionId: 'c1', schedule: sneaky })).toMatch(/'\.\.'/);
  });
});

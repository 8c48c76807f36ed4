import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { fixturePath } from '../test-support/fixtures.ts';
import { nearestEvidence, nearestOf, placeOf } from './nearest-evidence.ts';

describe('nearest evidence', () => {
  it('places evidence relative to a range', () => {
    const r = { startNs: 10, endNs: 20 };
    expect(placeOf({ id: 'a', kind: 'pprof', axisStartNs: 12, axisEndNs: 15 }, r)).toEqual({ id: 'a', distanceNs: 0, relation: 'inside' });
    expect(placeOf({ id: 'a', kind: 'pprof', axisStartNs: 5, axisEndNs: 15 }, r).relation).toBe('overlaps');
    expect(placeOf({ id: 'a', kind: 'pprof', axisStartNs: 2, axisEndNs: 4 }, r)).toEqual({ id: 'a', distanceNs: 6, relation: 'before' });
    expect(placeOf({ id: 'a', kind: 'pprof', axisStartNs: 25, axisEndNs: 25 }, r)).toEqual({ id: 'a', distanceNs: 5, relation: 'after' });
  });
  it('ties go to the evidence whose middle is nearer', () => {
    const r = { startNs: 10, endNs: 20 };
    const n = nearestOf(
      [
        { id: 'wide', kind: 'pprof', axisStartNs: 0, axisEndNs: 100 },
        { id: 'tight', kind: 'pprof', axisStartNs: 14, axisEndNs: 16 },
      ],
      r,
    );
    expect(n!.id).toBe('tight');
    expect(nearestOf([], r)).toBeNull();
  });

  it('conn-leak run (meta.json timeline): for the trace window the CPU profile overlaps and the dump comes 11 s later', () => {
    const meta = JSON.parse(readFileSync(fixturePath('scenarios/conn-leak-go1.27/meta.json'), 'utf8')) as { start_unix_ns: number; events: { name: string; unix_ns: number }[] };
    const at = (name: string) => (meta.events.find((e) => e.name === name)!.unix_ns - meta.start_unix_ns);
    const trace = { startNs: at('trace-start'), endNs: at('trace-stop') };
    const got = nearestEvidence(
      [
        { id: 'cpu', kind: 'pprof', axisStartNs: at('cpu-profile-start'), axisEndNs: at('cpu-profile-stop') },
        { id: 'block', kind: 'pprof', axisStartNs: at('profiles-snapshot'), axisEndNs: at('profiles-snapshot') },
        { id: 'dump', kind: 'goroutine-dump', axisStartNs: at('profiles-snapshot'), axisEndNs: at('profiles-snapshot') },
        { id: 'ss', kind: 'ss', axisStartNs: 0, axisEndNs: 30e9 },
      ],
      trace,
    );
    expect(got.profile).toEqual({ id: 'cpu', distanceNs: 0, relation: 'overlaps' });
    expect(got.dump!.id).toBe('dump');
    expect(got.dump!.relation).toBe('after');
    expect(Math.round(got.dump!.distanceNs / 1e8) / 10).toBe(11);
  });
});

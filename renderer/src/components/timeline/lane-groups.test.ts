import { describe, expect, it } from 'vitest';
import type { SourceInfo } from '../../../../shared/bridge.ts';
import { laneGroups } from './lane-groups.ts';

const src = (id: string, origin: SourceInfo['origin']): SourceInfo => ({ id, name: id, kind: 'pprof', format: '', origin, status: 'ready', progress: 1, sizeBytes: 1, offsetNs: 0 });

describe('laneGroups', () => {
  it('groups by folder, SSH host or "dropped files", in order of first appearance', () => {
    const g = laneGroups([
      src('a', { type: 'file', path: '/data/scenarios/conn-leak/trace.out' }),
      src('b', { type: 'upload' }),
      src('c', { type: 'ssh', host: 'db1', command: 'ss -tanoip', path: '/tmp/c.txt' }),
      src('d', { type: 'file', path: '/data/scenarios/conn-leak/block.pb.gz' }),
      src('e', { type: 'file', path: 'C:\\incidents\\x\\cpu.pb.gz' }),
    ]);
    expect(g.map((x) => [x.label, x.sources.map((s) => s.id)])).toEqual([
      ['scenarios/conn-leak', ['a', 'd']],
      ['dropped files', ['b']],
      ['host db1', ['c']],
      ['incidents/x', ['e']],
    ]);
  });
});

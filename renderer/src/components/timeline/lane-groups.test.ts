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

  it('puts the snapshots of a profile series in one group of their own, in time order', () => {
    const f = (id: string) => src(id, { type: 'file', path: `/data/series/${id}` });
    const series = { id: 'series:block:b0', kind: 'block' as const, label: 'block profiles of p · 3 snapshots', members: ['b0', 'b1', 'b2'].map((id, i) => ({ id, name: id, atNs: i })) };
    const g = laneGroups([f('trace'), f('b2'), f('b0'), f('heap'), f('b1')], [series]);
    expect(g.map((x) => [x.label, x.sources.map((s) => s.id), x.series?.id])).toEqual([
      ['data/series', ['trace', 'heap'], undefined],
      ['block profiles of p · 3 snapshots', ['b0', 'b1', 'b2'], 'series:block:b0'],
    ]);
  });
});

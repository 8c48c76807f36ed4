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

  it('puts the live lanes of a several-hosts collection under that collection, not a group per host', () => {
    const fleet = (key: string, name: string) => ({ key, name });
    const ssh = (host: string, f?: { key: string; name: string }) => ({ type: 'ssh' as const, host, command: 'ss -tanoip', path: `/caps/${host}.txt`, ...(f ? { fleet: f } : {}) });
    const g = laneGroups([
      src('a', ssh('10.0.0.1', fleet('s/f1', 'web-*'))),
      src('b', ssh('10.0.0.9')),
      src('c', ssh('10.0.0.2', fleet('s/f1', 'web-*'))),
      src('d', ssh('10.0.0.3', fleet('s/f2', 'db-01 db-02'))),
      src('e', ssh('10.0.0.1', fleet('s/f2', 'db-01 db-02'))),
    ]);
    expect(g.map((x) => [x.key, x.label, x.sources.map((s) => s.id)])).toEqual([
      ['fleet:s/f1', 'collection web-*', ['a', 'c']],
      ['ssh:10.0.0.9', 'host 10.0.0.9', ['b']],
      ['fleet:s/f2', 'collection db-01 db-02', ['d', 'e']],
    ]);
  });

  it('groups files dropped with their folder by that folder', () => {
    const g = laneGroups([
      src('a', { type: 'upload', folder: 'incident/web-01' }),
      src('b', { type: 'upload', folder: 'incident/web-02' }),
      src('c', { type: 'upload' }),
      src('d', { type: 'upload', folder: 'incident/web-01' }),
    ]);
    expect(g.map((x) => [x.label, x.sources.map((s) => s.id)])).toEqual([
      ['incident/web-01', ['a', 'd']],
      ['incident/web-02', ['b']],
      ['dropped files', ['c']],
    ]);
  });
});

import { describe, expect, it } from 'vitest';
import type { SourceInfo, SourceOrigin } from './bridge.ts';
import { hostLabels, isHostCapture } from './source-hosts.ts';

const src = (id: string, name: string, origin: SourceOrigin, format = 'ss capture'): SourceInfo => ({
  id,
  name,
  kind: 'ss',
  format,
  origin,
  status: 'ready',
  progress: 1,
  sizeBytes: 1,
  offsetNs: 0,
});

describe('hostLabels', () => {
  it('names SSH captures by host, files by their folder when the folders differ', () => {
    const m = hostLabels([
      src('s1', 'ss-capture.txt', { type: 'file', path: '/cases/inc-7/web-01/ss-capture.txt' }),
      src('s2', 'ss-capture.txt', { type: 'file', path: '/cases/inc-7/web-02/ss-capture.txt' }),
      src('s3', 'db-1.ss', { type: 'ssh', host: 'db-1', command: 'ss -tanoip', path: '/tmp/x' }),
    ]);
    expect([...m]).toEqual([
      ['s3', 'db-1'],
      ['s1', 'web-01'],
      ['s2', 'web-02'],
    ]);
  });

  it('names uploads by the folder they were dropped in', () => {
    const m = hostLabels([
      src('u1', 'ss-capture.txt', { type: 'upload', folder: 'inc-7/web-01' }),
      src('u2', 'ss-capture.txt', { type: 'upload', folder: 'inc-7/web-02' }),
    ]);
    expect([...m.values()]).toEqual(['web-01', 'web-02']);
  });

  it('falls back to the file names when the folders are the same, and to folder/name when both clash', () => {
    const same = hostLabels([
      src('s1', 'web-01.ss-capture.txt', { type: 'file', path: '/out/web-01.ss-capture.txt' }),
      src('s2', 'web-02.ss-capture.txt', { type: 'file', path: '/out/web-02.ss-capture.txt' }),
    ]);
    expect(same.get('s1')).toBe('web-01.ss-capture.txt');
    const clash = hostLabels([src('s1', 'a.txt', { type: 'file', path: '/x/a.txt' }), src('s2', 'a.txt', { type: 'file', path: '/x/a.txt' })]);
    expect(clash.get('s2')).toBe('x/a.txt');
  });

  it('only captures over time are hosts (not an lsof listing or one ss run)', () => {
    expect(isHostCapture(src('s1', 'c', { type: 'upload' }))).toBe(true);
    expect(isHostCapture(src('s2', 'lsof.txt', { type: 'upload' }, 'lsof'))).toBe(false);
    expect(isHostCapture({ ...src('s3', 'live', { type: 'upload' }, ''), live: true })).toBe(true);
  });
});

import { describe, expect, it } from 'vitest';
import type { SourceInfo, SourceOrigin } from './bridge.ts';
import { sourceDisplayName, sourceDisplayNames } from './source-names.ts';

const file = (id: string, path: string): Pick<SourceInfo, 'id' | 'name' | 'origin'> => ({ id, name: path.split('/').pop()!, origin: { type: 'file', path } });
const other = (id: string, name: string, origin: SourceOrigin) => ({ id, name, origin });

describe('sourceDisplayNames', () => {
  it('keeps a name no other source shares as it is', () => {
    const names = sourceDisplayNames([file('a', '/inc/web-01/block.pb.gz'), file('b', '/inc/web-01/trace.out')]);
    expect([...names.values()]).toEqual(['block.pb.gz', 'trace.out']);
  });

  it('adds the one folder that tells equal names apart (a folder per host)', () => {
    const names = sourceDisplayNames([
      file('a', '/inc/web-01/block.pb.gz'),
      file('b', '/inc/web-02/block.pb.gz'),
      file('c', '/inc/web-01/trace.out'),
    ]);
    expect(names.get('a')).toBe('web-01/block.pb.gz');
    expect(names.get('b')).toBe('web-02/block.pb.gz');
    expect(names.get('c')).toBe('trace.out');
  });

  it('goes as deep as needed, and no deeper, for all sources of that name', () => {
    const names = sourceDisplayNames([
      file('a', '/a/x/ss-capture.txt'),
      file('b', '/b/x/ss-capture.txt'),
      file('c', '/b/y/ss-capture.txt'),
      file('d', '/c/d/y/ss-capture.txt'),
      file('e', '/c/other.txt'),
    ]);
    expect([...names.values()]).toEqual(['a/x/ss-capture.txt', 'b/x/ss-capture.txt', 'b/y/ss-capture.txt', 'd/y/ss-capture.txt', 'other.txt']);
  });

  it('numbers what no folder tells apart (uploads, the same file twice), in order', () => {
    const names = sourceDisplayNames([
      other('a', 'goroutines.txt', { type: 'upload' }),
      other('b', 'goroutines.txt', { type: 'upload' }),
      file('c', '/inc/block.pb.gz'),
      file('d', '/inc/block.pb.gz'),
    ]);
    expect([...names.values()]).toEqual(['goroutines.txt', 'goroutines.txt (2)', 'inc/block.pb.gz', 'inc/block.pb.gz (2)']);
  });

  it('tells apart uploads by the folder they came in (a dropped folder per host)', () => {
    const names = sourceDisplayNames([
      other('a', 'ss-capture.txt', { type: 'upload', folder: 'incident/web-01' }),
      other('b', 'ss-capture.txt', { type: 'upload', folder: 'incident/web-02' }),
      other('c', 'ss-capture.txt', { type: 'upload' }),
    ]);
    expect([...names.values()]).toEqual(['web-01/ss-capture.txt', 'web-02/ss-capture.txt', 'ss-capture.txt']);
  });

  it('names an SSH capture by the folder of its capture file like a file', () => {
    const ssh = other('a', 'cap.txt', { type: 'ssh', host: 'h', command: 'ss', path: '/caps/h1/cap.txt' });
    const all = [ssh, file('b', '/x/cap.txt')];
    expect(sourceDisplayName(ssh, all)).toBe('h1/cap.txt');
    expect(sourceDisplayName(all[1]!, all)).toBe('x/cap.txt');
  });
});

import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { addRecent, readRecent, RECENT_MAX } from './recent.ts';

describe('recent files and sessions', () => {
  it('keeps the most recent first, without duplicates, at most RECENT_MAX', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'tracedeck-recent-')), 'sub', 'recent.json');
    expect(readRecent(file)).toEqual([]);
    const t = new Date('2026-11-22T19:37:20Z');
    addRecent([{ path: '/a', kind: 'file' }, { path: '/b', kind: 'file' }], file, t);
    addRecent([{ path: '/s.tracedeck', kind: 'session' }, { path: '/a', kind: 'file' }], file, t);
    expect(readRecent(file).map((r) => r.path)).toEqual(['/s.tracedeck', '/a', '/b']);
    expect(readRecent(file)[0]).toEqual({ path: '/s.tracedeck', kind: 'session', openedAt: '2026-11-22T19:37:20.000Z' });
    for (let i = 0; i < 20; i++) addRecent([{ path: `/f${i}`, kind: 'file' }], file, t);
    const list = readRecent(file);
    expect(list).toHaveLength(RECENT_MAX);
    expect(list[0]!.path).toBe('/f19');
  });

  it('ignores a damaged list', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'tracedeck-recent-')), 'recent.json');
    writeFileSync(file, '{not json');
    expect(readRecent(file)).toEqual([]);
    writeFileSync(file, JSON.stringify([{ path: 1 }, { path: '/ok', kind: 'file', openedAt: 'x' }, { path: '/bad', kind: 'dir', openedAt: 'x' }]));
    expect(readRecent(file).map((r) => r.path)).toEqual(['/ok']);
  });
});

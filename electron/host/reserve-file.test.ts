import { describe, expect, it } from 'vitest';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { reserveFile } from './reserve-file.ts';

describe('reserveFile', () => {
  it('gives each caller its own file, even for one base name asked for at once', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tracedeck-reserve-'));
    writeFileSync(join(dir, 'web1.txt'), 'an older capture');
    // Two hosts whose aliases clean to the same name, started together (no await in between).
    const a = reserveFile(dir, 'web1');
    const b = reserveFile(dir, 'web1');
    expect([a, b]).toEqual([join(dir, 'web1-2.txt'), join(dir, 'web1-3.txt')]);
    expect(readdirSync(dir).sort()).toEqual(['web1-2.txt', 'web1-3.txt', 'web1.txt']);
  });
});

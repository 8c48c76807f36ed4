/**
 * "Save session (embedded)" with hostile sources: /dev/zero, a FIFO nobody writes to and a file changed
 * after it was opened sit next to a real profile. The save must finish, embed only what was parsed,
 * and say which sources were left out or kept as paths, and why.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEMO_DIR, ENGINE_WORKER_TS } from '../paths.ts';
import { Host } from './handlers.ts';
import { parseSessionFile } from './session-file.ts';
import { fixturePath } from '../../shared/test-support/fixtures.ts';

const PROFILE = 'scenarios/conn-leak-go1.27/block.pb.gz';
const dir = mkdtempSync(join(tmpdir(), 'tracedeck-embed-'));
let host: Host;

beforeAll(() => {
  host = new Host({ workerScript: ENGINE_WORKER_TS, demoDir: DEMO_DIR });
});
afterAll(() => {
  host?.dispose();
  rmSync(dir, { recursive: true, force: true });
});

describe.runIf(process.platform === 'linux')('saveSession with files embedded', () => {
  it('embeds what was parsed and names what it left out', async () => {
    const changed = join(dir, 'changed.pb.gz');
    copyFileSync(fixturePath(PROFILE), changed);
    const fifo = join(dir, 'silent.fifo');
    execFileSync('mkfifo', [fifo]);
    const ids = (await host.handle('openPaths', { paths: [fixturePath(PROFILE), '/dev/zero', changed] })).ids;
    await host.store.settled();
    const [fifoId] = (await host.handle('openPaths', { paths: [fifo] })).ids;
    writeFileSync(changed, 'not the bytes that were parsed\n');
    const errors: { file: string; reason: string }[] = [];
    const off = host.on('error', (e) => errors.push(e));

    const r = await host.handle('saveSession', { embed: true, uiState: { selection: null, annotations: [], views: {} } });
    off();
    const byName = new Map((r.leftOut ?? []).map((l) => [l.file, l.reason]));
    expect(byName.get('zero')).toMatch(/^left out of the session: it did not load \(character device too large/);
    expect(byName.get('silent.fifo')).toBe('left out of the session: it is ingesting');
    expect(byName.get('changed.pb.gz')).toBe('saved as a path, not embedded: changed since it was opened');
    expect(byName.size).toBe(3);
    expect(errors).toEqual(r.leftOut);

    const file = parseSessionFile(r.text!);
    expect(file.sources.map((s) => [s.name, s.data.type])).toEqual([
      ['block.pb.gz', 'embedded'],
      ['changed.pb.gz', 'path'],
    ]);
    expect(host.store.snapshot().sources.map((s) => s.id)).toEqual([...ids, fifoId]);
  });
});

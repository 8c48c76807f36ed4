/**
 * A live capture's placement print crosses from its engine whole once, then by its new snapshots only
 * (fingerprintTail); the host's grown print must pair a listing with a snapshot that came in a later
 * refresh exactly as a whole read does.
 */
import { appendFileSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_DIR, ENGINE_WORKER_TS } from '../paths.ts';
import { Host } from './handlers.ts';
import { readFixture } from '../../shared/test-support/fixtures.ts';

const DIR = 'scenarios/conn-leak-go1.27/';
let dir: string;
let host: Host;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'tracedeck-live-print-'));
  host = new Host({ workerScript: ENGINE_WORKER_TS, demoDir: DEMO_DIR });
});
afterAll(() => {
  host?.dispose();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('a live capture that grows', () => {
  it('pairs lsof with a snapshot that arrived in a later refresh, at the same place as a whole read', async () => {
    const text = gunzipSync(readFixture(`${DIR}ss-capture.txt.gz`)).toString('latin1');
    // The first 20 snapshots, then the rest: lsof's snapshot (+28.2 s of ~30) comes with the second part.
    const cut = [...text.matchAll(/^### ss-snapshot /gm)][20]!.index!;
    const path = join(dir, 'live.ss');
    writeFileSync(path, text.slice(0, cut), 'latin1');
    const store = host.store;
    const id = store.addLive('live.ss', { type: 'ssh', host: 'vm', command: 'ss -tanoip', path });
    await store.reload(id, path, statSync(path).size);
    appendFileSync(path, text.slice(cut), 'latin1');
    await store.reload(id, path, statSync(path).size);
    await host.handle('openBytes', { name: 'lsof.txt', bytes: readFixture(`${DIR}lsof.txt`), mtimeMs: Date.UTC(2026, 11, 4) });
    await store.settled();
    const byName = (n: string) => store.snapshot().sources.find((s) => s.name === n)!;
    const live = byName('live.ss');
    const lsof = byName('lsof.txt');
    expect(lsof.clock?.quality).toBe('paired');
    expect(lsof.pairedWith?.id).toBe(id);

    // The same capture read whole: lsof lands on the same moment.
    await host.handle('openBytes', { name: 'whole.ss', bytes: new Uint8Array(Buffer.from(text, 'latin1')), mtimeMs: 0 });
    await host.handle('removeSource', { id: live.id });
    await store.settled();
    const again = byName('lsof.txt');
    expect(again.pairedWith?.name).toBe('whole.ss');
    expect(again.axisStartNs).toBe(lsof.axisStartNs);
    expect(again.clock?.basis).toBe(lsof.clock?.basis?.replace('live.ss', 'whole.ss'));
  });
});

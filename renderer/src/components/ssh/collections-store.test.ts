import { describe, expect, it, vi } from 'vitest';
import type { CollectionInfo } from '../../../../shared/bridge.ts';

// The store module subscribes through the bridge only in subscribeSsh; no transport is needed here.
vi.mock('../../bridge-client.ts', () => ({ bridge: {} }));
const { useSsh } = await import('./collections-store.ts');

const report = (seq: number, state: CollectionInfo['state'], snapshots: number): CollectionInfo => ({
  collectionId: 'c1',
  seq,
  sourceId: 's1',
  host: 'db-1',
  target: 'root@127.0.0.1:2222',
  capturePath: '/tmp/ss-capture.txt',
  state,
  snapshots,
  attempts: 0,
  running: state !== 'stopped',
});

describe('collections store', () => {
  it('keeps the newest report when an older one arrives after it (listCollections reply crossing an event)', () => {
    useSsh.getState().upsert(report(5, 'connected', 12));
    useSsh.getState().upsert(report(4, 'connecting', 0));
    expect(useSsh.getState().collections).toHaveLength(1);
    expect(useSsh.getState().collections[0]).toMatchObject({ state: 'connected', snapshots: 12 });
    useSsh.getState().upsert(report(6, 'stopped', 13));
    expect(useSsh.getState().collections[0]).toMatchObject({ state: 'stopped', snapshots: 13, running: false });
  });
});

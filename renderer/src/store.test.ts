import { describe, expect, it } from 'vitest';
import type { SessionInfo, SourceInfo } from '../../shared/bridge.ts';
import { useApp } from './store.ts';

const source = (status: SourceInfo['status']): SourceInfo => ({
  id: 's1',
  name: 'ss-capture.txt.gz',
  kind: status === 'ready' ? 'ss' : 'error',
  format: '',
  origin: { type: 'upload' },
  status,
  progress: status === 'ready' ? 1 : 0,
  sizeBytes: 285632,
  offsetNs: 0,
});
const session = (seq: number, status: SourceInfo['status']): SessionInfo => ({ seq, originEpochNs: null, sources: [source(status)] });

describe('setSession', () => {
  it('keeps the newest snapshot when an older one arrives after it (getSession reply crossing a pushed event)', () => {
    useApp.getState().setSession(session(3, 'ready'));
    useApp.getState().setSession(session(2, 'ingesting'));
    expect(useApp.getState().session.sources[0]!.status).toBe('ready');
    expect(useApp.getState().session.seq).toBe(3);
    useApp.getState().setSession(session(4, 'error'));
    expect(useApp.getState().session.sources[0]!.status).toBe('error');
  });
});

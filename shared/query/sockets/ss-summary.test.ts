import { describe, expect, it } from 'vitest';
import { gunzipSync } from 'node:zlib';
import { parseSocketText } from '../../ingest/ss/parse-ss.ts';
import { fixturesOfKind, readFixture } from '../../test-support/fixtures.ts';
import { summarizeSockets } from './ss-summary.ts';

describe('summarizeSockets', () => {
  it('equals expected.json for every ss fixture (all figures)', () => {
    const fixtures = fixturesOfKind('ss');
    expect(fixtures.length).toBe(10);
    for (const [rel, want] of fixtures) {
      const src = parseSocketText(gunzipSync(readFixture(rel)), {});
      const { kind: _kind, ...figures } = want;
      const got = summarizeSockets(src);
      expect({ rel, ...got }, rel).toEqual({ rel, ...figures });
    }
  });

  it('ss -s input reports its totals and no sockets', () => {
    const src = parseSocketText(readFixture('scenarios/timewait-storm-go1.25/ss-summary.txt'), { mtimeMs: 1_700_000_000_000 });
    const f = summarizeSockets(src);
    expect(f.format).toBe('ss summary');
    expect(f.snapshots).toBe(1);
    expect(f.sockets).toBe(0);
    expect(f.startNs).toBe('1700000000000000000');
    expect(f.totals).toEqual({ total: 2484, estab: 0, closed: 2482, orphaned: 0, timewait: 2482 });
  });

  it('top peers: most first, ties broken by address, at most 5', () => {
    const lines = ['State Recv-Q Send-Q Local Address:Port Peer Address:Port'];
    const peers: [string, number][] = [['10.0.0.9', 3], ['10.0.0.2', 2], ['10.0.0.1', 2], ['10.0.0.5', 1], ['10.0.0.4', 1], ['10.0.0.3', 1]];
    let port = 1000;
    for (const [peer, n] of peers) for (let i = 0; i < n; i++) lines.push(`ESTAB 0 0 10.0.0.100:22 ${peer}:${port++}`);
    lines.push('TIME-WAIT 0 0 10.0.0.100:22 [::1]:80');
    const f = summarizeSockets(parseSocketText(new TextEncoder().encode(lines.join('\n') + '\n'), {}));
    expect(f.topPeers.ESTAB).toEqual([
      { peer: '10.0.0.9', count: 3 },
      { peer: '10.0.0.1', count: 2 },
      { peer: '10.0.0.2', count: 2 },
      { peer: '10.0.0.3', count: 1 },
      { peer: '10.0.0.4', count: 1 },
    ]);
    expect(f.topPeers['TIME-WAIT']).toEqual([{ peer: '::1', count: 1 }]);
    expect(f.startNs).toBeNull();
  });
});

import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { fixturesOfKind, readFixture } from '../../test-support/fixtures.ts';
import { summarize } from '../../query/run-query.ts';
import { CaptureAppender } from './append-capture.ts';
import { parseSocketText } from './parse-ss.ts';
import type { SocketCaptureModel } from '../../model/sockets.ts';

const captures = fixturesOfKind('ss')
  .filter(([rel]) => rel.endsWith('ss-capture.txt.gz'))
  .map(([rel]) => ({ rel, bytes: gunzipSync(readFixture(rel)) }));
const enc = (s: string) => new TextEncoder().encode(s);

/** Byte offsets where a `###` line starts (where a live capture is re-read). */
function recordStarts(b: Uint8Array): number[] {
  const out: number[] = [];
  for (let i = 0; i < b.length - 3; i++) if ((i === 0 || b[i - 1] === 0x0a) && b[i] === 0x23 && b[i + 1] === 0x23 && b[i + 2] === 0x23) out.push(i);
  return out;
}

/** Typed-array columns compared as bytes (expect's deep equality walks them element by element). */
function expectSameModel(a: SocketCaptureModel, b: SocketCaptureModel): void {
  const plain = (m: SocketCaptureModel) => {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(m)) {
      if (typeof v !== 'object' || v === null || Array.isArray(v) || !('length' in v)) {
        out[k] = v;
        continue;
      }
      const t: Record<string, unknown> = {};
      for (const [c, col] of Object.entries(v as Record<string, unknown>)) {
        t[c] = ArrayBuffer.isView(col) ? `${col.constructor.name}:${Buffer.from(col.buffer, col.byteOffset, col.byteLength).toString('base64')}` : col;
      }
      out[k] = t;
    }
    return out;
  };
  expect(plain(a)).toEqual(plain(b));
}

/** Parses the first cut, then appends each next piece; returns the result (null when an append was refused). */
function grow(b: Uint8Array, cuts: number[]) {
  const ends = [...cuts, b.length];
  let src = parseSocketText(b.subarray(0, ends[0]));
  const app = CaptureAppender.from(src);
  if (!app) throw new Error('not appendable');
  for (let i = 1; i < ends.length; i++) {
    const next = app.append(parseSocketText(b.subarray(ends[i - 1], ends[i])));
    if (!next) return null;
    src = next;
  }
  return src;
}

describe('CaptureAppender', () => {
  it('has fixtures to run on', () => expect(captures.length).toBeGreaterThanOrEqual(3));

  for (const { rel, bytes } of captures) {
    it(`${rel}: appended piece by piece equals the whole parse, model and figures`, () => {
      const whole = parseSocketText(bytes);
      expect(whole.warnings).toEqual([]);
      const starts = recordStarts(bytes);
      expect(starts.length).toBeGreaterThan(4);
      // One record at a time at the start, then bigger pieces (several snapshots, fd counts, gaps).
      const cuts = [...starts.slice(1, 4), ...starts.slice(4).filter((_, i) => i % 7 === 3)];
      const grown = grow(bytes, cuts);
      expect(grown).not.toBeNull();
      expectSameModel(grown!.model, whole.model);
      const { model: _a, ...restGrown } = grown!;
      const { model: _b, ...restWhole } = whole;
      expect(restGrown).toEqual(restWhole);
      expect(summarize(grown!)).toEqual(summarize(whole));
    });
  }

  it('earlier results stay valid after later appends (appends only write past their end)', () => {
    const { bytes } = captures[0]!;
    const starts = recordStarts(bytes);
    const first = parseSocketText(bytes.subarray(0, starts[3]));
    const app = CaptureAppender.from(first)!;
    const mid = app.append(parseSocketText(bytes.subarray(starts[3], starts[6])))!;
    const midCopy = structuredClone(mid.model);
    app.append(parseSocketText(bytes.subarray(starts[6])));
    expectSameModel(mid.model, midCopy);
  });

  it('refuses what a whole parse would read differently: warnings, out-of-order times, summaries, cut lines', () => {
    const base = parseSocketText(enc('### ss-snapshot 2000000000 h\nState Recv-Q Send-Q Local Peer\nESTAB 0 0 10.0.0.1:1 10.0.0.2:2\n'));
    const app = CaptureAppender.from(base)!;
    expect(app.append(parseSocketText(enc('### ss-snapshot 1000000000 h\nESTAB 0 0 10.0.0.1:1 10.0.0.2:2\n')))).toBeNull();
    expect(app.append(parseSocketText(enc('### ss-snapshot 3000000000 h\nESTAB 0 0 10.0.0.1:1 10.0.0.2:2\n\\### forged\n')))).toBeNull();
    expect(app.append(parseSocketText(enc('### ss-snapshot 3000000000 h\nESTAB 0 0 10.0.0.1:1 10.0.0.2:2')))).toBeNull();
    const ok = app.append(parseSocketText(enc('### ss-snapshot 3000000000 h2\nESTAB 0 0 10.0.0.3:1 10.0.0.2:2\n### gap 3500000000 h2 drop\n')));
    expect(ok?.model.snapshotCount).toBe(2);
    expect(ok?.endNs).toBe(1.5e9);
    expect(ok?.model.strings[ok.model.snapshots.host[1]!]).toBe('h2');
    expect(ok?.model.gaps).toEqual([{ timeNs: 1.5e9, host: 'h2', reason: 'drop' }]);
    expect(CaptureAppender.from(parseSocketText(enc('ESTAB 0 0 10.0.0.1:1 10.0.0.2:2\n')))).toBeNull(); // no framing: no clock
  });
});

import { describe, expect, it } from 'vitest';
import { HttpParseError, HttpResponseReader } from './http1.ts';
import type { HttpResponse } from './http1.ts';

const bytes = (s: string) => new Uint8Array(Buffer.from(s, 'latin1'));

/** Feeds `raw` split at the given cut points, then ends the stream. */
function readSplit(raw: Uint8Array, cuts: number[]): HttpResponse {
  const r = new HttpResponseReader({ maxBodyBytes: 1 << 20 });
  let prev = 0;
  for (const c of [...cuts, raw.length]) {
    r.push(raw.subarray(prev, c));
    prev = c;
  }
  return r.done ? r.response() : r.end();
}

const CHUNKED = bytes(
  'HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nTransfer-Encoding: chunked\r\nX-A: 1\r\nX-A: 2\r\n\r\n' +
    '5;ext=1\r\nhello\r\n' +
    '1A\r\n\r\n0123456789abcdef\r\n\x00\x01\x02\xff\r\n\r\n' +
    '0\r\nTrailer: x\r\n\r\n',
);
const CHUNKED_BODY = 'hello' + '\r\n0123456789abcdef\r\n\x00\x01\x02\xff\r\n';

describe('HttpResponseReader', () => {
  it('reads chunked bodies (extensions, trailers, CRLF inside data) split at every position', () => {
    for (let cut = 0; cut <= CHUNKED.length; cut++) {
      const res = readSplit(CHUNKED, [cut]);
      expect(Buffer.from(res.body).toString('latin1')).toBe(CHUNKED_BODY);
    }
    const res = readSplit(CHUNKED, []);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/octet-stream');
    expect(res.headers['x-a']).toBe('1, 2');
    // Byte by byte.
    const all = Array.from({ length: CHUNKED.length }, (_, i) => i);
    expect(Buffer.from(readSplit(CHUNKED, all).body).toString('latin1')).toBe(CHUNKED_BODY);
  });

  it('reads Content-Length bodies and stops at the length; reads to close without either', () => {
    const raw = bytes('HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nabcdEXTRA');
    const r = new HttpResponseReader();
    r.push(raw);
    expect(r.done).toBe(true);
    expect(Buffer.from(r.response().body).toString()).toBe('abcd');
    expect(Buffer.from(readSplit(bytes('HTTP/1.0 200 OK\r\n\r\nuntil close'), [20]).body).toString()).toBe('until close');
    expect(readSplit(bytes('HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n'), [])).toMatchObject({ status: 404, reason: 'Not Found' });
  });

  it('reports truncated and malformed responses as HttpParseError', () => {
    const cases: Array<[string, RegExp]> = [
      ['HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc', /after 3 body bytes/],
      ['HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhel', /incomplete/],
      ['HTTP/1.1 200 OK\r\nContent-Le', /in the response headers/],
      ['SSH-2.0-OpenSSH\r\n\r\n', /not an HTTP/],
      ['HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n', /bad chunk size/],
      ['HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1\r\naXY', /missing CRLF/],
      ['HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n', /unsupported Transfer-Encoding/],
      ['HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n', /bad Content-Length/],
      ['HTTP/1.1 200 OK\r\nContent-Length: 99999999\r\n\r\n', /exceeds/],
    ];
    for (const [raw, re] of cases) {
      expect(() => readSplit(bytes(raw), []), raw).toThrow(re);
      expect(() => readSplit(bytes(raw), []), raw).toThrow(HttpParseError);
    }
  });

  it('fuzz: truncations, bit flips and splices end in a response or an HttpParseError', () => {
    // Deterministic PRNG (mulberry32) so failures reproduce.
    let seed = 0x5eed1234;
    const rnd = () => {
      seed = (seed + 0x6d2b79f5) | 0;
      let t = seed;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
    const seeds = [CHUNKED, bytes('HTTP/1.1 200 OK\r\nContent-Length: 11\r\n\r\nhello world'), bytes('HTTP/1.0 200 OK\r\n\r\nbody')];
    const n = Number(process.env.FUZZ_CASES) || 400;
    let ok = 0;
    for (let i = 0; i < n; i++) {
      const a = seeds[Math.floor(rnd() * seeds.length)]!;
      let input: Uint8Array;
      const mode = i % 3;
      if (mode === 0) input = a.subarray(0, Math.floor(rnd() * a.length));
      else if (mode === 1) {
        input = a.slice();
        for (let f = 0; f < 1 + Math.floor(rnd() * 4); f++) {
          const p = Math.floor(rnd() * input.length);
          input[p] = input[p]! ^ (1 << Math.floor(rnd() * 8));
        }
      } else {
        const b = seeds[Math.floor(rnd() * seeds.length)]!;
        input = new Uint8Array(Buffer.concat([a.subarray(0, Math.floor(rnd() * a.length)), b.subarray(Math.floor(rnd() * b.length))]));
      }
      const cuts = [Math.floor(rnd() * input.length)];
      try {
        const res = readSplit(input, cuts);
        expect(res.status).toBeGreaterThanOrEqual(100);
        ok++;
      } catch (err) {
        expect(err, String(err)).toBeInstanceOf(HttpParseError);
      }
    }
    expect(ok).toBeGreaterThan(0);
    expect(ok).toBeLessThan(n);
  });
});

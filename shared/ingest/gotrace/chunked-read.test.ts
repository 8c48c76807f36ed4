/**
 * A trace read in chunks (as files over 1 GiB are: never one buffer for the whole file) gives the
 * very model the whole-buffer read gives, wherever the chunks end: inside a header, a varint, a
 * batch, a generation boundary. Cut and damaged inputs end the same way too.
 */
import { describe, expect, it } from 'vitest';
import { fixturesOfKind, readFixture } from '../../test-support/fixtures.ts';
import { bytesSource, ByteWindow } from '../byte-source.ts';
import { IngestError } from '../errors.ts';
import { parseTrace, parseTraceSource, type ParsedTrace } from './parse-trace.ts';

const traces = fixturesOfKind('gotrace').map(([rel]) => rel);
const small = (rel: string) => readFixture(rel).length < 200_000;

/**
 * Where two parse results first differ ('' when they are the same). Typed arrays are compared as
 * bytes: vitest's toEqual walks them element by element, minutes on a big model.
 */
function firstDifference(a: unknown, b: unknown, path = 'source'): string {
  if (Object.is(a, b)) return '';
  if (ArrayBuffer.isView(a) && ArrayBuffer.isView(b)) {
    if (a.constructor !== b.constructor) return `${path}: ${a.constructor.name} vs ${b.constructor.name}`;
    const x = Buffer.from(a.buffer, a.byteOffset, a.byteLength);
    const y = Buffer.from(b.buffer, b.byteOffset, b.byteLength);
    return x.equals(y) ? '' : `${path}: contents differ`;
  }
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return `${path}: ${String(a)} vs ${String(b)}`;
  if (a instanceof Map || b instanceof Map) return firstDifference([...(a as Map<unknown, unknown>)], [...(b as Map<unknown, unknown>)], path);
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.join() !== kb.join()) return `${path}: keys ${ka.join()} vs ${kb.join()}`;
  for (const k of ka) {
    const d = firstDifference((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], `${path}.${k}`);
    if (d) return d;
  }
  return '';
}

/** The outcome of a parse, comparable across reads: the model, or the error's message. */
function outcome(read: () => ParsedTrace): { model?: ParsedTrace; error?: string } {
  try {
    return { model: read() };
  } catch (e) {
    expect(e).toBeInstanceOf(IngestError);
    return { error: (e as Error).message };
  }
}

describe('parseTraceSource: chunked reads equal the whole-buffer read', () => {
  it('has new- and old-format fixtures to read', () => {
    expect(traces.filter((r) => readFixture(r)[4 + 1] === 0x31).length).toBeGreaterThan(3); // "go 1."
    expect(traces.length).toBeGreaterThan(6);
  });
  for (const rel of traces) {
    // Every fixture at awkward sizes; the byte-at-a-time read only on the small ones (it is slow).
    const sizes = small(rel) ? [1, 7, 4096, 65_537] : [7, 4096, 65_537];
    it(`${rel} at chunk sizes ${sizes.join(', ')}`, () => {
      const bytes = readFixture(rel);
      const whole = parseTrace(bytes);
      expect(whole.model.transitions.count).toBeGreaterThan(0);
      for (const chunk of sizes) {
        const got = parseTraceSource(bytesSource(bytes, chunk));
        expect(got.model.transitions.count, `chunk ${chunk}`).toBe(whole.model.transitions.count);
        expect(firstDifference(got, whole), `chunk ${chunk}`).toBe('');
      }
    });
  }

  it('a source that does not know its size gives the same model, old and new formats', () => {
    const old = traces.filter((r) => readFixture(r).subarray(0, 16).toString().startsWith('go 1.1'));
    expect(old.length).toBeGreaterThan(0);
    for (const rel of [...old, 'scenarios/cpu-pool-go1.27/trace.out']) {
      const bytes = readFixture(rel);
      const sized = bytesSource(bytes, 65_537);
      const unsized = { size: null, read: (into: Uint8Array) => sized.read(into) };
      const got = parseTraceSource(unsized);
      expect(firstDifference(got.model, parseTrace(bytes).model), rel).toBe('');
    }
  });

  it('cut and damaged traces end the same way read in chunks (error text and offset, or the kept part)', () => {
    const rel = traces.find((r) => r.includes('cpu-pool-go1.27'))!;
    const full = readFixture(rel);
    let partials = 0;
    let errors = 0;
    for (let i = 1; i <= 24; i++) {
      const cut = Math.floor((full.length * i) / 25) + (i % 5);
      const part = new Uint8Array(full.subarray(0, cut)); // a copy: a byte of it is flipped below
      if (i % 3 === 0) part[Math.floor(cut * 0.9)]! ^= 0x5a; // a flipped byte as well as the cut
      const a = outcome(() => parseTrace(part));
      const b = outcome(() => parseTraceSource(bytesSource(part, 4093)));
      expect(b.error).toBe(a.error);
      if (a.model) {
        partials++;
        expect(b.model!.partial).toBe(true);
        expect(firstDifference(b.model, a.model)).toBe('');
      } else errors++;
    }
    expect(partials).toBeGreaterThan(10);
    expect(errors).toBeGreaterThan(0);
  });

  it('a cut inside the first generation names the file size as the offset', () => {
    const full = readFixture(traces.find((r) => r.includes('fd-leak-go1.23'))!);
    const part = full.slice(0, 5000);
    expect(() => parseTraceSource(bytesSource(part, 7))).toThrow(/at byte 5000\)/);
  });
});

describe('firstDifference (the comparison above)', () => {
  it('finds a changed typed-array element, string and nested number', () => {
    const a = { t: new Float64Array([1, 2, 3]), s: ['x'], n: { k: 1 } };
    expect(firstDifference(a, { t: new Float64Array([1, 2, 3]), s: ['x'], n: { k: 1 } })).toBe('');
    expect(firstDifference(a, { t: new Float64Array([1, 2, 4]), s: ['x'], n: { k: 1 } })).toBe('source.t: contents differ');
    expect(firstDifference(a, { t: new Float64Array([1, 2, 3]), s: ['y'], n: { k: 1 } })).toBe('source.s.0: x vs y');
    expect(firstDifference(a, { t: new Float64Array([1, 2, 3]), s: ['x'], n: { k: 2 } })).toBe('source.n.k: 1 vs 2');
  });
});

describe('ByteWindow', () => {
  it('keeps file offsets across discards and reads ahead only what is asked for', () => {
    const bytes = Uint8Array.from({ length: 10_000 }, (_, i) => i & 0xff);
    const w = new ByteWindow(bytesSource(bytes, 333));
    w.ensure(10);
    expect(w.len).toBeGreaterThanOrEqual(10);
    expect(w.len).toBeLessThan(1000);
    w.discard(5);
    expect(w.base).toBe(5);
    expect(w.buf[0]).toBe(5);
    w.ensure(20_000);
    expect(w.eof).toBe(true);
    expect(w.base + w.len).toBe(10_000);
    expect(w.buf[9994]).toBe(9999 & 0xff);
  });

  it('over an in-memory buffer is that buffer, and discard leaves it alone', () => {
    const bytes = new Uint8Array([1, 2, 3, 4]);
    const w = new ByteWindow(bytesSource(bytes));
    expect(w.buf).toBe(bytes);
    w.discard(2);
    expect(w.base).toBe(0);
    expect([...bytes]).toEqual([1, 2, 3, 4]);
  });
});

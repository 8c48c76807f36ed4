import { describe, it, expect } from 'vitest';
import { gunzipSync, gzipSync } from 'node:zlib';
import { Profile, StringTable } from 'pprof-format';
import { fixturesOfKind, readFixture } from '../../test-support/fixtures.ts';
import { IngestCancelled, IngestError } from '../errors.ts';
import { stackFramesLeafFirst, type StackTable } from '../../model/stacks.ts';
import type { PprofModel } from '../../model/pprof.ts';
import { MAX_TABLE_ENTRIES, parsePprof, simplifyFunc } from './parse-pprof.ts';
import { ingestBytes } from '../ingest.ts';
import { decodeReference } from './test-reference.ts';
import { mulberry32 as rng } from '../../test-support/fuzz.ts';

function raw(rel: string): Uint8Array {
  const b = readFixture(rel);
  return b[0] === 0x1f && b[1] === 0x8b ? gunzipSync(b) : b;
}

const PPROF = fixturesOfKind('pprof').map(([rel]) => rel);

function framesOf(t: StackTable, stack: number) {
  if (stack < 0) return [];
  return stackFramesLeafFirst(t, stack).map((f) => ({
    name: t.strings[t.frameFunc[f]!]!,
    file: t.strings[t.frameFile[f]!]!,
    inlined: t.frameInlined[f] === 1,
  }));
}

function labelsOf(m: PprofModel, i: number) {
  const out: { key: string; str?: string; num?: number; unit?: string }[] = [];
  const s = m.stacks.strings;
  for (let j = m.labels.start[i]!; j < m.labels.start[i + 1]!; j++) {
    if (m.labels.str[j]! >= 0) out.push({ key: s[m.labels.key[j]!]!, str: s[m.labels.str[j]!]! });
    else {
      const u = m.labels.unit[j]!;
      out.push({ key: s[m.labels.key[j]!]!, num: m.labels.num[j]!, ...(u >= 0 ? { unit: s[u]! } : {}) });
    }
  }
  return out;
}

/** Builds a profile with pprof-format's encoder: names are interned for you. */
function encode(spec: {
  types?: [string, string][];
  defaultType?: string;
  funcs?: string[];
  /** Per location: function indexes (1-based into funcs), line[0] innermost. [] = no lines. */
  locs?: number[][];
  samples?: { locs: number[]; values: number[]; labels?: { key: string; str?: string; num?: number }[] }[];
  dropFrames?: string;
  keepFrames?: string;
  timeNanos?: bigint;
  durationNanos?: number;
}): Uint8Array {
  const st = new StringTable();
  const d = (x: string) => st.dedup(x);
  const p = new Profile({
    sampleType: (spec.types ?? [['samples', 'count']]).map(([type, unit]) => ({ type: d(type), unit: d(unit) })),
    function: (spec.funcs ?? []).map((name, i) => ({ id: i + 1, name: d(name), filename: d(`${name}.go`) })),
    location: (spec.locs ?? []).map((fs, i) => ({
      id: i + 1,
      address: 0x1000 + i,
      line: fs.map((f, k) => ({ functionId: f, line: 10 + k })),
    })),
    sample: (spec.samples ?? []).map((s) => ({
      locationId: s.locs,
      value: s.values,
      label: (s.labels ?? []).map((l) => (l.str !== undefined ? { key: d(l.key), str: d(l.str) } : { key: d(l.key), num: l.num ?? 0 })),
    })),
    stringTable: st,
    dropFrames: spec.dropFrames ? d(spec.dropFrames) : 0,
    keepFrames: spec.keepFrames ? d(spec.keepFrames) : 0,
    defaultSampleType: spec.defaultType ? d(spec.defaultType) : 0,
    timeNanos: spec.timeNanos ?? 0,
    durationNanos: spec.durationNanos ?? 0,
  });
  return p.encode();
}

describe('parsePprof on real fixtures', () => {
  it('has pprof fixtures to check', () => {
    expect(PPROF.length).toBeGreaterThanOrEqual(52);
  });

  it.each(PPROF)('%s agrees sample by sample with an independent decoder', (rel) => {
    const bytes = raw(rel);
    const src = parsePprof(bytes);
    const ref = decodeReference(bytes);
    const m = src.model;
    expect(src.kind).toBe('pprof');
    expect(src.partial).toBe(false);
    expect(m.sampleTypes).toEqual(ref.sampleTypes);
    expect(m.sampleTypes[m.defaultSampleType]!.type).toBe(ref.defaultSampleType || ref.sampleTypes.at(-1)!.type);
    expect(m.sampleCount).toBe(ref.samples.length);
    expect(m.timeNanos).toBe(ref.timeNanos === '0' ? null : ref.timeNanos);
    expect(m.durationNanos).toBe(ref.durationNanos);
    expect(m.period).toBe(ref.period);
    expect(m.periodType).toEqual(ref.periodType);
    expect(m.comments).toEqual(ref.comments);
    // Stacks are a prefix tree with parents before children (queries rely on it).
    const t = m.stacks;
    for (let s = 0; s < t.stackCount; s++) expect(t.stackPrefix[s]! < s).toBe(true);
    const lists = new Set<string>();
    ref.samples.forEach((rs, i) => {
      expect(framesOf(t, m.sampleStack[i]!)).toEqual(rs.frames);
      expect(m.sampleValues.map((c) => c[i])).toEqual(rs.values);
      expect(labelsOf(m, i)).toEqual(rs.labels);
      lists.add(rs.locationIds.join(','));
    });
    expect(m.locationStackCount).toBe(lists.size);
  });

  it('places a profile by its time_nanos, exactly', () => {
    const src = parsePprof(raw('scenarios/conn-leak-go1.27/cpu.pb.gz'));
    const meta = JSON.parse(new TextDecoder().decode(readFixture('scenarios/conn-leak-go1.27/meta.json')));
    const start = meta.events.find((e: { name: string }) => e.name === 'cpu-profile-start').unix_ns;
    expect(src.clock.quality).toBe('exact');
    expect(src.clock.basis).toBe('pprof time_nanos');
    // time_nanos is taken inside StartCPUProfile, just after the run's own cpu-profile-start stamp.
    const lag = Number(BigInt(src.clock.originEpochNs!) - BigInt(start));
    expect(lag).toBeGreaterThanOrEqual(0);
    expect(lag).toBeLessThan(50e6);
    expect(src.startNs).toBe(0);
    expect(src.endNs).toBe(src.model.durationNanos);
    expect(src.endNs).toBeGreaterThan(6e9); // README: a 6.50 s CPU profile
  });

  it('keeps inlined frames as their own frames, marked, innermost first', () => {
    const m = parsePprof(raw('scenarios/conn-leak-go1.27/mutex.pb.gz')).model;
    const t = m.stacks;
    const leaf = framesOf(t, m.sampleStack[0]!);
    const inlinedNames = new Set<string>();
    for (let i = 0; i < m.sampleCount; i++) for (const f of framesOf(t, m.sampleStack[i]!)) if (f.inlined) inlinedNames.add(f.name);
    expect(inlinedNames.has('runtime.unlock')).toBe(true);
    expect(leaf.length).toBeGreaterThan(1);
  });

  it('names frames without line info "<unknown>" when there is no mapping, one frame for every address', () => {
    const m = parsePprof(raw('third-party/google-pprof/go.nomappings.crash')).model;
    const frames = framesOf(m.stacks, m.sampleStack[0]!);
    expect(frames.every((f) => f.name === '<unknown>' && f.file === '')).toBe(true);
    expect(m.mappings).toEqual([]);
    // pprof at function granularity drops the address: all of them are one function.
    expect(new Set(Array.from(m.stacks.frameFunc, (x) => m.stacks.strings[x])).size).toBe(1);
  });

  it('keeps mappings', () => {
    const m = parsePprof(raw('scenarios/conn-leak-go1.27/heap.pb.gz')).model;
    expect(m.mappings.length).toBeGreaterThan(0);
    expect(m.mappings[0]!.file).toBe('/opt/goapp/bin/conn-leak');
    expect(m.mappings[0]!.hasFunctions).toBe(true);
  });

  it("keeps each function's start_line (where pprof's list starts), as an independent decoder reads it", () => {
    const bytes = raw('scenarios/conn-leak-go1.27/cpu.pb.gz');
    const m = parsePprof(bytes).model;
    const p = Profile.decode(bytes);
    const s = (i: number | bigint) => String(p.stringTable.strings[Number(i)] ?? '');
    const want = new Map<string, number>();
    for (const f of p.function) if (Number(f.startLine) > 0 && !want.has(`${s(f.name)}|${s(f.filename)}`)) want.set(`${s(f.name)}|${s(f.filename)}`, Number(f.startLine));
    expect(want.size).toBeGreaterThan(10);
    expect(new Map(m.functionStartLines!.map((f) => [`${f.func}|${f.file}`, f.startLine]))).toEqual(want);
  });

  it('reports progress up to 1', () => {
    const seen: number[] = [];
    parsePprof(raw('scenarios/cpu-pool-go1.27/cpu.pb.gz'), { onProgress: (f) => seen.push(f) });
    expect(seen.at(-1)).toBe(1);
    for (let i = 1; i < seen.length; i++) expect(seen[i]!).toBeGreaterThanOrEqual(seen[i - 1]!);
  });

  it('stops on an aborted signal', () => {
    const ac = new AbortController();
    ac.abort();
    expect(() => parsePprof(raw('scenarios/cpu-pool-go1.27/cpu.pb.gz'), { signal: ac.signal })).toThrow(IngestCancelled);
  });
});

describe('parsePprof edge cases (synthetic)', () => {
  it('accepts a profile with zero samples', () => {
    const src = parsePprof(encode({ types: [['alloc_space', 'bytes'], ['inuse_space', 'bytes']] }), { mtimeMs: 1_700_000_000_123 });
    expect(src.model.sampleCount).toBe(0);
    expect(src.model.locationStackCount).toBe(0);
    expect(src.model.defaultSampleType).toBe(1);
    expect(src.model.stacks.stackCount).toBe(0);
    expect(src.clock).toEqual({ originEpochNs: '1700000000123000000', quality: 'estimated', basis: 'file mtime' });
  });

  it('without time_nanos, places the profile so that it ends at the file mtime', () => {
    const b = encode({ funcs: ['main'], locs: [[1]], samples: [{ locs: [1], values: [1] }], durationNanos: 5e9 });
    const src = parsePprof(b, { mtimeMs: 1000 });
    expect(src.clock.originEpochNs).toBe('1000000000');
    expect([src.startNs, src.endNs]).toEqual([-5e9, 0]);
    expect(parsePprof(b).clock.originEpochNs).toBeNull();
  });

  it('keeps time_nanos beyond 2^53 exactly', () => {
    const src = parsePprof(encode({ timeNanos: 1795376916975837633n }));
    expect(src.model.timeNanos).toBe('1795376916975837633');
    expect(src.clock.originEpochNs).toBe('1795376916975837633');
  });

  it('honours default_sample_type', () => {
    const m = parsePprof(encode({ types: [['a', 'count'], ['b', 'count'], ['c', 'count']], defaultType: 'a' })).model;
    expect(m.defaultSampleType).toBe(0);
    const w = parsePprof(encode({ types: [['a', 'count'], ['b', 'count']], defaultType: 'zz' }));
    expect(w.model.defaultSampleType).toBe(1);
    expect(w.warnings.join()).toMatch(/default_sample_type/);
  });

  it('reads string and numeric labels', () => {
    const m = parsePprof(
      encode({
        funcs: ['main'],
        locs: [[1]],
        samples: [{ locs: [1], values: [3], labels: [{ key: 'span', str: 'abc' }, { key: 'bytes', num: 4096 }] }],
      }),
    ).model;
    expect(labelsOf(m, 0)).toEqual([
      { key: 'span', str: 'abc' },
      { key: 'bytes', num: 4096 },
    ]);
  });

  it('distinguishes location lists from frame paths in stackCount', () => {
    // Locations 1 and 2 both resolve to function f at the same line -> one frame path, two lists.
    const st = new StringTable();
    const p = new Profile({
      sampleType: [{ type: st.dedup('samples'), unit: st.dedup('count') }],
      function: [{ id: 1, name: st.dedup('f'), filename: st.dedup('f.go') }],
      location: [
        { id: 1, address: 0x10, line: [{ functionId: 1, line: 5 }] },
        { id: 2, address: 0x14, line: [{ functionId: 1, line: 5 }] },
      ],
      sample: [
        { locationId: [1], value: [1] },
        { locationId: [2], value: [1] },
        { locationId: [2], value: [1] },
      ],
      stringTable: st,
    });
    const m = parsePprof(p.encode()).model;
    expect(m.locationStackCount).toBe(2);
    expect(m.stacks.stackCount).toBe(1);
    expect(new Set(m.sampleStack)).toEqual(new Set([0]));
  });

  it.each([
    ['locations with distinct frames (lists = frame paths)', false],
    ['locations sharing frames (lists counted apart from paths)', true],
  ])('counts distinct location lists and frame paths on random stacks: %s', (_name, shareFrames) => {
    // Seeded random samples over 12 locations, some of them inlined (several lines); with
    // shareFrames, locations 7..12 repeat the lines of 1..6, so different lists give one path.
    const rnd = rng(shareFrames ? 7 : 3);
    const funcs = ['main', 'a', 'b', 'c', 'd', 'e', 'f', 'g'];
    const own: number[][] = [[1], [2], [3, 2], [4], [5, 6], [7], [8], [3], [4, 5], [6], [7, 8, 1], [2, 3]];
    const locs = shareFrames ? [...own.slice(0, 6), ...own.slice(0, 6)] : own;
    const samples = Array.from({ length: 600 }, () => ({
      locs: Array.from({ length: 1 + Math.floor(rnd() * 6) }, () => 1 + Math.floor(rnd() * locs.length)),
      values: [1 + Math.floor(rnd() * 5)],
    }));
    samples.push({ locs: [], values: [2] }, { locs: [], values: [3] });
    const bytes = encode({ funcs, locs, samples });
    const m = parsePprof(bytes).model;
    const ref = decodeReference(bytes);
    const lists = new Set<string>();
    const paths = new Set<string>();
    ref.samples.forEach((rs, i) => {
      expect(framesOf(m.stacks, m.sampleStack[i]!)).toEqual(rs.frames);
      lists.add(rs.locationIds.join(','));
      if (rs.frames.length > 0) paths.add(JSON.stringify(rs.frames));
    });
    expect(m.locationStackCount).toBe(lists.size);
    expect(new Set(m.sampleStack).size).toBe(paths.size + 1); // + the frameless samples (-1)
    if (shareFrames) expect(paths.size).toBeLessThan(lists.size - 1);
    else expect(paths.size).toBe(lists.size - 1);
  });

  it('applies drop_frames / keep_frames like pprof Prune', () => {
    // Stacks, root first: main -> alloc -> malloc -> memclr ; main -> alloc -> keepme
    const b = encode({
      funcs: ['main', 'alloc', 'runtime.malloc', 'runtime.memclr', 'runtime.keepme'],
      locs: [[1], [2], [3], [4], [5]],
      samples: [
        { locs: [4, 3, 2, 1], values: [1] },
        { locs: [5, 2, 1], values: [2] },
        { locs: [3], values: [4] }, // pruned frame before any user frame: kept
      ],
      dropFrames: 'runtime\\..*',
      keepFrames: 'runtime\\.keepme',
    });
    const m = parsePprof(b).model;
    const names = (i: number) => framesOf(m.stacks, m.sampleStack[i]!).map((f) => f.name);
    expect(names(0)).toEqual(['alloc', 'main']);
    expect(names(1)).toEqual(['runtime.keepme', 'alloc', 'main']);
    expect(names(2)).toEqual(['runtime.malloc']);
    expect(m.dropFrames).toBe('runtime\\..*');
    expect(m.locationStackCount).toBe(3);
  });

  it('drops an inlined tail when drop_frames matches inside a location', () => {
    // One location: line[0] = leaf inlined into line[1] = dropme inlined into line[2] = caller.
    const b = encode({
      funcs: ['main', 'caller', 'dropme', 'leaf'],
      locs: [[1], [4, 3, 2]],
      samples: [{ locs: [2, 1], values: [1] }],
      dropFrames: 'dropme',
    });
    const m = parsePprof(b).model;
    expect(framesOf(m.stacks, m.sampleStack[0]!).map((f) => [f.name, f.inlined])).toEqual([
      ['caller', false],
      ['main', false],
    ]);
  });

  it("simplifies function names as pprof does before drop_frames matching", () => {
    expect(simplifyFunc('sync.(*Mutex).Lock')).toBe('sync.');
    expect(simplifyFunc('.foo(int)')).toBe('foo');
    expect(simplifyFunc('ns::(anonymous namespace)::f(int)')).toBe('ns::(anonymous namespace)::f');
    expect(simplifyFunc('Foo::operator()(int)')).toBe('Foo::operator()');
  });
});

describe('parsePprof rejects bad input with IngestError', () => {
  const cases: [string, Uint8Array][] = [
    ['empty', new Uint8Array(0)],
    ['garbage', new TextEncoder().encode('this is not a profile at all, just text\n')],
    ['truncated varint', new Uint8Array([0x0a, 0x84])],
    ['length past the end', new Uint8Array([0x32, 0x10, 0x61])],
    ['group wire type', new Uint8Array([0x0b, 0x00])],
  ];
  it.each(cases)('%s', (_, b) => {
    expect(() => parsePprof(b)).toThrow(IngestError);
  });

  it('names the reason and offset of a truncated real profile', () => {
    const b = raw('scenarios/conn-leak-go1.27/heap.pb.gz');
    try {
      parsePprof(b.subarray(0, Math.floor(b.length / 2)));
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(IngestError);
      expect((e as IngestError).reason).toMatch(/corrupt pprof protobuf/);
    }
  });

  it('rejects a sample whose value count does not match the sample types', () => {
    const b = encode({ types: [['a', 'count'], ['b', 'count']], funcs: ['f'], locs: [[1]], samples: [{ locs: [1], values: [1] }] });
    expect(() => parsePprof(b)).toThrow(/1 values but the profile has 2 sample types/);
  });

  it('rejects a sample referring to a missing location', () => {
    const b = encode({ funcs: ['f'], locs: [[1]], samples: [{ locs: [7], values: [1] }] });
    expect(() => parsePprof(b)).toThrow(/unknown location id 7/);
  });
});

describe('parsePprof fuzz', () => {
  const N = Number(process.env.FUZZ_CASES) || 300;
  it(`survives ${N} truncations, bit flips and splices of real profiles`, () => {
    const rand = rng(0x5eed);
    const pool = PPROF.filter((r) => !r.includes('heap')).slice(0, 12).map(raw);
    pool.push(raw('scenarios/fd-leak-go1.23/heap.pb.gz'));
    let parsed = 0;
    let rejected = 0;
    for (let c = 0; c < N; c++) {
      const a = pool[Math.floor(rand() * pool.length)]!;
      let b: Uint8Array;
      const kind = c % 3;
      if (kind === 0) b = a.slice(0, Math.floor(rand() * a.length));
      else if (kind === 1) {
        b = a.slice();
        const flips = 1 + Math.floor(rand() * 8);
        for (let k = 0; k < flips; k++) b[Math.floor(rand() * b.length)]! ^= 1 << Math.floor(rand() * 8);
      } else {
        const o = pool[Math.floor(rand() * pool.length)]!;
        const cut = Math.floor(rand() * a.length);
        const from = Math.floor(rand() * o.length);
        b = new Uint8Array(cut + o.length - from);
        b.set(a.subarray(0, cut));
        b.set(o.subarray(from), cut);
      }
      try {
        const src = parsePprof(b);
        // Whatever parsed must be internally consistent.
        const m = src.model;
        expect(m.sampleStack.length).toBe(m.sampleCount);
        for (const s of m.sampleStack) expect(s < m.stacks.stackCount).toBe(true);
        parsed++;
      } catch (e) {
        if (!(e instanceof IngestError)) throw new Error(`case ${c} (kind ${kind}): ${String(e)}`);
        rejected++;
      }
    }
    expect(parsed + rejected).toBe(N);
    expect(rejected).toBeGreaterThan(0);
  });
});

describe('table counts bounded by what a profile can hold', () => {
  it('a string table claiming more entries than a JS array can take fails fast, naming why', async () => {
    // Empty strings cost two bytes each (tag 0x32, length 0): a 2 MB gzip inflates to 1.3 GB of them,
    // ~680 million entries, and V8 aborts the process growing an array that long. One past the bound:
    const n = MAX_TABLE_ENTRIES + 1;
    const bytes = new Uint8Array(2 * n);
    for (let i = 0; i < bytes.length; i += 2) bytes[i] = 0x32;
    expect(() => parsePprof(bytes)).toThrow(new RegExp(`more than ${MAX_TABLE_ENTRIES} strings in the string table`));
    // The same file gzipped, through the ingest entry point: a clear IngestError, not a crash.
    const gz = gzipSync(bytes, { level: 9 });
    expect(gz.length).toBeLessThan(50_000);
    const err = await ingestBytes(gz).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(IngestError);
    expect((err as Error).message).toMatch(/corrupt pprof protobuf: more than \d+ strings in the string table/);
  }, 60_000);

  it('a profile just under the bound still parses', () => {
    const bytes = encode({ funcs: ['main.main'], locs: [[1]], samples: [{ locs: [1], values: [1] }] });
    expect(parsePprof(bytes).model.sampleCount).toBe(1);
  });
});

describe('record counts no larger than the bytes can hold', () => {
  it('refuses more sample types than the samples have bytes for, before allocating their columns', () => {
    // 200 000 sample types (two bytes each) and one empty sample: 200 000 value columns for nothing.
    const head = new Uint8Array([0x32, 0x00]); // the string table's ""
    const types = new Uint8Array(200_000 * 2);
    for (let i = 0; i < types.length; i += 2) types[i] = 0x0a; // sample_type {}, length 0
    const sample = new Uint8Array([0x12, 0x02, 0x10, 0x01]); // one sample with one value
    const bytes = new Uint8Array([...head, ...types, ...sample]);
    expect(() => parsePprof(bytes)).toThrow(/1 samples of 200000 values each cannot fit in their 2 bytes/);
  });
});

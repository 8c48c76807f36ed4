import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { IngestError } from '../errors.ts';
import { detect } from '../detect.ts';
import { ingestBytes } from '../ingest.ts';
import { legacyProfileKind, parseLegacyProfile, type ParsedPprof } from './parse-legacy.ts';
import { scaleHeapSample } from './text-profiles.ts';
import { summarizePprof } from '../../query/stacks/pprof-summary.ts';
import { frameFuncName, stackFramesLeafFirst } from '../../model/stacks.ts';
import { fixturePath, readFixture } from '../../test-support/fixtures.ts';
import { fuzzCases, mulberry32 } from '../../test-support/fuzz.ts';

const DIR = 'third-party/google-pprof/';
const enc = (s: string) => new TextEncoder().encode(s);

/** The legacy fixtures and the format each must be read as. */
const LEGACY: Record<string, string> = {
  'gobench.cpu': 'pprof legacy cpu',
  'go.crc32.cpu': 'pprof legacy cpu',
  'cppbench.cpu': 'pprof legacy cpu',
  'java.cpu': 'pprof legacy java cpu',
  'gobench.heap': 'pprof legacy heap',
  'java.heap': 'pprof legacy java heap',
  'go.godoc.thread': 'pprof legacy threadcreate',
  'cppbench.contention': 'pprof legacy contention',
};

function parseFixture(name: string): ParsedPprof {
  return parseLegacyProfile(readFixture(DIR + name));
}

/**
 * google/pprof's debug rendering (`Profile.String()`), read independently of the parser: header
 * fields, the sample-type line, every sample's values and location ids, and the locations' addresses
 * or function names.
 */
interface Reference {
  periodType: string | null;
  period: number;
  sampleTypes: string[];
  samples: { values: number[]; locs: number[] }[];
  locName: Map<number, string>;
  mappings: string[];
}

function readReference(name: string): Reference {
  const lines = readFileSync(fixturePath(`${DIR}${name}.string`), 'utf8').split('\n');
  let i = 0;
  let periodType: string | null = null;
  let period = NaN;
  for (; lines[i] !== 'Samples:'; i++) {
    const l = lines[i]!;
    if (l.startsWith('PeriodType: ')) periodType = l.slice('PeriodType: '.length);
    if (l.startsWith('Period: ')) period = Number(l.slice('Period: '.length));
  }
  i++;
  const sampleTypes = lines[i++]!.trim().split(/\s+/);
  const samples: Reference['samples'] = [];
  for (; lines[i] !== 'Locations'; i++) {
    const m = /^\s*(-?\d[-\d\s]*):(.*)$/.exec(lines[i]!);
    if (m) samples.push({ values: m[1]!.trim().split(/\s+/).map(Number), locs: m[2]!.trim().split(/\s+/).filter(Boolean).map(Number) });
  }
  i++;
  const locName = new Map<number, string>();
  for (; lines[i] !== 'Mappings'; i++) {
    const m = /^\s*(\d+): (0x[0-9a-f]+)/.exec(lines[i]!);
    if (m) locName.set(Number(m[1]), m[2]!);
  }
  const mappings = lines.slice(i + 1).filter((l) => l.trim() !== '');
  return { periodType, period, sampleTypes, samples, locName, mappings };
}

const sum = (xs: ArrayLike<number>) => Array.from(xs).reduce((a, b) => a + b, 0);

describe('legacy fixtures against their google/pprof .string decodes', () => {
  for (const name of ['gobench.cpu', 'gobench.heap', 'go.godoc.thread', 'cppbench.contention']) {
    it(name, () => {
      const ref = readReference(name);
      const src = parseFixture(name);
      const m = src.model;
      expect(src.kind).toBe('pprof');
      expect(src.format).toBe(LEGACY[name]);
      expect(src.partial).toBe(false);
      expect(m.sampleTypes.map((t) => `${t.type}/${t.unit}`)).toEqual(ref.sampleTypes);
      expect(m.periodType ? `${m.periodType.type} ${m.periodType.unit}` : null).toBe(ref.periodType);
      expect(m.period).toBe(ref.period);
      expect(m.sampleCount).toBe(ref.samples.length);
      // Totals per sample type, as summarizePprof reports them, equal the reference's column sums.
      const totals = summarizePprof(src).totals;
      ref.sampleTypes.forEach((t, k) => {
        expect(totals[t.split('/')[0]!]).toBe(sum(ref.samples.map((s) => s.values[k]!)));
      });
      // Sample by sample: values, and one frame per reference location — its symbol, or for an
      // address without one, its binary's name as pprof gives it at function granularity.
      for (let s = 0; s < m.sampleCount; s++) {
        expect(m.sampleValues.map((c) => c[s])).toEqual(ref.samples[s]!.values);
        const names = stackFramesLeafFirst(m.stacks, m.sampleStack[s]!).map((f) => frameFuncName(m.stacks, f));
        const want = ref.samples[s]!.locs.map((l) => ref.locName.get(l)!);
        expect(names.length).toBe(want.length);
        names.forEach((n, k) => (want[k]!.startsWith('0x') ? expect(n).toMatch(/^(\[.+\]|<unknown>)$/) : expect(n).toBe(want[k])));
      }
      expect(m.mappings.length).toBe(ref.mappings.length);
      expect(m.locationStackCount).toBe(new Set(ref.samples.map((s) => s.locs.join(' '))).size);
    });
  }

  it('gobench.heap keeps the block size as a numeric "bytes" label per sample', () => {
    const m = parseFixture('gobench.heap').model;
    const want = readFileSync(fixturePath(`${DIR}gobench.heap.string`), 'utf8')
      .split('\n')
      .flatMap((l) => /^\s+bytes:\[(\d+)\]/.exec(l)?.[1] ?? [])
      .map(Number);
    expect(m.labels.count).toBe(m.sampleCount);
    expect(Array.from(m.labels.num)).toEqual(want);
    expect(m.stacks.strings[m.labels.key[0]!]).toBe('bytes');
  });

  it('cppbench.contention reads duration and the memory map', () => {
    const src = parseFixture('cppbench.contention');
    expect(src.model.durationNanos).toBe(16502830 * 1e6); // "ms since reset"; .string: "Duration: 4h35"
    const ref = readReference('cppbench.contention');
    // Both sides print in Go's %#x form; these addresses are exact as float64 (multiples of 2048).
    const mine = src.model.mappings.map((mp) => `${mp.id}: 0x${mp.memoryStart.toString(16)}/0x${mp.memoryLimit.toString(16)}/0x${mp.fileOffset.toString(16)} ${mp.file}`);
    expect(mine).toEqual(ref.mappings.map((l) => l.trim()));
    // Frames without symbols are named after their object file, which is also their module.
    const t = src.model.stacks;
    const root = stackFramesLeafFirst(t, src.model.sampleStack[0]!).at(-1)!;
    expect(frameFuncName(t, root)).toBe('[libpthread-2.15.so]');
    expect(t.strings[t.frameModule![root]!]).toMatch(/\/libpthread-2\.15\.so$/);
  });
});

describe('legacy fixtures without a .string: the figures the fixtures README gives', () => {
  // Exact values below were also checked sample-by-sample against google/pprof's own .string
  // renderings of these files (in google/pprof's profile/testdata, not copied into our fixtures).
  const cases: [string, { samples: number; types: string[]; totals: Record<string, number>; readme: [string, number, number, number]; top?: string }][] = [
    ['cppbench.cpu', { samples: 52, types: ['samples', 'cpu'], totals: { samples: 712, cpu: 7_120_000_000 }, readme: ['cpu', 1e9, 7.12, 2] }],
    ['go.crc32.cpu', { samples: 69, types: ['samples', 'cpu'], totals: { samples: 211, cpu: 2_110_000_000 }, readme: ['cpu', 1e9, 2.11, 2] }],
    ['gobench.cpu', { samples: 206, types: ['samples', 'cpu'], totals: { samples: 305, cpu: 3_050_000_000 }, readme: ['cpu', 1e9, 3.05, 2] }],
    ['java.cpu', { samples: 8, types: ['samples', 'cpu'], totals: { samples: 7, cpu: 70_000_000 }, readme: ['cpu', 1e6, 70, 0], top: 'VM' }],
    ['java.heap', { samples: 7, types: ['inuse_objects', 'inuse_space'], totals: { inuse_objects: 67347, inuse_space: 9968703 }, readme: ['inuse_space', 2 ** 20, 9.51, 2], top: 'com.example.function02b' }],
    ['gobench.heap', { samples: 15, types: ['alloc_objects', 'alloc_space', 'inuse_objects', 'inuse_space'], totals: { alloc_objects: 83134, alloc_space: 350314738, inuse_objects: 11445, inuse_space: 7721316 }, readme: ['inuse_space', 2 ** 20, 7.36, 2] }],
    ['cppbench.contention', { samples: 6, types: ['contentions', 'delay'], totals: { contentions: 3500, delay: 690508213 }, readme: ['delay', 1e6, 690, 0] }],
  ];
  for (const [name, want] of cases) {
    it(name, () => {
      const src = parseFixture(name);
      const f = summarizePprof(src);
      expect(src.format).toBe(LEGACY[name]);
      expect(f.sampleCount).toBe(want.samples);
      expect(f.sampleTypes.map((t) => t.type)).toEqual(want.types);
      expect(f.totals).toEqual(want.totals);
      // The README's rounded figure (e.g. "7.12 s", "9.51 MB", "690 ms"), to its last digit.
      const [type, unit, shown, digits] = want.readme;
      expect(Math.abs(f.totals[type]! / unit - shown)).toBeLessThanOrEqual(10 ** -digits);
      if (want.top) expect(f.top[0]!.function).toBe(want.top);
    });
  }

  it('java profiles are symbolized and carry no mappings; unsymbolized ones are <unknown> (no mapping file), as pprof names them', () => {
    const java = parseFixture('java.cpu').model;
    expect(java.mappings).toEqual([]);
    const names = new Set(Array.from(java.stacks.frameFunc, (s) => java.stacks.strings[s]));
    expect(names.has('com.example.function06')).toBe(true);
    const go = parseFixture('go.crc32.cpu').model;
    expect(go.mappings.map((m) => [m.memoryStart, m.file])).toEqual([[0, '']]); // pprof's catch-all mapping
    for (let f = 0; f < go.stacks.frameCount; f++) expect(frameFuncName(go.stacks, f)).toBe('<unknown>');
  });
});

describe('detect and ingest route legacy profiles to this parser', () => {
  for (const [name, format] of Object.entries(LEGACY)) {
    it(name, async () => {
      const b = readFixture(DIR + name);
      expect(legacyProfileKind(b)).toBe(format);
      expect(detect(b)).toEqual({ kind: 'pprof', format });
      const src = await ingestBytes(b);
      expect(src.kind).toBe('pprof');
      expect(src.format).toBe(format);
    });
  }
  it('the sniff says null for other formats', () => {
    for (const rel of [`${DIR}sample.cpu`, `${DIR}gobench.cpu.string`, 'scenarios/conn-leak-go1.27/trace.out', 'scenarios/conn-leak-go1.27/lsof.txt']) {
      expect(legacyProfileKind(readFixture(rel))).toBeNull();
    }
    expect(legacyProfileKind(new Uint8Array())).toBeNull();
  });
  it('a goroutine debug=1 dump is a legacy count profile too, but detect keeps it a goroutine dump', () => {
    const b = readFixture('scenarios/conn-leak-go1.27/goroutine-debug1.txt');
    expect(legacyProfileKind(b)).toBe('pprof legacy goroutine');
    expect(detect(b)).toEqual({ kind: 'goroutine-dump', format: 'goroutine debug=1' });
    // Read as a count profile, its `#` comments name the frames.
    const src = parseLegacyProfile(b);
    expect(summarizePprof(src).totals).toEqual({ goroutine: 150 });
    const names = Array.from(src.model.stacks.frameFunc, (x) => src.model.stacks.strings[x]);
    expect(names).toContain('net/http.(*persistConn).writeLoop');
    // Runtime frames Go leaves out of the comments have no name: <unknown>, as pprof calls them.
    expect(summarizePprof(src).top[0]!.function).toBe('<unknown>');
  });
});

/** A binary CPU profile in any word size and byte order. */
function binaryCpu(words: (number | bigint)[], size: 4 | 8, little: boolean): Uint8Array {
  const b = new Uint8Array(words.length * size);
  const dv = new DataView(b.buffer);
  words.forEach((w, i) => (size === 4 ? dv.setUint32(i * size, Number(w), little) : dv.setBigUint64(i * size, BigInt(w), little)));
  return b;
}

describe('binary CPU edge cases', () => {
  const words = [0, 3, 0, 1000, 0, 2, 2, 0x1000, 0x2001, 5, 1, 0x1000, 0, 1, 0];
  for (const [size, little] of [[4, true], [4, false], [8, true], [8, false]] as const) {
    it(`${size * 8}-bit ${little ? 'little' : 'big'}-endian`, () => {
      const b = binaryCpu(words, size, little);
      expect(legacyProfileKind(b)).toBe('pprof legacy cpu');
      const src = parseLegacyProfile(b);
      const m = src.model;
      expect(m.period).toBe(1_000_000);
      expect(m.sampleCount).toBe(2);
      expect(Array.from(m.sampleValues[0]!)).toEqual([2, 5]);
      expect(Array.from(m.sampleValues[1]!)).toEqual([2_000_000, 5_000_000]);
      // Caller addresses step back into the call; the leaf stays.
      expect(stackFramesLeafFirst(m.stacks, m.sampleStack[0]!).map((f) => frameFuncName(m.stacks, f))).toEqual(['<unknown>', '<unknown>']);
      expect(src.partial).toBe(false);
    });
  }
  it('a record cut short is an IngestError naming its offset', () => {
    const b = binaryCpu(words, 8, true).subarray(0, 8 * 8 + 3);
    expect(() => parseLegacyProfile(b)).toThrow(IngestError);
    try {
      parseLegacyProfile(b);
    } catch (e) {
      expect((e as IngestError).reason).toMatch(/truncated/);
      expect((e as IngestError).offset).toBe(5 * 8);
    }
  });
  it('a profile without its end-of-data record is kept but marked partial', () => {
    const src = parseLegacyProfile(binaryCpu(words.slice(0, 12), 4, true));
    expect(src.partial).toBe(true);
    expect(src.warnings.join()).toMatch(/end-of-data/);
    expect(src.model.sampleCount).toBe(2);
  });
  it('a header alone is an empty profile; a flag other than C++/Java is not a legacy profile', () => {
    expect(parseLegacyProfile(binaryCpu([0, 3, 0, 100, 0, 0, 1, 0], 4, true)).model.sampleCount).toBe(0);
    expect(legacyProfileKind(binaryCpu([0, 3, 2, 100, 0, 0, 1, 0], 4, true))).toBeNull();
    expect(() => parseLegacyProfile(binaryCpu([0, 3, 2, 100, 0], 4, true))).toThrow(IngestError);
  });
});

describe('text edge cases', () => {
  it('Go debug=1 heap: symbol comments name frames, and allocator frames are dropped as pprof does', () => {
    const text = [
      'heap profile: 1: 64 [2: 128] @ heap/1048576',
      '1: 64 [2: 128] @ 0x40a1b2 0x40c3d4 0x40e5f6',
      '#\t0x40a1b1\truntime.mallocgc+0x11\truntime/malloc.go:100',
      '#\t0x40c3d3\tmain.alloc+0x33\t/app/main.go:12',
      '#\t0x40e5f5\tmain.main+0x55\t/app/main.go:20',
      '',
      '# runtime.MemStats',
      '# Alloc = 1234',
    ].join('\n');
    expect(detect(enc(text))).toEqual({ kind: 'pprof', format: 'pprof legacy heap' });
    const m = parseLegacyProfile(enc(text)).model;
    expect(m.period).toBe(524288);
    const [scaledCount, scaledSize] = scaleHeapSample(1, 64, 524288);
    expect(Array.from(m.sampleValues, (c) => c[0])).toEqual([...scaleHeapSample(2, 128, 524288), scaledCount, scaledSize]);
    expect(stackFramesLeafFirst(m.stacks, m.sampleStack[0]!).map((f) => frameFuncName(m.stacks, f))).toEqual(['main.alloc', 'main.main']);
    expect(m.dropFrames).toContain('runtime\\..*');
  });
  it('Go debug=1 mutex profile: cycles become nanoseconds, counts scale by the period', () => {
    const text = '--- mutex:\ncycles/second=2000000000\nsampling period=5\n4000 2 @ 0x1001 0x2001\n';
    expect(legacyProfileKind(enc(text))).toBe('pprof legacy contention');
    const m = parseLegacyProfile(enc(text)).model;
    expect(Array.from(m.sampleValues, (c) => c[0])).toEqual([10, 10000]);
  });
  it('scaleHeapSample: no scaling for rate <= 1, zero for empty samples, 1/(1-e^-1) at avg = rate', () => {
    expect(scaleHeapSample(3, 300, 1)).toEqual([3, 300]);
    expect(scaleHeapSample(0, 0, 512)).toEqual([0, 0]);
    expect(scaleHeapSample(1, 524288, 524288)).toEqual([1, 829411]);
  });
  const bad: [string, string, RegExp][] = [
    ['garbage text', 'hello world\nthis is not a profile\n', /not a legacy pprof profile/],
    ['a malformed heap line', 'heap profile: 1: 2 [3: 4] @ heap/1048576\n1: 2 [3: 4] @ 0x10\nnonsense here\n', /malformed heap sample at line 3/],
    ['zero count with bytes', 'heap profile: 1: 2 [3: 4] @ heap/1048576\n0: 2 [3: 4] @ 0x10\n', /inuse count is 0 but inuse bytes is 2/],
    ['an unknown heap kind', 'heap profile: 1: 2 [3: 4] @ heapz/1048576\n', /not a legacy pprof profile/],
    ['a malformed count line', 'threadcreate profile: total 2\n2 @ zz\n', /malformed sample/],
    ['an unknown contention attribute', '--- contentionz 1 ---\nwhatever = 3\n', /unknown attribute "whatever"/],
    ['a 65-bit address', 'threadcreate profile: total 1\n1 @ 0x1ffffffffffffffff\n', /does not fit in 64 bits/],
    ['a Java heap sample with zero count', '--- heapz 1 ---\nformat = java\nresolution = bytes\n 100 0 @ 0x1\n', /count must be non-zero/],
    ['Java samples without types', '--- heapz 1 ---\nformat = java\n 100 1 @ 0x1\n', /no sample types/],
    ['empty input', '', /empty input/],
  ];
  for (const [what, text, reason] of bad) {
    it(`${what} is an IngestError with a reason`, () => {
      let err: unknown;
      try {
        parseLegacyProfile(enc(text));
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(IngestError);
      expect((err as IngestError).reason).toMatch(reason);
    });
  }
  it('long junk lines are rejected quickly (no quadratic pattern backtracking)', () => {
    const digits = '1'.repeat(300_000);
    const inputs = [
      `heap profile: 1: 2 [3: 4] @ heap/2\n1: ${digits}`,
      `--- contentionz 1 ---\n${digits} ${digits} @`,
      `--- contentionz 1 ---\n${digits} x`,
      `threadcreate profile: total 1\n1 @${' 0x1'.repeat(50_000)}g`,
      `threadcreate profile: total 1\n1 @ 0x1\n--- Memory map: ---\n${`${'a'.repeat(1000)}\n`.repeat(300)}`,
    ];
    const t0 = performance.now();
    for (const text of inputs) {
      try {
        parseLegacyProfile(enc(text));
      } catch (e) {
        expect(e).toBeInstanceOf(IngestError);
      }
    }
    expect(performance.now() - t0).toBeLessThan(2000);
  });
  it('a malformed line error names its byte offset', () => {
    const text = 'threadcreate profile: total 1\n1 @ 0x10\nbad\n';
    try {
      parseLegacyProfile(enc(text));
      expect.unreachable();
    } catch (e) {
      expect((e as IngestError).offset).toBe(text.indexOf('bad'));
    }
  });
});

describe('parseLegacyProfile fuzz', () => {
  const N = fuzzCases(400);
  it(`survives ${N} truncations, bit flips and splices of the legacy fixtures`, () => {
    const rand = mulberry32(0x1e9ac);
    const pool = Object.keys(LEGACY).map((n) => readFixture(DIR + n));
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
      detect(b); // never throws
      try {
        const m = parseLegacyProfile(b).model;
        expect(m.sampleStack.length).toBe(m.sampleCount);
        for (const col of m.sampleValues) expect(col.length).toBe(m.sampleCount);
        for (const s of m.sampleStack) expect(s >= -1 && s < m.stacks.stackCount).toBe(true);
        expect(m.labels.start.length).toBe(m.sampleCount + 1);
        summarizePprof({ model: m });
        parsed++;
      } catch (e) {
        if (!(e instanceof IngestError)) throw new Error(`case ${c} (kind ${kind}): ${String(e)}`);
        rejected++;
      }
    }
    expect(parsed + rejected).toBe(N);
    expect(parsed).toBeGreaterThan(0);
    expect(rejected).toBeGreaterThan(0);
  });
});

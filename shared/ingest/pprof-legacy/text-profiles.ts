/**
 * Legacy text profiles, read as google/pprof reads them:
 *
 *   heap          `heap profile: N: B [N: B] @ heap/RATE` then `inuse_n: inuse_b [alloc_n: alloc_b] @ 0x…`
 *                 (Go's debug=1 heap output and gperftools heapz/growthz/fragmentationz)
 *   count         `threadcreate profile: total N` then `N @ 0x…` (Go's debug=1 count profiles)
 *   contention    `--- contentionz 1 ---` / `--- mutex:` / `--- contention:`, `key = value`
 *                 attributes, then `cycles count @ 0x…`
 *   threadz       `--- threadz N ---`, `--- Thread ID (name: NAME/TID) stack: ---` blocks
 *   java heap     `--- heapz 1 ---` / java contention `--- contentionz 1 ---` with `format = java`:
 *                 attributes, `value count @ 0x…` samples, then `0xID function (File.java:line)`
 *
 * Each may end with a memory map after `--- Memory map: ---` (or `MAPPED_LIBRARIES:`).
 * Stack addresses are return addresses, so each is stepped back by one into its call instruction
 * (threadz keeps the leaf as is). Go's debug=1 `#\t0xPC\tfunc+0xOFF\tfile:line` comments, which pprof
 * skips, are used here to name the addresses they cover.
 */
import { IngestError, throwIfAborted, type ParseOptions } from '../errors.ts';
import { LegacyProfileBuilder, type LegacyLine, type ParsedPprof } from './legacy-builder.ts';
import { readMemoryMap } from './memory-map.ts';
import {
  LineReader,
  hexAddresses,
  isMemoryMapSentinel,
  isSpaceOrComment,
  parseInt64,
  parseInt64Base0,
  quoteLine,
  truncInt,
  u64,
} from './text-lines.ts';

export const HEAP_HEADER = /heap profile: *(\d+): *(\d+) *\[ *(\d+): *(\d+) *\] *@ *(heap[_a-z0-9]*)\/?(\d*)/;
export const GROWTH_HEADER = /heap profile: *(\d+): *(\d+) *\[ *(\d+): *(\d+) *\] @ growthz?/;
export const FRAGMENTATION_HEADER = /heap profile: *(\d+): *(\d+) *\[ *(\d+): *(\d+) *\] @ fragmentationz?/;
export const COUNT_HEADER = /^(\S+) profile: total \d+$/;
export const THREADZ_HEADER = /--- threadz \d+ ---/;
const THREAD_START = /--- Thread ([0-9A-Fa-f]+) \(name: (.*)\/(\d+)\) stack: ---/;
// Anchored (pprof's are not): unanchored, these backtrack quadratically on long junk lines.
const HEAP_SAMPLE = /^(-?\d+): *(-?\d+) *\[ *(\d+): *(\d+) *\] @([ x0-9a-f]*)/;
const COUNT_SAMPLE = /^(\d+) @((?: 0x[0-9a-f]+)+)$/;

const JAVA_SAMPLE = /^(\d+) +(\d+) +@ +([ x0-9a-f]*)/;
const JAVA_LOCATION = /^0x([0-9A-Fa-f]+)\s+(.*)$/;
const GO_SYMBOL_COMMENT = /^#\s+0x([0-9a-f]+)\s+(\S+)\s+(\S.*)$/;
const GO_BARE_PC_COMMENT = /^#\s+0x([0-9a-f]+)$/;
/** Lines longer than this are not tried as symbol lines (real ones are a few hundred bytes). */
const MAX_PATTERN_LINE = 4096;
const JAVA_HEAP_SAMPLING_RATE = 524288;
const PROGRESS_EVERY = 4096;

export const CONTENTION_PREFIXES = ['--- contentionz ', '--- mutex:', '--- contention:'];

function fail(format: string, what: string, lines: LineReader, line: string): never {
  throw new IngestError(`${format}: ${what} at line ${lines.lineNo}: ${quoteLine(line)}`, lines.lineStart);
}

function tick(lines: LineReader, opts: ParseOptions, total: number): void {
  if (lines.lineNo % PROGRESS_EVERY === 0) {
    throwIfAborted(opts.signal);
    opts.onProgress?.(lines.offset / Math.max(1, total));
  }
}

function addresses(format: string, s: string, lines: LineReader, line: string): bigint[] {
  const a = hexAddresses(s);
  if (typeof a === 'string') fail(format, `address ${a} does not fit in 64 bits`, lines, line);
  return a;
}

/** Locations for return addresses (each stepped back into its call). */
function callerLocations(p: LegacyProfileBuilder, addrs: bigint[]): number[] {
  return addrs.map((a) => p.location(u64(a - 1n)));
}

/**
 * Go's debug=1 symbol comments. One record's comments name each of its PCs (several lines for
 * one PC when calls were inlined, innermost first); the first record naming a PC wins.
 */
class GoSymbols {
  private readonly byPc = new Map<bigint, LegacyLine[]>();
  private record = new Map<bigint, LegacyLine[]>();
  /** PCs Go printed without a name (`#\t0xPC`: code it could not symbolize, e.g. C). */
  private readonly bare = new Set<bigint>();

  /** Takes a comment line; false when it is not a symbol comment. */
  comment(line: string): boolean {
    if (line.length > MAX_PATTERN_LINE) return false;
    const bare = GO_BARE_PC_COMMENT.exec(line.trim());
    if (bare && bare[1]!.length <= 16) {
      this.bare.add(BigInt(`0x${bare[1]}`));
      return true;
    }
    // `#\t0xPC\tfunc+0xOFF\tfile:line`, split by hand (a pattern with two open-ended groups
    // backtracks quadratically on junk).
    const m = GO_SYMBOL_COMMENT.exec(line.trim());
    if (!m || m[1]!.length > 16) return false;
    const plus = m[2]!.lastIndexOf('+0x');
    const colon = m[3]!.lastIndexOf(':');
    if (plus <= 0 || colon <= 0 || !/^\d+$/.test(m[3]!.slice(colon + 1))) return false;
    const pc = BigInt(`0x${m[1]}`);
    let l = this.record.get(pc);
    if (!l) this.record.set(pc, (l = []));
    l.push({ func: m[2]!.slice(0, plus), file: m[3]!.slice(0, colon).trimEnd(), line: Number(m[3]!.slice(colon + 1)) });
    return true;
  }

  endRecord(): void {
    for (const [pc, l] of this.record) if (!this.byPc.has(pc)) this.byPc.set(pc, l);
    if (this.record.size > 0) this.record = new Map();
  }

  /**
   * Names locations. Go prints the call PC (return address - 1), which is the location's address.
   * A PC with no comment at all is one Go's printer hid — a runtime frame before the first shown
   * one, or runtime.goexit — and is marked so (legacy-builder.ts drops or prunes it).
   */
  apply(p: LegacyProfileBuilder): void {
    this.endRecord();
    if (this.byPc.size === 0) return;
    for (let li = 0; li < p.locAddr.length; li++) {
      const a = p.locAddr[li]!;
      const l = this.byPc.get(a) ?? this.byPc.get(u64(a + 1n));
      if (l) p.symbolize(li, l, false);
      else if (!this.bare.has(a) && !this.bare.has(u64(a + 1n))) p.markHiddenRuntime(li);
    }
  }
}

/** Skips to the memory-map sentinel (from `current`, the line the caller stopped at) and reads the map. */
function readTrailingSections(lines: LineReader, current: string | null, p: LegacyProfileBuilder): void {
  let line = current;
  while (line !== null && !isMemoryMapSentinel(line)) line = lines.next();
  if (line !== null) p.mappings = readMemoryMap(lines);
}

// ---- heap -----------------------------------------------------------------------------------

export function parseHeapText(b: Uint8Array, opts: ParseOptions): ParsedPprof {
  const format = 'pprof legacy heap';
  const lines = new LineReader(b);
  const header = lines.next() ?? '';
  const p = new LegacyProfileBuilder();
  p.periodType = { type: 'space', unit: 'bytes' };
  let sampling = '';
  let hasAlloc = false;
  const h = HEAP_HEADER.exec(header);
  if (h) {
    let period = 0;
    if (h[6]) {
      const v = parseInt64(h[6]);
      if (v === null) fail(format, 'sampling rate out of range', lines, header);
      period = v;
    }
    hasAlloc = (h[3] !== h[1] && h[3] !== '0') || (h[4] !== h[2] && h[4] !== '0');
    switch (h[5]) {
      case 'heapz_v2':
      case 'heap_v2':
        sampling = 'v2';
        break;
      case 'heapprofile':
        period = 1;
        break;
      case 'heap':
        // Go writes 2×MemProfileRate here.
        sampling = 'v2';
        period = Math.trunc(period / 2);
        break;
      default:
        fail(format, `unknown heap profile kind "${h[5]}"`, lines, header);
    }
    p.period = period;
  } else if (GROWTH_HEADER.test(header) || FRAGMENTATION_HEADER.test(header)) {
    p.period = 1;
  } else {
    throw new IngestError(`not a legacy heap profile: first line is ${quoteLine(header)}`, 0);
  }
  p.sampleTypes = hasAlloc
    ? [
        // alloc before inuse, so the default (last) type is inuse_space, as in pprof.
        { type: 'alloc_objects', unit: 'count' },
        { type: 'alloc_space', unit: 'bytes' },
        { type: 'inuse_objects', unit: 'count' },
        { type: 'inuse_space', unit: 'bytes' },
      ]
    : [
        { type: 'objects', unit: 'count' },
        { type: 'space', unit: 'bytes' },
      ];

  const syms = new GoSymbols();
  let line: string | null;
  for (line = lines.next(); line !== null; line = lines.next()) {
    tick(lines, opts, b.length);
    const t = line.trim();
    if (isSpaceOrComment(t)) {
      syms.comment(t);
      continue;
    }
    if (isMemoryMapSentinel(t)) break;
    syms.endRecord();
    const m = HEAP_SAMPLE.exec(t);
    if (!m) fail(format, 'malformed heap sample', lines, line);
    const values: number[] = [];
    let blocksize = 0;
    const add = (countS: string, sizeS: string, label: string) => {
      const count = parseInt64(countS);
      const size = parseInt64(sizeS);
      if (count === null || size === null) fail(format, 'sample value out of range', lines, line!);
      if (count === 0 && size !== 0) fail(format, `${label} count is 0 but ${label} bytes is ${size}`, lines, line!);
      let c = count;
      let s = size;
      if (count !== 0) {
        blocksize = Math.trunc(size / count);
        if (sampling === 'v2') [c, s] = scaleHeapSample(count, size, p.period);
      }
      values.push(c, s);
    };
    if (hasAlloc) add(m[3]!, m[4]!, 'allocation');
    add(m[1]!, m[2]!, 'inuse');
    const locs = callerLocations(p, addresses(format, m[5]!, lines, line));
    p.addSample(values, locs, blocksize);
  }
  syms.apply(p);
  if (line !== null) p.mappings = readMemoryMap(lines);
  return p.finish(format, opts);
}

/**
 * Heap samples are taken with probability 1 - exp(-size/rate) per allocation (a Poisson process
 * with mean `rate` bytes between samples): divide by that probability to estimate the true counts.
 */
export function scaleHeapSample(count: number, size: number, rate: number): [number, number] {
  if (count === 0 || size === 0) return [0, 0];
  if (rate <= 1) return [count, size];
  const avg = size / count;
  const scale = 1 / (1 - Math.exp(-avg / rate));
  return [truncInt(count * scale), truncInt(size * scale)];
}

// ---- count profiles (threadcreate, goroutine) -------------------------------------------------

export function parseCountText(b: Uint8Array, opts: ParseOptions): ParsedPprof {
  const lines = new LineReader(b);
  let line = lines.next();
  while (line !== null && isSpaceOrComment(line)) line = lines.next();
  const h = line === null ? null : COUNT_HEADER.exec(line);
  if (!h) throw new IngestError(`not a legacy count profile: no "<type> profile: total N" header`, 0);
  const type = h[1]!;
  const format = `pprof legacy ${type}`;
  const p = new LegacyProfileBuilder();
  p.periodType = { type, unit: 'count' };
  p.period = 1;
  p.sampleTypes = [{ type, unit: 'count' }];
  const syms = new GoSymbols();
  for (line = lines.next(); line !== null; line = lines.next()) {
    tick(lines, opts, b.length);
    if (isSpaceOrComment(line)) {
      syms.comment(line);
      continue;
    }
    if (line.startsWith('---')) break;
    syms.endRecord();
    const m = COUNT_SAMPLE.exec(line);
    const n = m ? parseInt64Base0(m[1]!) : null;
    if (!m || n === null) fail(format, 'malformed sample (want "N @ 0x… 0x…")', lines, line);
    p.addSample([n], callerLocations(p, addresses(format, m[2]!, lines, line)));
  }
  syms.apply(p);
  readTrailingSections(lines, line, p);
  return p.finish(format, opts);
}

// ---- contention (C++ contentionz, Go mutex/block debug=1) -------------------------------------

/** Thrown inside: the attributes say this is a Java contention profile. */
class JavaContention extends Error {}

export function parseContentionText(b: Uint8Array, opts: ParseOptions): ParsedPprof {
  try {
    return parseContentionInner(b, opts);
  } catch (e) {
    if (e instanceof JavaContention) return parseJavaText(b, opts);
    throw e;
  }
}

function parseContentionInner(b: Uint8Array, opts: ParseOptions): ParsedPprof {
  const format = 'pprof legacy contention';
  const lines = new LineReader(b);
  const header = lines.next() ?? '';
  if (!CONTENTION_PREFIXES.some((s) => header.startsWith(s))) {
    throw new IngestError(`not a legacy contention profile: first line is ${quoteLine(header)}`, 0);
  }
  const p = new LegacyProfileBuilder();
  p.periodType = { type: 'contentions', unit: 'count' };
  p.period = 1;
  p.sampleTypes = [
    { type: 'contentions', unit: 'count' },
    { type: 'delay', unit: 'nanoseconds' },
  ];
  let cpuHz = 0;
  let line: string | null;
  for (line = lines.next(); line !== null; line = lines.next()) {
    const t = line.trim();
    if (isSpaceOrComment(t)) continue;
    if (t.startsWith('---')) break;
    const eq = t.indexOf('=');
    if (eq < 0) break;
    const key = t.slice(0, eq).trim();
    const val = t.slice(eq + 1).trim();
    const num = () => {
      const v = parseInt64Base0(val);
      if (v === null) fail(format, `bad value for "${key}"`, lines, line!);
      return v;
    };
    switch (key) {
      case 'cycles/second':
        cpuHz = num();
        break;
      case 'sampling period':
        p.period = num();
        break;
      case 'ms since reset':
        p.durationNanos = num() * 1e6;
        break;
      case 'discarded samples':
        break;
      case 'format':
      case 'resolution':
        if (header.trim() === '--- contentionz 1 ---') throw new JavaContention();
        fail(format, `attribute "${key}" belongs to Java profiles`, lines, line);
        break;
      default:
        fail(format, `unknown attribute "${key}"`, lines, line);
    }
  }

  const syms = new GoSymbols();
  for (; line !== null; line = lines.next()) {
    tick(lines, opts, b.length);
    const t = line.trim();
    if (t.startsWith('---')) break;
    if (isSpaceOrComment(t)) {
      syms.comment(t);
      continue;
    }
    syms.endRecord();
    const m = contentionSample(t);
    if (!m) fail(format, 'malformed sample (want "cycles count @ 0x…")', lines, line);
    let cycles = parseInt64(m[0]);
    let count = parseInt64(m[1]);
    if (cycles === null || count === null) fail(format, 'sample value out of range', lines, line);
    // Unsample: count × period; cycles × period, in nanoseconds when the clock rate is known.
    if (p.period > 0) {
      if (cpuHz > 0) cycles = truncInt((cycles * p.period) / (cpuHz / 1e9));
      count *= p.period;
    }
    p.addSample([count, cycles], callerLocations(p, addresses(format, m[2], lines, line)));
  }
  syms.apply(p);
  readTrailingSections(lines, line, p);
  return p.finish(format, opts);
}

/**
 * pprof's `(\d+) *(\d+) @([ x0-9a-f]*)`, anchored, by hand: the regex backtracks quadratically on
 * long digit runs. With no blank between the numbers it splits off the last digit as the count,
 * as the regex does.
 */
function contentionSample(t: string): [string, string, string] | null {
  const at = t.indexOf(' @');
  if (at < 0) return null;
  const head = t.slice(0, at);
  const tail = /^[ x0-9a-f]*/.exec(t.slice(at + 2))![0];
  const spaced = /^(\d+) +(\d+)$/.exec(head);
  if (spaced) return [spaced[1]!, spaced[2]!, tail];
  if (head.length >= 2 && /^\d+$/.test(head)) return [head.slice(0, -1), head.slice(-1), tail];
  return null;
}

// ---- threadz ----------------------------------------------------------------------------------

export function parseThreadzText(b: Uint8Array, opts: ParseOptions): ParsedPprof {
  const format = 'pprof legacy threadz';
  const lines = new LineReader(b);
  let line = lines.next();
  while (line !== null && isSpaceOrComment(line)) line = lines.next();
  if (line === null) throw new IngestError('not a legacy threadz profile: empty', 0);
  if (line.length <= MAX_PATTERN_LINE && THREADZ_HEADER.test(line)) {
    for (line = lines.next(); line !== null; line = lines.next()) {
      if (isMemoryMapSentinel(line) || line.startsWith('-')) break;
    }
  } else if (!(line.length <= MAX_PATTERN_LINE && THREAD_START.test(line))) {
    throw new IngestError(`not a legacy threadz profile: first line is ${quoteLine(line)}`, 0);
  }
  const p = new LegacyProfileBuilder();
  p.sampleTypes = [{ type: 'thread', unit: 'count' }];
  p.periodType = { type: 'thread', unit: 'count' };
  p.period = 1;
  while (line !== null && !isMemoryMapSentinel(line)) {
    tick(lines, opts, b.length);
    if (line.startsWith('---- no stack trace for')) break;
    if (!(line.length <= MAX_PATTERN_LINE && THREAD_START.test(line))) fail(format, 'expected a "--- Thread … stack: ---" line', lines, line);
    // The thread's stack: address lines up to the next "---" line.
    const addrs: bigint[] = [];
    let same = false;
    for (line = lines.next(); line !== null; line = lines.next()) {
      const t = line.trim();
      if (t === '') continue;
      if (t.startsWith('---')) break;
      if (t.includes('same as previous thread')) {
        same = true;
        continue;
      }
      addrs.push(...addresses(format, t, lines, line));
    }
    if (same || addrs.length === 0) {
      const last = p.sampleVals[p.sampleVals.length - 1];
      if (last) last[0]!++;
      continue;
    }
    // Thread stacks come from a signal: the leaf is the interrupted PC, not a return address.
    p.addSample([1], addrs.map((a, i) => p.location(i > 0 ? u64(a - 1n) : a)));
  }
  readTrailingSections(lines, line, p);
  return p.finish(format, opts, { cleanupDuplicateLeaf: true });
}

// ---- Java heap / contention ---------------------------------------------------------------------

/** `key = value` with both sides made of word characters and spaces (pprof's attribute pattern). */
function javaAttribute(line: string): [string, string] | null {
  const word = (c: number) => c === 32 || c === 95 || (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
  for (let eq = line.indexOf('='); eq >= 0; eq = line.indexOf('=', eq + 1)) {
    if (eq === 0 || !word(line.charCodeAt(eq - 1)) || !word(line.charCodeAt(eq + 1))) continue;
    let s = eq - 1;
    while (s > 0 && word(line.charCodeAt(s - 1))) s--;
    let e = eq + 1;
    while (e < line.length && word(line.charCodeAt(e))) e++;
    return [line.slice(s, eq).trim(), line.slice(eq + 1, e).trim()];
  }
  return null;
}

export function parseJavaText(b: Uint8Array, opts: ParseOptions): ParsedPprof {
  const lines = new LineReader(b);
  const header = (lines.next() ?? '').trim();
  const kind = header === '--- heapz 1 ---' ? 'heap' : header === '--- contentionz 1 ---' ? 'contention' : null;
  if (!kind || lines.atEnd) throw new IngestError(`not a legacy Java profile: first line is ${quoteLine(header)}`, 0);
  const format = `pprof legacy java ${kind}`;
  const p = new LegacyProfileBuilder();

  let line: string | null;
  for (line = lines.next(); line !== null; line = lines.next()) {
    const t = line.trim();
    if (t === '') continue;
    const a = javaAttribute(t);
    if (!a) break;
    const [key, value] = a;
    switch (`${kind}/${key}`) {
      case 'heap/format':
      case 'contention/format':
        if (value !== 'java') fail(format, `format "${value}" is not java`, lines, line);
        break;
      case 'heap/resolution':
        p.sampleTypes = [
          { type: 'inuse_objects', unit: 'count' },
          { type: 'inuse_space', unit: value },
        ];
        break;
      case 'contention/resolution':
        p.sampleTypes = [
          { type: 'contentions', unit: 'count' },
          { type: 'delay', unit: value },
        ];
        break;
      case 'contention/sampling period': {
        const v = parseInt64Base0(value);
        if (v === null) fail(format, 'bad sampling period', lines, line);
        p.periodType = { type: 'contentions', unit: 'count' };
        p.period = v;
        break;
      }
      case 'contention/ms since reset': {
        const v = parseInt64Base0(value);
        if (v === null) fail(format, 'bad "ms since reset"', lines, line);
        p.durationNanos = v * 1e6;
        break;
      }
      default:
        fail(format, `unknown attribute "${key}"`, lines, line);
    }
  }

  for (; line !== null; line = lines.next()) {
    tick(lines, opts, b.length);
    const t = line.trim();
    if (t === '') continue;
    const m = JAVA_SAMPLE.exec(t);
    if (!m) break; // the symbol section starts
    // Java writes the value first and the count second.
    const v0 = parseInt64Base0(m[2]!);
    const v1 = parseInt64Base0(m[1]!);
    if (v0 === null || v1 === null) fail(format, 'sample value out of range', lines, line);
    const locs = addresses(format, m[3]!, lines, line).map((a) => p.location(a));
    if (kind === 'heap') {
      if (v0 === 0) fail(format, 'sample count must be non-zero', lines, line);
      const [c, s] = scaleHeapSample(v0, v1, JAVA_HEAP_SAMPLING_RATE);
      p.addSample([c, s], locs, Math.trunc(v1 / v0));
    } else {
      const k = p.period !== 0 ? p.period : 1;
      p.addSample([v0 * k, v1 * k], locs);
    }
  }
  if (line !== null) readJavaSymbols(lines, p, line);
  return p.finish(format, opts);
}

/**
 * Java symbol lines `0xID function (File.java:line)` (or `function (lib.so path)`, a JIT stub, or a
 * bare name like `GC`) name the locations whose ids the samples used; other lines are skipped.
 */
export function readJavaSymbols(lines: LineReader, p: LegacyProfileBuilder, first: string | null = null): void {
  const fileOf = new Map<string, string>();
  for (let line = first ?? lines.next(); line !== null; line = lines.next()) {
    const t = line.trim();
    if (t === '' || t.length > MAX_PATTERN_LINE) continue;
    const m = JAVA_LOCATION.exec(t);
    if (!m) continue;
    const hex = m[1]!.replace(/^0+/, '');
    if (hex.length > 16) throw new IngestError(`Java symbol id 0x${m[1]!.slice(0, 20)}… does not fit in 64 bits`, lines.lineStart);
    const loc = p.locationAt(BigInt(`0x${m[1]}`));
    if (loc === undefined) continue;
    const sym = javaSymbol(m[2]!.trim());
    let file = sym.file;
    // pprof keeps one function per name: the first file seen for it.
    const known = fileOf.get(sym.func);
    if (known === undefined) fileOf.set(sym.func, file);
    else file = known;
    p.symbolize(loc, [{ func: sym.func, file, line: sym.line }], true);
  }
}

/**
 * `function (File.java:line)`, `function (path/lib.so)`, a JIT stub, or a bare name — pprof's
 * `^(.*)\s+\((.+):(-?\d+)\)$` and `^(.*)\s+\((.*)\)$` done by hand: the last ` (` that fits.
 */
function javaSymbol(text: string): LegacyLine {
  const ws = (i: number) => /\s/.test(text.charAt(i));
  if (text.endsWith(')')) {
    const colon = text.lastIndexOf(':');
    if (colon > 0 && /^-?\d+$/.test(text.slice(colon + 1, -1))) {
      for (let p = text.lastIndexOf('(', colon - 2); p > 0; p = text.lastIndexOf('(', p - 1)) {
        if (!ws(p - 1)) continue;
        const n = Number(text.slice(colon + 1, -1));
        return { func: text.slice(0, p - 1), file: text.slice(p + 1, colon), line: n > 0 && Number.isSafeInteger(n) ? n : 0 };
      }
    }
    for (let p = text.lastIndexOf('('); p > 0; p = text.lastIndexOf('(', p - 1)) {
      if (!ws(p - 1)) continue;
      // A shared-library path: only its base name is of interest.
      const path = text.slice(p + 1, -1);
      return { func: text.slice(0, p - 1), file: path.slice(path.lastIndexOf('/') + 1) || path, line: 0 };
    }
  }
  if (text.includes('generated stub/JIT')) return { func: 'STUB', file: '', line: 0 };
  return { func: text, file: '', line: 0 };
}

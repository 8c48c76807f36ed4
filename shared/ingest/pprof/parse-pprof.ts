/**
 * pprof protobuf (perftools.profiles.Profile, already gunzipped) -> PprofModel.
 *
 * A direct wire reader rather than pprof-format's Profile.decode: on the 28 MB bench heap profile
 * decode alone took ~3 s and ~690 MB RSS there, while this whole parse is well under that (numbers
 * in README.md). Along its seams: readTopLevel (pass 1: tables decoded, samples only located) →
 * resolveTables (string references checked) → locationFrames (frames per location, drop_frames) →
 * readSamples (pass 2: values, labels, stacks into one frame trie).
 */
import { IngestError, throwIfAborted, type ParseOptions } from '../errors.ts';
import { mtimeClock } from '../mtime-clock.ts';
import type { ParsedSource } from '../../model/source.ts';
import type { PprofFunctionStart, PprofLabels, PprofMapping, PprofModel, PprofValueType } from '../../model/pprof.ts';
import type { SourceClock } from '../../model/time.ts';
import { StackTableBuilder, type StackTable } from '../../model/stacks.ts';
import { PbReader, WIRE_LEN, WIRE_VARINT, decodeString } from './protobuf-reader.ts';
import { ensureCapacity, trimTo } from '../../model/column.ts';
import { PairMap, Trie } from '../../model/pair-map.ts';

export type ParsedPprof = Extract<ParsedSource, { kind: 'pprof' }>;

/** Name pprof gives a frame it knows nothing about (function granularity drops the address). */
export const UNKNOWN_FUNCTION = '<unknown>';

interface RawFunction {
  name: number;
  systemName: number;
  filename: number;
  startLine: number;
}

interface RawLocation {
  id: number;
  mappingId: number;
  /** Address as hex without 0x, '' when zero. */
  address: string;
  /** function ids and line numbers, line[0] = innermost (leaf). */
  fn: number[];
  line: number[];
}

interface RawMapping {
  id: number;
  memoryStart: number;
  memoryLimit: number;
  fileOffset: number;
  filename: number;
  buildId: number;
  flags: number;
}

const PROGRESS_EVERY = 16384;

/**
 * Most entries a table may have. Every entry takes at least two bytes, so a file can claim far more
 * than a JS array holds (a 2 MB gzip inflating to 1.3 GB of empty strings is 680 million entries,
 * and V8 aborts the whole process growing an array past ~130 million): stop at these counts with a
 * reason instead. Real profiles stay far below (4 M table entries is a symbol table of a binary
 * far bigger than any we know of; the 28 MB bench heap profile has 700 k samples).
 */
export const MAX_TABLE_ENTRIES = 1 << 22;
export const MAX_SAMPLES = 1 << 25;

/** The file's top-level fields as read: tables decoded, samples only located (byte spans). */
interface RawProfile {
  strings: string[];
  sampleTypes: [number, number][];
  /** Sample i's message is bytes [spans[2i], spans[2i+1]). */
  sampleSpans: Int32Array<ArrayBuffer>;
  sampleCount: number;
  sampleBytes: number;
  functions: RawFunction[];
  functionIds: number[];
  locations: RawLocation[];
  mappings: RawMapping[];
  dropFrames: number;
  keepFrames: number;
  timeNanos: string | null;
  durationNanos: number;
  periodType: [number, number] | null;
  period: number;
  comments: number[];
  defaultSampleType: number;
}

/** The string-indexed fields resolved, and the id -> entry maps the frames need. */
interface Tables {
  strings: string[];
  str: (x: number, what: string) => string;
  sampleTypes: PprofValueType[];
  defaultSampleType: number;
  periodType: PprofValueType | null;
  comments: string[];
  dropFrames: string;
  keepFrames: string;
  mappingById: Map<number, RawMapping>;
  funcById: Map<number, RawFunction>;
}

/** Every location's frames, root first, in one flat list, with what drop_frames does to it. */
interface LocationFrames {
  /** Location li's frames are frames[start[li] .. start[li+1]). */
  start: Int32Array;
  frames: Int32Array;
  /** 0 keep, 1 prune the whole location, 2 the location was trimmed (prune beneath it). */
  prune: Uint8Array;
  pruning: boolean;
  /** No two locations have the same frames and nothing is pruned (see readSamples). */
  injective: boolean;
  /** Location id -> index into raw.locations, -1 when unknown. */
  indexOf: (id: number) => number;
}

interface Samples {
  sampleStack: Int32Array;
  sampleValues: Float64Array[];
  labels: PprofLabels;
  stacks: StackTable;
  distinctLists: number;
}

/** start_line per function name and file (the first function's when several share them), for `list`. */
function functionStartLines(tables: Tables): PprofFunctionStart[] {
  const out: PprofFunctionStart[] = [];
  const seen = new Set<string>();
  for (const f of tables.funcById.values()) {
    if (!(f.startLine > 0)) continue;
    const func = tables.str(f.name, 'function name');
    const file = tables.str(f.filename, 'function filename');
    const key = `${func}\0${file}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ func, file, startLine: f.startLine });
  }
  return out;
}

export function parsePprof(bytes: Uint8Array, opts: ParseOptions = {}): ParsedPprof {
  if (bytes.length === 0) throw new IngestError('empty input: not a pprof profile');
  const warnings: string[] = [];
  const r = new PbReader(bytes);
  const raw = readTopLevel(r);
  opts.onProgress?.(0.1);
  throwIfAborted(opts.signal);
  const tables = resolveTables(raw, warnings);
  const builder = new StackTableBuilder();
  const locs = locationFrames(raw, tables, builder, warnings);
  const { sampleStack, sampleValues, labels, stacks, distinctLists } = readSamples(r, raw, tables, locs, builder, opts);

  const model: PprofModel = {
    stacks,
    sampleTypes: tables.sampleTypes,
    defaultSampleType: tables.defaultSampleType,
    sampleCount: raw.sampleCount,
    sampleStack,
    sampleValues,
    labels,
    timeNanos: raw.timeNanos,
    durationNanos: raw.durationNanos,
    period: raw.period,
    periodType: tables.periodType,
    comments: tables.comments,
    mappings: raw.mappings.map((m) => toMapping(m, tables.str)),
    dropFrames: tables.dropFrames,
    keepFrames: tables.keepFrames,
    locationStackCount: distinctLists,
    functionStartLines: functionStartLines(tables),
  };
  const { clock, startNs, endNs } = clockOf(raw, opts);
  opts.onProgress?.(1);
  return { kind: 'pprof', format: 'pprof protobuf', clock, startNs, endNs, partial: false, warnings, model };
}

/** Pass 1: the top-level fields. Tables are small and decoded here; samples are only located. */
function readTopLevel(r: PbReader): RawProfile {
  const raw: RawProfile = {
    strings: [],
    sampleTypes: [],
    sampleSpans: new Int32Array(1024),
    sampleCount: 0,
    sampleBytes: 0,
    functions: [],
    functionIds: [],
    locations: [],
    mappings: [],
    dropFrames: 0,
    keepFrames: 0,
    timeNanos: null,
    durationNanos: 0,
    periodType: null,
    period: 0,
    comments: [],
    defaultSampleType: 0,
  };
  const expectWire = (wire: number, want: number, what: string, at: number) => {
    if (wire !== want) r.fail(`field ${what} has wire type ${wire}, expected ${want}`, at);
  };
  const bounded = (n: number, max: number, what: string, at: number) => {
    if (n >= max) r.fail(`more than ${max} ${what} (a real profile has far fewer; refusing to read on)`, at);
  };
  const bytes = r.buf;
  while (r.pos < r.end) {
    const at = r.pos;
    const tag = r.varint();
    const field = Math.floor(tag / 8);
    const wire = tag & 7;
    if (field === 0) r.fail('field number 0', at);
    switch (field) {
      case 1:
        expectWire(wire, WIRE_LEN, 'sample_type', at);
        bounded(raw.sampleTypes.length, MAX_TABLE_ENTRIES, 'sample types', at);
        raw.sampleTypes.push(readValueType(r));
        break;
      case 2: {
        expectWire(wire, WIRE_LEN, 'sample', at);
        bounded(raw.sampleCount, MAX_SAMPLES, 'samples', at);
        const e = r.lenEnd();
        const n = raw.sampleCount;
        raw.sampleSpans = ensureCapacity(raw.sampleSpans, n * 2 + 2);
        raw.sampleSpans[n * 2] = r.pos;
        raw.sampleSpans[n * 2 + 1] = e;
        raw.sampleBytes += e - r.pos;
        raw.sampleCount++;
        r.pos = e;
        break;
      }
      case 3:
        expectWire(wire, WIRE_LEN, 'mapping', at);
        bounded(raw.mappings.length, MAX_TABLE_ENTRIES, 'mappings', at);
        raw.mappings.push(readMapping(r));
        break;
      case 4:
        expectWire(wire, WIRE_LEN, 'location', at);
        bounded(raw.locations.length, MAX_TABLE_ENTRIES, 'locations', at);
        raw.locations.push(readLocation(r));
        break;
      case 5: {
        expectWire(wire, WIRE_LEN, 'function', at);
        bounded(raw.functions.length, MAX_TABLE_ENTRIES, 'functions', at);
        const [id, f] = readFunction(r);
        raw.functionIds.push(id);
        raw.functions.push(f);
        break;
      }
      case 6: {
        expectWire(wire, WIRE_LEN, 'string_table', at);
        bounded(raw.strings.length, MAX_TABLE_ENTRIES, 'strings in the string table', at);
        const e = r.lenEnd();
        raw.strings.push(decodeString(bytes, r.pos, e));
        r.pos = e;
        break;
      }
      case 7:
        expectWire(wire, WIRE_VARINT, 'drop_frames', at);
        raw.dropFrames = r.varint();
        break;
      case 8:
        expectWire(wire, WIRE_VARINT, 'keep_frames', at);
        raw.keepFrames = r.varint();
        break;
      case 9:
        expectWire(wire, WIRE_VARINT, 'time_nanos', at);
        r.varint64();
        raw.timeNanos = r.lo === 0 && r.hi === 0 ? null : r.lastInt64String();
        break;
      case 10:
        expectWire(wire, WIRE_VARINT, 'duration_nanos', at);
        raw.durationNanos = r.varint();
        break;
      case 11:
        expectWire(wire, WIRE_LEN, 'period_type', at);
        raw.periodType = readValueType(r);
        break;
      case 12:
        expectWire(wire, WIRE_VARINT, 'period', at);
        raw.period = r.varint();
        break;
      case 13:
        if (wire === WIRE_LEN) {
          const e = r.lenEnd();
          while (r.pos < e) {
            bounded(raw.comments.length, MAX_TABLE_ENTRIES, 'comments', at);
            raw.comments.push(r.varint());
          }
          if (r.pos !== e) r.fail('packed comment overruns its length', at);
        } else {
          expectWire(wire, WIRE_VARINT, 'comment', at);
          bounded(raw.comments.length, MAX_TABLE_ENTRIES, 'comments', at);
          raw.comments.push(r.varint());
        }
        break;
      case 14:
        expectWire(wire, WIRE_VARINT, 'default_sample_type', at);
        raw.defaultSampleType = r.varint();
        break;
      default:
        r.skip(wire);
    }
  }
  return raw;
}

/** String references resolved (each checked against the table), and functions / mappings by id. */
function resolveTables(raw: RawProfile, warnings: string[]): Tables {
  const { strings } = raw;
  if (strings.length === 0) {
    throw new IngestError('corrupt pprof protobuf: no string table (a profile always has at least the empty string)');
  }
  if (strings[0] !== '') throw new IngestError('corrupt pprof protobuf: string table does not start with ""');
  const str = (x: number, what: string): string => {
    const s = strings[x];
    if (s === undefined || x < 0 || !Number.isInteger(x)) {
      throw new IngestError(`corrupt pprof protobuf: ${what} refers to string ${x}, table has ${strings.length}`);
    }
    return s;
  };

  const sampleTypes: PprofValueType[] = raw.sampleTypes.map(([t, u]) => ({
    type: str(t, 'sample_type'),
    unit: str(u, 'sample_type unit'),
  }));
  let defaultSampleType = sampleTypes.length - 1;
  if (raw.defaultSampleType !== 0) {
    const name = str(raw.defaultSampleType, 'default_sample_type');
    const i = sampleTypes.findIndex((t) => t.type === name);
    if (i >= 0) defaultSampleType = i;
    else warnings.push(`default_sample_type "${name}" is not one of the sample types; using the last one`);
  }
  const periodType = raw.periodType
    ? { type: str(raw.periodType[0], 'period_type'), unit: str(raw.periodType[1], 'period_type unit') }
    : null;
  const mappingById = new Map<number, RawMapping>();
  for (const m of raw.mappings) mappingById.set(m.id, m);
  const funcById = new Map<number, RawFunction>();
  for (let i = 0; i < raw.functions.length; i++) funcById.set(raw.functionIds[i]!, raw.functions[i]!);
  return {
    strings,
    str,
    sampleTypes,
    defaultSampleType,
    periodType,
    comments: raw.comments.map((x) => str(x, 'comment')),
    dropFrames: str(raw.dropFrames, 'drop_frames'),
    keepFrames: str(raw.keepFrames, 'keep_frames'),
    mappingById,
    funcById,
  };
}

/**
 * Frames per location (root first), with drop_frames / keep_frames applied as pprof does. A frame
 * carries its location's mapping file as its module (pprof's filters match it), and a line without
 * a function name is named after that file, `[binary]`, as pprof names it at function granularity
 * (so address-only locations of one binary are one function), `<unknown>` without a mapping file.
 */
function locationFrames(raw: RawProfile, tables: Tables, builder: StackTableBuilder, warnings: string[]): LocationFrames {
  const { strings, str, mappingById, funcById } = tables;
  const dropRx = compileFrameRegex(tables.dropFrames, 'drop_frames', warnings);
  const keepRx = dropRx && tables.keepFrames !== '' ? compileFrameRegex(tables.keepFrames, 'keep_frames', warnings) : null;
  const pruneCache = new Map<string, boolean>();
  const pruneFromHere = (name: string): boolean => {
    let v = pruneCache.get(name);
    if (v === undefined) {
      const f = simplifyFunc(name);
      v = dropRx!.test(f) && !(keepRx && keepRx.test(f));
      pruneCache.set(name, v);
    }
    return v;
  };

  // Frames are interned by integers (canonical function, file, module; line, inlined) in front of the
  // builder's string-keyed interning: equal keys always name equal frames, and the builder still
  // decides (in the same order as before) which frame index a new one gets.
  const canonString = new Int32Array(strings.length).fill(-1);
  const firstIndexOf = new Map<string, number>();
  const canonStr = (x: number): number => {
    let c = canonString[x]!;
    if (c < 0) {
      const s = strings[x]!;
      c = firstIndexOf.get(s) ?? x;
      firstIndexOf.set(s, c);
      canonString[x] = c;
    }
    return c;
  };
  const canonFunc = new PairMap(256);
  const canonFuncModule = new PairMap(256);
  const frameCache = new PairMap(1024);
  const LINE_KEY_MAX = 2 ** 29;

  const { locations } = raw;
  const nLoc = locations.length;
  const start = new Int32Array(nLoc + 1);
  const list: number[] = [];
  const prune = new Uint8Array(nLoc);
  let maxLocId = 0;
  for (const l of locations) if (l.id > maxLocId) maxLocId = l.id;
  const dense = maxLocId <= nLoc * 4 + 1024;
  const locIndexDense = dense ? new Int32Array(maxLocId + 1).fill(-1) : null;
  const locIndexMap = dense ? null : new Map<number, number>();

  const names: string[] = [];
  const files: string[] = [];
  const fnKeys: number[] = [];
  for (let li = 0; li < nLoc; li++) {
    const l = locations[li]!;
    if (l.id === 0) throw new IngestError(`corrupt pprof protobuf: location ${li} has id 0`);
    if (locIndexDense) {
      if (locIndexDense[l.id] !== -1) throw new IngestError(`corrupt pprof protobuf: duplicate location id ${l.id}`);
      locIndexDense[l.id] = li;
    } else {
      if (locIndexMap!.has(l.id)) throw new IngestError(`corrupt pprof protobuf: duplicate location id ${l.id}`);
      locIndexMap!.set(l.id, li);
    }
    let module = '';
    let moduleKey = 0;
    if (l.mappingId !== 0) {
      const m = mappingById.get(l.mappingId);
      if (!m) throw new IngestError(`corrupt pprof protobuf: location ${l.id} refers to unknown mapping ${l.mappingId}`);
      module = str(m.filename, 'mapping filename');
      moduleKey = canonStr(m.filename);
    }
    names.length = 0;
    files.length = 0;
    fnKeys.length = 0;
    for (let k = 0; k < l.fn.length; k++) {
      const fid = l.fn[k]!;
      let name = '';
      let file = '';
      let key = 0;
      if (fid !== 0) {
        const f = funcById.get(fid);
        if (!f) throw new IngestError(`corrupt pprof protobuf: location ${l.id} refers to unknown function ${fid}`);
        name = str(f.name, 'function name');
        file = str(f.filename, 'function filename');
        key = canonFunc.getOrAdd(canonStr(f.name), canonStr(f.filename), canonFunc.size + 1);
      }
      names.push(name);
      files.push(file);
      fnKeys.push(canonFuncModule.getOrAdd(key, moduleKey, canonFuncModule.size));
    }
    let first = 0; // lines[first..] survive
    if (dropRx) {
      let i = l.fn.length - 1;
      for (; i >= 0; i--) if (names[i] !== '' && pruneFromHere(names[i]!)) break;
      if (i >= 0) {
        // Matched the outermost line: the whole location is pruned (but stays whole where it is
        // kept, before the first user frame); else only the lines from the match inwards go.
        prune[li] = i === l.fn.length - 1 ? 1 : 2;
        first = i === l.fn.length - 1 ? 0 : i + 1;
      }
    }
    start[li] = list.length;
    if (l.fn.length === 0) {
      list.push(builder.internFrame({ func: unnamedFunction(module), file: '', line: 0, module }));
    } else {
      // Root first: the last line is the caller the earlier lines were inlined into.
      for (let k = l.fn.length - 1; k >= first; k--) {
        const line = l.line[k]!;
        const inlined = k !== l.fn.length - 1;
        const cacheable = line >= -LINE_KEY_MAX && line < LINE_KEY_MAX && Number.isInteger(line);
        let f = cacheable ? frameCache.get(fnKeys[k]!, line * 2 + (inlined ? 1 : 0)) : -1;
        if (f < 0) {
          f = builder.internFrame({ func: names[k] || unnamedFunction(module), file: files[k]!, line, inlined, module });
          if (cacheable) frameCache.getOrAdd(fnKeys[k]!, line * 2 + (inlined ? 1 : 0), f);
        }
        list.push(f);
      }
    }
  }
  start[nLoc] = list.length;
  const frames = Int32Array.from(list);

  // Distinct location lists (pprof's stack count) are distinct frame paths when no two locations
  // have the same frames and nothing is pruned: a location's frames start with its one non-inlined
  // frame, so a path splits back into locations in one way only. Else lists are hashed (exactly).
  let injective = !dropRx;
  if (injective) {
    const seqs = new Trie(64);
    const end = new Uint8Array(frames.length + 1);
    for (let li = 0; li < nLoc && injective; li++) {
      let s = -1;
      for (let k = start[li]!; k < start[li + 1]!; k++) s = seqs.child(s, frames[k]!);
      if (s < 0 || end[s]) injective = false;
      else end[s] = 1;
    }
  }
  const indexOf = locIndexDense
    ? (id: number) => (id <= maxLocId && id === Math.floor(id) ? locIndexDense[id]! : -1)
    : (id: number) => locIndexMap!.get(id) ?? -1;
  return { start, frames, prune, pruning: dropRx !== null, injective, indexOf };
}

/**
 * Pass 2: every sample's values, labels and stack. Stacks go straight from the locations into one
 * frame trie (see pair-map.ts for why not the builder's stack interning): a trie node IS a stack.
 */
function readSamples(r: PbReader, raw: RawProfile, tables: Tables, locs: LocationFrames, builder: StackTableBuilder, opts: ParseOptions): Samples {
  const { sampleSpans, sampleCount, sampleBytes, strings } = raw;
  const bytes = r.buf;
  const nTypes = tables.sampleTypes.length;
  const { start: locFrameStart, frames: locFrames, prune: locPrune, pruning, injective } = locs;
  const expectWire = (wire: number, want: number, what: string, at: number) => {
    if (wire !== want) r.fail(`field ${what} has wire type ${wire}, expected ${want}`, at);
  };
  const locIndexOf = (id: number, at: number): number => {
    const i = locs.indexOf(id);
    if (i < 0) r.fail(`sample refers to unknown location id ${id}`, at);
    return i;
  };

  // Every sample holds one value per type, each at least a byte: a count the bytes cannot hold is a
  // corrupt (or hostile) file, refused before the value columns are allocated.
  if (sampleCount > 0 && nTypes * sampleCount > sampleBytes) {
    r.fail(`${sampleCount} samples of ${nTypes} values each cannot fit in their ${sampleBytes} bytes`, sampleSpans[0]);
  }
  const sampleStack = new Int32Array(sampleCount);
  const sampleValues: Float64Array[] = [];
  for (let t = 0; t < nTypes; t++) sampleValues.push(new Float64Array(sampleCount));
  const labelStart = new Int32Array(sampleCount + 1);
  // Room for a label per sample (Go's profiles have none or one or two): pages never used are never touched.
  let labelKey = new Int32Array(sampleCount > 0 ? Math.max(16, sampleCount) : 0);
  let labelStr = new Int32Array(labelKey.length);
  let labelNum = new Float64Array(labelKey.length);
  let labelUnit = new Int32Array(labelKey.length);
  let labelCount = 0;
  const labelStringMap = new Int32Array(strings.length).fill(-1);
  const labelString = (x: number): number => {
    if (x < 0 || x >= strings.length) r.fail(`label refers to string ${x}, table has ${strings.length}`);
    let v = labelStringMap[x]!;
    if (v < 0) v = labelStringMap[x] = builder.internString(strings[x]!);
    return v;
  };

  // Room for as many nodes as the samples can hold frames, near enough: a location id takes at least
  // a byte beside each sample's values, times the frames of an average location. Room never used is
  // never touched (it costs address space only); growing past it copies every node.
  const framesPerLocation = locFrameStart.length > 1 ? locs.frames.length / (locFrameStart.length - 1) : 1;
  const nodeRoom = Math.min(1 << 25, Math.max(4096, Math.ceil(Math.max(0, sampleBytes - sampleCount * nTypes) * framesPerLocation)));
  const trie = new Trie(nodeRoom);
  let distinctLists = 0;
  let sawEmptyList = false;
  let leafSeen = new Uint8Array(injective ? nodeRoom : 0);
  // Not injective: per leaf stack at [2s], the first sample ending there + 1 and its list's hash (a
  // leaf made moments ago is read where it was just written); a leaf's other lists by (leaf, hash) ->
  // first sample with it. Lists are then checked against that sample's, id by id.
  let firstOfLeaf = new Int32Array(injective ? 0 : nodeRoom * 2);
  const lists = injective ? null : new PairMap(1024);
  let collided: Set<string> | null = null;
  let locScratch = new Int32Array(64);
  let locScratch2 = new Int32Array(64);
  const readLocIds = (sample: number): number => {
    const savePos = r.pos;
    const saveEnd = r.end;
    r.pos = sampleSpans[sample * 2]!;
    r.end = sampleSpans[sample * 2 + 1]!;
    let n = 0;
    while (r.pos < r.end) {
      const tag = r.varint();
      const wire = tag & 7;
      if (Math.floor(tag / 8) !== 1) r.skip(wire);
      else if (wire === WIRE_LEN) {
        const e = r.lenEnd();
        const outer = r.end;
        r.end = e;
        while (r.pos < e) {
          if (n === locScratch2.length) locScratch2 = ensureCapacity(locScratch2, n + 1);
          locScratch2[n++] = r.uvarint();
        }
        r.end = outer;
      } else {
        if (n === locScratch2.length) locScratch2 = ensureCapacity(locScratch2, n + 1);
        locScratch2[n++] = r.uvarint();
      }
    }
    r.pos = savePos;
    r.end = saveEnd;
    return n;
  };

  for (let i = 0; i < sampleCount; i++) {
    if ((i & (PROGRESS_EVERY - 1)) === 0 && i > 0) {
      throwIfAborted(opts.signal);
      opts.onProgress?.(0.1 + (0.9 * sampleSpans[i * 2]!) / bytes.length);
    }
    const spanStart = sampleSpans[i * 2]!;
    r.pos = spanStart;
    r.end = sampleSpans[i * 2 + 1]!;
    let nLocs = 0;
    let nVals = 0;
    labelStart[i] = labelCount;
    while (r.pos < r.end) {
      const at = r.pos;
      const tag = r.varint();
      const field = Math.floor(tag / 8);
      const wire = tag & 7;
      if (field === 1) {
        if (wire === WIRE_LEN) {
          const e = r.lenEnd();
          const saveEnd = r.end;
          r.end = e;
          while (r.pos < e) {
            if (nLocs === locScratch.length) locScratch = ensureCapacity(locScratch, nLocs + 1);
            locScratch[nLocs++] = r.uvarint();
          }
          r.end = saveEnd;
        } else {
          expectWire(wire, WIRE_VARINT, 'sample.location_id', at);
          if (nLocs === locScratch.length) locScratch = ensureCapacity(locScratch, nLocs + 1);
          locScratch[nLocs++] = r.uvarint();
        }
      } else if (field === 2) {
        if (wire === WIRE_LEN) {
          const e = r.lenEnd();
          const saveEnd = r.end;
          r.end = e;
          while (r.pos < e) {
            const v = r.varint();
            if (nVals < nTypes) sampleValues[nVals]![i] = v;
            nVals++;
          }
          r.end = saveEnd;
        } else {
          expectWire(wire, WIRE_VARINT, 'sample.value', at);
          const v = r.varint();
          if (nVals < nTypes) sampleValues[nVals]![i] = v;
          nVals++;
        }
      } else if (field === 3) {
        expectWire(wire, WIRE_LEN, 'sample.label', at);
        const e = r.lenEnd();
        const saveEnd = r.end;
        r.end = e;
        let k = 0;
        let s = 0;
        let n = 0;
        let u = 0;
        while (r.pos < e) {
          const lat = r.pos;
          const ltag = r.varint();
          const lf = Math.floor(ltag / 8);
          const lw = ltag & 7;
          if (lf >= 1 && lf <= 4) {
            expectWire(lw, WIRE_VARINT, 'label field', lat);
            const v = r.varint();
            if (lf === 1) k = v;
            else if (lf === 2) s = v;
            else if (lf === 3) n = v;
            else u = v;
          } else r.skip(lw);
        }
        r.end = saveEnd;
        if (labelCount === labelKey.length) {
          labelKey = ensureCapacity(labelKey, labelCount + 1);
          labelStr = ensureCapacity(labelStr, labelCount + 1);
          labelNum = ensureCapacity(labelNum, labelCount + 1);
          labelUnit = ensureCapacity(labelUnit, labelCount + 1);
        }
        labelKey[labelCount] = labelString(k);
        labelStr[labelCount] = s !== 0 ? labelString(s) : -1;
        labelNum[labelCount] = n;
        labelUnit[labelCount] = u !== 0 ? labelString(u) : -1;
        labelCount++;
      } else {
        r.skip(wire);
      }
    }
    if (nVals !== nTypes) {
      r.fail(`sample ${i} has ${nVals} values but the profile has ${nTypes} sample types`, spanStart);
    }
    if (nLocs === 0) {
      if (!sawEmptyList) distinctLists++;
      sawEmptyList = true;
      sampleStack[i] = -1;
      continue;
    }

    // Walk the locations root first (the file stores them leaf first). Once a step creates a node,
    // every later step does too (a new node has no children): append without looking up.
    let s = -1;
    let fresh = false;
    let fl = 0; // drop_frames state: 1 = a kept "user" location seen, 2 = stack already cut
    let h = 0x811c9dc5;
    for (let j = nLocs - 1; j >= 0; j--) {
      const li = locIndexOf(locScratch[j]!, spanStart);
      h = Math.imul(h ^ li, 0x5bd1e995);
      h ^= h >>> 15;
      if (pruning) {
        if (fl & 2) continue;
        const prune = locPrune[li]!;
        if (prune === 0) fl |= 1;
        else if (fl & 1) {
          // Pruned after a user location: a trimmed location keeps its outer lines, then the cut.
          fl |= 2;
          if (prune === 1) continue;
        }
      }
      for (let k = locFrameStart[li]!, e = locFrameStart[li + 1]!; k < e; k++) {
        if (fresh) s = trie.add(s, locFrames[k]!);
        else {
          s = trie.child(s, locFrames[k]!);
          fresh = trie.created;
        }
      }
    }
    sampleStack[i] = s;
    if (injective) {
      if (s >= leafSeen.length) leafSeen = ensureCapacity(leafSeen, trie.count, 1.5);
      if (!leafSeen[s]) {
        leafSeen[s] = 1;
        distinctLists++;
      }
    } else {
      if (s * 2 >= firstOfLeaf.length) firstOfLeaf = ensureCapacity(firstOfLeaf, trie.count * 2, 1.5);
      let rep = firstOfLeaf[s * 2]! - 1;
      if (rep < 0) {
        firstOfLeaf[s * 2] = i + 1;
        firstOfLeaf[s * 2 + 1] = h;
        rep = i;
      } else if (firstOfLeaf[s * 2 + 1] !== h) rep = lists!.getOrAdd(s, h, i);
      if (rep === i) distinctLists++;
      else {
        const n = readLocIds(rep);
        let same = n === nLocs;
        for (let j = 0; same && j < n; j++) same = locScratch2[j] === locScratch[j];
        if (!same) {
          // Same leaf and hash, different list: rare enough for a string key.
          const key = `${s}|${Array.from(locScratch.subarray(0, nLocs)).join(',')}`;
          collided ??= new Set();
          if (!collided.has(key)) {
            collided.add(key);
            distinctLists++;
          }
        }
      }
    }
  }
  r.end = bytes.length;
  labelStart[sampleCount] = labelCount;

  const frames = builder.build();
  const t = trie.finish();
  const stacks: StackTable = { ...frames, stackFrame: t.label, stackPrefix: t.parent, stackCount: t.label.length };
  const labels: PprofLabels = {
    start: labelStart,
    key: trimTo(labelKey, labelCount),
    str: trimTo(labelStr, labelCount),
    num: trimTo(labelNum, labelCount),
    unit: trimTo(labelUnit, labelCount),
    count: labelCount,
  };
  return { sampleStack, sampleValues, labels, stacks, distinctLists };
}

/** time_nanos when the file has it; else the file's mtime, which marks the profile's END. */
function clockOf(raw: RawProfile, opts: ParseOptions): { clock: SourceClock; startNs: number; endNs: number } {
  if (raw.timeNanos !== null) {
    return { clock: { originEpochNs: raw.timeNanos, quality: 'exact', basis: 'pprof time_nanos' }, startNs: 0, endNs: raw.durationNanos };
  }
  const clock = mtimeClock(opts.mtimeMs, { noFileTime: 'no time_nanos and no file mtime' });
  return { clock, startNs: -raw.durationNanos, endNs: 0 };
}

/** pprof's name for a frame without a function name at function granularity: its binary, `[name]`. */
export function unnamedFunction(mappingFile: string): string {
  const base = baseName(mappingFile);
  return base ? `[${base}]` : UNKNOWN_FUNCTION;
}

function readValueType(r: PbReader): [number, number] {
  const e = r.lenEnd();
  const saveEnd = r.end;
  r.end = e;
  let t = 0;
  let u = 0;
  while (r.pos < e) {
    const tag = r.varint();
    const f = Math.floor(tag / 8);
    if ((f === 1 || f === 2) && (tag & 7) === WIRE_VARINT) {
      const v = r.varint();
      if (f === 1) t = v;
      else u = v;
    } else r.skip(tag & 7);
  }
  r.end = saveEnd;
  return [t, u];
}

function readFunction(r: PbReader): [number, RawFunction] {
  const e = r.lenEnd();
  const saveEnd = r.end;
  r.end = e;
  let id = 0;
  const f: RawFunction = { name: 0, systemName: 0, filename: 0, startLine: 0 };
  while (r.pos < e) {
    const tag = r.varint();
    const field = Math.floor(tag / 8);
    if (field >= 1 && field <= 5 && (tag & 7) === WIRE_VARINT) {
      const v = field === 1 ? r.uvarint() : r.varint();
      if (field === 1) id = v;
      else if (field === 2) f.name = v;
      else if (field === 3) f.systemName = v;
      else if (field === 4) f.filename = v;
      else f.startLine = v;
    } else r.skip(tag & 7);
  }
  r.end = saveEnd;
  return [id, f];
}

function readLocation(r: PbReader): RawLocation {
  const e = r.lenEnd();
  const saveEnd = r.end;
  r.end = e;
  const l: RawLocation = { id: 0, mappingId: 0, address: '', fn: [], line: [] };
  while (r.pos < e) {
    const at = r.pos;
    const tag = r.varint();
    const field = Math.floor(tag / 8);
    const wire = tag & 7;
    if (field === 1 && wire === WIRE_VARINT) l.id = r.uvarint();
    else if (field === 2 && wire === WIRE_VARINT) l.mappingId = r.uvarint();
    else if (field === 3 && wire === WIRE_VARINT) {
      r.varint64();
      l.address = r.lo === 0 && r.hi === 0 ? '' : r.lastUint64Hex();
    } else if (field === 4) {
      if (wire !== WIRE_LEN) r.fail('location.line is not a message', at);
      const le = r.lenEnd();
      const outer = r.end;
      r.end = le;
      let fn = 0;
      let line = 0;
      while (r.pos < le) {
        const t2 = r.varint();
        const f2 = Math.floor(t2 / 8);
        if ((f2 === 1 || f2 === 2) && (t2 & 7) === WIRE_VARINT) {
          const v = f2 === 1 ? r.uvarint() : r.varint();
          if (f2 === 1) fn = v;
          else line = v;
        } else r.skip(t2 & 7);
      }
      r.end = outer;
      l.fn.push(fn);
      l.line.push(line);
    } else r.skip(wire);
  }
  r.end = saveEnd;
  return l;
}

function readMapping(r: PbReader): RawMapping {
  const e = r.lenEnd();
  const saveEnd = r.end;
  r.end = e;
  const m: RawMapping = { id: 0, memoryStart: 0, memoryLimit: 0, fileOffset: 0, filename: 0, buildId: 0, flags: 0 };
  while (r.pos < e) {
    const tag = r.varint();
    const field = Math.floor(tag / 8);
    if (field >= 1 && field <= 10 && (tag & 7) === WIRE_VARINT) {
      const v = r.uvarint();
      switch (field) {
        case 1: m.id = v; break;
        case 2: m.memoryStart = v; break;
        case 3: m.memoryLimit = v; break;
        case 4: m.fileOffset = v; break;
        case 5: m.filename = v; break;
        case 6: m.buildId = v; break;
        default: if (v) m.flags |= 1 << (field - 7);
      }
    } else r.skip(tag & 7);
  }
  r.end = saveEnd;
  return m;
}

function toMapping(m: RawMapping, str: (x: number, what: string) => string): PprofMapping {
  return {
    id: m.id,
    memoryStart: m.memoryStart,
    memoryLimit: m.memoryLimit,
    fileOffset: m.fileOffset,
    file: str(m.filename, 'mapping filename'),
    buildId: str(m.buildId, 'mapping build_id'),
    hasFunctions: (m.flags & 1) !== 0,
    hasFilenames: (m.flags & 2) !== 0,
    hasLineNumbers: (m.flags & 4) !== 0,
    hasInlineFrames: (m.flags & 8) !== 0,
  };
}

/** The last path element of a mapping's file (pprof names unsymbolized frames after it). */
export function baseName(p: string): string {
  const i = p.lastIndexOf('/');
  return i >= 0 ? p.slice(i + 1) : p;
}

/** pprof anchors drop/keep patterns: ^(pattern)$. A pattern JS cannot compile is ignored, like pprof. */
export function compileFrameRegex(pattern: string, what: string, warnings: string[]): RegExp | null {
  if (pattern === '') return null;
  try {
    return new RegExp(`^(?:${pattern})$`);
  } catch (e) {
    warnings.push(`${what} pattern ignored: ${(e as Error).message}`);
    return null;
  }
}

const RESERVED_NAMES = ['(anonymous namespace)', 'operator()'];

/** pprof's simplifyFunc: drop a leading '.', and cut at the first '(' outside reserved names. */
export function simplifyFunc(name: string): string {
  let f = name.startsWith('.') ? name.slice(1) : name;
  for (let i = 0; i < f.length; i++) {
    const reserved = RESERVED_NAMES.find((r) => f.startsWith(r, i));
    if (reserved) {
      i += reserved.length - 1;
      continue;
    }
    if (f.charCodeAt(i) === 40 /* ( */) {
      f = f.slice(0, i);
      break;
    }
  }
  return f;
}

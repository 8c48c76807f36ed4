#!/usr/bin/env node
// Go's reference figures for the label tests (needs Go on PATH; the tests do not):
//
//   node shared/query/stacks/testdata/go-labels/generate.mjs
//
// top.json: `go tool pprof -top -nodecount=1000000 -nodefraction=0 -edgefraction=0 -sample_index=T
// -unit=U [-tagfocus=… -tagignore=… -tagroot=… -focus=…] FILE` per case, every row and the total (the
// exact command is stored with each case; " (inline)" marks cut off the names).
// peek.json: `go tool pprof -peek=REGEX …` (same flags): per matching function its flat, cum and the
// weight of each caller and callee edge, in Go's order.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const go = (args) => execFileSync('go', args, { cwd: here, maxBuffer: 1 << 28, stdio: ['ignore', 'pipe', 'pipe'] }).toString();
const UNIT_FLAG = { nanoseconds: 'ns', bytes: 'B', count: '' };

const num = (s, u) => (s === '0' ? 0 : Math.round(Number(u && s.endsWith(u) ? s.slice(0, -u.length) : s)));

const TOP_CASES = [
  ['cpu.pb.gz', 'cpu', 'nanoseconds', { tagfocus: 'worker=alpha' }],
  ['cpu.pb.gz', 'cpu', 'nanoseconds', { tagignore: 'phase=parse' }],
  ['cpu.pb.gz', 'cpu', 'nanoseconds', { tagfocus: 'encode' }],
  ['cpu.pb.gz', 'cpu', 'nanoseconds', { tagfocus: 'alpha,encode' }],
  ['cpu.pb.gz', 'cpu', 'nanoseconds', { tagfocus: 'worker=alpha,beta', tagignore: 'tenant=t-beta' }],
  ['cpu.pb.gz', 'cpu', 'nanoseconds', { tagroot: 'worker' }],
  ['cpu.pb.gz', 'cpu', 'nanoseconds', { tagroot: 'worker,phase' }],
  ['cpu.pb.gz', 'cpu', 'nanoseconds', { tagroot: 'phase', focus: 'main.work' }],
  ['heap.pb.gz', 'alloc_space', 'bytes', { tagfocus: '1kb:64kb' }],
  ['heap.pb.gz', 'alloc_space', 'bytes', { tagfocus: 'bytes=16kb' }],
  ['heap.pb.gz', 'alloc_space', 'bytes', { tagfocus: '256kb:' }],
  ['heap.pb.gz', 'inuse_objects', 'count', { tagignore: 'bytes=:512' }],
  ['heap.pb.gz', 'inuse_space', 'bytes', { tagroot: 'bytes' }],
  ['goroutine.pb.gz', 'goroutine', 'count', { tagfocus: 'team=ingest' }],
  ['goroutine.pb.gz', 'goroutine', 'count', { tagroot: 'team,shard' }],
  ['goroutine.pb.gz', 'goroutine', 'count', { tagfocus: 'team=ingest|query', tagignore: 'shard=1' }],
];

const cases = TOP_CASES.map(([file, sampleIndex, unit, opts]) => {
  const u = UNIT_FLAG[unit];
  const flags = ['-top', '-nodecount=1000000', '-nodefraction=0', '-edgefraction=0', `-sample_index=${sampleIndex}`];
  if (u) flags.push(`-unit=${u}`);
  for (const [k, v] of Object.entries(opts)) flags.push(`-${k}=${v}`);
  const text = go(['tool', 'pprof', ...flags, file]);
  const lines = text.split('\n');
  const h = lines.findIndex((l) => /^\s+flat\s+flat%\s+sum%\s+cum\s+cum%$/.test(l));
  const rows = lines.slice(h + 1).filter((l) => l.trim()).map((l) => {
    const m = /^\s*(\S+)\s+\S+\s+\S+\s+(\S+)\s+\S+\s+(.*)$/.exec(l);
    return { function: m[3].replace(/ \((?:partial-)?inline\)$/, ''), flat: num(m[1], u), cum: num(m[2], u) };
  });
  return { command: `go tool pprof ${flags.join(' ')} ${file}`, file, sampleIndex, ...opts, total: num(/of (\S+) total/.exec(text)[1], u), rows };
});
writeFileSync(join(here, 'top.json'), JSON.stringify({ go: go(['version']).trim(), cases }, null, 1) + '\n');
console.log(`top.json: ${cases.length} cases`);

const PEEK_CASES = [
  ['cpu.pb.gz', 'cpu', 'nanoseconds', 'main.checksum', {}],
  ['cpu.pb.gz', 'cpu', 'nanoseconds', 'main.encode$', {}],
  ['cpu.pb.gz', 'cpu', 'nanoseconds', 'main\\.work', {}],
  ['cpu.pb.gz', 'cpu', 'nanoseconds', 'runtime.mallocgc', {}],
  ['cpu.pb.gz', 'cpu', 'nanoseconds', 'main.checksum', { tagfocus: 'worker=alpha', hide: 'main.encode' }],
  ['heap.pb.gz', 'alloc_space', 'bytes', 'main.allocate|runtime.mallocgc$', {}],
  ['goroutine.pb.gz', 'goroutine', 'count', 'runtime.gopark|main.waiter$', {}],
];
const edgeRx = /^\s+(\S+)\s+\S+ \|   (.*)$/;
const nodeRx = /^\s*(\S+)\s+\S+\s+\S+\s+(\S+)\s+\S+\s+\| (.*)$/;
const peeks = PEEK_CASES.map(([file, sampleIndex, unit, regex, opts]) => {
  const u = UNIT_FLAG[unit];
  const flags = [`-peek=${regex}`, '-nodecount=1000000', '-nodefraction=0', '-edgefraction=0', `-sample_index=${sampleIndex}`];
  if (u) flags.push(`-unit=${u}`);
  for (const [k, v] of Object.entries(opts)) flags.push(`-${k}=${v}`);
  const text = go(['tool', 'pprof', ...flags, file]);
  const entries = [];
  let pending = [];
  let cur = null;
  const name = (x) => x.replace(/ \((?:partial-)?inline\)$/, '');
  for (const l of text.split('\n')) {
    if (l.startsWith('---')) {
      cur = null;
      pending = [];
      continue;
    }
    const nm = nodeRx.exec(l);
    if (nm && !l.includes('calls%')) {
      cur = { function: name(nm[3]), flat: num(nm[1], u), cum: num(nm[2], u), callers: pending, callees: [] };
      entries.push(cur);
      continue;
    }
    const em = edgeRx.exec(l);
    if (em) (cur ? cur.callees : pending).push({ function: name(em[2]), weight: num(em[1], u) });
  }
  return { command: `go tool pprof ${flags.join(' ')} ${file}`, file, sampleIndex, regex, ...opts, total: num(/of (\S+) total/.exec(text)[1], u), entries };
});
writeFileSync(join(here, 'peek.json'), JSON.stringify({ go: go(['version']).trim(), cases: peeks }, null, 1) + '\n');
console.log(`peek.json: ${peeks.length} cases`);

// list.json: `go tool pprof -list=REGEX -trim_path=tracedeck.test/labels -source_path=src:$GOROOT/src …`:
// per function and file (as the profile names it) the ROUTINE sums, flat / cum of every line with a value,
// and `shown`: the first and last line Go prints.
const GOROOT = go(['env', 'GOROOT']).trim();
const LIST_CASES = [
  ['cpu.pb.gz', 'cpu', 'nanoseconds', 'main.checksum|main.encode|main.work$', {}],
  ['cpu.pb.gz', 'cpu', 'nanoseconds', 'main.checksum', { tagfocus: 'phase=parse' }],
  ['heap.pb.gz', 'alloc_space', 'bytes', 'main.allocate', {}],
  ['goroutine.pb.gz', 'goroutine', 'count', 'runtime.chanrecv$|main.waiter', {}],
];
const listOf = (file, sampleIndex, unit, regex, opts) => {
  const u = UNIT_FLAG[unit];
  const flags = [`-list=${regex}`, '-trim_path=tracedeck.test/labels', `-source_path=${join(here, 'src')}:${GOROOT}/src`, `-sample_index=${sampleIndex}`];
  if (u) flags.push(`-unit=${u}`);
  for (const [k, v] of Object.entries(opts)) flags.push(`-${k}=${v}`);
  const text = go(['tool', 'pprof', ...flags, file]);
  const routines = [];
  let cur = null;
  const val = (s) => (s === '.' ? 0 : num(s, u));
  for (const l of text.split('\n')) {
    const r = /^ROUTINE =+ (.*) in (.*)$/.exec(l);
    if (r) {
      cur = { function: r[1], file: r[2], lines: [] };
      routines.push(cur);
      continue;
    }
    const h = /^\s*(\S+)\s+(\S+) \(flat, cum\)/.exec(l);
    if (h && cur) {
      cur.flat = val(h[1]);
      cur.cum = val(h[2]);
      continue;
    }
    const m = /^\s*(\S+)\s+(\S+)\s+(\d+):/.exec(l);
    if (m && cur) {
      // The range Go shows: from the function's start_line (else 5 before the first sampled line).
      cur.shown ??= [Number(m[3]), Number(m[3])];
      cur.shown[1] = Number(m[3]);
    }
    if (m && cur && (m[1] !== '.' || m[2] !== '.')) cur.lines.push({ line: Number(m[3]), flat: val(m[1]), cum: val(m[2]) });
  }
  const command = `go tool pprof ${flags.join(' ')} ${file}`.replace(join(here, 'src'), 'src').replace(GOROOT, '$GOROOT');
  return { command, file, sampleIndex, regex, ...opts, total: num(/^Total: (\S+)/m.exec(text)[1], u), routines };
};
const lists = LIST_CASES.map((c) => listOf(...c));
writeFileSync(join(here, 'list.json'), JSON.stringify({ go: go(['version']).trim(), cases: lists }, null, 1) + '\n');
console.log(`list.json: ${lists.length} cases`);

// saved-top.json: the same -top cases on what `tracedeck top FILE --sample-index T --out F` wrote
// (saved/*.tracedeck-out.pb.gz, committed): the labels survive "Save as pprof", so Go's tag figures of the
// saved file are those of the original (the test also checks our encoder still writes exactly these files).
const project = join(here, '../../../../..');
const SAVED = [
  ['cpu.pb.gz', 'cpu'],
  ['heap.pb.gz', 'alloc_space'],
  ['heap.pb.gz', 'inuse_space'],
  ['heap.pb.gz', 'inuse_objects'],
  ['goroutine.pb.gz', 'goroutine'],
];
const savedName = (file, si) => `saved/${file.replace(/\.pb\.gz$/, '')}-${si}.tracedeck-out.pb.gz`;
for (const [file, si] of SAVED) {
  execFileSync(process.execPath, [join(project, 'bin/tracedeck.mjs'), 'top', join(here, file), '--sample-index', si, '--out', join(here, savedName(file, si))], { stdio: 'ignore' });
}
const savedCases = TOP_CASES.filter(([file, si]) => SAVED.some(([f, s]) => f === file && s === si)).map(([file, sampleIndex, unit, opts]) => {
  const u = UNIT_FLAG[unit];
  const out = savedName(file, sampleIndex);
  const flags = ['-top', '-nodecount=1000000', '-nodefraction=0', '-edgefraction=0', `-sample_index=${sampleIndex}`];
  if (u) flags.push(`-unit=${u}`);
  for (const [k, v] of Object.entries(opts)) flags.push(`-${k}=${v}`);
  const text = go(['tool', 'pprof', ...flags, out]);
  const lines = text.split('\n');
  const h = lines.findIndex((l) => /^\s+flat\s+flat%\s+sum%\s+cum\s+cum%$/.test(l));
  const rows = lines.slice(h + 1).filter((l) => l.trim()).map((l) => {
    const m = /^\s*(\S+)\s+\S+\s+\S+\s+(\S+)\s+\S+\s+(.*)$/.exec(l);
    return { function: m[3].replace(/ \((?:partial-)?inline\)$/, ''), flat: num(m[1], u), cum: num(m[2], u) };
  });
  return { command: `go tool pprof ${flags.join(' ')} ${out}`, original: file, file: out, sampleIndex, ...opts, total: num(/of (\S+) total/.exec(text)[1], u), rows };
});
writeFileSync(join(here, 'saved-top.json'), JSON.stringify({ go: go(['version']).trim(), cases: savedCases }, null, 1) + '\n');
console.log(`saved-top.json: ${savedCases.length} cases`);

// diff.json: `go tool pprof -top -diff_base=cpu-base.pb.gz [-tagfocus…] cpu.pb.gz` (cpu-base.pb.gz: a
// second run of src/main.go): the label options filter the base's samples too. Each case also keeps
// the flat sum Go shows of the base alone under the same options (`-top [-tagfocus…] cpu-base.pb.gz`).
const DIFF_CASES = [{}, { tagfocus: 'worker=alpha' }, { tagignore: 'phase=parse' }, { tagfocus: 'phase=encode', tagignore: 'worker=beta' }, { tagroot: 'worker' }];
const topRows = (text, u) => {
  const lines = text.split('\n');
  const h = lines.findIndex((l) => /^\s+flat\s+flat%\s+sum%\s+cum\s+cum%$/.test(l));
  return lines.slice(h + 1).filter((l) => l.trim()).map((l) => {
    const m = /^\s*(\S+)\s+\S+\s+\S+\s+(\S+)\s+\S+\s+(.*)$/.exec(l);
    return { function: m[3].replace(/ \((?:partial-)?inline\)$/, ''), flat: num(m[1], u), cum: num(m[2], u) };
  });
};
const diffs = DIFF_CASES.map((opts) => {
  const flags = ['-top', '-nodecount=1000000', '-nodefraction=0', '-edgefraction=0', '-sample_index=cpu', '-unit=ns'];
  for (const [k, v] of Object.entries(opts)) flags.push(`-${k}=${v}`);
  const text = go(['tool', 'pprof', ...flags, '-diff_base=cpu-base.pb.gz', 'cpu.pb.gz']);
  const baseText = go(['tool', 'pprof', ...flags, 'cpu-base.pb.gz']);
  return {
    command: `go tool pprof ${flags.join(' ')} -diff_base=cpu-base.pb.gz cpu.pb.gz`,
    ...opts,
    rows: topRows(text, 'ns'),
    baseShown: num(/accounting for (\S+),/.exec(baseText)[1], 'ns'),
  };
});
writeFileSync(join(here, 'diff.json'), JSON.stringify({ go: go(['version']).trim(), cases: diffs }, null, 1) + '\n');
console.log(`diff.json: ${diffs.length} cases`);

// saved-list.json: the -list cases on the saved files (functions keep their start_line there too).
const savedLists = LIST_CASES.filter(([file, si]) => SAVED.some(([f, s]) => f === file && s === si)).map(([file, ...rest]) => ({ original: file, ...listOf(savedName(file, rest[0]), ...rest) }));
writeFileSync(join(here, 'saved-list.json'), JSON.stringify({ go: go(['version']).trim(), cases: savedLists }, null, 1) + '\n');
console.log(`saved-list.json: ${savedLists.length} cases`);

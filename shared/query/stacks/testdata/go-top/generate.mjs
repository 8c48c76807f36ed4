#!/usr/bin/env node
// Regenerates Go's reference figures for the top-table tests (needs Go on PATH; the tests do not):
//
//   node shared/query/stacks/testdata/go-top/generate.mjs [FIXTURES_DIR]
//
// FIXTURES_DIR defaults to ../shared/fixtures beside the project. Every figure comes from
// `go tool pprof -top -nodecount=1000000 -nodefraction=0 -edgefraction=0 -sample_index=T -unit=U …`
// (and `go tool trace -pprof=KIND` for traces); the exact command is stored with each case.
// pprof's " (inline)" / " (partial-inline)" marks are annotations of a row, not part of the name:
// they are cut off.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const project = resolve(here, '../../../../..');
const FIX = resolve(process.argv[2] ?? join(project, '../shared/fixtures'));
const tmp = mkdtempSync(join(tmpdir(), 'go-top-'));
const go = (args, opts = {}) => execFileSync('go', args.map(real), { cwd: FIX, maxBuffer: 1 << 28, stdio: ['ignore', 'pipe', 'pipe'], ...opts });
/** `@go-real/…` names the profiles made for these tests (../go-real, see its README). */
const real = (a) => a.replace(/^(-\w+=)?@go-real\//, (_, f) => `${f ?? ''}${join(here, '../go-real')}/`);

const UNIT_FLAG = { nanoseconds: 'ns', microseconds: 'us', milliseconds: 'ms', seconds: 's', bytes: 'B' };

/** `go tool trace -pprof=KIND TRACE` into a temp file; returns its path. */
function traceProfile(trace, kind) {
  const out = join(tmp, `${trace.replace(/[^\w]+/g, '_')}.${kind}.pb`);
  if (!existsSync(out)) writeFileSync(out, go(['tool', 'trace', `-pprof=${kind}`, trace]));
  return out;
}

/** sample types of a profile as pprof reads it: [{type, unit}]. */
function sampleTypes(file) {
  const raw = go(['tool', 'pprof', '-raw', file]).toString();
  const m = /^Samples:\n(.*)$/m.exec(raw);
  return m[1].trim().split(/\s+/).map((x) => {
    const i = x.lastIndexOf('/');
    return { type: x.slice(0, i), unit: x.slice(i + 1).replace(/\[dflt\]$/, '') };
  });
}

function parseValue(s, unitFlag) {
  if (s === '0') return 0;
  const v = unitFlag && s.endsWith(unitFlag) ? s.slice(0, -unitFlag.length) : s;
  const n = Number(v);
  if (!Number.isFinite(n)) throw new Error(`cannot read value ${s}`);
  return Math.round(n);
}

function stripInline(name) {
  return name.replace(/ \((?:partial-)?inline\)$/, '');
}

/** One `go tool pprof -top` run, parsed. */
function top(c) {
  const files = c.trace ? [traceProfile(c.trace, c.trace_kind)] : c.files;
  const base = c.base ? (c.trace ? traceProfile(c.base, c.trace_kind) : c.base) : undefined;
  const types = sampleTypes(files[0]);
  const flags = ['-top', '-nodecount=1000000', '-nodefraction=0', '-edgefraction=0'];
  if (c.sampleIndex) flags.push(`-sample_index=${c.sampleIndex}`);
  // Which type pprof shows: the one named, else what it prints as Type.
  const probe = go(['tool', 'pprof', ...flags, ...files]).toString();
  const typeName = /^Type: (.*)$/m.exec(probe)[1];
  const st = types.find((t) => t.type === typeName);
  const unitFlag = UNIT_FLAG[st.unit];
  if (!c.sampleIndex) flags.push(`-sample_index=${typeName}`);
  if (unitFlag) flags.push(`-unit=${unitFlag}`);
  for (const k of ['focus', 'ignore', 'hide']) if (c[k]) flags.push(`-${k}=${c[k]}`);
  if (base) flags.push(`-base=${base}`);
  const out = go(['tool', 'pprof', ...flags, ...files]).toString();
  const lines = out.split('\n');
  const totalLine = lines.find((l) => l.startsWith('Showing nodes accounting for'));
  const total = parseValue(/of (\S+) total/.exec(totalLine)[1], unitFlag);
  const h = lines.findIndex((l) => /^\s+flat\s+flat%\s+sum%\s+cum\s+cum%$/.test(l));
  const rows = [];
  for (const l of lines.slice(h + 1)) {
    if (!l.trim()) continue;
    const m = /^\s*(\S+)\s+(\S+)\s+(\S+)\s+(\S+)\s+(\S+)\s+(.*)$/.exec(l);
    rows.push({ function: stripInline(m[6]), flat: parseValue(m[1], unitFlag), cum: parseValue(m[4], unitFlag) });
  }
  const shownFiles0 = c.trace ? [`<(go tool trace -pprof=${c.trace_kind} ${c.trace})`] : c.files;
  const shownBase = c.base ? (c.trace ? `<(go tool trace -pprof=${c.trace_kind} ${c.base})` : c.base) : undefined;
  const command = ['go tool pprof', ...flags.filter((f) => !f.startsWith('-base=')), ...(shownBase ? [`-base=${shownBase}`] : []), ...shownFiles0].join(' ');
  return { id: c.id, command, sampleType: st, total, rows };
}

/** Per stack (leaf first, ';'-joined) contentions and delay of `go tool trace -pprof=KIND`, from -traces. */
function traceStacks(trace, kind) {
  const file = traceProfile(trace, kind);
  const per = new Map();
  for (const [idx, unitFlag] of [['contentions', ''], ['delay', 'ns']]) {
    const out = go(['tool', 'pprof', '-traces', `-sample_index=${idx}`, ...(unitFlag ? [`-unit=${unitFlag}`] : []), file]).toString();
    for (const block of out.split(/^-+\+-+$/m).slice(1)) {
      const ls = block.split('\n').filter((l) => l.trim());
      if (ls.length === 0) continue;
      const m = /^\s*(\S+)\s+(.*)$/.exec(ls[0]);
      const frames = [stripInline(m[2].trim()), ...ls.slice(1).map((l) => stripInline(l.trim()))].filter((f) => f !== '');
      const key = frames.join(';');
      const e = per.get(key) ?? { stack: key, contentions: 0, delay: 0 };
      e[idx] += parseValue(m[1], unitFlag);
      per.set(key, e);
    }
  }
  return { trace, kind, command: `go tool trace -pprof=${kind} ${trace} | go tool pprof -traces -sample_index=contentions|delay -unit=ns`, stacks: [...per.values()].sort((a, b) => b.delay - a.delay || (a.stack < b.stack ? -1 : 1)) };
}

const S = 'scenarios';
const scen = ['conn-leak-go1.19', 'conn-leak-go1.27', 'cpu-pool-go1.22', 'cpu-pool-go1.27', 'fd-leak-go1.23', 'fd-leak-go1.27', 'lock-contention-go1.21', 'lock-contention-go1.27', 'timewait-storm-go1.25', 'timewait-storm-go1.27'];
const TP = 'third-party/google-pprof';
const SER = 'profile-series/go1.26';
const cases = {
  profiles: [
    ...scen.flatMap((d) => ['block', 'mutex', 'goroutine'].map((k) => ({ id: `${d}/${k}`, files: [`${S}/${d}/${k}.pb.gz`] }))),
    ...['conn-leak-go1.27', 'cpu-pool-go1.22', 'lock-contention-go1.21', 'fd-leak-go1.23'].map((d) => ({ id: `${d}/cpu`, files: [`${S}/${d}/cpu.pb.gz`] })),
    ...['conn-leak-go1.19', 'fd-leak-go1.27', 'timewait-storm-go1.25'].flatMap((d) => [
      { id: `${d}/heap`, files: [`${S}/${d}/heap.pb.gz`] },
      { id: `${d}/heap alloc_objects`, files: [`${S}/${d}/heap.pb.gz`], sampleIndex: 'alloc_objects' },
    ]),
    ...['cppbench.contention', 'cppbench.cpu', 'go.crc32.cpu', 'go.godoc.thread', 'go.nomappings.crash', 'gobench.cpu', 'gobench.heap', 'java.cpu', 'java.heap', 'sample.cpu'].map((f) => ({ id: f, files: [`${TP}/${f}`] })),
    { id: 'gobench.heap inuse_objects', files: [`${TP}/gobench.heap`], sampleIndex: 'inuse_objects' },
    { id: 'cppbench.contention contentions', files: [`${TP}/cppbench.contention`], sampleIndex: 'contentions' },
  ],
  filters: [
    { id: 'block focus', files: [`${S}/conn-leak-go1.27/block.pb.gz`], focus: 'readLoop' },
    { id: 'block ignore', files: [`${S}/conn-leak-go1.27/block.pb.gz`], ignore: 'main\\.main' },
    { id: 'block hide', files: [`${S}/conn-leak-go1.27/block.pb.gz`], hide: 'runtime\\.' },
    { id: 'block focus+ignore+hide', files: [`${S}/lock-contention-go1.27/block.pb.gz`], focus: 'handler', ignore: 'RLock', hide: '^sync\\.' },
    { id: 'cpu focus by file name', files: [`${S}/cpu-pool-go1.27/cpu.pb.gz`], focus: 'compress/flate/deflate\\.go' },
    { id: 'cpu hide runtime', files: [`${S}/cpu-pool-go1.22/cpu.pb.gz`], hide: '^runtime\\.' },
    { id: 'cpu ignore (samples without frames dropped)', files: [`${TP}/go.crc32.cpu`], ignore: 'nothing-matches-this' },
    { id: 'cpu focus on the binary (mapping)', files: [`${TP}/cppbench.cpu`], focus: 'cppbench_server_main' },
    { id: 'cpu ignore a library (mapping)', files: [`${TP}/cppbench.cpu`], ignore: 'libc' },
    { id: 'cpu hide a library (mapping)', files: [`${TP}/cppbench.cpu`], hide: 'libpthread|libc-' },
    { id: 'heap focus', files: [`${S}/fd-leak-go1.27/heap.pb.gz`], sampleIndex: 'alloc_space', focus: 'net\\.' },
    { id: 'case-insensitive focus', files: [`${S}/conn-leak-go1.27/block.pb.gz`], focus: '(?i)READLOOP' },
  ],
  series: [
    ...['block', 'mutex', 'goroutine', 'allocs'].map((k) => ({ id: `${k}-5 --base ${k}-0`, files: [`${SER}/${k}-5.pb.gz`], base: `${SER}/${k}-0.pb.gz` })),
    { id: 'block-3 --base block-2', files: [`${SER}/block-3.pb.gz`], base: `${SER}/block-2.pb.gz` },
    { id: 'allocs-4 --base allocs-1 alloc_space', files: [`${SER}/allocs-4.pb.gz`], base: `${SER}/allocs-1.pb.gz`, sampleIndex: 'alloc_space' },
    { id: 'block-5 --base block-0 focus', files: [`${SER}/block-5.pb.gz`], base: `${SER}/block-0.pb.gz`, focus: 'main' },
    { id: 'merge block 1 2 3', files: [1, 2, 3].map((i) => `${SER}/block-${i}.pb.gz`) },
    { id: 'merge goroutine 0..5', files: [0, 1, 2, 3, 4, 5].map((i) => `${SER}/goroutine-${i}.pb.gz`) },
    { id: 'merge mutex 4 5 hide', files: [4, 5].map((i) => `${SER}/mutex-${i}.pb.gz`), hide: 'runtime' },
  ],
  // Profiles over time (shared/query/stacks/profile-series.ts): the delta of every interval of the
  // series (consecutive snapshots), every sample type of allocs, and windows of several intervals.
  intervals: [
    ...['block', 'mutex', 'goroutine'].flatMap((k) => [1, 2, 3, 4, 5].map((i) => ({ id: `${k}-${i} --base ${k}-${i - 1}`, files: [`${SER}/${k}-${i}.pb.gz`], base: `${SER}/${k}-${i - 1}.pb.gz` }))),
    ...['alloc_space', 'alloc_objects', 'inuse_space'].flatMap((t) => [1, 2, 3, 4, 5].map((i) => ({ id: `allocs-${i} --base allocs-${i - 1} ${t}`, files: [`${SER}/allocs-${i}.pb.gz`], base: `${SER}/allocs-${i - 1}.pb.gz`, sampleIndex: t }))),
    ...['block', 'mutex', 'goroutine'].flatMap((k) => [[1, 3], [2, 5], [0, 4]].map(([a, b]) => ({ id: `${k}-${b} --base ${k}-${a}`, files: [`${SER}/${k}-${b}.pb.gz`], base: `${SER}/${k}-${a}.pb.gz` }))),
    { id: 'block-4 --base block-1 focus', files: [`${SER}/block-4.pb.gz`], base: `${SER}/block-1.pb.gz`, focus: 'main\\.main\\.func1' },
  ],
  generated: [
    { id: 'stripped binary, cgo and generics: cpu', files: ['@go-real/cpu-stripped-cgo.pb.gz'] },
    { id: 'stripped binary: cpu focus on generics', files: ['@go-real/cpu-stripped-cgo.pb.gz'], focus: '\\[go\\.shape' },
    { id: 'stripped binary: cpu hide runtime', files: ['@go-real/cpu-stripped-cgo.pb.gz'], hide: '^runtime\\.' },
    { id: 'generics heap inuse_space', files: ['@go-real/heap.pb.gz'] },
    { id: 'generics heap alloc_space', files: ['@go-real/heap.pb.gz'], sampleIndex: 'alloc_space' },
    { id: 'generics heap alloc_objects', files: ['@go-real/heap.pb.gz'], sampleIndex: 'alloc_objects' },
    { id: 'block', files: ['@go-real/block.pb.gz'] },
    { id: 'block contentions', files: ['@go-real/block.pb.gz'], sampleIndex: 'contentions' },
    { id: 'mutex', files: ['@go-real/mutex.pb.gz'] },
  ],
  traces: [
    ...['conn-leak-go1.27', 'cpu-pool-go1.22', 'lock-contention-go1.21'].flatMap((d) =>
      ['sync', 'net', 'syscall', 'sched'].map((k) => ({ id: `${d} ${k}`, trace: `${S}/${d}/trace.out`, trace_kind: k })),
    ),
    { id: 'conn-leak-go1.19 sync', trace: `${S}/conn-leak-go1.19/trace.out`, trace_kind: 'sync' },
    { id: 'fd-leak-go1.23 net', trace: `${S}/fd-leak-go1.23/trace.out`, trace_kind: 'net' },
    { id: 'conn-leak-go1.27 sync contentions', trace: `${S}/conn-leak-go1.27/trace.out`, trace_kind: 'sync', sampleIndex: 'contentions' },
    { id: 'conn-leak-go1.27 sync focus', trace: `${S}/conn-leak-go1.27/trace.out`, trace_kind: 'sync', focus: 'persistConn' },
  ],
};

const only = process.env.GO_TOP_ONLY;
for (const [group, list] of Object.entries(cases)) {
  if (only && only !== group) continue;
  const out = { generatedBy: 'node shared/query/stacks/testdata/go-top/generate.mjs', go: go(['version']).toString().trim(), cases: list.map((c) => ({ ...c, ...top(c) })) };
  writeFileSync(join(here, `${group}.json`), JSON.stringify(out, null, 1) + '\n');
  console.log(`${group}.json: ${out.cases.length} cases`);
}
if (!only || only === 'trace-stacks') {
  const ts = ['conn-leak-go1.27', 'cpu-pool-go1.22', 'conn-leak-go1.19'].flatMap((d) => ['sync', 'net', 'syscall', 'sched'].map((k) => traceStacks(`${S}/${d}/trace.out`, k)));
  writeFileSync(join(here, 'trace-stacks.json'), JSON.stringify({ generatedBy: 'node shared/query/stacks/testdata/go-top/generate.mjs', cases: ts }, null, 1) + '\n');
  console.log(`trace-stacks.json: ${ts.length} cases`);
}
// pprof's own plain text for one profile, to hold the plain table to.
if (!only || only === 'text') {
  const f = `${S}/conn-leak-go1.27/block.pb.gz`;
  writeFileSync(join(here, 'conn-leak-go1.27.block.top.txt'), go(['tool', 'pprof', '-top', '-nodecount=1000000', '-nodefraction=0', '-edgefraction=0', f]));
  console.log('conn-leak-go1.27.block.top.txt');
}
// The --out round trip: Go's top of the profile `tracedeck top --out` wrote (committed beside this).
if (!only || only === 'roundtrip') {
  const rt = [];
  for (const d of ['conn-leak-go1.27', 'cpu-pool-go1.22']) {
    const name = `${d}.sync.tracedeck-out.pb.gz`;
    execFileSync(process.execPath, [join(project, 'bin/tracedeck.mjs'), 'top', `${FIX}/${S}/${d}/trace.out`, '--profile', 'sync', '--out', join(here, name)], { stdio: 'ignore' });
    rt.push({ ...top({ id: `${name} (go tool pprof -top of tracedeck's --out)`, files: [join(here, name)] }), out: name, trace: `${S}/${d}/trace.out` });
  }
  // A delta, filtered: what --out writes is the shown profile, so Go's top of it is tracedeck's own table.
  {
    const name = 'block-5-base-0.focus-hide.tracedeck-out.pb.gz';
    const args = [`${FIX}/${SER}/block-5.pb.gz`, '--base', `${FIX}/${SER}/block-0.pb.gz`, '--focus', 'main', '--hide', '^runtime\\.'];
    execFileSync(process.execPath, [join(project, 'bin/tracedeck.mjs'), 'top', ...args, '--out', join(here, name)], { stdio: 'ignore' });
    rt.push({ ...top({ id: `${name} (go tool pprof -top of tracedeck's --out)`, files: [join(here, name)] }), out: name, topArgs: args.map((a) => a.replace(`${FIX}/`, '')) });
  }
  for (const c of rt) c.command = c.command.replace(here + '/', '');
  writeFileSync(join(here, 'roundtrip.json'), JSON.stringify({ generatedBy: 'node shared/query/stacks/testdata/go-top/generate.mjs', cases: rt }, null, 1) + '\n');
  console.log(`roundtrip.json: ${rt.length} cases`);
}

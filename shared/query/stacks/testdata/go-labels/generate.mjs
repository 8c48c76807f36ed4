#!/usr/bin/env node
// Go's reference figures for the label tests (needs Go on PATH; the tests do not):
//
//   node shared/query/stacks/testdata/go-labels/generate.mjs
//
// top.json: `go tool pprof -top -nodecount=1000000 -nodefraction=0 -edgefraction=0 -sample_index=T
// -unit=U [-tagfocus=… -tagignore=… -tagroot=… -focus=…] FILE` per case, every row and the total (the
// exact command is stored with each case; " (inline)" marks cut off the names).
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

#!/usr/bin/env node
// Compares `tracedeck top --json` with Go's own `go tool pprof -top` on any profile or trace, row for
// row (needs Go on PATH) — for checking files the tests have never seen:
//
//   node scripts/compare-top-with-go.mjs FILE… [--profile sync|net|syscall|sched] [--sample-index T]
//        [--focus RE] [--ignore RE] [--hide RE] [--tagfocus F] [--tagignore F] [--tagroot KEYS] [--base OLD]
//
// A trace is first turned into Go's profile with `go tool trace -pprof=KIND`. Exit code 1 on any
// difference (the first differing row is printed).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const files = [];
const opt = {};
for (let i = 0; i < args.length; i++) {
  if (args[i].startsWith('--')) opt[args[i].slice(2)] = args[++i];
  else files.push(args[i]);
}
const run = (cmd, a) => execFileSync(cmd, a, { maxBuffer: 1 << 28, stdio: ['ignore', 'pipe', 'pipe'] }).toString();
const tmp = mkdtempSync(join(tmpdir(), 'compare-top-'));
const asProfile = (f, i) => {
  if (!opt.profile) return f;
  const out = join(tmp, `${i}.pb`);
  writeFileSync(out, execFileSync('go', ['tool', 'trace', `-pprof=${opt.profile}`, f], { maxBuffer: 1 << 28 }));
  return out;
};

const ours = JSON.parse(run(process.execPath, [join(root, 'bin/tracedeck.mjs'), 'top', ...process.argv.slice(2), '--json']));
const UNIT = { nanoseconds: 'ns', microseconds: 'us', milliseconds: 'ms', seconds: 's', bytes: 'B' };
const u = UNIT[ours.sampleType.unit] ?? '';
const flags = ['-top', '-nodecount=1000000', '-nodefraction=0', '-edgefraction=0', `-sample_index=${ours.sampleType.type}`];
if (u) flags.push(`-unit=${u}`);
for (const k of ['focus', 'ignore', 'hide', 'tagfocus', 'tagignore', 'tagroot']) if (opt[k]) flags.push(`-${k}=${opt[k]}`);
if (opt.base) flags.push(`-base=${asProfile(opt.base, 'base')}`);
const text = run('go', ['tool', 'pprof', ...flags, ...files.map(asProfile)]);
const num = (s) => (s === '0' ? 0 : Math.round(Number(u && s.endsWith(u) ? s.slice(0, -u.length) : s)));
const lines = text.split('\n');
const total = num(/of (\S+) total/.exec(text)[1]);
const h = lines.findIndex((l) => /^\s+flat\s+flat%\s+sum%\s+cum\s+cum%$/.test(l));
const go = lines.slice(h + 1).filter((l) => l.trim()).map((l) => {
  const m = /^\s*(\S+)\s+\S+\s+\S+\s+(\S+)\s+\S+\s+(.*)$/.exec(l);
  return { function: m[3].replace(/ \((?:partial-)?inline\)$/, ''), flat: num(m[1]), cum: num(m[2]) };
});
let bad = total !== ours.total || go.length !== ours.rows.length;
const k = go.findIndex((r, i) => JSON.stringify(r) !== JSON.stringify(ours.rows[i]));
if (k >= 0) bad = true;
console.log(`${bad ? 'DIFF' : 'OK  '} ${files.join(' ')} ${JSON.stringify(opt)}: ${go.length} rows (ours ${ours.rows.length}), total ${total} (ours ${ours.total})`);
if (k >= 0) console.log(`  row ${k}: go ${JSON.stringify(go[k])}\n         ours ${JSON.stringify(ours.rows[k])}`);
process.exitCode = bad ? 1 : 0;

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { parseTrace } from '../../ingest/gotrace/parse-trace.ts';
import { frameFuncName, stackFramesLeafFirst } from '../../model/stacks.ts';
import { FIXTURES, listFixtures } from '../../test-support/fixtures.ts';
import { blockingProfile, type BlockingKind } from './trace-blocking.ts';

const here = fileURLToPath(new URL('.', import.meta.url));
const ORACLES = join(here, '../../test-support/oracles/trace-pprof');
const TRACES = join(here, '../../test-support/traces');
const KINDS: BlockingKind[] = ['sync', 'net', 'syscall', 'sched'];

function traces(): { name: string; path: string }[] {
  const fx = listFixtures()
    .filter((f) => /^scenarios\/[^/]+\/trace\.out$/.test(f) || /^third-party\/golang-go-trace\/.*_good$/.test(f))
    .map((f) => ({ name: f.replaceAll('/', '_'), path: join(FIXTURES, f) }));
  const own = readdirSync(TRACES)
    .filter((f) => f.endsWith('.trace.gz'))
    .map((f) => ({ name: `traces_${f}`, path: join(TRACES, f) }));
  return [...fx, ...own];
}

/** Our profile as go tool pprof -raw's: [count, ns, frames leaf first] summed per stack, sorted by stack. */
function ours(model: ReturnType<typeof parseTrace>['model'], kind: BlockingKind): [number, number, string[]][] {
  const p = blockingProfile(model, kind);
  const st = model.stacks;
  const per = new Map<string, [number, number, string[]]>();
  for (let i = 0; i < p.sampleStack.length; i++) {
    const s = p.sampleStack[i]!;
    const frames = s < 0 ? [] : stackFramesLeafFirst(st, s).map((f) => `${frameFuncName(st, f)} ${st.strings[st.frameFile[f]!]}:${st.frameLine[f]}`);
    const key = JSON.stringify(frames);
    const e = per.get(key) ?? [0, 0, frames];
    e[0] += p.count[i]!;
    e[1] += p.weight[i]!;
    per.set(key, e);
  }
  // Python sorts the stacks as tuples of strings: compare element by element, by code point.
  const cmp = (a: string[], b: string[]) => {
    for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i]! < b[i]! ? -1 : 1;
    return a.length - b.length;
  };
  return [...per.values()].sort((a, b) => cmp(a[2], b[2]));
}

describe('trace blocking profiles equal go tool trace -pprof=KIND stack by stack (go tool pprof -raw)', () => {
  it('covers every fixture trace and the committed real ones', () => {
    expect(traces().length).toBeGreaterThanOrEqual(21);
  });
  for (const { name, path } of traces()) {
    it(name, () => {
      const b = readFileSync(path);
      const model = parseTrace(path.endsWith('.gz') ? gunzipSync(b) : b).model;
      for (const kind of KINDS) {
        const want = JSON.parse(gunzipSync(readFileSync(join(ORACLES, `${name}.${kind}.json.gz`))).toString()) as [number, number, string[]][];
        expect(ours(model, kind), `${name} -pprof=${kind}`).toEqual(want);
      }
    });
  }
});

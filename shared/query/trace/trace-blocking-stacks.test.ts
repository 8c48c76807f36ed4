import { describe, expect, it } from 'vitest';
import { parseTrace } from '../../ingest/gotrace/parse-trace.ts';
import { frameFuncName, stackFramesLeafFirst } from '../../model/stacks.ts';
import { oracleTraces, readOracle, readTrace } from '../../test-support/oracles.ts';
import { blockingProfile, type BlockingKind } from './trace-blocking.ts';

const KINDS: BlockingKind[] = ['sync', 'net', 'syscall', 'sched'];

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
    expect(oracleTraces().length).toBeGreaterThanOrEqual(21);
  });
  for (const { name, path } of oracleTraces()) {
    it(name, () => {
      const model = parseTrace(readTrace(path)).model;
      for (const kind of KINDS) {
        const want = readOracle<[number, number, string[]][]>('trace-pprof', `${name}.${kind}.json.gz`);
        expect(ours(model, kind), `${name} -pprof=${kind}`).toEqual(want);
      }
    });
  }
});

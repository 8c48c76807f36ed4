/**
 * The timeline's lanes against Go's own internal/trace (shared/test-support/oracles/timeline): per P,
 * the Running intervals (count, a hash of the whole list, ns per goroutine); per goroutine, ns per
 * state and the number of real state changes. Exact equality.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseTrace } from '../../../ingest/gotrace/parse-trace.ts';
import type { TraceModel } from '../../../model/trace.ts';
import { FIXTURES } from '../../../test-support/fixtures.ts';
import { oracleDir, oracleOutputs } from '../../../test-support/oracles.ts';
import { transitionIndex } from '../transition-index.ts';
import { gOf, kindOf } from './lane-runs.ts';
import { goroutineRuns, K_RUNNING, NO_PROC_ID, procLanes } from './timeline-index.ts';
import { SLICE_KINDS } from './timeline-types.ts';

const ORACLES = oracleDir('timeline');

interface ProcDigest {
  p: number;
  intervals: number;
  hash: string;
  runningNs: number;
  top: [number, number][];
}
interface GoroutineDigest {
  id: number;
  changes: number;
  ns: Record<string, number>;
}
interface Digest {
  endNs: number;
  procs: ProcDigest[] | null;
  goroutines: GoroutineDigest[] | null;
}

/** FNV-1a, 32 bits, over ASCII text (as Go's hash/fnv New32a). */
function fnv32a(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, '0');
}

function procDigests(model: TraceModel): ProcDigest[] {
  const ids = model.goroutines.id;
  const out: ProcDigest[] = [];
  for (const [p, runs] of procLanes(model)) {
    const list: [number, number, number][] = [];
    // The Running intervals (a P lane also shows syscalls holding the P: not in Go's Running digest).
    for (let i = 0; i < runs.n; i++) if (kindOf(runs, i) === K_RUNNING) list.push([ids[gOf(runs, i)]!, runs.start.at(i), runs.end.at(i)]);
    list.sort((a, b) => a[1] - b[1] || a[0] - b[0]);
    const byG = new Map<number, number>();
    let total = 0;
    let text = '';
    for (const [g, s, e] of list) {
      text += `${g}:${s}:${e}\n`;
      byG.set(g, (byG.get(g) ?? 0) + e - s);
      total += e - s;
    }
    if (!list.length) continue;
    const top = [...byG].sort((a, b) => b[1] - a[1] || a[0] - b[0]).slice(0, 20);
    out.push({ p: p === NO_PROC_ID ? -1 : p, intervals: list.length, hash: fnv32a(text), runningNs: total, top });
  }
  return out.sort((a, b) => a.p - b.p);
}

function goroutineDigests(model: TraceModel): GoroutineDigest[] {
  const ix = transitionIndex(model);
  const tr = model.transitions;
  const out: GoroutineDigest[] = [];
  for (let row = 0; row < model.goroutines.count; row++) {
    let changes = 0;
    for (let p = ix.gStart[row]!; p < ix.gStart[row + 1]!; p++) if (tr.from[ix.byG[p]!] !== tr.to[ix.byG[p]!]) changes++;
    if (!changes) continue;
    const runs = goroutineRuns(model, row);
    const ns: Record<string, number> = {};
    for (let i = 0; i < runs.n; i++) {
      const k = SLICE_KINDS[kindOf(runs, i)]!;
      ns[k] = (ns[k] ?? 0) + runs.end.at(i) - runs.start.at(i);
    }
    out.push({ id: model.goroutines.id[row]!, changes, ns });
  }
  return out.sort((a, b) => a.id - b.id);
}

const TRACES: Record<string, string> = Object.fromEntries(
  [
    'scenarios/cpu-pool-go1.22/trace.out',
    'scenarios/cpu-pool-go1.27/trace.out',
    'scenarios/lock-contention-go1.21/trace.out',
    'scenarios/lock-contention-go1.27/trace.out',
    'scenarios/conn-leak-go1.19/trace.out',
    'third-party/golang-go-trace/http_1_19_good',
  ].map((f) => [f.replaceAll('/', '_'), f]),
);

describe("timeline lanes equal Go's internal/trace (td-timeline-oracle)", () => {
  for (const [name, rel] of Object.entries(TRACES)) {
    describe(name, () => {
      const refs = oracleOutputs<Digest>('timeline', name);
      const model = parseTrace(readFileSync(join(FIXTURES, rel))).model;
      it('has a reference', () => expect(refs.length, `run ${ORACLES}/make.sh`).toBeGreaterThan(0));
      it('ends where Go ends', () => expect(refs.map((r) => r.endNs)).toContain(model.endNs - model.startNs));
      it('per goroutine: ns per state and real changes', () => {
        const ours = goroutineDigests(model);
        if (refs.some((r) => JSON.stringify(r.goroutines ?? []) === JSON.stringify(ours))) return;
        expect(ours).toEqual(refs[0]!.goroutines ?? []);
      });
      it('per P: Running intervals (count, whole-list hash, ns per goroutine)', () => {
        const ours = procDigests(model);
        expect(ours.length).toBeGreaterThan(0);
        if (refs.some((r) => JSON.stringify(r.procs ?? []) === JSON.stringify(ours))) return;
        expect(ours).toEqual(refs[0]!.procs ?? []);
      });
    });
  }
});

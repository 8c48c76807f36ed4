/**
 * Goroutine groups and lanes of a whole trace against Go's own per-goroutine figures
 * (go-trace-summary, Go 1.27's internal/trace Summarizer; outputs committed under
 * shared/test-support/oracles/go-trace-summary), on every trace Go summarised. Old-format traces
 * whose tied events Go orders by map iteration have several outputs: any one may match.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseTrace } from '../../ingest/gotrace/parse-trace.ts';
import { fixturePath, listFixtures } from '../../test-support/fixtures.ts';
import { goBlockedByState, goStateTimes, goSummaries, groupsBlockedByState, laneStateTimes, type BlockedByState } from '../../test-support/trace-reference.ts';
import { goroutineLanes, traceGoroutineGroups } from './trace-goroutine-groups.ts';

const traces = listFixtures().filter((f) => /^scenarios\/[^/]+\/trace\.out$/.test(f) || /^third-party\/golang-go-trace\/.*_good$/.test(f));

/**
 * Goroutines whose lane disagrees with Go's summary because Go's figure is wrong (every output of Go
 * agrees on it, so this is not map-iteration order). A change in either direction fails the test: a
 * fix empties an entry, a regression adds to it.
 *
 * Both end the trace in a syscall whose P went idle (Go marks the syscall blocked there). At the
 * trace's end Go's Summarizer.snapshotStat adds the open syscall's whole time, from its start, to
 * SyscallTime and adds the time since the P went idle to SchedWaitTime as well, so that stretch is
 * counted twice and the goroutine's four times sum to more than the trace lasts. Our lane shows it
 * once, as syscall (running + runnable + syscall + waiting = the goroutine's span); Go's syscall ns
 * equal ours and its runnable ns exceed ours by exactly the doubled stretch:
 *   cpu-pool-go1.27 g33: in a syscall from 4,994,074,368 ns, its P idle from 4,994,085,440 ns to the
 *     end at 4,994,193,473 ns → Go's runnable is 108,033 ns more than ours;
 *   stress_1_21 g17: in a syscall since the trace's start (found so at 598 ns on P 0), P 0 idle
 *     from 131,471 ns to the end at 371,869,602 ns → Go's runnable is 371,738,131 ns more.
 */
const LANES_NOT_AS_GO: Record<string, number[]> = {
  'scenarios/cpu-pool-go1.27/trace.out': [33],
  'third-party/golang-go-trace/stress_1_21_good': [17],
};

function describeDiff(ours: BlockedByState, go: BlockedByState): string {
  const out: string[] = [];
  for (const k of new Set([...ours.keys(), ...go.keys()])) {
    const a = ours.get(k);
    const b = go.get(k);
    if (a?.ns !== b?.ns) out.push(`${k || '(no reason)'}: ${a?.ns ?? 0} ns vs Go's ${b?.ns ?? 0}`);
    const ia = [...(a?.ids ?? [])].sort((x, y) => x - y).join(',');
    const ib = [...(b?.ids ?? [])].sort((x, y) => x - y).join(',');
    if (ia !== ib) out.push(`${k || '(no reason)'}: goroutines ${ia} vs Go's ${ib}`);
  }
  return out.join('; ');
}

describe.each(traces)("goroutine groups and lanes equal Go's summary: %s", (file) => {
  const refs = goSummaries(file);
  const model = parseTrace(new Uint8Array(readFileSync(fixturePath(file)))).model;

  it('has an output of Go for it', () => {
    expect(refs.length).toBeGreaterThan(0);
  });

  it('groups: blocked time and goroutines per wait state (syscalls: time in and blocked in)', () => {
    const ours = groupsBlockedByState(traceGoroutineGroups(model, undefined, { maxIds: Number.MAX_SAFE_INTEGER }));
    const diffs = refs.map((ref) => describeDiff(ours, goBlockedByState(ref)));
    if (!diffs.includes('')) expect(diffs[0]).toBe('');
  });

  it('lanes: each goroutine running, runnable, in syscall and waiting as long as Go says', () => {
    const known = LANES_NOT_AS_GO[file] ?? [];
    const mismatches = refs.map((ref) => {
      const go = goStateTimes(ref);
      const ours = laneStateTimes(goroutineLanes(model, [...go.keys()]));
      return [...go].filter(([id, want]) => ours.get(id)!.some((v, i) => v !== want[i])).map(([id]) => id);
    });
    const best = mismatches.find((ids) => ids.join() === known.join()) ?? mismatches.reduce((a, b) => (b.length < a.length ? b : a));
    expect(best).toEqual(known);
  });
});

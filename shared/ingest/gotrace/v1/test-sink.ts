/**
 * Test helpers: a sink that records the figures of expected.json from the normalized stream, with
 * the blocking totals computed as cmd/trace's pprof.go computes them (state intervals per goroutine,
 * clipped to the goroutine's [first start, end] as internal/trace's summary defines them). It is an
 * independent oracle for the stream, not the app's implementation (shared/query/trace/trace-blocking.ts).
 */
import type { StackIndex } from '../../../model/stacks.ts';
import { GoState, type RangeScope, type TraceEventSink, type TraceHeaderInfo } from '../events.ts';

type Kind = 'net' | 'sync' | 'syscall' | 'sched';
const KINDS: readonly [Kind, GoState, (reason: string) => boolean][] = [
  ['net', GoState.Waiting, (r) => r === 'network'],
  ['sync', GoState.Waiting, (r) => r.includes('chan') || r.includes('sync') || r.includes('select')],
  ['syscall', GoState.Syscall, () => true],
  ['sched', GoState.Runnable, () => true],
];

export class FigureSink implements TraceEventSink {
  info: TraceHeaderInfo | null = null;
  goroutines = new Set<number>();
  procs = new Set<number>();
  gcCount = 0;
  cpuSamples = 0;
  events = 0;
  syncs: number[] = [];
  warnings: string[] = [];
  ended: { partial: boolean; lastGoodOffset: number } | null = null;
  /** Times must strictly increase between non-sync events (Go's converter guarantees it). */
  lastTime = -Infinity;
  nonIncreasing = 0;
  tasks: string[] = [];
  regions: string[] = [];
  logs: string[] = [];
  reasons = new Map<string, number>();
  private tracking = KINDS.map(() => new Map<number, number>());
  /** Flat [kindIndex, g, start, end] quadruples. */
  private intervals: number[] = [];
  private startT = new Map<number, number>();
  private endT = new Map<number, number>();

  private tick(t: number): void {
    if (t <= this.lastTime) this.nonIncreasing++;
    this.lastTime = t;
    this.events++;
  }
  begin(info: TraceHeaderInfo): void {
    this.info = info;
  }
  /** Optional extra observer of goroutine transitions (for tests that look at stacks). */
  onTransition: ((g: number, to: GoState, reason: string, eventStack: StackIndex, resourceStack: StackIndex) => void) | null =
    null;

  goTransition(
    t: number,
    g: number,
    _from: GoState,
    to: GoState,
    reason: string,
    eventStack: StackIndex,
    resourceStack: StackIndex,
  ): void {
    this.tick(t);
    this.onTransition?.(g, to, reason, eventStack, resourceStack);
    this.goroutines.add(g);
    if (reason !== '') this.reasons.set(reason, (this.reasons.get(reason) ?? 0) + 1);
    if (!this.startT.has(g)) this.startT.set(g, 0);
    // Go's summary: StartTime is the first start (0 means "unset"), EndTime the death or "forever".
    if (to === GoState.Running && this.startT.get(g) === 0) this.startT.set(g, t);
    if (to === GoState.NotExist || (to === GoState.Waiting && reason === 'forever')) this.endT.set(g, t);
    for (let k = 0; k < KINDS.length; k++) {
      const [, state, track] = KINDS[k]!;
      const m = this.tracking[k]!;
      const s = m.get(g);
      if (s === undefined) {
        if (to === state && track(reason)) m.set(g, t);
        continue;
      }
      if (to === state) continue;
      m.delete(g);
      this.intervals.push(k, g, s, t);
    }
  }
  procTransition(t: number, p: number): void {
    this.tick(t);
    this.procs.add(p);
  }
  rangeBegin(t: number, name: string, _scope: RangeScope): void {
    this.tick(t);
    if (name === 'GC concurrent mark phase') this.gcCount++;
  }
  rangeEnd(t: number): void {
    this.tick(t);
  }
  metric(t: number): void {
    this.tick(t);
  }
  stackSample(t: number): void {
    this.tick(t);
    this.cpuSamples++;
  }
  taskBegin(t: number, id: number, parent: number, type: string): void {
    this.tick(t);
    this.tasks.push(`begin ${id} parent=${parent} ${type}`);
  }
  taskEnd(t: number, id: number): void {
    this.tick(t);
    this.tasks.push(`end ${id}`);
  }
  regionBegin(t: number, task: number, type: string, g: number): void {
    this.tick(t);
    this.regions.push(`begin task=${task} ${type} g=${g}`);
  }
  regionEnd(t: number, task: number, type: string, g: number): void {
    this.tick(t);
    this.regions.push(`end task=${task} ${type} g=${g}`);
  }
  log(t: number, task: number, category: string, message: string): void {
    this.tick(t);
    this.logs.push(`task=${task} ${category}=${message}`);
  }
  sync(t: number): void {
    this.syncs.push(t);
  }
  warning(message: string): void {
    this.warnings.push(message);
  }
  end(partial: boolean, lastGoodOffset: number): void {
    if (this.ended !== null) throw new Error('end called twice');
    this.ended = { partial, lastGoodOffset };
  }

  blockingNs(): Record<Kind, number> {
    const out: Record<Kind, number> = { net: 0, sync: 0, syscall: 0, sched: 0 };
    const traceEnd = this.syncs[this.syncs.length - 1] ?? this.lastTime;
    const iv = this.intervals;
    for (let i = 0; i < iv.length; i += 4) {
      const k = KINDS[iv[i]!]![0];
      const g = iv[i + 1]!;
      const s = iv[i + 2]!;
      const e = iv[i + 3]!;
      const is = this.startT.get(g)!;
      const ie = this.endT.get(g) || traceEnd;
      if (ie < s || e < is) continue;
      const o = Math.min(ie, e) - Math.max(is, s);
      if (o > 0) out[k] += o;
    }
    return out;
  }
}

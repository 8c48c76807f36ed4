/**
 * Parse CPU of the big trace (105 MB): the whole parse, and the decoder alone into a sink that keeps
 * nothing, so the model builder's share shows as the difference. CPU time (user + sys of this
 * process), not wall time: the bench machine is shared. Median of RUNS (default 3).
 * Run: `node --import tsx --expose-gc bench/trace-parse-cpu.ts [trace-file] [runs]`.
 */
import { ByteWindow, bytesSource } from '../shared/ingest/byte-source.ts';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { StackTableBuilder } from '../shared/model/stacks.ts';
import type { TraceEventSink } from '../shared/ingest/gotrace/events.ts';
import { parseTrace } from '../shared/ingest/gotrace/parse-trace.ts';
import { decodeTraceV2 } from '../shared/ingest/gotrace/v2/decode.ts';
import { BENCH_DATA } from '../shared/test-support/fixtures.ts';

const arg = process.argv[2];
const runs = Number(process.argv[3] ?? 3);
const raw = arg ? readFileSync(arg) : gunzipSync(readFileSync(join(BENCH_DATA, 'big-go1.27.trace.gz')));
const bytes = new Uint8Array(raw.buffer, raw.byteOffset, raw.byteLength);
const gc = (globalThis as { gc?: () => void }).gc;

function cpuMs(f: () => void): number {
  gc?.();
  const c0 = process.cpuUsage();
  f();
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / 1000;
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;

const noop = () => {};
const nullSink: TraceEventSink = {
  begin: noop,
  goTransition: noop,
  procTransition: noop,
  rangeBegin: noop,
  rangeEnd: noop,
  metric: noop,
  stackSample: noop,
  taskBegin: noop,
  taskEnd: noop,
  regionBegin: noop,
  regionEnd: noop,
  log: noop,
  sync: noop,
  end: noop,
};

const whole: number[] = [];
const decodeOnly: number[] = [];
let transitions = 0;
for (let k = 0; k < runs; k++) {
  whole.push(cpuMs(() => (transitions = parseTrace(bytes).model.transitions.count)));
  decodeOnly.push(cpuMs(() => decodeTraceV2(new ByteWindow(bytesSource(bytes)), nullSink, new StackTableBuilder(), {})));
}
const w = median(whole);
const d = median(decodeOnly);
console.log(`trace ${(bytes.length / 1e6).toFixed(1)} MB, ${transitions} transitions, median of ${runs} runs (CPU ms)`);
console.log(`parse ${w.toFixed(0)} | decoder alone ${d.toFixed(0)} | model builder ≈ ${(w - d).toFixed(0)}`);
console.log(`runs: parse ${whole.map((x) => x.toFixed(0)).join(' ')}; decoder ${decodeOnly.map((x) => x.toFixed(0)).join(' ')}`);

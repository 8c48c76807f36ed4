/** cpu-saturation: the CPU profile full, goroutines runnable (queueing for a P) in the trace. */
import { at, evidence, type DiagnoseContext } from './context.ts';
import { dur, num, pct } from './format.ts';
import { distinct, isUserFunction, listCode, packageOf } from './functions.ts';
import type { Confidence, Evidence, Finding } from './types.ts';

const clamp01 = (x: number) => Math.max(0, Math.min(1, x));

/** Checks for well-known hot standard-library packages seen at the top of a CPU profile. */
const PACKAGE_CHECKS: [RegExp, string][] = [
  [/^compress\//, 'compression is hot: lower the level (`flate.BestSpeed`), reuse writers (`Reset`) through a `sync.Pool`, or skip compressing small payloads.'],
  [/^regexp/, 'regexp is hot: compile once at package level (`regexp.MustCompile` outside the hot path), or use `strings` functions for fixed patterns.'],
  [/^encoding\/json/, 'JSON encoding/decoding is hot: avoid re-encoding the same data (cache the bytes), decode into structs rather than `map[string]any`, stream with `json.Decoder`.'],
  [/^crypto\//, 'hashing/crypto is hot: hash once and cache the digest; check that TLS sessions are resumed rather than re-handshaked.'],
  [/^math\/big/, 'math/big is hot: reuse `big.Int` values instead of allocating per operation.'],
  [/^(sort|slices)$/, 'sorting is hot: sort once and keep the result, or keep data in order as it is inserted.'],
];

export function cpuSaturation(c: DiagnoseContext): Finding | null {
  const procs = Math.max(0, ...c.traces.map((p) => p.facts.procs));
  const cpu = c.profiles.filter((p) => p.facts.profile === 'cpu' && p.facts.durationNs > 0).sort((a, b) => b.facts.total / b.facts.durationNs - a.facts.total / a.facts.durationNs)[0];
  const cores = cpu ? cpu.facts.total / cpu.facts.durationNs : 0;
  const trace = c.traces.slice().sort((a, b) => b.facts.meanRunning - a.facts.meanRunning)[0];
  const util = procs > 0 ? Math.max(cores / procs, trace ? trace.facts.meanRunning / procs : 0) : null;
  const runnablePerP = trace && procs > 0 ? trace.facts.meanRunnable / procs : null;
  let confidence: Confidence | null = null;
  const missing: string[] = [];
  if (util !== null) {
    if (util >= 0.8 && (runnablePerP ?? 0) >= 0.5) confidence = cpu ? 'high' : 'medium';
    else if (util >= 0.8) confidence = 'medium';
    else if (util >= 0.6) confidence = 'low';
    if (!cpu) missing.push('no CPU profile: which functions burn the CPU comes from the trace\'s samples only');
  } else if (cores >= 1.5) {
    confidence = 'medium';
    missing.push('no trace: the number of Ps (GOMAXPROCS) and the run queue are unknown');
  } else if (cores >= 0.9) {
    confidence = 'low';
    missing.push('no trace: the number of Ps (GOMAXPROCS) is unknown');
  }
  if (!confidence) return null;
  const ev: Evidence[] = [];
  const parts: string[] = [];
  if (cpu) {
    parts.push(`the CPU profile holds ${dur(cpu.facts.total)} of CPU in ${dur(cpu.facts.durationNs)}: ${num(cores, 2)} cores busy${procs ? ` of ${procs} Ps (${pct(cores, procs)})` : ''}`);
    ev.push(evidence(cpu, 'flame', at(cpu.facts.atNs), `${dur(cpu.facts.total)} CPU in ${dur(cpu.facts.durationNs)} = ${num(cores, 2)} cores`, { cpuNs: cpu.facts.total, durationNs: cpu.facts.durationNs, cores }, { profile: cpu.facts.sampleType }));
  }
  if (trace && procs > 0) {
    const f = trace.facts;
    parts.push(`the trace shows ${num(f.meanRunning, 2)} goroutines running and ${num(f.meanRunnable, 2)} runnable (waiting for a P) on average over ${procs} Ps, ${dur(f.blockingNs.sched)} of scheduler latency in ${dur(f.endNs - f.startNs)}`);
    ev.push(evidence(trace, 'trace', { startNs: f.startNs, endNs: f.endNs }, `running ${num(f.meanRunning, 2)} / runnable ${num(f.meanRunnable, 2)} goroutines on ${procs} Ps`, { meanRunning: f.meanRunning, meanRunnable: f.meanRunnable, procs, schedNs: f.blockingNs.sched }));
  }
  const flat = cpu ? cpu.facts.topFlat : (trace?.facts.cpuTopFlat ?? []);
  const total = cpu ? cpu.facts.total : flat.reduce((a, r) => a + r.flat, 0);
  const hotUser = distinct((cpu?.facts.topCum ?? []).map((r) => (isUserFunction(r.function) ? r.function : null)), 3);
  const hotPkgs = distinct(flat.slice(0, 8).map((r) => packageOf(r.function)), 8);
  const next: string[] = [];
  if (hotUser.length && cpu) {
    const rows = hotUser.map((f) => cpu.facts.topCum.find((r) => r.function === f)!);
    next.push(`Profile the hot paths of ${rows.map((r) => `\`${r.function}\` (${pct(r.cum, total)} cum)`).join(', ')}: do less work per call, cache results, move work off the request path.`);
  }
  for (const [re, text] of PACKAGE_CHECKS) if (hotPkgs.some((p) => re.test(p))) next.push(`${hotPkgs.find((p) => re.test(p))}: ${text}`);
  if (hotPkgs.includes('runtime') && flat.some((r) => /^runtime\.(mallocgc|gcBgMarkWorker|scanobject|memclrNoHeapPointers)$/.test(r.function)))
    next.push('Allocation and GC show in the profile: reduce allocations on the hot path (reuse buffers, `sync.Pool`), tune `GOGC` / `GOMEMLIMIT`.');
  next.push(`When work arrives faster than ${procs || 'the'} Ps can run it, queues grow: bound the queue and shed load (503) early, or add capacity; check that GOMAXPROCS matches the CPU quota of the container.`);
  const top = flat.slice(0, 3).map((r) => `${r.function} ${pct(r.flat, total)}`);
  return {
    pattern: 'cpu-saturation',
    confidence,
    title: `CPU saturation${hotUser.length ? ` in ${hotUser[0]}` : ''}`,
    summary: `The process is CPU-bound: ${parts.join('; ')}.${top.length ? ` Top of the profile (flat): ${top.join(', ')}.` : ''}${hotUser.length ? ` Program functions on the hot stacks: ${listCode(hotUser)}.` : ''}${missing.length ? ` Missing: ${missing.join('; ')}.` : ''}`,
    evidence: ev,
    next,
    score: clamp01(util ?? cores / 2),
  };
}

/**
 * goroutine-leak (one blocked group growing across dumps or over a trace) and lock-contention
 * (mutex waits dominating block / mutex profiles, the trace's sync blocking, dumps).
 */
import { at, evidence, type DiagnoseContext, type PlacedFacts } from './context.ts';
import { dur, num, pct, rate } from './format.ts';
import { distinct, innermostUser, isUserFunction, listCode } from './functions.ts';
import { CONN_READ_RE, POOL_LOOP_RE, SERVER_CONN_RE } from './stacks-seen.ts';
import type { Confidence, DumpFacts, DumpGroupFact, Evidence, Finding, ProfileFacts, TopFact } from './types.ts';

const clamp01 = (x: number) => Math.max(0, Math.min(1, x));
const RUNNING_STATES = new Set(['running', 'runnable', 'syscall', '']);
const LOCK_FRAME = /^(internal\/)?sync\.\(\*(RW)?Mutex\)\.(R?Lock|lockSlow|rLockSlow)$/;
const RELEASE_FRAME = /^sync\.\(\*(RW)?Mutex\)\.R?Unlock$/;
/** The lock function the stacks actually hold (the flame graph focuses it), outermost first. */
const lockFunction = (rows: readonly TopFact[] | undefined, re: RegExp, fallback: string) => rows?.find((r) => re.test(r.function) && r.function.startsWith('sync.'))?.function ?? fallback;
const isConnGroup = (funcs: readonly string[]) => funcs.some((f) => POOL_LOOP_RE.test(f) || SERVER_CONN_RE.test(f) || CONN_READ_RE.test(f));
/** Runtime-only stacks (GC workers, the scavenger…) are not the program's goroutines. */
const hasProgramFrames = (funcs: readonly string[]) => funcs.some((f) => !f.startsWith('runtime.') && !f.startsWith('internal/runtime/'));
const stackPart = (key: string) => key.slice(key.indexOf('|') + 1);

interface Moment {
  placed: PlacedFacts<DumpFacts> | PlacedFacts<ProfileFacts>;
  axisNs: number;
  total: number;
  groups: DumpGroupFact[];
}

function moments(c: DiagnoseContext): Moment[] {
  const out: Moment[] = [];
  for (const p of c.dumps) out.push({ placed: p, axisNs: p.facts.atNs + p.shiftNs, total: p.facts.total, groups: p.facts.groups });
  for (const p of c.profiles) if (p.facts.profile === 'goroutine') out.push({ placed: p, axisNs: p.facts.atNs + p.shiftNs, total: p.facts.total, groups: p.facts.groups ?? [] });
  return out.sort((a, b) => a.axisNs - b.axisNs);
}

/** The code-level checks for goroutines parked in `state` inside `fn`. */
function leakChecks(state: string, fn: string | null, caller: string | null): string[] {
  const where = fn ? `\`${fn}\`` : 'the blocked function';
  const c: string[] = [];
  if (state === 'chan send')
    c.push(`${where} sends on a channel nobody receives from any more: send inside a \`select\` with \`<-ctx.Done()\` (or a timeout), or give the channel a buffer of 1 so the sender can finish after the receiver gave up.`);
  else if (state === 'chan receive')
    c.push(`${where} waits for a value that never comes: make every path of the sender send or \`close\` the channel (\`defer close(ch)\`), and select on \`<-ctx.Done()\`.`);
  else if (state === 'select') c.push(`No case of the \`select\` in ${where} ever fires: add \`case <-ctx.Done(): return\` and cancel that context when the caller leaves.`);
  else if (state === 'IO wait') c.push(`${where} waits on a network read with no deadline: set \`SetReadDeadline\` / a context timeout, and close the conn when the work is done.`);
  else if (state === 'sync' || state === 'sync.Cond.Wait') c.push(`${where} waits on a lock, WaitGroup or Cond that is never released: check \`Unlock\`/\`Done\`/\`Signal\` on every path, including errors and panics.`);
  else c.push(`${where} never returns: give it a way out (context cancellation, a closed channel, a deadline).`);
  c.push(`Find who starts these goroutines${caller ? ` (\`${caller}\` is on their stack)` : ''} and tie their lifetime to the request: pass the request's \`ctx\` and return when it is done; bound how many can exist.`);
  c.push('Confirm with two goroutine dumps (`/debug/pprof/goroutine?debug=2`) minutes apart: a leak keeps growing and shows `, N minutes` waits.');
  return c;
}

export function goroutineLeak(c: DiagnoseContext, connLeakFound: boolean): Finding | null {
  const keep = (funcs: readonly string[], state: string) => hasProgramFrames(funcs) && !RUNNING_STATES.has(state) && !(connLeakFound && isConnGroup(funcs));
  // 1. Across dumps / goroutine profiles taken at different moments.
  // Moments whose clock is exact (pprof time_nanos) order themselves; text dumps are placed by file
  // time, which a copy or checkout rewrites — use them only when fewer than two exact ones exist.
  const all = moments(c);
  const exact = all.filter((m) => m.placed.facts.ref.clock !== 'estimated');
  const ms = (exact.length >= 2 ? exact : all).filter((m, i, a) => i === 0 || m.axisNs > a[i - 1]!.axisNs);
  const byFileTime = exact.length < 2 && ms.some((m) => m.placed.facts.ref.clock === 'estimated');
  let best: { key: string; state: string; fn: string | null; funcs: string[]; first: number; last: number; m0: Moment; m1: Moment } | null = null;
  if (ms.length >= 2) {
    const m0 = ms[0]!;
    const m1 = ms[ms.length - 1]!;
    const firstBy = new Map<string, number>();
    for (const g of m0.groups) firstBy.set(stackPart(g.key), (firstBy.get(stackPart(g.key)) ?? 0) + g.count);
    for (const g of m1.groups) {
      const k = stackPart(g.key);
      const state = g.state || m0.groups.find((x) => stackPart(x.key) === k)?.state || dumpStateOf(c, g.key) || 'blocked';
      if (!keep(g.funcs, state === 'blocked' ? 'blocked' : state)) continue;
      const first = firstBy.get(k) ?? 0;
      if (!best || g.count - first > best.last - best.first) best = { key: g.key, state, fn: g.function, funcs: g.funcs, first, last: g.count, m0, m1 };
    }
  }
  // 2. Over a trace: goroutines blocked in the group in its last fifth vs its first.
  const traceBest = c.traces
    .flatMap((p) => p.facts.groups.filter((g) => keep(g.funcs, g.state)).map((g) => ({ p, g })))
    .sort((a, b) => b.g.late - b.g.early - (a.g.late - a.g.early))[0];
  const traceGrows = !!traceBest && traceBest.g.late - traceBest.g.early >= 10 && traceBest.g.late >= 2 * traceBest.g.early;
  const dumpGrowth = best ? best.last - best.first : 0;
  const dumpRate = best ? (dumpGrowth * 1e9) / (best.m1.axisNs - best.m0.axisNs) : 0;
  const dumpGrows = !!best && dumpGrowth >= 20 && best.last >= 2 * best.first;

  // 3. One dump: a very large blocked group is suspicious, but shows no growth.
  const withState = (m: Moment) => (m.placed.facts.kind === 'dump' && m.placed.facts.withState ? 1 : 0);
  const single = moments(c)
    .flatMap((m) => m.groups.filter((g) => keep(g.funcs, g.state || 'blocked')).map((g) => ({ m, g })))
    .sort((a, b) => withState(b.m) - withState(a.m) || b.g.count - a.g.count)[0];
  const singleBig = !!single && single.g.count >= 100 && single.g.count >= 0.3 * single.m.total;
  if (!dumpGrows && !traceGrows && !singleBig) return null;

  let confidence: Confidence;
  const missing: string[] = [];
  if (dumpGrows && (traceGrows || dumpGrowth >= 50)) confidence = 'high';
  else if (dumpGrows || traceGrows) {
    confidence = 'medium';
    missing.push(dumpGrows ? 'a small growth between two dumps' : 'only a trace of a few seconds: two dumps minutes apart would show whether it keeps growing');
  } else {
    confidence = 'low';
    missing.push('only one dump: a large group, but no growth seen');
  }
  // Go prints `, N minutes` for goroutines parked a minute or more: a wait that long is no burst.
  const waited = Math.max(0, ...c.dumps.flatMap((p) => p.facts.groups.filter((g) => stackPart(g.key) === stackPart(best?.key ?? single?.g.key ?? '')).map((g) => g.maxWaitMinutes ?? 0)));
  if (dumpGrows && byFileTime) {
    if (confidence === 'high' && waited < 1) confidence = 'medium';
    missing.push('the dumps are ordered by file time only (no time alignment)');
  }
  if (confidence === 'low' && singleBig && waited >= 5) confidence = 'medium';
  const ev: Evidence[] = [];
  let state = '';
  let fn: string | null = null;
  let funcs: string[] = [];
  const figures: string[] = [];
  if (dumpGrows && best) {
    state = best.state;
    fn = best.fn;
    funcs = best.funcs;
    figures.push(`${num(best.first)} → ${num(best.last)} goroutines between ${best.m0.placed.facts.ref.name} and ${best.m1.placed.facts.ref.name}${byFileTime ? '' : ` (${rate(dumpRate)})`}`);
    for (const m of [best.m0, best.m1]) {
      const f = m.placed.facts;
      const n = m === best.m0 ? best.first : best.last;
      ev.push(evidence(m.placed, f.kind === 'dump' ? 'blocking' : 'flame', at(f.atNs), `${num(n)} of ${num(m.total)} goroutines in [${best.state}] ${fn ?? ''}`, { goroutines: n, total: m.total }, f.kind === 'dump' ? { groupKey: best.key, function: fn ?? undefined } : { profile: f.sampleType, function: fn ?? undefined }));
    }
  }
  if (traceGrows && traceBest) {
    const { p, g } = traceBest;
    if (!fn) {
      // Newer traces name some waits only "waiting": a dump of the same stack names the state.
      state = g.state === 'waiting' ? (dumpStateOf(c, g.key) ?? g.state) : g.state;
      fn = g.function;
      funcs = g.funcs;
    }
    figures.push(`${num(g.early)} → ${num(g.late)} goroutines blocked in [${state || g.state}] ${g.function ?? ''} from the trace's first fifth to its last`);
    ev.push(evidence(p, 'blocking', { startNs: p.facts.windows.early.startNs, endNs: p.facts.windows.late.endNs }, `[${g.state}] ${g.function ?? ''}: ${num(g.early)} → ${num(g.late)} goroutines blocked (${dur(g.totalNs)} blocked in all)`, { early: g.early, late: g.late, totalNs: g.totalNs }, { groupKey: g.key, function: g.function ?? undefined }));
  }
  if (!dumpGrows && !traceGrows && single) {
    state = single.g.state || 'blocked';
    fn = single.g.function;
    funcs = single.g.funcs;
    const f = single.m.placed.facts;
    figures.push(`${num(single.g.count)} of ${num(single.m.total)} goroutines (${pct(single.g.count, single.m.total)}) in [${state}] ${fn ?? ''}`);
    ev.push(evidence(single.m.placed, f.kind === 'dump' ? 'blocking' : 'flame', at(f.atNs), figures[0]!, { goroutines: single.g.count, total: single.m.total }, f.kind === 'dump' ? { groupKey: single.g.key, function: fn ?? undefined } : { profile: f.sampleType, function: fn ?? undefined }));
  }
  const user = innermostUser(funcs);
  const caller = funcs.filter(isUserFunction).slice(1)[0] ?? null;
  return {
    pattern: 'goroutine-leak',
    confidence,
    title: `Goroutine leak: goroutines pile up in [${state}] ${user ?? fn ?? ''}`.trim(),
    summary: `${figures.join('; ')}. They are parked in ${listCode(distinct([user, fn], 2))} and nothing wakes them${waited >= 1 ? ` (some for ${num(waited)} minutes)` : ''}.${missing.length ? ` Missing: ${missing.join('; ')}.` : ''}`,
    evidence: ev,
    next: leakChecks(state, user ?? fn, caller),
    score: clamp01(Math.max(dumpGrowth, traceBest ? traceBest.g.late - traceBest.g.early : 0, single && singleBig ? single.g.count / 10 : 0) / 500),
  };
}

/** The state a dump with states gives the group of this stack, if any. */
function dumpStateOf(c: DiagnoseContext, key: string): string | null {
  for (const p of c.dumps) for (const g of p.facts.groups) if (g.state && stackPart(g.key) === stackPart(key)) return g.state;
  return null;
}

// ---- lock-contention -------------------------------------------------------------------------------

const firstUser = (rows: readonly TopFact[] | undefined, n = 2) => distinct((rows ?? []).map((r) => (isUserFunction(r.function) ? r.function : null)), n);

export function lockContention(c: DiagnoseContext): Finding | null {
  const ev: Evidence[] = [];
  const parts: string[] = [];
  let strong = 0;
  let weak = 0;
  let score = 0;
  const waiters: string[] = [];
  const holders: string[] = [];
  for (const p of c.traces) {
    const f = p.facts;
    const span = f.endNs - f.startNs;
    const mean = span > 0 ? f.syncLockNs / span : 0;
    if (mean < 0.2) continue;
    if (mean >= 1) strong++;
    else weak++;
    score = Math.max(score, mean / 10);
    waiters.push(...firstUser(f.syncLockTopCum));
    parts.push(`the trace shows ${num(mean, 1)} goroutines waiting on a sync.Mutex/RWMutex at any moment (${dur(f.syncLockNs)} in ${dur(span)}, ${pct(f.syncLockNs, f.blockingNs.sync)} of its sync blocking)`);
    ev.push(evidence(p, 'flame', { startNs: f.startNs, endNs: f.endNs }, `${dur(f.syncLockNs)} waiting on mutexes = ${num(mean, 1)} goroutines on average; ${pct(f.syncLockNs, f.blockingNs.sync)} of sync blocking`, { lockNs: f.syncLockNs, syncNs: f.blockingNs.sync, meanWaiters: mean }, { profile: 'sync', function: lockFunction(f.syncLockTopCum, LOCK_FRAME, 'sync.(*Mutex).Lock') }));
  }
  // Block and mutex profiles are cumulative since the process started: the last one holds the most;
  // two of one kind at known times give the rate in between (mean goroutines waiting).
  for (const kind of ['block', 'mutex'] as const) {
    const series = c.profiles
      .filter((p) => p.facts.profile === kind && p.facts.lockNs !== undefined)
      .sort((a, b) => a.facts.atNs + a.shiftNs - (b.facts.atNs + b.shiftNs));
    if (series.length === 0) continue;
    const last = series[series.length - 1]!;
    const f = last.facts;
    const lockNs = f.lockNs!;
    const share = f.total > 0 ? lockNs / f.total : 0;
    const isBlock = kind === 'block';
    const firstP = series[0]!;
    const dt = last.facts.atNs + last.shiftNs - (firstP.facts.atNs + firstP.shiftNs);
    const timed = series.length >= 2 && dt > 0 && series.every((p) => p.facts.ref.clock !== 'estimated');
    const rateWaiters = timed ? (lockNs - firstP.facts.lockNs!) / dt : null;
    const isStrong = rateWaiters !== null ? rateWaiters >= 0.5 && share >= 0.1 : isBlock ? lockNs >= 1e9 && share >= 0.1 : lockNs >= 1e8 && share >= 0.5;
    const isWeak = rateWaiters !== null ? rateWaiters >= 0.05 && share >= 0.02 : isBlock ? lockNs >= 1e8 && share >= 0.02 : lockNs >= 1e7 && share >= 0.2;
    if (!isStrong && !isWeak) continue;
    if (isStrong) strong++;
    else weak++;
    score = Math.max(score, share);
    (isBlock ? waiters : holders).push(...firstUser(f.lockTopCum));
    const what = isBlock ? 'waits on mutexes' : 'delay charged to unlocks of sync mutexes';
    parts.push(
      `the ${kind} profile has ${dur(lockNs)} of ${what} (${pct(lockNs, f.total)} of ${dur(f.total)})` +
        (rateWaiters !== null ? `, ${dur(lockNs - firstP.facts.lockNs!)} of it in the ${dur(dt)} since ${firstP.facts.ref.name}: ${num(rateWaiters, 1)} goroutines ${isBlock ? 'waiting' : 'delayed'} at any moment` : ''),
    );
    const focus = { profile: f.sampleType, function: isBlock ? lockFunction(f.lockTopCum, LOCK_FRAME, 'sync.(*Mutex).Lock') : lockFunction(f.lockTopCum, RELEASE_FRAME, 'sync.(*Mutex).Unlock') };
    if (rateWaiters !== null) ev.push(evidence(firstP, 'flame', at(firstP.facts.atNs), `${kind} profile: ${dur(firstP.facts.lockNs!)} under sync mutexes at the first profile`, { lockNs: firstP.facts.lockNs!, total: firstP.facts.total }, focus));
    ev.push(evidence(last, 'flame', at(f.atNs), `${kind} profile: ${dur(lockNs)} under sync mutexes, ${pct(lockNs, f.total)} of ${dur(f.total)}`, { lockNs, total: f.total }, focus));
  }
  for (const p of c.dumps) {
    const gs = p.facts.groups.filter((g) => g.funcs.some((f) => LOCK_FRAME.test(f)) || (g.state === 'sync' && g.funcs.some((f) => /Mutex/.test(f))));
    const n = gs.reduce((a, g) => a + g.count, 0);
    if (n < 3) continue;
    if (n >= 5) strong++;
    else weak++;
    waiters.push(...distinct(gs.map((g) => innermostUser(g.funcs))));
    parts.push(`${num(n)} goroutines of ${num(p.facts.total)} wait in Lock in ${p.facts.ref.name}`);
    const top = gs.sort((a, b) => b.count - a.count)[0]!;
    ev.push(evidence(p, 'blocking', at(p.facts.atNs), `${num(n)} goroutines waiting in sync.Mutex Lock`, { goroutines: n, total: p.facts.total }, { groupKey: top.key, function: top.function ?? undefined }));
  }
  if (strong + weak === 0) return null;
  const confidence: Confidence = strong >= 2 ? 'high' : strong === 1 ? 'medium' : 'low';
  const w = distinct(waiters);
  const h = distinct(holders);
  const missing = confidence === 'high' ? '' : ` Only ${strong + weak} source${strong + weak > 1 ? 's' : ''} show${strong + weak > 1 ? '' : 's'} it${c.traces.length === 0 ? '; a trace would show how many goroutines wait at once' : ''}.`;
  const next = [
    `${h.length ? listCode(h) : w.length ? listCode(w) : 'The lock holder'} holds the lock while others wait: move slow work (I/O, sleeps, JSON, allocation, channel sends) out of the critical section; copy what is needed under the lock and work outside it.`,
    `Split the lock${w.length ? ` taken in ${listCode(w)}` : ''}: shard the map by key (N maps with N mutexes), use \`sync.RWMutex\` for read-mostly data, or \`sync.Map\`/atomic values for hot read paths.`,
    'Never hold a mutex across a network call, a `time.Sleep` or a send on an unbuffered channel.',
  ];
  return {
    pattern: 'lock-contention',
    confidence,
    title: `Lock contention${w.length ? ` in ${w[0]}` : ''}`,
    summary: `Goroutines queue on a mutex: ${parts.join('; ')}.${w.length ? ` Waiters: ${listCode(w)}.` : ''}${h.length ? ` Released (held) in ${listCode(h)}.` : ''}${missing}`,
    evidence: ev,
    next,
    score: clamp01(score),
  };
}

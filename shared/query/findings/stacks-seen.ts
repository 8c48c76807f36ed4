/**
 * The stacks the rules tie their code-level checks to: goroutine groups of dumps, goroutine profiles
 * and traces (function lists, leaf first), searched for generic Go / net/http functions.
 */
import type { DiagnoseContext, PlacedFacts } from './context.ts';
import type { DumpGroupFact, TraceGroupFact } from './types.ts';
import { distinct, userCallerOf } from './functions.ts';

export const CLIENT_CALL_RE = /^net\/http\.(\(\*Client\)\.(Do|Get|Post|PostForm|Head)|Get|Post|PostForm|Head)$/;
export const POOL_LOOP_RE = /^net\/http\.\(\*persistConn\)\.(readLoop|writeLoop)$/;
export const SERVER_CONN_RE = /^net\/http\.\(\*conn\)\.serve$/;
export const CONN_READ_RE = /^net\.\(\*conn\)\.Read$/;
export const ACCEPT_RE = /^net\.\(\*TCPListener\)\.(Accept|AcceptTCP)$/;
/** Any goroutine that exists once per open connection. */
export const PER_CONNECTION_RE = new RegExp(`${POOL_LOOP_RE.source}|${SERVER_CONN_RE.source}|${CONN_READ_RE.source}`);

export interface SeenGroup {
  placed: PlacedFacts;
  group: DumpGroupFact | TraceGroupFact;
  /** Goroutines in the group (dump / profile count; trace: late window). */
  count: number;
}

/** Every goroutine group any source shows (dumps, goroutine profiles, traces). */
export function allGroups(c: DiagnoseContext): SeenGroup[] {
  const out: SeenGroup[] = [];
  for (const p of c.dumps) for (const g of p.facts.groups) out.push({ placed: p, group: g, count: g.count });
  for (const p of c.profiles) for (const g of p.facts.groups ?? []) out.push({ placed: p, group: g, count: g.count });
  for (const p of c.traces) for (const g of p.facts.groups) out.push({ placed: p, group: g, count: g.late });
  return out;
}

/** The program's functions that call a function matching `re`, over every stack seen. */
export function callersOf(c: DiagnoseContext, re: RegExp, n = 3): string[] {
  return distinct(allGroups(c).map((g) => userCallerOf(g.group.funcs, re)), n);
}

/** Goroutines whose stack holds a function matching `re`: the largest count one source shows. */
export function goroutinesWith(c: DiagnoseContext, re: RegExp): { count: number; placed: PlacedFacts | null; groups: SeenGroup[] } {
  const bySource = new Map<PlacedFacts, SeenGroup[]>();
  for (const g of allGroups(c)) {
    if (!g.group.funcs.some((f) => re.test(f))) continue;
    const l = bySource.get(g.placed) ?? [];
    l.push(g);
    bySource.set(g.placed, l);
  }
  let best: { count: number; placed: PlacedFacts | null; groups: SeenGroup[] } = { count: 0, placed: null, groups: [] };
  for (const [placed, groups] of bySource) {
    const count = groups.reduce((a, g) => a + g.count, 0);
    if (count > best.count) best = { count, placed, groups };
  }
  return best;
}

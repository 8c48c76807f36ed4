/**
 * The figures of one goroutine dump, as `inspect --json` prints them (definitions: the fixtures
 * README, "Reference figures"). Pure over the model.
 */
import type { ParsedSource } from '../../model/source.ts';
import type { GoroutineDumpModel } from '../../model/goroutines.ts';
import { frameFuncName } from '../../model/stacks.ts';

export interface GoroutineTopGroup {
  /** Goroutines in the group. */
  count: number;
  /** State text as Go printed it; null for debug=1, which prints no states. */
  state: string | null;
  /** Innermost (leaf) function of the group's stack; null when no frame was printed. */
  function: string | null;
}

export interface GoroutineFigures {
  format: string;
  /** debug=1: the header's total; debug=2: the number of goroutine blocks. */
  goroutines: number;
  /** debug=2 only: goroutines per state text (before `, N minutes` / `, locked to thread`). */
  states?: Record<string, number>;
  /** debug=1: `N @ 0x…` records; debug=2: distinct state + stack groups. */
  groups: number;
  /** The 10 largest groups, largest first. */
  top: GoroutineTopGroup[];
  /** Crash text before the first goroutine (panic / fatal error / signal), when present. */
  panic?: string;
}

const TOP_N = 10;

export function summarizeGoroutineDump(src: Extract<ParsedSource, { kind: 'goroutine-dump' }>): GoroutineFigures {
  const m = src.model;
  const fig: GoroutineFigures = { format: src.format, goroutines: m.total, groups: m.groups.count, top: topGroups(m, TOP_N) };
  if (m.debug === 2) fig.states = stateCounts(m);
  if (m.panic !== null) fig.panic = m.panic;
  return fig;
}

/** Goroutines per state, most first (ties by name, so the JSON reads the same every time). */
export function stateCounts(m: GoroutineDumpModel): Record<string, number> {
  const counts = new Array<number>(m.states.length).fill(0);
  const g = m.goroutines;
  for (let i = 0; i < g.count; i++) counts[g.state[i]!]!++;
  const order = m.states
    .map((name, i) => ({ name, n: counts[i]! }))
    .filter((s) => s.n > 0)
    .sort((a, b) => b.n - a.n || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const out: Record<string, number> = {};
  for (const s of order) out[s.name] = s.n;
  return out;
}

/** The n largest groups; the model keeps groups sorted by size already. */
export function topGroups(m: GoroutineDumpModel, n: number): GoroutineTopGroup[] {
  const out: GoroutineTopGroup[] = [];
  const gr = m.groups;
  for (let g = 0; g < gr.count && out.length < n; g++) {
    const stack = gr.stack[g]!;
    out.push({
      count: gr.size[g]!,
      state: m.debug === 1 ? null : m.states[gr.state[g]!]!,
      function: stack < 0 ? null : frameFuncName(m.stacks, m.stacks.stackFrame[stack]!),
    });
  }
  return out;
}

/**
 * Diagnosis: every source's facts (facts.ts) placed on the session axis → ranked findings. Each rule
 * states its figures, links evidence to views, says what evidence was missing through its confidence,
 * and gives code-level checks tied to the functions seen. Strongest first: confidence, then score.
 */
import { contextOf, type PlacedFacts } from './context.ts';
import { connLeak, fdLeak, timewaitStorm } from './rules-sockets.ts';
import { goroutineLeak, lockContention } from './rules-goroutines.ts';
import { cpuSaturation } from './rules-cpu.ts';
import type { Confidence, DiagnoseResult, Finding } from './types.ts';

const RANK: Record<Confidence, number> = { high: 0, medium: 1, low: 2 };

export function diagnose(inputs: readonly PlacedFacts[]): DiagnoseResult {
  const c = contextOf(inputs);
  const conn = connLeak(c);
  const found = [timewaitStorm(c), conn, fdLeak(c), goroutineLeak(c, conn !== null && conn.confidence !== 'low'), lockContention(c), cpuSaturation(c)];
  const findings = found.filter((f): f is Finding => f !== null).sort((a, b) => RANK[a.confidence] - RANK[b.confidence] || b.score - a.score);
  return { findings };
}

export type { PlacedFacts } from './context.ts';

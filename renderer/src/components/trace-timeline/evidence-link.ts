/** Which goroutines a finding's evidence names, as a trace timeline search (pure). */
import type { Evidence } from '../../../../shared/query/findings/types.ts';

/**
 * The function whose goroutines the evidence is about — its focus function, else the function part of a
 * blocking group key (`reason|function`) — when the evidence comes from a trace; null otherwise.
 */
export function traceFunctionOf(e: Evidence, sourceKind: string | undefined): string | null {
  if (sourceKind !== 'gotrace' || (e.view !== 'blocking' && e.view !== 'trace')) return null;
  if (e.focus?.function) return e.focus.function;
  const key = e.focus?.groupKey;
  if (key && key.includes('|')) {
    const fn = key.slice(key.indexOf('|') + 1).trim();
    return fn || null;
  }
  return null;
}

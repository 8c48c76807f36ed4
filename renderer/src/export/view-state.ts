/**
 * Per-view state for session files (sample type, filters, zoom…): a view registers a getter for its
 * state under an id, scoped to what it shows (a source name); a restored session leaves a pending
 * state that the view applies once it shows the same scope.
 */
import { useEffect, useRef } from 'react';
import { create } from 'zustand';

export interface ScopedViewState {
  /** What the state belongs to (e.g. the source name); applied only to the same scope. */
  scope: string;
  state: unknown;
}

const getters = new Map<string, () => ScopedViewState | null>();

const usePending = create<{ pending: Record<string, ScopedViewState> }>(() => ({ pending: {} }));

/** Every registered view's current state (for saveSession). */
export function collectViewStates(): Record<string, ScopedViewState> {
  const out: Record<string, ScopedViewState> = {};
  for (const [id, get] of getters) {
    const v = get();
    if (v) out[id] = v;
  }
  return out;
}

/** States from a session file, applied by each view when it shows the same scope. */
export function setPendingViewStates(views: Record<string, unknown>): void {
  const pending: Record<string, ScopedViewState> = {};
  for (const [id, v] of Object.entries(views)) {
    const s = v as Partial<ScopedViewState> | null;
    if (s && typeof s === 'object' && typeof s.scope === 'string' && 'state' in s) pending[id] = { scope: s.scope, state: s.state };
  }
  usePending.setState({ pending });
}

export function hasPendingViewState(id: string): boolean {
  return id in usePending.getState().pending;
}

/**
 * Registers a view's state. Call it after the view's own "reset on new source" effects so a pending
 * state is applied after them (effects run in order).
 */
export function usePersistedViewState<T>(id: string, scope: string | undefined, state: T, apply: (s: T) => void): void {
  const latest = useRef({ scope, state });
  latest.current = { scope, state };
  useEffect(() => {
    getters.set(id, () => (latest.current.scope === undefined ? null : { scope: latest.current.scope, state: latest.current.state }));
    return () => {
      getters.delete(id);
    };
  }, [id]);
  const pending = usePending((s) => s.pending[id]);
  useEffect(() => {
    if (!pending || scope === undefined || pending.scope !== scope) return;
    usePending.setState((s) => {
      const { [id]: _done, ...rest } = s.pending;
      return { pending: rest };
    });
    apply(pending.state as T);
  }, [pending, scope]);
}

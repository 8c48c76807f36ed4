/**
 * How views ask the engines: `useSourceQuery(sourceId, name, args, {debounceMs})` → {data, error,
 * loading}. Asks again when the arguments change (compared by value), debounced once something is
 * shown, keeps the last answer on screen while the next is on its way, and never lets a stale answer
 * through (LatestRequest). Pass `args: null` when there is nothing to ask.
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import type { RequestName, RequestArg, RequestResult, SourceId } from '../../../shared/bridge.ts';
import type { QueryArgs, QueryName, QueryResultOf } from '../../../shared/query/query-types.ts';
import { bridge } from '../bridge-client.ts';
import { LatestRequest, type RequestAnswer } from './latest-request.ts';
import { querySource } from './query-client.ts';

export interface QueryState<T> {
  /** The newest answer in this scope (kept while a newer question is on its way); null before. */
  data: T | null;
  error: string | null;
  /** A question is waiting for its answer. */
  loading: boolean;
  /** `data` answers the current question (not an earlier one). */
  fresh: boolean;
  /** Round trip of the answer shown, and when it arrived (performance.now()): benches read these. */
  elapsedMs: number | null;
  receivedAt: number | null;
}

export interface QueryOptions {
  /** Wait this long after the last change before asking (0: at once). The first question never waits. */
  debounceMs?: number;
  /**
   * Answers are kept on screen only within one scope (e.g. the source shown): switching sources shows
   * nothing rather than the previous source's answer.
   */
  scope?: string;
}

interface Shown<T> extends RequestAnswer<T> {
  scope: string;
}

/**
 * The general form: `key` names the question (null: none), `fetch` asks it. Everything else here and
 * every view build on it.
 */
export function useRequest<T>(key: string | null, fetch: () => Promise<T>, opts: QueryOptions = {}): QueryState<T> {
  const scope = opts.scope ?? '';
  const [shown, setShown] = useState<Shown<T> | null>(null);
  const fetchRef = useRef(fetch);
  fetchRef.current = fetch;
  const askedScope = useRef(scope);
  const runner = useMemo(
    () =>
      new LatestRequest<T>((a) => {
        const s = askedScope.current;
        // An error keeps the last data of the same scope on screen, with the error beside it.
        setShown((prev) => ({ ...a, scope: s, data: a.error !== undefined && prev?.scope === s ? prev.data : a.data }));
      }),
    [],
  );
  const hasShown = shown !== null && shown.scope === scope;
  useEffect(() => {
    if (key === null) {
      runner.cancel();
      return;
    }
    askedScope.current = scope;
    runner.ask(key, () => fetchRef.current(), hasShown ? (opts.debounceMs ?? 0) : 0);
    // `key` names every input of the question; `fetch` is rebuilt each render.
  }, [key, scope]);
  useEffect(() => () => runner.cancel(), [runner]);
  const inScope = shown !== null && shown.scope === scope && key !== null;
  return {
    data: inScope ? (shown.data ?? null) : null,
    error: inScope ? (shown.error ?? null) : null,
    loading: key !== null && !(inScope && shown.key === key),
    fresh: inScope && shown.key === key && shown.error === undefined,
    elapsedMs: inScope ? shown.elapsedMs : null,
    receivedAt: inScope ? shown.receivedAt : null,
  };
}

/** One query of one source's engine, typed by its name (shared/query/query-types.ts). */
export function useSourceQuery<K extends QueryName>(
  sourceId: SourceId | null | undefined,
  name: K,
  args: QueryArgs<K> | null,
  opts: QueryOptions = {},
): QueryState<QueryResultOf<K>> {
  const key = sourceId && args ? JSON.stringify([sourceId, name, args]) : null;
  return useRequest(key, () => querySource(sourceId!, name, args!), { ...opts, scope: opts.scope ?? sourceId ?? '' });
}

/** A host request that spans sources (goroutineGroupsAcross, whatChangedAcross, diffCallTree). */
export function useBridgeRequest<K extends RequestName>(name: K, arg: RequestArg<K> | null, opts: QueryOptions = {}): QueryState<RequestResult<K>> {
  const key = arg ? JSON.stringify([name, arg]) : null;
  return useRequest(key, () => bridge.request(name, arg!), opts);
}

/**
 * The same query of several sources at once (the timeline's tracks): answers by source id, each
 * source's stale answers dropped on their own. `version` re-asks a source whose data changed
 * (a live capture's hash).
 */
export function useSourceQueries<K extends QueryName>(
  name: K,
  asks: readonly { sourceId: SourceId; args: QueryArgs<K>; version?: string }[],
  opts: Pick<QueryOptions, 'debounceMs'> = {},
): ReadonlyMap<SourceId, QueryResultOf<K>> {
  const [answers, setAnswers] = useState<ReadonlyMap<SourceId, QueryResultOf<K>>>(new Map());
  const runners = useRef(new Map<SourceId, LatestRequest<QueryResultOf<K>>>());
  const keyed = asks.map((a) => ({ ...a, key: JSON.stringify([name, a.args, a.version ?? '']) }));
  const all = keyed.map((a) => `${a.sourceId}=${a.key}`).join('\n');
  useEffect(() => {
    const wanted = new Set(keyed.map((a) => a.sourceId));
    for (const [id, r] of runners.current) {
      if (wanted.has(id)) continue;
      r.cancel();
      runners.current.delete(id);
    }
    for (const a of keyed) {
      let r = runners.current.get(a.sourceId);
      // A source's first question goes at once; later ones (a new resolution) wait for a pause.
      const first = !r;
      if (!r) {
        r = new LatestRequest((ans) => ans.data && setAnswers((m) => new Map(m).set(a.sourceId, ans.data!)));
        runners.current.set(a.sourceId, r);
      }
      if (r.pending !== a.key) r.ask(a.key, () => querySource(a.sourceId, name, a.args), first ? 0 : (opts.debounceMs ?? 0));
    }
    // `all` names every source's question.
  }, [all]);
  useEffect(
    () => () => {
      for (const r of runners.current.values()) r.cancel();
      runners.current.clear();
    },
    [],
  );
  return answers;
}

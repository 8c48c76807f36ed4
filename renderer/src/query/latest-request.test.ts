import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { LatestRequest, type RequestAnswer } from './latest-request.ts';

/** A fetch whose answer the test releases by hand, in any order. */
function deferred<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: Error) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('LatestRequest', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('lets only the newest question answer, whatever order the answers arrive in', async () => {
    const got: RequestAnswer<string>[] = [];
    const r = new LatestRequest<string>((a) => got.push(a));
    const first = deferred<string>();
    const second = deferred<string>();
    r.ask('a', () => first.promise);
    r.ask('b', () => second.promise);
    second.resolve('B');
    first.resolve('A');
    await vi.runAllTimersAsync();
    expect(got.map((a) => [a.key, a.data])).toEqual([['b', 'B']]);
  });

  it('debounces a burst into one question, and a cancel drops everything asked', async () => {
    const asked: string[] = [];
    const got: string[] = [];
    const r = new LatestRequest<string>((a) => got.push(`${a.key}:${a.data ?? a.error}`));
    for (const k of ['x1', 'x2', 'x3']) r.ask(k, () => (asked.push(k), Promise.resolve(k.toUpperCase())), 100);
    await vi.advanceTimersByTimeAsync(99);
    expect(asked).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(asked).toEqual(['x3']);
    expect(got).toEqual(['x3:X3']);
    const late = deferred<string>();
    r.ask('y', () => late.promise);
    r.cancel();
    late.resolve('Y');
    r.ask('z', () => Promise.reject(new Error('no source s9')), 50);
    r.cancel();
    await vi.runAllTimersAsync();
    expect(got).toEqual(['x3:X3']);
    expect(r.pending).toBeNull();
  });

  it('reports a failure of the newest question as its error (thrown or rejected)', async () => {
    const got: RequestAnswer<number>[] = [];
    const r = new LatestRequest<number>((a) => got.push(a));
    r.ask('t', () => {
      throw new Error('source trace.out is not ready (ingesting)');
    });
    await vi.runAllTimersAsync();
    expect(got).toHaveLength(1);
    expect(got[0]!.error).toBe('source trace.out is not ready (ingesting)');
    expect(got[0]!.data).toBeUndefined();
  });
});

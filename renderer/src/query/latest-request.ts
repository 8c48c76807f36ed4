/**
 * The one place where stale answers are dropped. A view asks again whenever what it shows changes
 * (brushing, typing, resizing); only the answer to the newest question may reach it, and a burst of
 * questions is debounced into one. Plain TypeScript (no React), so it is tested without a DOM.
 */
export interface RequestAnswer<T> {
  /** The key the answer belongs to. */
  key: string;
  data?: T;
  error?: string;
  /** ms from sending to the answer (page clock). */
  elapsedMs: number;
  /** performance.now() when it arrived (benches time redraws from it). */
  receivedAt: number;
}

export class LatestRequest<T> {
  private latest: string | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(private readonly onAnswer: (a: RequestAnswer<T>) => void) {}

  /**
   * Asks `fetch` for `key` after `debounceMs` (at once when 0). Whatever was asked before is
   * superseded: a pending timer is cancelled, an answer in flight is dropped when it arrives.
   */
  ask(key: string, fetch: () => Promise<T>, debounceMs = 0): void {
    this.cancel();
    this.latest = key;
    const send = () => {
      this.timer = null;
      const t0 = performance.now();
      const answer = (a: { data?: T; error?: string }) => {
        if (this.latest !== key) return;
        const now = performance.now();
        this.onAnswer({ key, ...a, elapsedMs: now - t0, receivedAt: now });
      };
      let p: Promise<T>;
      try {
        p = fetch();
      } catch (e) {
        p = Promise.reject(e);
      }
      p.then(
        (data) => answer({ data }),
        (e: unknown) => answer({ error: e instanceof Error ? e.message : String(e) }),
      );
    };
    if (debounceMs > 0) this.timer = setTimeout(send, debounceMs);
    else send();
  }

  /** Nothing asked is wanted any more (the view unmounted or has nothing to ask). */
  cancel(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.latest = null;
  }

  /** The key of the newest question (null when none). */
  get pending(): string | null {
    return this.latest;
  }
}

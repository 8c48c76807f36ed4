/**
 * The renderer's side of the bridge. In Electron the preload exposes `window.tracedeck`; in browser
 * mode the same contract goes over HTTP POST and a WebSocket, authenticated by the launch token.
 */
import type { Bridge, BridgeEvents, EventName, RequestArg, RequestName, RequestResult } from '../../shared/bridge.ts';
import { fromWire, toWire } from '../../shared/wire.ts';

declare global {
  interface Window {
    tracedeck?: Bridge;
  }
}

class HttpBridge implements Bridge {
  private listeners = new Map<EventName, Set<(p: unknown) => void>>();
  private ws: WebSocket | null = null;
  private retry = 250;

  constructor(private readonly token: string) {
    this.connect();
  }

  private connect() {
    const ws = new WebSocket(`ws://${location.host}/events?token=${encodeURIComponent(this.token)}`);
    this.ws = ws;
    ws.onmessage = (m) => {
      const { event, payload } = fromWire<{ event: EventName; payload: unknown }>(String(m.data));
      for (const fn of this.listeners.get(event) ?? []) fn(payload);
    };
    ws.onopen = () => (this.retry = 250);
    ws.onclose = () => {
      this.ws = null;
      setTimeout(() => this.connect(), this.retry);
      this.retry = Math.min(this.retry * 2, 5000);
    };
  }

  async request<K extends RequestName>(name: K, arg: RequestArg<K>): Promise<RequestResult<K>> {
    let res: Response;
    if (name === 'openBytes') {
      const a = arg as RequestArg<'openBytes'>;
      const q = new URLSearchParams({ name: a.name, ...(a.mtimeMs !== undefined ? { mtimeMs: String(a.mtimeMs) } : {}), ...(a.folder ? { folder: a.folder } : {}) });
      res = await fetch(`/api/openBytes?${q}`, {
        method: 'POST',
        headers: { 'x-tracedeck-token': this.token, 'content-type': 'application/octet-stream' },
        body: a.bytes as Uint8Array<ArrayBuffer>,
      });
    } else {
      res = await fetch(`/api/${name}`, {
        method: 'POST',
        headers: { 'x-tracedeck-token': this.token, 'content-type': 'application/json' },
        body: toWire(arg),
      });
    }
    const body = fromWire<{ ok: boolean; result?: RequestResult<K>; error?: string }>(await res.text());
    if (!body.ok) throw new Error(body.error ?? `request ${name} failed`);
    return body.result as RequestResult<K>;
  }

  on<E extends EventName>(name: E, fn: (payload: BridgeEvents[E]) => void): () => void {
    let set = this.listeners.get(name);
    if (!set) this.listeners.set(name, (set = new Set()));
    set.add(fn as (p: unknown) => void);
    return () => set.delete(fn as (p: unknown) => void);
  }
}

/**
 * The launch token: from the URL once, then from this tab's sessionStorage. It leaves the address bar
 * at once (no history entry, bookmark or screen share shows it); a reload finds it in the tab.
 */
function tokenFromUrl(): string {
  const params = new URLSearchParams(location.search);
  const t = params.get('token');
  if (t) {
    sessionStorage.setItem('tracedeck-token', t);
    params.delete('token');
    const rest = params.toString();
    history.replaceState(history.state, '', `${location.pathname}${rest ? `?${rest}` : ''}${location.hash}`);
    return t;
  }
  return sessionStorage.getItem('tracedeck-token') ?? '';
}

export const bridge: Bridge = window.tracedeck ?? new HttpBridge(tokenFromUrl());
export const transportName: 'electron' | 'browser' = window.tracedeck ? 'electron' : 'browser';

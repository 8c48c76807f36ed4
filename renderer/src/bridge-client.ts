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

  /**
   * Browser mode's upload of a dropped file: the File itself is the request body, so the browser
   * streams it from disk (never read into the page, no work per MB on the page thread), with
   * progress events, cancelled by `signal` (the host deletes what it received).
   */
  upload(file: File, onProgress: (loaded: number, total: number) => void, signal: AbortSignal, folder?: string): Promise<RequestResult<'openBytes'>> {
    const q = new URLSearchParams({ name: file.name, mtimeMs: String(file.lastModified), ...(folder ? { folder } : {}) });
    return new Promise((resolve, reject) => {
      const xhr = new XMLHttpRequest();
      xhr.open('POST', `/api/openBytes?${q}`);
      xhr.setRequestHeader('x-tracedeck-token', this.token);
      xhr.setRequestHeader('content-type', 'application/octet-stream');
      xhr.upload.onprogress = (e) => onProgress(e.loaded, e.lengthComputable ? e.total : file.size);
      xhr.onload = () => {
        try {
          const body = fromWire<{ ok: boolean; result?: RequestResult<'openBytes'>; error?: string }>(xhr.responseText);
          if (body.ok) resolve(body.result!);
          else reject(new Error(body.error ?? 'upload failed'));
        } catch {
          reject(new Error(`upload failed (HTTP ${xhr.status})`));
        }
      };
      xhr.onerror = () => reject(new Error('upload failed: the connection to TraceDeck was lost'));
      xhr.onabort = () => reject(new UploadCancelled());
      if (signal.aborted) return reject(new UploadCancelled());
      signal.addEventListener('abort', () => xhr.abort(), { once: true });
      xhr.send(file);
    });
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

/** An upload the user cancelled. */
export class UploadCancelled extends Error {
  constructor() {
    super('upload cancelled');
  }
}

const httpBridge = window.tracedeck ? null : new HttpBridge(tokenFromUrl());
export const bridge: Bridge = window.tracedeck ?? httpBridge!;
/** Browser mode's streamed upload (HttpBridge.upload), or null in Electron (files go by path or bytes). */
export const uploadFile = httpBridge ? httpBridge.upload.bind(httpBridge) : null;
export const transportName: 'electron' | 'browser' = window.tracedeck ? 'electron' : 'browser';

/**
 * Browser mode: the same bridge as the Electron app, over HTTP POST (requests) and a WebSocket
 * (events), bound to 127.0.0.1 with a random per-launch token, serving the built renderer.
 *
 *   GET  /?token=T            the app (sets an HttpOnly cookie so its assets load)
 *   POST /api/<request>       JSON argument → {ok, result | error}      (header x-tracedeck-token)
 *   POST /api/openBytes?name=N&mtimeMs=M   raw file bytes
 *   WS   /events?token=T      {event, payload} messages
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { isRequestName } from '../shared/bridge.ts';
import { toWire, fromWire } from '../shared/wire.ts';
import type { Host } from './host/handlers.ts';
import { MAX_FILE_BYTES } from './host/limits.ts';

export interface ServerOptions {
  host: Host;
  rendererDir: string;
  port?: number;
  /** Fixed token (tests); random by default. */
  token?: string;
}

export interface RunningServer {
  url: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
};

function csp(port: number): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    `connect-src 'self' ws://127.0.0.1:${port}`,
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
    "form-action 'none'",
  ].join('; ');
}

function sameToken(a: string | undefined | null, b: string): boolean {
  if (!a || a.length !== b.length) return false;
  return timingSafeEqual(Buffer.from(a), Buffer.from(b));
}

function cookieToken(req: IncomingMessage): string | undefined {
  const m = /(?:^|;\s*)tracedeck_token=([0-9a-f]+)/.exec(req.headers.cookie ?? '');
  return m?.[1];
}

async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req) {
    size += (c as Buffer).length;
    if (size > limit) throw Object.assign(new Error(`request body exceeds ${limit} bytes`), { status: 413 });
    chunks.push(c as Buffer);
  }
  return Buffer.concat(chunks);
}

export async function startServer(opts: ServerOptions): Promise<RunningServer> {
  const token = opts.token ?? randomBytes(24).toString('hex');
  let port = 0;
  const { host } = opts;

  const send = (res: ServerResponse, status: number, body: string, type = 'application/json') => {
    res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' });
    res.end(body);
  };

  const server = createServer(async (req, res) => {
    try {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      // Reject DNS-rebinding: only our own loopback origin may talk to us.
      const hostHeader = req.headers.host ?? '';
      if (hostHeader !== `127.0.0.1:${port}` && hostHeader !== `localhost:${port}`) return send(res, 403, '{"ok":false,"error":"bad host"}');
      const authed =
        sameToken(url.searchParams.get('token'), token) ||
        sameToken(req.headers['x-tracedeck-token'] as string | undefined, token) ||
        sameToken(cookieToken(req), token);
      if (!authed) return send(res, 401, 'TraceDeck: missing or wrong token (open the URL printed at launch)', 'text/plain; charset=utf-8');

      if (url.pathname.startsWith('/api/')) {
        if (req.method !== 'POST') return send(res, 405, '{"ok":false,"error":"POST only"}');
        const name = url.pathname.slice(5);
        if (!isRequestName(name)) return send(res, 404, toWire({ ok: false, error: `unknown request ${name}` }));
        let arg: unknown;
        if (name === 'openBytes') {
          const body = await readBody(req, MAX_FILE_BYTES);
          const mt = url.searchParams.get('mtimeMs');
          arg = {
            name: url.searchParams.get('name') ?? 'upload',
            bytes: new Uint8Array(body.buffer, body.byteOffset, body.length),
            ...(mt ? { mtimeMs: Number(mt) } : {}),
          };
        } else {
          const body = await readBody(req, 16 * 1024 * 1024);
          arg = body.length ? fromWire(body.toString('utf8')) : {};
        }
        try {
          const result = await host.handle(name, arg);
          return send(res, 200, toWire({ ok: true, result }));
        } catch (e) {
          return send(res, 200, toWire({ ok: false, error: (e as Error).message }));
        }
      }

      if (req.method !== 'GET') return send(res, 405, 'GET only', 'text/plain');
      const rel = url.pathname === '/' ? 'index.html' : decodeURIComponent(url.pathname.slice(1));
      const file = normalize(join(opts.rendererDir, rel));
      if (!file.startsWith(normalize(opts.rendererDir) + sep)) return send(res, 403, 'forbidden', 'text/plain');
      let st;
      try {
        st = await stat(file);
      } catch {
        return send(res, 404, 'not found', 'text/plain');
      }
      if (!st.isFile()) return send(res, 404, 'not found', 'text/plain');
      const headers: Record<string, string> = {
        'content-type': MIME[extname(file)] ?? 'application/octet-stream',
        'x-content-type-options': 'nosniff',
        'cache-control': 'no-cache',
      };
      if (extname(file) === '.html') {
        headers['content-security-policy'] = csp(port);
        headers['set-cookie'] = `tracedeck_token=${token}; HttpOnly; SameSite=Strict; Path=/`;
        headers['x-frame-options'] = 'DENY';
      }
      res.writeHead(200, headers);
      res.end(await readFile(file));
    } catch (e) {
      const status = (e as { status?: number }).status ?? 500;
      if (!res.headersSent) send(res, status, toWire({ ok: false, error: (e as Error).message }));
      else res.end();
    }
  });

  const wss = new WebSocketServer({ noServer: true });
  const clients = new Set<WebSocket>();
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const origin = req.headers.origin;
    const okOrigin = !origin || origin === `http://127.0.0.1:${port}` || origin === `http://localhost:${port}`;
    if (url.pathname !== '/events' || !okOrigin || !(sameToken(url.searchParams.get('token'), token) || sameToken(cookieToken(req), token))) {
      socket.write('HTTP/1.1 401 Unauthorized\r\n\r\n');
      socket.destroy();
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      clients.add(ws);
      ws.on('close', () => clients.delete(ws));
      ws.send(toWire({ event: 'session', payload: host.store.snapshot() }));
      // A session file opened before any page connected (`tracedeck serve x.tracedeck`): its UI state goes to the first page.
      if (unseenSessionOpened) ws.send(toWire({ event: 'sessionOpened', payload: unseenSessionOpened }));
      unseenSessionOpened = null;
    });
  });
  const broadcast = (event: string, payload: unknown) => {
    const msg = toWire({ event, payload });
    for (const c of clients) if (c.readyState === c.OPEN) c.send(msg);
  };
  const offSession = host.on('session', (p) => broadcast('session', p));
  const offError = host.on('error', (p) => broadcast('error', p));
  const offCollection = host.on('collection', (p) => broadcast('collection', p));
  const offHostKey = host.on('hostKeyPrompt', (p) => broadcast('hostKeyPrompt', p));
  let unseenSessionOpened: unknown = null;
  const offSessionOpened = host.on('sessionOpened', (p) => {
    if (clients.size === 0) unseenSessionOpened = p;
    else broadcast('sessionOpened', p);
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/?token=${token}`,
    port,
    token,
    close: async () => {
      offSession();
      offError();
      offCollection();
      offSessionOpened();
      offHostKey();
      for (const c of clients) c.terminate();
      wss.close();
      await new Promise<void>((r) => server.close(() => r()));
      server.closeAllConnections?.();
    },
  };
}

/**
 * Browser mode: the same bridge as the Electron app, over HTTP POST (requests) and a WebSocket
 * (events), bound to 127.0.0.1 with a random per-launch token, serving the built renderer.
 *
 *   GET  /?token=T            the app (sets an HttpOnly cookie scoped to /assets/ so its assets load)
 *   POST /api/<request>       JSON argument → {ok, result | error}      (header x-tracedeck-token)
 *   POST /api/openBytes?name=N&mtimeMs=M   raw file bytes, streamed to a private temp file
 *   WS   /events?token=T      {event, payload} messages
 *
 * Who may talk to us: every request must name our own Host (127.0.0.1:PORT or localhost:PORT: no
 * DNS rebinding); API calls and the WebSocket must also come from our own Origin and carry the token
 * themselves (header / query). The cookie is never enough for them: another page on 127.0.0.1 is
 * "same-site", so a SameSite cookie would be sent along with its requests.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { isRequestName } from '../shared/bridge.ts';
import { validateRequestArg } from '../shared/bridge-schemas.ts';
import { toWire, fromWire, WireError } from '../shared/wire.ts';
import type { Host } from './host/handlers.ts';
import { MAX_UPLOAD_BYTES } from './host/limits.ts';
import { UploadTooLargeError } from './host/upload-files.ts';
import { CONTENT_SECURITY_POLICY } from './csp.ts';

export interface ServerOptions {
  host: Host;
  rendererDir: string;
  port?: number;
  /** Fixed token (tests); random by default. */
  token?: string;
  /** Largest upload accepted (default MAX_UPLOAD_BYTES; tests use less). */
  maxUploadBytes?: number;
}

/** JSON bodies of requests other than uploads (a session's UI state, images as base64). */
const MAX_JSON_BODY = 16 * 1024 * 1024;

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

function sameToken(a: string | undefined | null, b: string): boolean {
  if (!a || a.length !== b.length) return false;
  return timingSafeEqual(Buffer.from(a), Buffer.from(b));
}

function cookieToken(req: IncomingMessage): string | undefined {
  const m = /(?:^|;\s*)tracedeck_token=([0-9a-f]+)/.exec(req.headers.cookie ?? '');
  return m?.[1];
}

function httpError(status: number, message: string): Error {
  return Object.assign(new Error(message), { status });
}

async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  if (Number(req.headers['content-length'] ?? 0) > limit) throw httpError(413, `request body exceeds ${limit} bytes`);
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

  const ourHost = (h: string | undefined) => h === `127.0.0.1:${port}` || h === `localhost:${port}`;
  const ourOrigin = (o: string | undefined) => o === `http://127.0.0.1:${port}` || o === `http://localhost:${port}`;
  const maxUpload = opts.maxUploadBytes ?? MAX_UPLOAD_BYTES;

  const server = createServer(async (req, res) => {
    try {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      // Reject DNS rebinding: only our own loopback host names.
      if (!ourHost(req.headers.host)) return send(res, 403, '{"ok":false,"error":"bad host"}');
      const origin = req.headers.origin;

      if (url.pathname.startsWith('/api/')) {
        // The page's own fetches always carry its Origin; anything else (another port, a file://
        // page, no Origin at all) is not our page. The token must come in the header: never the cookie.
        if (!ourOrigin(origin)) return send(res, 403, '{"ok":false,"error":"requests must come from the TraceDeck page itself"}');
        if (!sameToken(req.headers['x-tracedeck-token'] as string | undefined, token)) return send(res, 401, '{"ok":false,"error":"missing or wrong token: open the URL TraceDeck printed at launch"}');
        if (req.method !== 'POST') return send(res, 405, '{"ok":false,"error":"POST only"}');
        const name = url.pathname.slice(5);
        if (!isRequestName(name)) return send(res, 404, toWire({ ok: false, error: `unknown request ${name}` }));
        if (name === 'openBytes') {
          // Streamed to a private file as it arrives: the server never holds an upload whole.
          if (Number(req.headers['content-length'] ?? 0) > maxUpload) throw new UploadTooLargeError(`upload larger than the ${maxUpload.toLocaleString('en-US')}-byte limit`);
          const mt = url.searchParams.get('mtimeMs');
          const mtimeMs = mt ? Number(mt) : undefined;
          const fileName = url.searchParams.get('name') || 'upload';
          const folder = url.searchParams.get('folder') ?? undefined;
          // Its name and time are checked before a byte is written.
          const bad = validateRequestArg('openBytes', { name: fileName, bytes: new Uint8Array(0), ...(mtimeMs !== undefined ? { mtimeMs } : {}), ...(folder !== undefined ? { folder } : {}) });
          if (bad) {
            res.setHeader('connection', 'close');
            return send(res, 400, toWire({ ok: false, error: `invalid openBytes request: ${bad}` }));
          }
          const { path, size } = await host.uploads.receive(req, maxUpload, mtimeMs);
          try {
            const result = await host.openUploadedFile(fileName, path, size, mtimeMs, folder);
            return send(res, 200, toWire({ ok: true, result }));
          } catch (e) {
            return send(res, 200, toWire({ ok: false, error: (e as Error).message }));
          }
        }
        const body = await readBody(req, MAX_JSON_BODY);
        let arg: unknown;
        try {
          arg = body.length ? fromWire(body.toString('utf8')) : {};
        } catch (e) {
          const why = e instanceof WireError || e instanceof SyntaxError ? e.message : 'unreadable body';
          return send(res, 400, toWire({ ok: false, error: `invalid ${name} request: ${why}` }));
        }
        try {
          const result = await host.handle(name, arg);
          return send(res, 200, toWire({ ok: true, result }));
        } catch (e) {
          return send(res, 200, toWire({ ok: false, error: (e as Error).message }));
        }
      }

      if (req.method !== 'GET') return send(res, 405, 'GET only', 'text/plain');
      // Pages elsewhere may not embed or fetch our files; a top-level navigation (the launch, a
      // reload, the redirect page the CLI opens) is fine: the page holds nothing secret by itself.
      const site = req.headers['sec-fetch-site'];
      const navigation = req.headers['sec-fetch-mode'] === 'navigate';
      if ((origin !== undefined && !ourOrigin(origin)) || (!navigation && site !== undefined && site !== 'same-origin' && site !== 'none')) {
        return send(res, 403, 'forbidden: not the TraceDeck page', 'text/plain');
      }
      const isIndex = url.pathname === '/' || url.pathname === '/index.html';
      const queryToken = sameToken(url.searchParams.get('token'), token);
      // The app page itself is static; its assets need the token (the cookie the page's load set).
      if (!isIndex && !queryToken && !sameToken(cookieToken(req), token)) {
        return send(res, 401, 'TraceDeck: missing or wrong token (open the URL printed at launch)', 'text/plain; charset=utf-8');
      }
      const rel = isIndex ? 'index.html' : decodeURIComponent(url.pathname.slice(1));
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
        'cross-origin-resource-policy': 'same-origin',
        'referrer-policy': 'no-referrer',
      };
      if (extname(file) === '.html') {
        headers['content-security-policy'] = CONTENT_SECURITY_POLICY;
        // Scoped to the assets: the API and the WebSocket never see it (they take the token itself).
        if (queryToken) headers['set-cookie'] = `tracedeck_token=${token}; HttpOnly; SameSite=Strict; Path=/assets/`;
        headers['x-frame-options'] = 'DENY';
        headers['cache-control'] = 'no-store';
      }
      res.writeHead(200, headers);
      res.end(await readFile(file));
    } catch (e) {
      const status = (e as { status?: number }).status ?? 500;
      if (!res.headersSent) {
        // An upload refused part-way: say so, then drop the connection rather than read the rest.
        if (status === 413) res.setHeader('connection', 'close');
        send(res, status, toWire({ ok: false, error: (e as Error).message }));
      } else res.end();
    }
  });

  const wss = new WebSocketServer({ noServer: true });
  const clients = new Set<WebSocket>();
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    // Our page's WebSocket always sends its Origin and the token in the URL; the cookie does not count.
    if (url.pathname !== '/events' || !ourHost(req.headers.host) || !ourOrigin(req.headers.origin) || !sameToken(url.searchParams.get('token'), token)) {
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

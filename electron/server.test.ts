import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'node:http';
import WebSocket from 'ws';
import { Host } from './host/handlers.ts';
import { startServer, type RunningServer } from './server.ts';
import { ENGINE_WORKER_TS, DEMO_DIR } from './paths.ts';
import { fromWire, toWire } from '../shared/wire.ts';

let server: RunningServer;
let host: Host;
const rendererDir = mkdtempSync(join(tmpdir(), 'tracedeck-renderer-'));
writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>t</title>');
mkdirSync(join(rendererDir, 'assets'));

function call(path: string, opts: { method?: string; headers?: Record<string, string>; body?: string } = {}) {
  return new Promise<{ status: number; body: string; headers: Record<string, unknown> }>((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port: server.port, path, method: opts.method ?? 'GET', headers: { host: `127.0.0.1:${server.port}`, ...opts.headers } },
      (res) => {
        let body = '';
        res.on('data', (d) => (body += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
      },
    );
    req.on('error', reject);
    if (opts.body) req.write(opts.body);
    req.end();
  });
}

beforeAll(async () => {
  host = new Host({ workerScript: ENGINE_WORKER_TS, demoDir: DEMO_DIR });
  server = await startServer({ host, rendererDir });
});
afterAll(async () => {
  await server.close();
  host.dispose();
});

describe('browser-mode server', () => {
  const own = () => `http://127.0.0.1:${server.port}`;
  const api = (name: string, body: string, headers: Record<string, string> = { 'x-tracedeck-token': server.token, origin: own() }) =>
    call(`/api/${name}`, { method: 'POST', headers, body });

  it('binds to 127.0.0.1 with a random token printed in the URL', () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[0-9a-f]{48}$/);
  });
  it('refuses assets without the token, and any request with a foreign Host header', async () => {
    writeFileSync(join(rendererDir, 'assets', 'app.js'), 'export {};');
    expect((await call('/assets/app.js')).status).toBe(401);
    expect((await call('/assets/app.js', { headers: { cookie: `tracedeck_token=${server.token}` } })).status).toBe(200);
    expect((await call(`/?token=${server.token}`, { headers: { host: 'evil.example:80' } })).status).toBe(403);
    expect((await call(`/?token=${server.token}`, { headers: { host: `127.0.0.1:${server.port}.evil.example` } })).status).toBe(403);
    expect((await api('getSession', '{}', { 'x-tracedeck-token': server.token, origin: own(), host: `evil.example:${server.port}` })).status).toBe(403);
  });
  it('serves the app with a strict CSP, and a cookie scoped to the assets only when the token is given', async () => {
    const r = await call(`/?token=${server.token}`);
    expect(r.status).toBe(200);
    expect(String(r.headers['content-security-policy'])).toContain("script-src 'self'");
    const cookie = String(r.headers['set-cookie']);
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toContain('SameSite=Strict');
    expect(cookie).toContain('Path=/assets/');
    // A reload (the page took the token out of its address bar) gets the page, and no cookie.
    const reload = await call('/');
    expect(reload.status).toBe(200);
    expect(reload.headers['set-cookie']).toBeUndefined();
  });
  it('takes API calls only from our own Origin with the token in the header (never the cookie or the URL)', async () => {
    const tokenHeader = { 'x-tracedeck-token': server.token };
    const cookie = { cookie: `tracedeck_token=${server.token}` };
    const refused: [Record<string, string>, number][] = [
      [tokenHeader, 403], // no Origin (curl, a script, a file:// page)
      [{ ...tokenHeader, origin: 'http://127.0.0.1:8099' }, 403], // another local port is another origin
      [{ ...tokenHeader, origin: 'null' }, 403],
      [{ ...tokenHeader, origin: `http://127.0.0.1:${server.port}.evil.example` }, 403],
      [{ ...cookie, origin: own() }, 401], // the cookie alone does not count
      [{ origin: own() }, 401],
      [{ 'x-tracedeck-token': 'f'.repeat(48), origin: own() }, 401],
    ];
    for (const [headers, status] of refused) expect((await api('getSession', '{}', headers)).status, JSON.stringify(headers)).toBe(status);
    expect((await call(`/api/getSession?token=${server.token}`, { method: 'POST', headers: { origin: own() }, body: '{}' })).status).toBe(401);
    expect((await api('getSession', '{}', { ...tokenHeader, origin: `http://localhost:${server.port}` })).status).toBe(200);
  });
  it('refuses pages elsewhere fetching or embedding our files', async () => {
    const h = { cookie: `tracedeck_token=${server.token}` };
    expect((await call('/assets/app.js', { headers: { ...h, 'sec-fetch-site': 'same-site', 'sec-fetch-mode': 'no-cors' } })).status).toBe(403);
    expect((await call('/assets/app.js', { headers: { ...h, origin: 'http://127.0.0.1:8099' } })).status).toBe(403);
    expect((await call('/assets/app.js', { headers: { ...h, 'sec-fetch-site': 'same-origin', 'sec-fetch-mode': 'cors' } })).status).toBe(200);
  });
  it('answers bridge requests and validates their arguments', async () => {
    const ok = fromWire<{ ok: boolean; result: { sources: unknown[] } }>((await api('getSession', '{}')).body);
    expect(ok).toEqual({ ok: true, result: { seq: expect.any(Number), originEpochNs: null, sources: [] } });
    const bad = fromWire<{ ok: boolean; error: string }>((await api('removeSource', toWire({ id: 5 }))).body);
    expect(bad.ok).toBe(false);
    expect(bad.error).toContain('id must be a string');
    const unknownQuery = fromWire<{ ok: boolean; error: string }>((await api('query', toWire({ id: 's1', query: { type: 'dropTables' } }))).body);
    expect(unknownQuery).toEqual({ ok: false, error: 'invalid query request: unknown query type "dropTables"' });
    const hostOnly = fromWire<{ ok: boolean; error: string }>((await api('query', toWire({ id: 's1', query: { type: 'mergeGoroutineGroups', parts: [] } }))).body);
    expect(hostOnly.error).toContain('built by the host');
    const badArgs = fromWire<{ ok: boolean; error: string }>((await api('query', toWire({ id: 's1', query: { type: 'heatmap', bins: 1e9, mode: 'state' } }))).body);
    expect(badArgs.error).toMatch(/^invalid query request: query: heatmap: bins: /);
    const offset = fromWire<{ ok: boolean; error: string }>((await api('setSourceOffset', toWire({ id: 's1', offsetNs: 1e308 }))).body);
    expect(offset.error).toContain('offsetNs must be within a century');
    expect((await api('nope', '{}')).status).toBe(404);
    expect((await call('/../../etc/passwd', { headers: { cookie: `tracedeck_token=${server.token}` } })).status).not.toBe(200);
  });
  it('never builds a typed array larger than the body that describes it', async () => {
    // 62 bytes that once asked fromWire for a 2e8-element Float64Array (1.6 GB, > 60 s of main thread).
    const body = '{"id":"s1","query":{"__typed":"Float64Array","data":{"length":2e8}}}';
    const r = await api('query', body);
    expect(r.status).toBe(400);
    expect(fromWire<{ error: string }>(r.body).error).toBe('invalid query request: Float64Array data must be an array of numbers');
    const proto = await api('query', '{"id":"s1","query":{"__typed":"constructor","data":[1]}}');
    expect(proto.status).toBe(400);
  });
  it('refuses WebSocket connections without the token or our Origin, and pushes the session to those with both', async () => {
    const refused = async (url: string, headers: Record<string, string>) => {
      const ws = new WebSocket(url, { headers });
      const status = await new Promise<number>((res) => {
        ws.on('unexpected-response', (_req, r) => res(r.statusCode ?? 0));
        ws.on('open', () => res(101));
        ws.on('error', () => res(-1));
      });
      ws.terminate();
      return status;
    };
    const base = `ws://127.0.0.1:${server.port}/events`;
    expect(await refused(base, { origin: own() })).toBe(401);
    expect(await refused(`${base}?token=${server.token}`, {})).toBe(401); // no Origin
    expect(await refused(`${base}?token=${server.token}`, { origin: 'http://127.0.0.1:8099' })).toBe(401);
    expect(await refused(base, { origin: own(), cookie: `tracedeck_token=${server.token}` })).toBe(401);
    const ws = new WebSocket(`${base}?token=${server.token}`, { headers: { origin: own() } });
    const first = await new Promise<string>((res) => ws.on('message', (d) => res(String(d))));
    expect(fromWire<{ event: string }>(first).event).toBe('session');
    ws.close();
  });
});

describe('wire codec', () => {
  it('refuses typed arrays that are not plain arrays of numbers', () => {
    expect(() => fromWire('{"a":{"__typed":"Uint8Array","data":{"length":100}}}')).toThrow(/must be an array of numbers/);
    expect(() => fromWire('{"a":{"__typed":"Uint8Array","data":["1"]}}')).toThrow(/must be an array of numbers/);
    expect(() => fromWire('{"a":{"__typed":"toString","data":[]}}')).toThrow(/unknown typed array/);
  });
  it('round-trips typed arrays', () => {
    const v = { a: new Float64Array([1.5, 2]), b: new Uint32Array([7]), c: [1, 'x'] };
    const back = fromWire<typeof v>(toWire(v));
    expect(back.a).toBeInstanceOf(Float64Array);
    expect(Array.from(back.a)).toEqual([1.5, 2]);
    expect(back.b).toBeInstanceOf(Uint32Array);
    expect(back.c).toEqual([1, 'x']);
    // NaN (a heat-map bin without a snapshot) survives as NaN, not 0.
    const nan = fromWire<{ t: Float64Array; i: Int32Array }>(toWire({ t: new Float64Array([Number.NaN, 2]), i: new Int32Array([3]) }));
    expect(Array.from(nan.t)).toEqual([Number.NaN, 2]);
    expect(Array.from(nan.i)).toEqual([3]);
  });
});

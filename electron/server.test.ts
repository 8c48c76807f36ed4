import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
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
  it('binds to 127.0.0.1 with a random token printed in the URL', () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[0-9a-f]{48}$/);
  });
  it('refuses requests without the token, and with a foreign Host header', async () => {
    expect((await call('/')).status).toBe(401);
    expect((await call('/api/getSession', { method: 'POST', body: '{}' })).status).toBe(401);
    expect((await call(`/?token=${server.token}`, { headers: { host: 'evil.example:80' } })).status).toBe(403);
  });
  it('serves the app with a strict CSP and a session cookie when the token is given', async () => {
    const r = await call(`/?token=${server.token}`);
    expect(r.status).toBe(200);
    expect(String(r.headers['content-security-policy'])).toContain("script-src 'self'");
    expect(String(r.headers['set-cookie'])).toContain('HttpOnly');
  });
  it('answers bridge requests and validates their arguments', async () => {
    const h = { 'x-tracedeck-token': server.token };
    const ok = fromWire<{ ok: boolean; result: { sources: unknown[] } }>((await call('/api/getSession', { method: 'POST', headers: h, body: '{}' })).body);
    expect(ok).toEqual({ ok: true, result: { seq: expect.any(Number), originEpochNs: null, sources: [] } });
    const bad = fromWire<{ ok: boolean; error: string }>((await call('/api/removeSource', { method: 'POST', headers: h, body: toWire({ id: 5 }) })).body);
    expect(bad.ok).toBe(false);
    expect(bad.error).toContain('id must be a string');
    expect((await call('/api/nope', { method: 'POST', headers: h, body: '{}' })).status).toBe(404);
    expect((await call('/../../etc/passwd', { headers: h })).status).not.toBe(200);
  });
  it('refuses WebSocket connections without the token and pushes the session to those with it', async () => {
    const bad = new WebSocket(`ws://127.0.0.1:${server.port}/events`);
    await expect(new Promise((res, rej) => (bad.on('open', res), bad.on('error', rej)))).rejects.toThrow();
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/events?token=${server.token}`);
    const first = await new Promise<string>((res) => ws.on('message', (d) => res(String(d))));
    expect(fromWire<{ event: string }>(first).event).toBe('session');
    ws.close();
  });
});

describe('wire codec', () => {
  it('round-trips typed arrays', () => {
    const v = { a: new Float64Array([1.5, 2]), b: new Uint32Array([7]), c: [1, 'x'] };
    const back = fromWire<typeof v>(toWire(v));
    expect(back.a).toBeInstanceOf(Float64Array);
    expect(Array.from(back.a)).toEqual([1.5, 2]);
    expect(back.b).toBeInstanceOf(Uint32Array);
    expect(back.c).toEqual([1, 'x']);
  });
});

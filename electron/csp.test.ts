import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'node:http';
import { CONTENT_SECURITY_POLICY, CSP_DIRECTIVES, META_CONTENT_SECURITY_POLICY, metaPolicy, metaPolicyOf, parsePolicy } from './csp.ts';
import { Host } from './host/handlers.ts';
import { startServer, type RunningServer } from './server.ts';
import { DEMO_DIR, ENGINE_WORKER_TS, PROJECT_ROOT } from './paths.ts';

// The real renderer, built by its own Vite config into a private folder (dist/renderer belongs to
// the e2e runs).
const builtDir = mkdtempSync(join(tmpdir(), 'tracedeck-csp-renderer-'));
let builtIndex = '';
let server: RunningServer;
let host: Host;

beforeAll(async () => {
  const { build } = await import('vite');
  await build({ configFile: join(PROJECT_ROOT, 'renderer', 'vite.config.ts'), logLevel: 'silent', build: { outDir: builtDir, emptyOutDir: true, sourcemap: false } });
  builtIndex = readFileSync(join(builtDir, 'index.html'), 'utf8');
  host = new Host({ workerScript: ENGINE_WORKER_TS, demoDir: DEMO_DIR });
  server = await startServer({ host, rendererDir: builtDir });
}, 120_000);
afterAll(async () => {
  await server?.close();
  host?.dispose();
  rmSync(builtDir, { recursive: true, force: true });
});

function get(path: string): Promise<{ status: number; body: string; csp: string | undefined }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: server.port, path, headers: { host: `127.0.0.1:${server.port}` } }, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, csp: res.headers['content-security-policy'] as string | undefined }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('one Content-Security-Policy for header and meta tag', () => {
  it('is strict: scripts only from our own origin, nothing inline or eval, no plugins, no framing', () => {
    const d = new Map(parsePolicy(CONTENT_SECURITY_POLICY).map((x) => [x.split(' ')[0], x]));
    expect(d.get('script-src')).toBe("script-src 'self'");
    expect(d.get('default-src')).toBe("default-src 'self'");
    expect(d.get('object-src')).toBe("object-src 'none'");
    expect(d.get('base-uri')).toBe("base-uri 'none'");
    expect(d.get('frame-ancestors')).toBe("frame-ancestors 'none'");
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe-eval|\*/);
    // Each directive once: a repeated directive is ignored by browsers after its first spelling.
    expect(new Set(CSP_DIRECTIVES.map((x) => x.split(' ')[0])).size).toBe(CSP_DIRECTIVES.length);
  });

  it('the meta form drops exactly what a meta tag cannot carry', () => {
    expect(parsePolicy(META_CONTENT_SECURITY_POLICY)).toEqual(parsePolicy(CONTENT_SECURITY_POLICY).filter((x) => !x.startsWith('frame-ancestors ')));
    expect(metaPolicy("default-src 'self';  sandbox ; report-uri /r; frame-ancestors 'none'; img-src data:")).toBe("default-src 'self'; img-src data:");
  });

  it('renderer/index.html carries it before any script or stylesheet', () => {
    const source = readFileSync(join(PROJECT_ROOT, 'renderer', 'index.html'), 'utf8');
    expect(parsePolicy(metaPolicyOf(source) ?? '')).toEqual(parsePolicy(META_CONTENT_SECURITY_POLICY));
  });

  it('the built renderer index.html carries it too (Vite keeps it, ahead of the injected bundle)', () => {
    expect(builtIndex).toMatch(/<script type="module"[^>]*src="\.\/assets\//);
    expect(parsePolicy(metaPolicyOf(builtIndex) ?? '')).toEqual(parsePolicy(META_CONTENT_SECURITY_POLICY));
  });

  it("the browser-mode server's header is the same policy, and equals the page's meta tag plus frame-ancestors", async () => {
    const r = await get(`/?token=${server.token}`);
    expect(r.status).toBe(200);
    expect(r.csp).toBe(CONTENT_SECURITY_POLICY);
    expect(parsePolicy(metaPolicy(r.csp!))).toEqual(parsePolicy(metaPolicyOf(r.body) ?? ''));
  });

  it('reads meta tags strictly: none, two, one after a script, and HTML-escaped quotes', () => {
    expect(metaPolicyOf('<head><title>x</title></head>')).toBeNull();
    const tag = `<meta http-equiv="Content-Security-Policy" content="default-src 'none'">`;
    expect(() => metaPolicyOf(tag + tag)).toThrow(/2 Content-Security-Policy meta tags/);
    expect(() => metaPolicyOf(`<script src="a.js"></script>${tag}`)).toThrow(/after a script or link/);
    expect(metaPolicyOf(`<META HTTP-EQUIV='content-security-policy' CONTENT="default-src &#39;self&#39;">`)).toBe("default-src 'self'");
  });
});

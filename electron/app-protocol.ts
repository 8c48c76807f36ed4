/**
 * The Electron app's own `app://tracedeck/` protocol: the built renderer folder served as a standard,
 * secure origin, so the window never runs from file:// (whose pages may read any local file while
 * the GrantFileProtocolExtraPrivileges fuse is on; forge.config.ts turns it off).
 *
 * No electron import (main.ts does the registering): what lies here is what the tests exercise.
 *
 *   app://tracedeck/                  → <root>/index.html
 *   app://tracedeck/assets/index.js   → <root>/assets/index.js
 *   anything naming a path outside <root> (`..`, `%2e%2e`, `%2f`, `\`, NUL, a symlink out) → refused
 */
import { realpath, readFile, stat } from 'node:fs/promises';
import { extname, join, resolve, sep } from 'node:path';
import { CONTENT_SECURITY_POLICY } from './csp.ts';

export const APP_SCHEME = 'app';
export const APP_HOST = 'tracedeck';
/** Every page URL of ours starts with this (the trailing `/` matters: see isOwnPageUrl). */
export const APP_BASE_URL = `${APP_SCHEME}://${APP_HOST}/`;
export const APP_ENTRY_URL = `${APP_BASE_URL}index.html`;

/**
 * The folder prefix of a page URL, ending in `/`: `http://localhost:5173` → `http://localhost:5173/`,
 * `app://tracedeck/index.html` → `app://tracedeck/`. Query and fragment are dropped.
 */
export function pageBase(entryUrl: string): string {
  const u = new URL(entryUrl);
  u.search = '';
  u.hash = '';
  u.pathname = u.pathname.replace(/[^/]*$/, '');
  return u.href;
}

/**
 * Whether `url` is one of our own pages: it starts with `base` (our origin and folder, ending in `/`).
 * The trailing `/` is what refuses look-alikes: `app://tracedeck-evil/`, `app://tracedeck.evil/`,
 * `app://tracedeck@evil/`, `file:///opt/app/renderer-evil/`. The URL is parsed first, so a prefix
 * test cannot be fooled by spelling (`APP://…` is normalized, junk is refused).
 */
export function isOwnPageUrl(url: string | undefined | null, base: string): boolean {
  if (!base.endsWith('/')) throw new Error(`page base ${base} must end with "/"`);
  if (!url) return false;
  let href: string;
  try {
    href = new URL(url).href;
  } catch {
    return false;
  }
  return href.startsWith(base);
}

export type AppPath = { ok: true; file: string } | { ok: false; status: 400 | 403 | 404; reason: string };

function refuse(status: 400 | 403 | 404, reason: string): AppPath {
  return { ok: false, status, reason };
}

/**
 * The file under `rootDir` an app:// URL names, or why it names none. Pure (no file system): each
 * path segment is decoded on its own and must be a plain name — an encoded `/` or `\`, NUL, `.`,
 * `..`, an empty segment (`//etc/passwd`) or a drive-like `C:` are refused, not normalized away.
 */
export function resolveAppPath(rootDir: string, requestUrl: string): AppPath {
  let u: URL;
  try {
    u = new URL(requestUrl);
  } catch {
    return refuse(400, 'not a URL');
  }
  if (u.protocol !== `${APP_SCHEME}:`) return refuse(400, `not an ${APP_SCHEME}: URL`);
  if (u.host.toLowerCase() !== APP_HOST || u.username || u.password) return refuse(403, `not ${APP_BASE_URL}`);
  // The raw path, before any decoding: the URL parser has already resolved literal `..` segments
  // (which stay inside the root); encoded ones are decoded here and refused.
  const raw = u.pathname === '/' || u.pathname === '' ? '/index.html' : u.pathname;
  const segments = raw.slice(1).split('/');
  const names: string[] = [];
  for (const seg of segments) {
    let name: string;
    try {
      name = decodeURIComponent(seg);
    } catch {
      return refuse(400, 'malformed percent-encoding');
    }
    if (name === '') return refuse(403, 'empty path segment');
    if (name === '.' || name === '..') return refuse(403, 'path traversal');
    if (/[/\\\0:]/.test(name)) return refuse(403, 'path segment with a separator, NUL or colon');
    names.push(name);
  }
  const root = resolve(rootDir);
  const file = join(root, ...names);
  // Belt and braces: whatever the above missed, the joined path must still be inside the root.
  if (!file.startsWith(root + sep)) return refuse(403, 'outside the renderer folder');
  return { ok: true, file };
}

/**
 * resolveAppPath, then the file system's word: the real path (symlinks followed) must still lie
 * inside the real root, and be a regular file.
 */
export async function resolveAppFile(rootDir: string, requestUrl: string): Promise<AppPath> {
  const r = resolveAppPath(rootDir, requestUrl);
  if (!r.ok) return r;
  let realRoot: string;
  let realFile: string;
  try {
    realRoot = await realpath(rootDir);
    realFile = await realpath(r.file);
  } catch {
    return refuse(404, 'not found');
  }
  if (!realFile.startsWith(realRoot + sep)) return refuse(403, 'links outside the renderer folder');
  const st = await stat(realFile).catch(() => null);
  if (!st?.isFile()) return refuse(404, 'not a file');
  return { ok: true, file: realFile };
}

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.wasm': 'application/wasm',
};

/**
 * The response to one app:// request (what main.ts's `protocol.handle('app', …)` returns): the file
 * with its type, `nosniff`, and on HTML the CSP header (which, unlike the page's meta tag, also
 * carries frame-ancestors). Refusals are plain-text errors with their status.
 */
export async function serveAppRequest(rootDir: string, requestUrl: string, method = 'GET'): Promise<Response> {
  if (method !== 'GET' && method !== 'HEAD') return new Response('GET only', { status: 405, headers: { 'content-type': 'text/plain' } });
  const r = await resolveAppFile(rootDir, requestUrl);
  if (!r.ok) return new Response(r.reason, { status: r.status, headers: { 'content-type': 'text/plain' } });
  const ext = extname(r.file).toLowerCase();
  const headers: Record<string, string> = {
    'content-type': MIME[ext] ?? 'application/octet-stream',
    'x-content-type-options': 'nosniff',
    'cross-origin-resource-policy': 'same-origin',
  };
  if (ext === '.html') headers['content-security-policy'] = CONTENT_SECURITY_POLICY;
  let body: Uint8Array<ArrayBuffer> | null = null;
  if (method !== 'HEAD') {
    try {
      body = new Uint8Array(await readFile(r.file));
    } catch (e) {
      // Gone or unreadable since the check: an answer, never a rejected handler.
      return new Response(`cannot read: ${(e as NodeJS.ErrnoException).code ?? 'error'}`, { status: 404, headers: { 'content-type': 'text/plain' } });
    }
  }
  return new Response(body, { status: 200, headers });
}

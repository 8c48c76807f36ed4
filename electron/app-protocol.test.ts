import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, sep } from 'node:path';
import { APP_BASE_URL, APP_ENTRY_URL, isOwnPageUrl, pageBase, resolveAppFile, resolveAppPath, serveAppRequest } from './app-protocol.ts';
import { CONTENT_SECURITY_POLICY } from './csp.ts';

// A renderer folder with a secret beside it: every attack below tries to read the secret.
const top = mkdtempSync(join(tmpdir(), 'tracedeck-app-protocol-'));
const root = join(top, 'renderer');
const secret = join(top, 'id_ed25519');
const SECRET = '-----BEGIN OPENSSH PRIVATE KEY----- not for the page';

beforeAll(() => {
  mkdirSync(join(root, 'assets'), { recursive: true });
  writeFileSync(join(root, 'index.html'), '<!doctype html><title>TraceDeck</title>');
  writeFileSync(join(root, 'assets', 'index.js'), 'export {};');
  writeFileSync(secret, SECRET);
  mkdirSync(join(top, 'renderer-evil'));
  writeFileSync(join(top, 'renderer-evil', 'index.html'), 'evil');
  symlinkSync(secret, join(root, 'assets', 'key.js')); // a link out of the folder
  symlinkSync(top, join(root, 'up')); // a linked directory out of the folder
  symlinkSync(join(root, 'assets', 'index.js'), join(root, 'alias.js')); // a link that stays inside
  symlinkSync(root, join(top, 'linked-root')); // the root itself reached through a link
});
afterAll(() => rmSync(top, { recursive: true, force: true }));

describe('own-page URL checks (navigation guards, permission checks, IPC senderFrame)', () => {
  it('the base of a page URL ends in "/"', () => {
    expect(pageBase(APP_ENTRY_URL)).toBe(APP_BASE_URL);
    expect(APP_BASE_URL).toBe('app://tracedeck/');
    expect(pageBase('http://localhost:5173')).toBe('http://localhost:5173/');
    expect(pageBase('http://localhost:5173/main_window/index.html?x=1#y')).toBe('http://localhost:5173/main_window/');
    expect(pageBase('file:///opt/tracedeck/renderer/index.html')).toBe('file:///opt/tracedeck/renderer/');
  });

  it('accepts our own pages', () => {
    expect(isOwnPageUrl('app://tracedeck/index.html', APP_BASE_URL)).toBe(true);
    expect(isOwnPageUrl('app://tracedeck/index.html#/flame', APP_BASE_URL)).toBe(true);
    expect(isOwnPageUrl('APP://tracedeck/index.html', APP_BASE_URL)).toBe(true); // the scheme is normalized
    expect(isOwnPageUrl('http://localhost:5173/', pageBase('http://localhost:5173'))).toBe(true);
  });

  it('refuses look-alikes that a prefix test without the trailing "/" would pass', () => {
    const lookAlikes = ['app://tracedeck-evil/index.html', 'app://tracedeck.evil.example/index.html', 'app://tracedeck@evil/index.html', 'app://tracedeck:8080/index.html'];
    for (const url of lookAlikes) {
      expect(url.startsWith('app://tracedeck')).toBe(true); // what the old check did
      expect(isOwnPageUrl(url, APP_BASE_URL), url).toBe(false);
    }
    const fileBase = pageBase('file:///opt/tracedeck/renderer/index.html');
    expect('file:///opt/tracedeck/renderer-evil/index.html'.startsWith('file:///opt/tracedeck/renderer')).toBe(true);
    expect(isOwnPageUrl('file:///opt/tracedeck/renderer-evil/index.html', fileBase)).toBe(false);
    expect(isOwnPageUrl('http://localhost:51730/', pageBase('http://localhost:5173'))).toBe(false);
  });

  it('refuses other schemes, junk and nothing', () => {
    for (const url of ['app://evil/index.html', 'file:///etc/passwd', 'javascript:alert(1)', 'about:blank', 'not a url', '', undefined, null]) {
      expect(isOwnPageUrl(url, APP_BASE_URL), String(url)).toBe(false);
    }
  });

  it('will not run with a base that lacks the trailing "/"', () => {
    expect(() => isOwnPageUrl(APP_ENTRY_URL, 'app://tracedeck')).toThrow(/must end with "\/"/);
  });
});

describe('app:// path resolution (pure)', () => {
  const ok = (url: string) => {
    const r = resolveAppPath(root, url);
    if (!r.ok) throw new Error(`${url} refused: ${r.reason}`);
    return r.file;
  };
  const refused = (url: string) => {
    const r = resolveAppPath(root, url);
    return r.ok ? `served ${r.file}` : r.status;
  };

  it('serves index.html for the bare origin and files by their path', () => {
    expect(ok('app://tracedeck/')).toBe(join(root, 'index.html'));
    expect(ok('app://tracedeck')).toBe(join(root, 'index.html'));
    expect(ok('app://tracedeck/index.html?token=x#y')).toBe(join(root, 'index.html'));
    expect(ok('app://tracedeck/assets/index.js')).toBe(join(root, 'assets', 'index.js'));
    expect(ok('app://tracedeck/assets/a%20b.js')).toBe(join(root, 'assets', 'a b.js'));
  });

  it('literal and encoded "..": the URL parser folds them inside the root, never above it', () => {
    for (const url of ['app://tracedeck/../../id_ed25519', 'app://tracedeck/assets/../../../id_ed25519', 'app://tracedeck/%2e%2e/id_ed25519', 'app://tracedeck/%2E%2E/%2e%2e/id_ed25519', 'app://tracedeck/.%2e/id_ed25519']) {
      expect(ok(url), url).toBe(join(root, 'id_ed25519'));
    }
  });

  it('refuses encoded separators, backslashes, NUL, empty segments (absolute paths) and drive letters', () => {
    const attacks = [
      'app://tracedeck/..%2fid_ed25519',
      'app://tracedeck/%2e%2e%2fid_ed25519',
      'app://tracedeck/assets%2f..%2f..%2fid_ed25519',
      'app://tracedeck/%2Fetc%2Fpasswd',
      'app://tracedeck//etc/passwd',
      'app://tracedeck/..\\id_ed25519',
      'app://tracedeck/..%5cid_ed25519',
      'app://tracedeck/assets\\..\\..\\id_ed25519',
      'app://tracedeck/index.html%00.js',
      'app://tracedeck/%00',
      'app://tracedeck/C:%5cUsers%5cme%5c.ssh%5cid_ed25519',
      'app://tracedeck/C:/Users',
      'app://tracedeck/index.html:stream',
    ];
    for (const url of attacks) expect(refused(url), url).toBe(403);
  });

  it('refuses malformed encoding, other hosts, credentials and other schemes', () => {
    expect(refused('app://tracedeck/%E0%A4%A')).toBe(400);
    expect(refused('app://evil/index.html')).toBe(403);
    expect(refused('app://tracedeck-evil/index.html')).toBe(403);
    expect(refused('app://user@tracedeck/index.html')).toBe(403);
    expect(refused('app:///etc/passwd')).toBe(403);
    expect(refused('file:///etc/passwd')).toBe(400);
    expect(refused('not a url')).toBe(400);
  });

  it('whatever it accepts lies strictly inside the root', () => {
    const probes = ['app://tracedeck/%252e%252e/x', 'app://tracedeck/...', 'app://tracedeck/a/./b', 'app://tracedeck/%20..', 'app://tracedeck/..%20'];
    for (const url of probes) {
      const r = resolveAppPath(root, url);
      if (r.ok) expect(r.file.startsWith(root + sep), url).toBe(true);
    }
  });
});

describe('app:// files (symlinks followed, then checked)', () => {
  it('refuses a file or directory symlinked out of the folder', async () => {
    expect(await resolveAppFile(root, 'app://tracedeck/assets/key.js')).toMatchObject({ ok: false, status: 403 });
    expect(await resolveAppFile(root, 'app://tracedeck/up/id_ed25519')).toMatchObject({ ok: false, status: 403 });
  });

  it('serves a link that stays inside, and a root reached through a link', async () => {
    expect(await resolveAppFile(root, 'app://tracedeck/alias.js')).toEqual({ ok: true, file: join(root, 'assets', 'index.js') });
    expect(await resolveAppFile(join(top, 'linked-root'), 'app://tracedeck/assets/index.js')).toEqual({ ok: true, file: join(root, 'assets', 'index.js') });
  });

  it('directories and missing files are 404s', async () => {
    expect(await resolveAppFile(root, 'app://tracedeck/assets')).toMatchObject({ ok: false, status: 404 });
    expect(await resolveAppFile(root, 'app://tracedeck/nope.js')).toMatchObject({ ok: false, status: 404 });
    expect(await resolveAppFile(root, 'app://tracedeck/../id_ed25519')).toMatchObject({ ok: false, status: 404 });
  });
});

describe('app:// responses', () => {
  it('the page comes with its type, nosniff and the CSP header (frame-ancestors included)', async () => {
    const r = await serveAppRequest(root, 'app://tracedeck/');
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(r.headers.get('x-content-type-options')).toBe('nosniff');
    expect(r.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    expect(await r.text()).toContain('<title>TraceDeck</title>');
  });

  it('scripts are served as JavaScript (module scripts need it), without a CSP header', async () => {
    const r = await serveAppRequest(root, 'app://tracedeck/assets/index.js');
    expect(r.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(r.headers.get('content-security-policy')).toBeNull();
    expect(await r.text()).toBe('export {};');
  });

  it('no attack returns the secret', async () => {
    for (const url of ['app://tracedeck/..%2fid_ed25519', 'app://tracedeck/assets/key.js', 'app://tracedeck/up/id_ed25519', 'app://tracedeck/..%5cid_ed25519', 'app://tracedeck//' + secret.slice(1)]) {
      const r = await serveAppRequest(root, url);
      expect(r.status, url).toBeGreaterThanOrEqual(400);
      expect(await r.text(), url).not.toContain(SECRET);
    }
  });

  it('only GET and HEAD', async () => {
    expect((await serveAppRequest(root, 'app://tracedeck/', 'POST')).status).toBe(405);
    const head = await serveAppRequest(root, 'app://tracedeck/', 'HEAD');
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
  });
});

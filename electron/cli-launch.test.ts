import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { launchPage } from './cli.ts';

describe('launchPage (how the CLI opens the browser)', () => {
  it('is a private redirect file, so the token is never on a command line', () => {
    const token = 'ab'.repeat(24);
    const url = `http://127.0.0.1:4242/?token=${token}`;
    const page = launchPage(url);
    try {
      // What xdg-open (and then the browser) get on their command lines: the file's path, not the URL.
      expect(page.path).not.toContain(token);
      expect(statSync(page.path).mode & 0o777).toBe(0o600);
      expect(statSync(dirname(page.path)).mode & 0o777).toBe(0o700);
      const html = readFileSync(page.path, 'utf8');
      expect(html).toContain(`<meta http-equiv="refresh" content="0;url=${url}">`);
      expect(html).toContain('<meta name="referrer" content="no-referrer">');
    } finally {
      page.remove();
    }
    expect(existsSync(dirname(page.path))).toBe(false);
  });
  it('escapes the URL into the page', () => {
    const page = launchPage('http://127.0.0.1:1/?a="><script>x</script>');
    try {
      expect(readFileSync(page.path, 'utf8')).not.toContain('<script>');
    } finally {
      page.remove();
    }
  });
});

/**
 * The page's Content-Security-Policy, one declaration for every way the renderer is delivered: the
 * browser-mode server's header (server.ts), the Electron shell's header on app:// and dev-server
 * responses (main.ts), and the `<meta http-equiv>` in renderer/index.html, which is what still holds
 * where no header arrives (a file:// load). The meta copy is checked against this by csp.test.ts.
 * No electron import: browser mode and the CLI load this.
 */

/** Each directive once. `'self'` in connect-src also covers ws:// to our own host and port (CSP 3),
 * so the policy does not depend on the browser-mode server's port. */
export const CSP_DIRECTIVES: readonly string[] = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
  "form-action 'none'",
];

/** The policy as an HTTP header value. */
export const CONTENT_SECURITY_POLICY = CSP_DIRECTIVES.join('; ');

/** Directives a `<meta http-equiv>` policy cannot carry (CSP 3 §3.3: browsers ignore them there). */
const HEADER_ONLY = new Set(['frame-ancestors', 'report-uri', 'sandbox']);

/** A policy without the directives a meta tag cannot carry, in the same order and spelling. */
export function metaPolicy(policy: string): string {
  return parsePolicy(policy)
    .filter((d) => !HEADER_ONLY.has(d.split(' ')[0]!))
    .join('; ');
}

/** The policy the renderer's index.html must carry in its meta tag. */
export const META_CONTENT_SECURITY_POLICY = metaPolicy(CONTENT_SECURITY_POLICY);

/** A policy's directives, each trimmed with single spaces (for comparing two spellings). */
export function parsePolicy(policy: string): string[] {
  return policy
    .split(';')
    .map((d) => d.trim().replace(/\s+/g, ' '))
    .filter((d) => d.length > 0);
}

/**
 * The policy of an HTML document's `<meta http-equiv="Content-Security-Policy">` tags (null if none;
 * an error if there are several, since they would all apply and drift apart). The tag must come
 * before any script or stylesheet, or those load unchecked: an error says so.
 */
export function metaPolicyOf(html: string): string | null {
  const tags = [...html.matchAll(/<meta\b[^>]*http-equiv\s*=\s*["']?content-security-policy["']?[^>]*>/gi)];
  if (tags.length === 0) return null;
  if (tags.length > 1) throw new Error(`${tags.length} Content-Security-Policy meta tags (expected one)`);
  const tag = tags[0]!;
  const firstResource = html.search(/<(script|link)\b/i);
  if (firstResource >= 0 && firstResource < tag.index) throw new Error('the Content-Security-Policy meta tag comes after a script or link, which it then does not cover');
  const content = /\bcontent\s*=\s*(?:"([^"]*)"|'([^']*)')/i.exec(tag[0]);
  if (!content) throw new Error('the Content-Security-Policy meta tag has no content attribute');
  return (content[1] ?? content[2]!).replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&');
}

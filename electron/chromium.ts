/**
 * How TraceDeck drives Debian's Chromium headless (the CLI export; the e2e suite and benches use the
 * same): no sandbox and no GPU in containers, and no background networking (this machine's network is
 * closed, and Chromium would otherwise retry its own services at every start).
 */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

/** Debian's Chromium, or CHROMIUM_PATH. */
export function chromiumPath(): string {
  return process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
}

/**
 * Test-only ways to make an engine fail the way a hostile input can (out of memory, a V8 abort, a
 * hang, a crash), independent of any parser: the isolation tests must keep proving that one engine's
 * end leaves the others running even after every parser bug they found is fixed.
 *
 * Enabled only when the engine's environment has TRACEDECK_ENGINE_TEST_HOOKS=1 (set by the tests, never
 * by the app); then an input whose first bytes are `TRACEDECK-ENGINE-TEST-HOOK <action>` runs it, and
 * a query of type QUERY_HANG_HOOK never returns.
 */
const MAGIC = 'TRACEDECK-ENGINE-TEST-HOOK ';
export const ENGINE_TEST_HOOKS_ENV = 'TRACEDECK_ENGINE_TEST_HOOKS';
export type EngineTestHook = 'oom' | 'abort' | 'hang' | 'crash';

/** The bytes of an input that triggers `action` in an engine with test hooks enabled. */
export function testHookInput(action: EngineTestHook): Uint8Array {
  return new TextEncoder().encode(`${MAGIC}${action}\n`);
}

export function runTestHook(bytes: Uint8Array): void {
  if (process.env[ENGINE_TEST_HOOKS_ENV] !== '1' || bytes.length > 64) return;
  const text = new TextDecoder().decode(bytes);
  if (!text.startsWith(MAGIC)) return;
  const action = text.slice(MAGIC.length).trim() as EngineTestHook;
  if (action === 'oom') {
    // Small live objects, as a parser building a huge table makes: V8 hits its heap limit and aborts.
    const held: { i: number; next: unknown }[] = [];
    for (let i = 0; ; i++) held.push({ i, next: held[i - 1] });
  }
  if (action === 'abort') process.abort();
  if (action === 'crash') process.kill(process.pid, 'SIGSEGV');
  if (action === 'hang') for (;;);
}

/** A query type that hangs an engine with test hooks enabled (the query watchdog's test). */
export const QUERY_HANG_HOOK = 'engine-test-hook:hang';

export function runQueryTestHook(q: { type: string }): void {
  if (process.env[ENGINE_TEST_HOOKS_ENV] === '1' && q.type === QUERY_HANG_HOOK) for (;;);
}

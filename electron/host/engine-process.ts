/**
 * Engine processes for the CLI and browser mode: Node's child_process.fork, one process per source,
 * with its own V8 heap limit. An abort, out-of-memory or hang in one parse ends that process alone.
 * Messages use V8's serializer ('advanced'), so typed arrays in query results cross as raw bytes
 * rather than JSON. (The Electron app starts the same entry with utilityProcess: electron/main.ts.)
 */
import { fork } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { Socket } from 'node:net';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { EngineExit, EngineSpawner, FromEngine, ToEngine } from './engine-protocol.ts';

/**
 * Runs a .ts entry under tsx (source checkouts). Resolved through a variable so bundlers leave it
 * alone; the Electron build passes a built .cjs entry and never loads it.
 */
const TSX_BOOTSTRAP = [
  new URL('./engine-worker-bootstrap.mjs', import.meta.url),
  // From the CLI bundle (dist/tracedeck-cli.mjs, scripts/cli-bundle.mjs): the source tree's copy.
  new URL('../electron/host/engine-worker-bootstrap.mjs', import.meta.url),
].map((u) => fileURLToPath(u)).find((p) => existsSync(p))!;

/** How much of the engine's stderr is kept to explain its end (V8's fatal messages are short). */
const STDERR_TAIL = 8192;

export const forkEngine: EngineSpawner = (script, { maxHeapMb }) => {
  const ts = script.endsWith('.ts');
  const child = fork(ts ? TSX_BOOTSTRAP : script, ts ? [pathToFileURL(script).href] : [], {
    // Not the host's own flags (a test runner's or tsx's loaders): only the heap limit.
    execArgv: [`--max-old-space-size=${Math.round(maxHeapMb)}`],
    serialization: 'advanced',
    stdio: ['ignore', 'inherit', 'pipe', 'ipc'],
  });
  let tail = '';
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (d: string) => {
    process.stderr.write(d);
    tail = (tail + d).slice(-STDERR_TAIL);
  });
  let exited = false;
  const exitListeners: ((e: EngineExit) => void)[] = [];
  const ended = (e: EngineExit) => {
    if (exited) return;
    exited = true;
    for (const fn of exitListeners) fn(e);
  };
  // 'close' comes after the exit and after stderr is drained, so the tail holds V8's last words.
  child.on('close', (code, signal) => ended({ code, signal, stderrTail: tail }));
  child.on('error', (e) => {
    // A failed spawn (no 'close' follows) or a failed send; only the first kind ends the engine.
    if (child.pid === undefined) ended({ code: null, signal: null, stderrTail: `cannot start the engine: ${e.message}` });
  });
  return {
    pid: child.pid,
    send(m: ToEngine) {
      if (child.connected) child.send(m, (e) => void e); // a send to a dying engine is answered by its exit
    },
    onMessage(fn: (m: FromEngine) => void) {
      child.on('message', (m) => fn(m as FromEngine));
    },
    onExit(fn) {
      exitListeners.push(fn);
    },
    kill() {
      child.kill('SIGKILL');
    },
    setRef(ref) {
      // The process, its message channel and its stderr pipe each hold the host's event loop.
      const handles = [child, child.channel, child.stderr as Socket | null];
      for (const h of handles) {
        if (ref) h?.ref?.();
        else h?.unref?.();
      }
    },
  };
};

/**
 * Bounds on the work one input can cause. Inputs larger than MAX_FILE_BYTES are refused with a clear
 * reason before anything is read; decompressed data is held to the same bound (shared/ingest/inflate.ts).
 */
import { totalmem } from 'node:os';

export const MAX_FILE_BYTES = 1024 * 1024 * 1024;

/**
 * Largest browser-mode upload. Uploads are streamed to a file, and a Go trace is parsed from its file
 * in chunks whatever its size (ingest-input.ts), so this only guards the temp folder's disk; other
 * formats are still held to MAX_FILE_BYTES when the engine reads them.
 */
export const MAX_UPLOAD_BYTES = 64 * 1024 ** 3;

/**
 * Peak memory of opening an old-format (go 1.11–1.21) trace, per byte of file. Such a trace is ordered
 * as a whole: the file, every event's time and offset, and the model are held at once. Measured: a
 * 1.10 GiB go1.19 trace (bench/gen-big-trace built with Go 1.19) peaked at 12.1 GB.
 */
export const OLD_TRACE_MEMORY_PER_BYTE = 11;

/**
 * Why an old-format trace of `size` bytes is not opened on a machine with `total` bytes of memory
 * (it would need over 80% of it), or null. Up to MAX_FILE_BYTES it always opens, as any file does.
 */
export function oldTraceRefusal(size: number, total = totalmem()): string | null {
  const need = size * OLD_TRACE_MEMORY_PER_BYTE;
  if (size <= MAX_FILE_BYTES || need <= total * 0.8) return null;
  const gb = (n: number) => `${(n / 1e9).toFixed(1)} GB`;
  return `old-format trace of ${gb(size)} not opened: go 1.11–1.21 traces are ordered as a whole, which needs about ${gb(need)} of memory here, and this machine has ${gb(total)} (go 1.22+ traces of any size are read in parts)`;
}

/** A positive integer from the environment (tests and operators tune the engines), else the default. */
function envInt(name: string, fallback: number): number {
  const v = Number(process.env[name]);
  return Number.isInteger(v) && v > 0 ? v : fallback;
}

/**
 * V8 heap limit of one engine process. A parse that needs more ends that engine alone ("ran out of
 * memory at 4.0 GB"); the host and the other sources go on. A quarter of the machine's memory, within
 * 1–4 GiB: a 1 GiB trace's model fits, and a few engines at their limit still leave the system room.
 */
export const ENGINE_HEAP_MB = envInt('TRACEDECK_ENGINE_HEAP_MB', Math.max(1024, Math.min(4096, Math.floor(totalmem() / 2 ** 20 / 4))));

/**
 * `tracedeck inspect` reads a new-format trace this big or bigger in two worker threads at once
 * (trace-figures-file.ts); below it a second thread costs more than it saves. Read at each call.
 */
export function traceSplitMinBytes(): number {
  return envInt('TRACEDECK_SPLIT_MIN_BYTES', 16 << 20);
}

/** An ingest (or a live source's reparse) that reports no progress for this long is given up. */
export const ENGINE_STALL_MS = envInt('TRACEDECK_ENGINE_STALL_S', 120) * 1000;

/** A query still running after this long ends its engine (one engine answers one thing at a time). */
export const ENGINE_QUERY_MS = envInt('TRACEDECK_ENGINE_QUERY_S', 120) * 1000;

/** Special files (FIFOs, character devices, /proc) are read up to this long, then given up. */
export const SPECIAL_FILE_READ_MS = envInt('TRACEDECK_SPECIAL_READ_S', 30) * 1000;

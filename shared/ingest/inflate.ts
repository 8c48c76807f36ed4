/**
 * gunzip with the work bounded by the input: inflated output is capped at the same 1 GiB as a file,
 * and a decompression bomb is refused early and cheaply. The gzip bytes are fed in small chunks while
 * the output is read, so the ratio of output to input consumed so far is known at every step: past
 * BOMB_FLOOR bytes of output, a ratio no real capture reaches (the fixtures' highest is 40:1; deflate's
 * ceiling is about 1000:1) stops the inflate after reading a few hundred KiB of a 10 MB bomb, long
 * before any parser sees the data. Uses the platform's DecompressionStream (native speed in Node and
 * browsers); no Node APIs.
 */
import { IngestError } from './errors.ts';

/** Largest inflated input accepted: the file limit (electron/host/limits.ts MAX_FILE_BYTES). */
export const MAX_INFLATED_BYTES = 2 ** 30;
/** Output-to-input ratio refused as a bomb once the output passes BOMB_FLOOR. */
export const BOMB_RATIO = 100;
/** Below this much output any ratio is accepted (small, highly repetitive files are fine). */
export const BOMB_FLOOR = 64 * 2 ** 20;
/**
 * gzip bytes handed to the inflater at a time. Output is still read (and checked) chunk by chunk as it
 * comes, so a bomb stops at the same point; only the ratio's `fed` may overstate the input consumed by
 * up to one feed. Larger feeds cost less per byte: 16 KiB feeds took twice the CPU of 256 KiB ones
 * inflating the 28 MB heap profile of bench-data in a fresh process (~150 ms against ~70 ms).
 */
const FEED = 256 * 1024;

export interface Gunzipped {
  bytes: Uint8Array;
  /** The gzip stream ended early (truncated file): bytes hold what could be inflated. */
  truncated: boolean;
}

export interface InflateLimits {
  maxBytes?: number;
  maxRatio?: number;
  ratioFloor?: number;
}

const size = (n: number) => (n < 2 ** 20 ? `${Math.ceil(n / 1024)} KiB` : `${Math.round(n / 2 ** 20)} MiB`);

/**
 * The gzip trailer's ISIZE (size mod 2^32 of the last member): a first guess for the output buffer,
 * trusted only as far as a plausible ratio, so a lying trailer costs nothing.
 */
function initialCapacity(input: Uint8Array, max: number, ratio: number): number {
  const n = input.length;
  const isize = n >= 18 ? (input[n - 4]! | (input[n - 3]! << 8) | (input[n - 2]! << 16) | (input[n - 1]! << 24)) >>> 0 : 0;
  const plausible = Math.min(max, n * Math.min(ratio, 16) + 65536);
  return isize > 0 && isize <= plausible ? isize : Math.min(plausible, 4 * n + 65536);
}

export async function gunzip(input: Uint8Array, limits: InflateLimits = {}): Promise<Gunzipped> {
  const max = limits.maxBytes ?? MAX_INFLATED_BYTES;
  const ratio = limits.maxRatio ?? BOMB_RATIO;
  const floor = limits.ratioFloor ?? BOMB_FLOOR;
  const ds = new DecompressionStream('gzip');
  const writer = ds.writable.getWriter();
  const reader = ds.readable.getReader();
  let fed = 0;
  let stop = false;
  // Feeds while the output is read; a write resolves once its chunk is taken, so `fed` runs at most
  // one chunk ahead of what was inflated (the ratio below is, if anything, understated).
  const feeding = (async () => {
    try {
      while (fed < input.length && !stop) {
        const chunk = input.subarray(fed, Math.min(input.length, fed + FEED));
        fed += chunk.length;
        await writer.write(chunk as Uint8Array<ArrayBuffer>);
      }
      if (!stop) await writer.close();
    } catch {
      // A corrupt stream errors on the reader side too; it is reported there.
    }
  })();

  let out = new Uint8Array(initialCapacity(input, max, ratio));
  let total = 0;
  let truncated = false;
  let refusal: IngestError | null = null;
  for (;;) {
    let r: ReadableStreamReadResult<Uint8Array>;
    try {
      r = await reader.read();
    } catch {
      truncated = true;
      break;
    }
    if (r.done) break;
    const next = total + r.value.length;
    if (next > max) {
      refusal = new IngestError(`decompressed data exceeds ${size(max)} (the file size limit)`);
      break;
    }
    if (next > floor && next > ratio * fed) {
      refusal = new IngestError(
        `refused as a decompression bomb: ${size(fed)} of gzip data already inflated to ${size(next)} (more than ${ratio}:1, and the file is ${size(input.length)})`,
      );
      break;
    }
    if (next > out.length) {
      const grown = new Uint8Array(Math.min(max, Math.max(next, out.length * 2)));
      grown.set(out.subarray(0, total));
      out = grown;
    }
    out.set(r.value, total);
    total = next;
  }
  if (refusal || truncated) {
    stop = true;
    await reader.cancel().catch(() => {});
    await writer.abort().catch(() => {});
  }
  await feeding;
  if (refusal) throw refusal;
  // Hand back a buffer of the right size when the guess overshot by much (it stays alive with the model).
  return { bytes: out.length - total > total / 8 ? out.slice(0, total) : out.subarray(0, total), truncated };
}

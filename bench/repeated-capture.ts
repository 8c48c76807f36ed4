/** Big ss captures for benches, made from a real fixture capture. */
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { fixturePath } from '../shared/test-support/fixtures.ts';

/** The capture `rel` repeated `copies` times, each copy's snapshot headers shifted after the previous one. */
export function repeatedCapture(rel: string, copies: number): Uint8Array {
  const text = gunzipSync(readFileSync(fixturePath(rel))).toString('latin1');
  const times = [...text.matchAll(/^### ss-snapshot (\d+)/gm)].map((m) => BigInt(m[1]!));
  const span = times[times.length - 1]! - times[0]! + 500_000_000n;
  const parts: Buffer[] = [];
  for (let c = 0; c < copies; c++) {
    const shift = span * BigInt(c);
    parts.push(Buffer.from(text.replace(/^### ss-snapshot (\d+)/gm, (_, ns: string) => `### ss-snapshot ${BigInt(ns) + shift}`), 'latin1'));
  }
  return new Uint8Array(Buffer.concat(parts));
}

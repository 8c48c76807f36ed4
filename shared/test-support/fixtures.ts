/** Test-only helpers to reach ../shared/fixtures (Node APIs allowed: tests run in Node). */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));
/** The fixtures folder: ../shared/fixtures beside the project (override with TRACEDECK_FIXTURES). */
export const FIXTURES = resolve(process.env.TRACEDECK_FIXTURES ?? join(here, '../../../shared/fixtures'));
export const BENCH_DATA = resolve(join(FIXTURES, '../bench-data'));

export function fixturePath(rel: string): string {
  return join(FIXTURES, rel);
}

export function readFixture(rel: string): Uint8Array {
  return readFileSync(fixturePath(rel));
}

/** Every fixture file, relative to FIXTURES, sorted. */
export function listFixtures(): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out.push(relative(FIXTURES, p));
    }
  };
  walk(FIXTURES);
  return out.sort();
}

export type ExpectedEntry = Record<string, unknown> & { kind?: string; format?: string };

export function expectedFigures(): Record<string, ExpectedEntry> {
  return JSON.parse(readFileSync(join(FIXTURES, 'expected.json'), 'utf8'));
}

/** Fixtures of one kind according to expected.json. */
export function fixturesOfKind(kind: string): [string, ExpectedEntry][] {
  return Object.entries(expectedFigures()).filter(([, e]) => e.kind === kind);
}

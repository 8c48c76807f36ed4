/**
 * `tracedeck diagnose FILES|FOLDERS… [--json]`: ingest every input in-process (the same ingest the app
 * uses), compute each source's findings facts, place them on one axis from their clocks, and print
 * the ranked findings (shared/query/findings). A folder stands for the files directly inside it;
 * files in it that are not evidence (a README, meta.json) are skipped with a note on stderr.
 */
import { readdirSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { ingestInput, reasonOf } from './host/ingest-input.ts';
import { findingFacts } from '../shared/query/findings/facts.ts';
import { diagnose, type PlacedFacts } from '../shared/query/findings/diagnose.ts';
import type { Finding } from '../shared/query/findings/types.ts';
import { epochDiffNs } from '../shared/model/time.ts';

export const DIAGNOSE_USAGE = `  tracedeck diagnose FILE|DIR… [--json]          name the incident: ranked findings with evidence and code checks`;

export interface DiagnoseOutput {
  findings: Finding[];
  /** Wall-clock epoch ns (decimal) of axis 0: evidence ranges are ns from it. Null when no source has a clock. */
  originEpochNs: string | null;
  /** Inputs that could not be read (explicit files) or were skipped (inside folders). */
  errors: { file: string; reason: string }[];
}

/** Files named, with folders expanded to the files directly inside them (sorted). */
function expand(paths: readonly string[]): { file: string; fromDir: boolean }[] {
  const out: { file: string; fromDir: boolean }[] = [];
  for (const p of paths) {
    let dir = false;
    try {
      dir = statSync(p).isDirectory();
    } catch {
      // Reported by the ingest as "cannot read file".
    }
    if (!dir) out.push({ file: p, fromDir: false });
    else
      for (const name of readdirSync(p).sort()) {
        const f = join(p, name);
        if (statSync(f).isFile()) out.push({ file: f, fromDir: true });
      }
  }
  return out;
}

export async function diagnoseFiles(paths: readonly string[]): Promise<DiagnoseOutput> {
  const errors: DiagnoseOutput['errors'] = [];
  const loaded: { facts: NonNullable<ReturnType<typeof findingFacts>>; origin: string | null }[] = [];
  for (const { file } of expand(paths)) {
    try {
      const { source } = await ingestInput({ path: file });
      const facts = findingFacts(source, { sourceId: file, name: basename(file), clock: source.clock.quality });
      if (facts) loaded.push({ facts, origin: source.clock.originEpochNs });
    } catch (e) {
      errors.push({ file, reason: reasonOf(e) });
    }
  }
  // Axis 0 = the earliest source origin, as the session places sources; a source without any clock sits at 0.
  const origins = loaded.map((l) => l.origin).filter((o): o is string => o !== null);
  const base = origins.length ? origins.reduce((a, b) => (BigInt(a) <= BigInt(b) ? a : b)) : null;
  const placed: PlacedFacts[] = loaded.map((l) => ({ facts: l.facts, shiftNs: l.origin && base ? epochDiffNs(l.origin, base) : 0 }));
  return { findings: diagnose(placed).findings, originEpochNs: base, errors };
}

function printText(out: DiagnoseOutput): void {
  if (out.findings.length === 0) console.log('No findings: nothing in these files matches a known incident pattern.');
  for (const f of out.findings) {
    console.log(`[${f.confidence.toUpperCase()}] ${f.pattern}: ${f.title}`);
    console.log(`  ${f.summary}`);
    for (const e of f.evidence) console.log(`  evidence (${e.view}, ${e.sourceName}): ${e.figure}`);
    for (const n of f.next) console.log(`  check: ${n}`);
    console.log('');
  }
}

export async function cmdDiagnose(args: string[]): Promise<number> {
  const json = args.includes('--json');
  const paths = args.filter((a) => a !== '--json');
  if (paths.length === 0 || paths.some((p) => p.startsWith('-'))) {
    console.error(`usage:\n${DIAGNOSE_USAGE}`);
    return 2;
  }
  const out = await diagnoseFiles(paths);
  for (const e of out.errors) console.error(`tracedeck diagnose: skipped ${e.file}: ${e.reason}`);
  if (json) process.stdout.write(JSON.stringify({ findings: out.findings, originEpochNs: out.originEpochNs }, null, 2) + '\n');
  else printText(out);
  // Nothing readable at all is a failure; unreadable extras next to real evidence are only noted.
  return out.findings.length === 0 && out.errors.length > 0 && out.errors.length === expand(paths).length ? 1 : 0;
}

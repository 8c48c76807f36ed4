/**
 * The postmortem bundle: one folder an engineer attaches to the incident —
 *
 *   report.md          sources with provenance, the selected range (wall clock + time zone), the
 *                      findings (named incident patterns with evidence), key `inspect` figures per
 *                      source, annotations, the images inline
 *   images/            the exported PNG/SVG pictures
 *   sources/           the raw files, copied byte for byte
 *   session.tracedeck  reopens the same screen (its sources point at sources/ as a fallback)
 *
 * — or the same tree as one .zip (under a top folder named like the .zip, so unzipping next to it
 * gives the folder a folder bundle would have been).
 *
 * Plain Node; no 'electron'.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Annotation, SessionUiState, SourceInfo } from '../../shared/bridge.ts';
import { epochAdd } from '../../shared/model/time.ts';
import { formatSpanNs, formatWallClock } from '../../shared/wall-clock.ts';
import { writeZipFile, zipToBytes, type ZipEntry } from './zip-writer.ts';
import { figuresMarkdown, mdEscape, oneLine } from './report-figures.ts';
import { bytes } from '../../shared/query/findings/format.ts';
import type { Finding } from '../../shared/query/findings/types.ts';
import { sourceDisplayNames } from '../../shared/source-names.ts';

export interface BundleSource {
  info: SourceInfo;
  /** Bytes to write when there is no file to copy. */
  bytes?: Uint8Array;
  /**
   * The file to copy (its first info.sizeBytes bytes): one the host read this source from and whose
   * hash the caller checked (session-actions.ts). Never taken from the origin, which is descriptive.
   */
  path?: string;
}

export interface BundleInput {
  sources: BundleSource[];
  originEpochNs: string | null;
  ui: SessionUiState;
  images: { name: string; bytes: Uint8Array }[];
  /** The session file's text (built by the caller with `bundleSourceNames` as relative paths). */
  sessionText: string;
  createdAt?: Date;
  /** IANA zone for the report's wall-clock times (default: this process's). */
  timeZone?: string;
  /** Sources not copied into sources/, and why (named in the report). */
  leftOut?: { name: string; reason: string }[];
  /** Ranked findings over the bundle's sources (shared/query/findings), when computed. */
  findings?: Finding[];
}

/** File names for each source inside sources/ (unique: two dumps may share a base name). */
export function bundleSourceNames(infos: SourceInfo[]): Map<string, string> {
  const used = new Set<string>();
  const out = new Map<string, string>();
  for (const info of infos) {
    // A name of dots alone ('.', '..': an upload may be named so) would name sources/ or the bundle itself.
    const plain = info.name.replace(/[^\w.@+-]+/g, '_');
    const safe = plain === '' ? 'source' : /^\.+$/.test(plain) ? `source${plain}` : plain;
    let name = safe;
    for (let i = 2; used.has(name); i++) name = safe.replace(/^([^.]*)/, `$1-${i}`);
    used.add(name);
    out.set(info.id, name);
  }
  return out;
}

export function defaultTimeZone(): string {
  return process.env.TZ || Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

export { formatWallClock };

const formatNsDuration = formatSpanNs;

// Text from files and sessions someone else made goes into report.md as text, never as markdown
// (report-figures.ts says how).

/** A code span that holds any text: the fence is longer than any run of backticks inside. */
function mdCode(s: string): string {
  const text = oneLine(s);
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((r) => r.length));
  const fence = '`'.repeat(longest + 1);
  const pad = text.startsWith('`') || text.endsWith('`') || text === '' ? ' ' : '';
  return `${fence}${pad}${text}${pad}${fence}`;
}

function provenance(info: SourceInfo): string {
  const o = info.origin;
  if (o.type === 'ssh') return `SSH capture from host ${mdCode(o.host)}, command ${mdCode(o.command)}, file ${mdCode(o.path)}`;
  if (o.type === 'file') return `file ${mdCode(o.path)}`;
  return 'uploaded in the browser (copied into sources/)';
}

function rangeText(r: { startEpochNs: string; endEpochNs: string }, tz: string): string {
  const d = Number(BigInt(r.endEpochNs) - BigInt(r.startEpochNs));
  return `${formatWallClock(r.startEpochNs, tz)} – ${formatWallClock(r.endEpochNs, tz)} (${formatNsDuration(d)})`;
}

function annotationText(a: Annotation, tz: string): string {
  const when = a.endEpochNs ? rangeText({ startEpochNs: a.startEpochNs, endEpochNs: a.endEpochNs }, tz) : formatWallClock(a.startEpochNs, tz);
  return `- **${when}** — ${mdEscape(a.text)}`;
}

const noHtml = (s: string) => s.replace(/([<>])/g, '\\$1');

/** The findings section: each finding with its confidence, summary, evidence (wall-clock range) and checks. */
function findingsMarkdown(findings: Finding[], origin: string | null, names: Map<string, string>, sources: BundleSource[], tz: string): string[] {
  const out = ['## Findings', ''];
  if (findings.length === 0) out.push('None: nothing in these sources matches a known incident pattern.', '');
  // Named as the views name them (equal names with their folder); the copy's name is under Sources.
  const shown = sourceDisplayNames(sources.map((s) => s.info));
  const fileOf = new Map(sources.map((s) => [s.info.id, shown.get(s.info.id) ?? names.get(s.info.id) ?? s.info.name]));
  for (const f of findings) {
    // Summaries and checks hold `code` spans on purpose: only HTML is escaped there.
    out.push(`### ${f.confidence.toUpperCase()}: ${mdEscape(f.title)} (\`${f.pattern}\`)`, '', noHtml(f.summary), '', 'Evidence:', '');
    for (const e of f.evidence) {
      const a = origin ? epochAdd(origin, e.range.startNs) : null;
      const b = origin ? epochAdd(origin, e.range.endNs) : null;
      const when = a && b ? (a === b ? formatWallClock(a, tz) : rangeText({ startEpochNs: a, endEpochNs: b }, tz)) : 'time unknown';
      out.push(`- ${mdEscape(e.figure)} — ${mdEscape(fileOf.get(e.source) ?? e.sourceName)}, ${e.view} view, ${when}`);
    }
    out.push('', 'Check in the code:', '', ...f.next.map((n) => `- ${noHtml(n)}`), '');
  }
  return out;
}

/** report.md for the bundle (pure: exported for tests). */
export function buildReport(input: BundleInput, names: Map<string, string>): string {
  const tz = input.timeZone ?? defaultTimeZone();
  const created = input.createdAt ?? new Date();
  const out: string[] = ['# TraceDeck postmortem bundle', '', `Written ${formatWallClock(String(BigInt(created.getTime()) * 1_000_000n), tz)}.`, ''];
  out.push('## Selected range', '');
  if (input.ui.selection) out.push(rangeText(input.ui.selection, tz));
  else out.push('The whole session (no range selected).');
  out.push('');

  if (input.findings) out.push(...findingsMarkdown(input.findings, input.originEpochNs, names, input.sources, tz));

  out.push('## Sources', '');
  const shown = sourceDisplayNames(input.sources.map((s) => s.info));
  for (const { info } of input.sources) {
    out.push(`### ${mdEscape(shown.get(info.id) ?? info.name)}`, '');
    out.push(`- kind: ${info.kind} (${mdEscape(info.format || 'unknown format')})${info.partial ? ' — **partial** (truncated or damaged; figures cover what parsed)' : ''}`);
    out.push(`- provenance: ${provenance(info)}`);
    out.push(`- size: ${info.sizeBytes >= 1024 ? `${bytes(info.sizeBytes)} (${info.sizeBytes.toLocaleString('en-US')} bytes)` : `${info.sizeBytes} bytes`}`);
    if (info.sha256) out.push(`- SHA-256: \`${info.sha256}\``);
    const name = names.get(info.id);
    if (name) out.push(`- copy: [sources/${name}](sources/${encodeURI(name)})`);
    if (input.originEpochNs && info.axisStartNs !== undefined && info.axisEndNs !== undefined) {
      const a = epochAdd(input.originEpochNs, info.axisStartNs);
      const b = epochAdd(input.originEpochNs, info.axisEndNs);
      out.push(`- capture time: ${a === b ? formatWallClock(a, tz) : rangeText({ startEpochNs: a, endEpochNs: b }, tz)}`);
    }
    if (info.clock) out.push(`- clock: ${info.clock.quality} (${mdEscape(info.clock.basis)})${info.offsetNs ? `, shifted by ${formatNsDuration(info.offsetNs)}` : ''}`);
    if (info.status === 'error') out.push(`- **error**: ${mdEscape(info.error ?? 'unknown')}`);
    for (const w of info.warnings ?? []) out.push(`- warning: ${mdEscape(w)}`);
    out.push('', ...figuresMarkdown(info.figures, tz), '');
  }

  if (input.leftOut?.length) {
    out.push('## Sources left out', '');
    for (const l of input.leftOut) out.push(`- ${mdEscape(l.name)}: ${mdEscape(l.reason)}`);
    out.push('');
  }

  out.push('## Annotations', '');
  if (input.ui.annotations.length === 0) out.push('None.');
  const sorted = [...input.ui.annotations].sort((a, b) => (BigInt(a.startEpochNs) < BigInt(b.startEpochNs) ? -1 : 1));
  for (const a of sorted) out.push(annotationText(a, tz));
  out.push('');

  if (input.images.length) {
    out.push('## Images', '');
    for (const im of input.images) out.push(`![${mdEscape(im.name)}](images/${encodeURI(im.name)})`, '');
  }
  out.push('## Reopen', '', 'Open `session.tracedeck` in TraceDeck (drop it on the window or `tracedeck session.tracedeck`).', '');
  return out.join('\n');
}

const SAFE_IMAGE = /^[\w.-]{1,100}$/;

function checkImageNames(input: BundleInput): void {
  // Names come from the page: never let one climb out of images/.
  for (const im of input.images) if (!SAFE_IMAGE.test(im.name) || im.name.startsWith('.')) throw new Error(`bad image name ${im.name}`);
}

/** Writes the bundle folder (created if missing) and returns its path. */
export async function writeBundle(dir: string, input: BundleInput): Promise<string> {
  const names = bundleSourceNames(input.sources.map((s) => s.info));
  checkImageNames(input);
  await mkdir(join(dir, 'images'), { recursive: true });
  await mkdir(join(dir, 'sources'), { recursive: true });
  for (const im of input.images) await writeFile(join(dir, 'images', im.name), im.bytes);
  for (const s of input.sources) {
    const name = names.get(s.info.id)!;
    const dest = join(dir, 'sources', name);
    if (s.bytes) await writeFile(dest, s.bytes);
    else if (s.path) await copyPrefix(s.path, dest, s.info.sizeBytes);
  }
  await writeFile(join(dir, 'session.tracedeck'), input.sessionText);
  await writeFile(join(dir, 'report.md'), buildReport(input, names));
  return dir;
}

/** The bundle's files as ZIP entries under `top/`; sources are read when their turn comes. */
function bundleEntries(top: string, input: BundleInput): ZipEntry[] {
  const names = bundleSourceNames(input.sources.map((s) => s.info));
  checkImageNames(input);
  const enc = new TextEncoder();
  const entries: ZipEntry[] = [
    { name: `${top}/report.md`, bytes: enc.encode(buildReport(input, names)) },
    { name: `${top}/session.tracedeck`, bytes: enc.encode(input.sessionText) },
  ];
  for (const im of input.images) entries.push({ name: `${top}/images/${im.name}`, bytes: im.bytes });
  for (const s of input.sources) {
    const path = s.path;
    const bytes = s.bytes ?? (path ? () => readPrefix(path, s.info.sizeBytes) : undefined);
    if (bytes) entries.push({ name: `${top}/sources/${names.get(s.info.id)!}`, bytes });
  }
  return entries;
}

/** Copies a file's first `size` bytes (what was ingested: a live capture may have grown since). */
async function copyPrefix(src: string, dest: string, size: number): Promise<void> {
  if (size <= 0) return writeFile(dest, new Uint8Array(0));
  try {
    await pipeline(createReadStream(src, { start: 0, end: size - 1 }), createWriteStream(dest));
  } catch (e) {
    await rm(dest, { force: true });
    throw e;
  }
}

async function readPrefix(src: string, size: number): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  if (size > 0) for await (const c of createReadStream(src, { start: 0, end: size - 1 })) chunks.push(c as Buffer);
  return new Uint8Array(Buffer.concat(chunks));
}

/** A safe top-folder name for a .zip bundle (its base name). */
export function zipTopFolder(zipName: string): string {
  return zipName.replace(/\.zip$/i, '').replace(/[^\w.@+-]+/g, '_').replace(/^\.+/, '') || 'tracedeck-bundle';
}

/** Writes the bundle as one .zip file at `path` (nothing left behind on failure). Returns its size. */
export function writeBundleZip(path: string, top: string, input: BundleInput): Promise<number> {
  return writeZipFile(path, bundleEntries(top, input), { ...(input.createdAt ? { mtime: input.createdAt } : {}) });
}

/** The bundle as .zip bytes (browser mode downloads them). */
export function bundleZipBytes(top: string, input: BundleInput): Promise<Uint8Array> {
  return zipToBytes(bundleEntries(top, input), { ...(input.createdAt ? { mtime: input.createdAt } : {}) });
}

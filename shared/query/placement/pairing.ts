/**
 * Pair by content: a source with no clock of its own (placed by file mtime, which a copy resets)
 * is placed at the time of an exactly-timed source that saw the same thing:
 *
 * - a goroutine dump (debug=1/2) whose goroutines match a goroutine profile with time_nanos: about
 *   the same count and mostly the same stacks, as the text and protobuf forms taken together are;
 * - a one-snapshot socket listing (lsof, plain ss, `ss -s`) that agrees with one snapshot of a
 *   timed ss capture: the same owned sockets (pid/fd, state and ports), or the same counts by state.
 *
 * A pairing is made only when it is unambiguous: one partner clearly best, and for captures, the
 * best-matching snapshots close together in time (a steady capture matches a listing everywhere
 * and says nothing about when it was taken). Pure: the host applies the result (SessionStore).
 */
import type { ClockQuality, EpochNsString, Nanoseconds } from '../../model/time.ts';
import { epochAdd } from '../../model/time.ts';
import type { GoroutineFingerprint, PlacementFingerprint, SocketFingerprint, SocketSnapshotPrint } from './fingerprint.ts';

export interface PairingSource {
  id: string;
  name: string;
  quality: ClockQuality;
  /** Wall-clock time of the source's t=0 as placed now (origin plus any user offset), or null. */
  zeroEpochNs: EpochNsString | null;
  fingerprint: PlacementFingerprint | null;
}

export interface ContentPairing {
  /** The source placed. */
  id: string;
  partnerId: string;
  partnerName: string;
  /** Where the source's t=0 goes: the moment its partner saw the same content. */
  epochNs: EpochNsString;
  /** Shown as the clock's basis, e.g. "paired with goroutine.pb.gz: 150 vs 150 goroutines, 99% of stacks alike". */
  basis: string;
  /** 0..1, how alike the two are. */
  score: number;
}

/** Least share of goroutines whose stacks must match (runtime frames aside). */
export const MIN_GOROUTINE_SIMILARITY = 0.75;
/** The best partner must beat the next by this much. */
export const MIN_MARGIN = 0.05;
/** Least Jaccard similarity of a listing's sockets and a snapshot's sockets of the same processes. */
export const MIN_SOCKET_SIMILARITY = 0.9;
/** Snapshots that match about as well as the best must lie within this span, else the time is unknown. */
export const MAX_TIE_SPAN_NS = 2e9;
/** A listing must show at least this many sockets to be placed by them. */
const MIN_SOCKETS = 3;
/** Scores this close to the best count as a tie. */
const TIE = 0.005;

const placeable = (q: ClockQuality) => q === 'estimated';
const timed = (q: ClockQuality) => q === 'exact';

/** Share of goroutines whose stacks the two have in common (multiset overlap over the larger count). */
export function goroutineSimilarity(a: GoroutineFingerprint, b: GoroutineFingerprint): number {
  const n = Math.max(a.total, b.total);
  if (n === 0) return 0;
  let common = 0;
  for (const [k, c] of Object.entries(a.stacks)) common += Math.min(c, b.stacks[k] ?? 0);
  return common / n;
}

/** Counts within 10% (or 2) of each other: dumps taken together differ by the goroutine serving them. */
function countsAgree(a: number, b: number): boolean {
  return Math.abs(a - b) <= Math.max(2, 0.1 * Math.max(a, b));
}

function pairGoroutines(src: PairingSource & { fingerprint: GoroutineFingerprint }, all: PairingSource[]): ContentPairing | null {
  const scored = all
    .filter((p) => p.id !== src.id && timed(p.quality) && p.zeroEpochNs !== null && p.fingerprint?.type === 'goroutines')
    .map((p) => ({ p, fp: p.fingerprint as GoroutineFingerprint, score: goroutineSimilarity(src.fingerprint, p.fingerprint as GoroutineFingerprint) }))
    .sort((x, y) => y.score - x.score);
  const best = scored[0];
  if (!best || best.score < MIN_GOROUTINE_SIMILARITY || !countsAgree(src.fingerprint.total, best.fp.total)) return null;
  if (scored[1] && best.score - scored[1].score < MIN_MARGIN) return null;
  const seenAt = epochAdd(best.p.zeroEpochNs!, best.fp.atNs);
  return {
    id: src.id,
    partnerId: best.p.id,
    partnerName: best.p.name,
    epochNs: epochAdd(seenAt, -src.fingerprint.atNs),
    basis: `paired with ${best.p.name}: ${src.fingerprint.total} vs ${best.fp.total} goroutines, ${Math.round(best.score * 100)}% of stacks alike`,
    score: best.score,
  };
}

/** A listing's sockets, by pid, ready to compare with many snapshots. */
export type ListingSets = Map<string, Set<string>>;

export function listingSets(keys: Record<string, string[]>): ListingSets {
  return new Map(Object.entries(keys).map(([pid, ks]) => [pid, new Set(ks)]));
}

/** Jaccard similarity of a listing's sockets and the snapshot's sockets of the same processes. */
export function socketSimilarity(listing: ListingSets, snapshot: Record<string, string[]>): number {
  let both = 0;
  let union = 0;
  for (const [pid, mine] of listing) {
    const theirs = snapshot[pid] ?? [];
    let common = 0;
    for (const k of theirs) if (mine.has(k)) common++;
    both += common;
    union += mine.size + theirs.length - common;
  }
  return union === 0 ? 0 : both / union;
}

function keyCount(keys: Record<string, string[]>, portsOnly: boolean): number {
  let n = 0;
  for (const ks of Object.values(keys)) n += portsOnly ? ks.filter((k) => !k.startsWith('fd ')).length : ks.length;
  return n;
}

/** `ss -s` totals agree with a snapshot's counts: ESTAB and TIME-WAIT exactly (and some of them). */
function summaryMatches(summary: Record<string, number>, snap: SocketSnapshotPrint): number {
  const estab = summary.estab ?? -1;
  const tw = summary.timewait ?? -1;
  if (estab + tw <= 0) return 0;
  return (snap.counts.ESTAB ?? 0) === estab && (snap.counts['TIME-WAIT'] ?? 0) === tw ? 1 : 0;
}

interface SnapshotHit {
  partner: PairingSource;
  snap: SocketSnapshotPrint;
  score: number;
}

/** The best snapshot when the snapshots matching about as well lie close together; else null. */
function unambiguous(hits: SnapshotHit[]): SnapshotHit | null {
  if (hits.length === 0) return null;
  const bestScore = Math.max(...hits.map((h) => h.score));
  const ties = hits.filter((h) => h.score >= bestScore - TIE);
  const partners = new Set(ties.map((h) => h.partner.id));
  if (partners.size > 1) return null;
  const times = ties.map((h) => h.snap.timeNs);
  if (Math.max(...times) - Math.min(...times) > MAX_TIE_SPAN_NS) return null;
  // The first of the run: the listing shows a state that began there (it may have lasted a little).
  return ties.reduce((a, b) => (b.snap.timeNs < a.snap.timeNs ? b : a));
}

function pairSockets(src: PairingSource & { fingerprint: SocketFingerprint }, all: PairingSource[]): ContentPairing | null {
  const own = src.fingerprint.snapshots;
  if (own.length !== 1) return null;
  const listing = own[0]!;
  const summary = src.fingerprint.summary;
  const byKeys = keyCount(listing.keys, false) >= MIN_SOCKETS;
  const mine = listingSets(listing.keys);
  if (!byKeys && summary === null) return null;
  const hits: SnapshotHit[] = [];
  for (const p of all) {
    if (p.id === src.id || !timed(p.quality) || p.zeroEpochNs === null || p.fingerprint?.type !== 'sockets') continue;
    if (p.fingerprint.snapshots.length < 2) continue;
    for (const snap of p.fingerprint.snapshots) {
      const score = byKeys ? socketSimilarity(mine, snap.keys) : summaryMatches(summary!, snap);
      hits.push({ partner: p, snap, score });
    }
  }
  const min = byKeys ? MIN_SOCKET_SIMILARITY : 1;
  const best = unambiguous(hits.filter((h) => h.score >= min));
  if (!best) return null;
  const what = byKeys
    ? `the same ${keyCount(listing.keys, true) || keyCount(listing.keys, false)} sockets (${Math.round(best.score * 100)}% alike)`
    : `the same ESTAB and TIME-WAIT counts`;
  return {
    id: src.id,
    partnerId: best.partner.id,
    partnerName: best.partner.name,
    epochNs: epochAdd(best.partner.zeroEpochNs!, best.snap.timeNs - listing.timeNs),
    basis: `paired with ${best.partner.name}: ${what} as its snapshot at ${formatOffset(best.snap.timeNs)}`,
    score: best.score,
  };
}

function formatOffset(ns: Nanoseconds): string {
  return `+${(ns / 1e9).toFixed(1)} s`;
}

/** Pairings for every source that has no clock of its own and an unambiguous partner. */
export function pairByContent(sources: PairingSource[]): ContentPairing[] {
  const out: ContentPairing[] = [];
  for (const s of sources) {
    if (!placeable(s.quality) || s.fingerprint === null) continue;
    const p =
      s.fingerprint.type === 'goroutines'
        ? pairGoroutines(s as PairingSource & { fingerprint: GoroutineFingerprint }, sources)
        : pairSockets(s as PairingSource & { fingerprint: SocketFingerprint }, sources);
    if (p) out.push(p);
  }
  return out;
}

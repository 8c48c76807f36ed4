/**
 * One weighted input under one set of focus / ignore / hide (built by call-tree-input.ts), and the
 * weights read from it. Its own module because both the filter cache (call-tree-input.ts) and the
 * tree expander (call-tree-expander.ts) use it, and the cache holds expanders.
 */
import type { StackTable } from '../../model/stacks.ts';
import { ensureCapacity } from '../../model/column.ts';
import type { Children, FrameNames, LeafSlots } from './stack-index.ts';

/** One input under one set of focus / ignore / hide. */
export interface Prepared {
  t: StackTable;
  slots: LeafSlots;
  /** The table's own function-name ids. */
  fn: FrameNames;
  /** Per frame: 1 when hidden (hide), else null. */
  hidden: Uint8Array | null;
  /** The hide regex ('' for none): names `hidden` for the stack indexes' caches. */
  hideKey: string;
  /** Per slot: weight of the kept samples ending at that slot's stack. */
  W: Float64Array;
  /** Prefix sums of W (exact weights only): a stack's inclusive weight is S[hi] - S[lo]. */
  S: Float64Array | null;
  /** Inexact weights: per stack, its inclusive weight summed up the tree. */
  dense: Float64Array | null;
  rootSelf: number;
  total: number;
  /** Some kept weight is negative (a subtree may then sum to 0 and still hold weight). */
  negative: boolean;
  /** Inexact weights only: per sample, 1 when kept (so `matched` can be summed sample by sample). */
  keptSample: Uint8Array | null;
  /**
   * Weights are integers with sums below 2^53, so sums do not depend on their order: prefix-sum
   * differences, per-stack sums and per-sample sums are all the same number.
   */
  exact: boolean;
}

/** Inclusive weight of stack s (its kept samples and those of every stack under it). */
export function cumOf(p: Prepared, s: number): number {
  if (p.dense) return p.dense[s]!;
  const a = p.slots.lo[s]!;
  return p.S![a + p.slots.size[s]!]! - p.S![a]!;
}

/** Weight of the kept samples ending exactly at stack s. */
function ownOf(p: Prepared, s: number): number {
  const { lo, size, slotStack } = p.slots;
  const a = lo[s]!;
  return size[s]! > 0 && slotStack[a] === s ? p.W[a]! : 0;
}

/** Reusable traversal stack for selfOf (which runs inside the expander's own walk). */
let selfWalk = new Int32Array(256);

/**
 * Self weight of visible stack s: its own samples, and (hide) those of hidden stacks below it
 * reached through hidden stacks only, whose weight goes to s, their nearest visible caller.
 */
export function selfOf(p: Prepared, s: number, ch: Children): number {
  let self = ownOf(p, s);
  if (!p.hidden) return self;
  const { start, list } = ch;
  const frame = p.t.stackFrame;
  let top = 0;
  selfWalk[top++] = s;
  while (top > 0) {
    const x = selfWalk[--top]!;
    for (let i = start[x + 1]!; i < start[x + 2]!; i++) {
      const c = list[i]!;
      if (!p.hidden[frame[c]!] || p.slots.size[c] === 0) continue;
      self += ownOf(p, c);
      if (top === selfWalk.length) selfWalk = ensureCapacity(selfWalk, top + 1);
      selfWalk[top++] = c;
    }
  }
  return self;
}

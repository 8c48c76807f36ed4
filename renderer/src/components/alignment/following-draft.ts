/**
 * A text box over a value that can change under it: a source's start moves when it is dragged on
 * its lane, placed from the tray, paired, or aligned from another box. The box shows the current
 * value, except while the user types: text typed into the focused box stays; once the box is left
 * unapplied, the text stays only as long as the value it was typed over has not changed.
 */
import { useState } from 'react';

export interface Draft {
  text: string;
  /** The value shown when the user started typing. */
  over: string;
}

/** What the box shows (pure). */
export function shownText(draft: Draft | null, current: string, typing: boolean): string {
  if (draft === null) return current;
  return typing || draft.over === current ? draft.text : current;
}

export interface FollowingDraft {
  value: string;
  onChange: (text: string) => void;
  onFocus: () => void;
  onBlur: () => void;
  /** Back to following the current value (after applying). */
  reset: () => void;
}

export function useFollowingDraft(current: string): FollowingDraft {
  const [draft, setDraft] = useState<Draft | null>(null);
  const [typing, setTyping] = useState(false);
  const value = shownText(draft, current, typing);
  return {
    value,
    // Typed over what is shown now: a draft left behind by a move starts again from the new value.
    onChange: (text) => setDraft({ text, over: draft && (typing || draft.over === current) ? draft.over : current }),
    onFocus: () => setTyping(true),
    onBlur: () => setTyping(false),
    reset: () => setDraft(null),
  };
}

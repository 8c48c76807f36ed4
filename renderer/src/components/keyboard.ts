/**
 * Keyboard use of rows and entries (sources, goroutine groups, top-table rows): Tab reaches each,
 * Enter or Space does what a click does, ↑/↓ move to the previous/next one in the same list.
 * The keys are listed in the help overlay (layout/HelpOverlay.tsx): change both together.
 */
import type { KeyboardEvent } from 'react';

const isActivate = (e: KeyboardEvent) => e.key === 'Enter' || e.key === ' ';

/** Focuses the sibling of `el` (same parent, focusable) `step` places away, if there is one. */
function focusSibling(el: HTMLElement, step: 1 | -1): boolean {
  let n: Element | null = el;
  do n = step > 0 ? n.nextElementSibling : n.previousElementSibling;
  while (n && !(n instanceof HTMLElement && n.tabIndex >= 0));
  if (!n) return false;
  (n as HTMLElement).focus();
  return true;
}

/**
 * Props that make an element a keyboard-operable entry of a list: focusable, Enter/Space run
 * `activate`, ↑/↓ move between entries. Keys from controls inside the entry are theirs.
 */
export function entryKeys(activate: () => void) {
  return {
    tabIndex: 0,
    onKeyDown(e: KeyboardEvent<HTMLElement>) {
      if (e.target !== e.currentTarget) return;
      if (isActivate(e)) {
        e.preventDefault();
        activate();
      } else if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
        if (focusSibling(e.currentTarget, e.key === 'ArrowDown' ? 1 : -1)) e.preventDefault();
      }
    },
  };
}

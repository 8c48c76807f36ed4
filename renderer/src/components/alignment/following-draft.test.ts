import { describe, expect, it } from 'vitest';
import { shownText } from './following-draft.ts';

describe('shownText (the "starts at" / offset boxes)', () => {
  const opened = '2026-11-22 19:37:47.981';
  const moved = '2026-11-22 19:38:02.500';

  it('follows the source when nothing was typed', () => {
    expect(shownText(null, opened, false)).toBe(opened);
    expect(shownText(null, moved, false)).toBe(moved);
    // Focus alone is not typing over it.
    expect(shownText(null, moved, true)).toBe(moved);
  });

  it('keeps what the user is typing, even when the source moves meanwhile', () => {
    const draft = { text: '19:40', over: opened };
    expect(shownText(draft, opened, true)).toBe('19:40');
    expect(shownText(draft, moved, true)).toBe('19:40');
  });

  it('keeps unapplied text after leaving the box until the source moves, then shows the new start', () => {
    const draft = { text: '19:40', over: opened };
    expect(shownText(draft, opened, false)).toBe('19:40');
    expect(shownText(draft, moved, false)).toBe(moved);
  });
});

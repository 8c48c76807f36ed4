import type { SlotId } from './layout-model.ts';

/** Scrolls a panel slot into view and flashes it briefly, so a click elsewhere shows where it led. */
export function revealSlot(id: SlotId): void {
  const el = document.querySelector<HTMLElement>(`.panel-slot.slot-${id}`);
  if (!el) return;
  el.scrollIntoView?.({ block: 'nearest', behavior: 'smooth' });
  el.classList.remove('slot-flash');
  // Restart the animation even when the same slot is revealed twice in a row.
  void el.offsetWidth;
  el.classList.add('slot-flash');
  setTimeout(() => el.classList.remove('slot-flash'), 1200);
}

/**
 * The export stage: a view exported alone is laid out again for the picture before it is serialized
 * — at the export width (at least 1200 px), every scroller opened to its full content, and the form
 * controls taken out of the layout — then put back exactly as it was. A screenshot of the panel
 * would show only what its scrollers and the workspace's column happen to leave visible.
 *
 * A container marked `data-export-stack` puts its side-by-side children one above the other.
 *
 * Only inline style properties the stage sets are touched, and each is restored to its own former
 * value, so React's own inline styles survive.
 */

/** The default picture width of a view exported alone (wider when the view already is). */
export const EXPORT_MIN_WIDTH = 1200;

type Saved = { el: HTMLElement; prop: string; value: string; priority: string }[];

function set(saved: Saved, el: HTMLElement, prop: string, value: string) {
  saved.push({ el, prop, value: el.style.getPropertyValue(prop), priority: el.style.getPropertyPriority(prop) });
  el.style.setProperty(prop, value, 'important');
}

/** Form controls (and the labels and hints around them) are for using the view, not for the picture: the caption lists their state. */
export function isFormControl(el: Element): boolean {
  if (el.matches('select, input, textarea')) return true;
  // Usage hints ("drag: select · wheel: zoom …") are about the controls, too.
  if (el.classList.contains('hint')) return true;
  if (el.matches('label') && el.querySelector('select, input, textarea')) return true;
  // Buttons outside tables (mode tabs, toggles, panel tools); a table's row toggles stay (they show ▸/▾).
  if (el.matches('button') && !el.closest('table, svg')) return true;
  if (el.matches('[role="group"], [role="toolbar"], [role="tablist"]') && el.querySelector('button') && !el.querySelector('table, svg, canvas')) return true;
  return false;
}

const frame = () => new Promise<void>((r) => requestAnimationFrame(() => r()));

/**
 * Resolves once the subtree has not changed for `quietMs` (its components re-measured the new width,
 * re-queried and redrew), or after `maxMs`.
 */
async function settle(root: Element, quietMs = 250, maxMs = 6000): Promise<void> {
  let last = performance.now();
  const mo = new MutationObserver(() => (last = performance.now()));
  mo.observe(root, { subtree: true, childList: true, attributes: true, characterData: true });
  const start = performance.now();
  try {
    await frame();
    await frame();
    while (performance.now() - start < maxMs) {
      const busy = root.querySelector('[data-state="loading"], [aria-busy="true"]');
      if (!busy && performance.now() - last >= quietMs) return;
      await new Promise((r) => setTimeout(r, 50));
    }
  } finally {
    mo.disconnect();
  }
}

/**
 * Lays `el` out for a picture of all its content, runs `draw`, and restores the page. The element
 * is lifted out of the workspace (fixed at the window's top-left, above everything) so its width is
 * its own and its height its content's.
 */
export interface StageOptions {
  /** Keep the form controls (the workspace picture shows the app as it is set up). */
  keepControls?: boolean;
  /** Containers with a set height of their own (the workspace's layout rows) that grow to their content. */
  autoHeight?: string;
}

export async function onExportStage<T>(el: HTMLElement, draw: () => T, opts: StageOptions = {}): Promise<T> {
  const saved: Saved = [];
  const width = Math.max(EXPORT_MIN_WIDTH, Math.round(el.getBoundingClientRect().width));
  try {
    set(saved, el, 'position', 'fixed');
    set(saved, el, 'left', '0');
    set(saved, el, 'top', '0');
    set(saved, el, 'width', `${width}px`);
    set(saved, el, 'max-width', 'none');
    set(saved, el, 'height', 'auto');
    set(saved, el, 'max-height', 'none');
    set(saved, el, 'z-index', '100000');
    set(saved, el, 'overflow', 'visible');
    for (const d of el.querySelectorAll<HTMLElement>('*')) {
      if (!(d instanceof HTMLElement) || d.closest('svg')) continue;
      if (d.hasAttribute('data-export-stack')) {
        // Side-by-side parts (the flame graph and its top table) one above the other, each the full width.
        set(saved, d, 'flex-direction', 'column');
        for (const c of d.children) if (c instanceof HTMLElement) set(saved, c, 'width', 'auto');
      }
      if (opts.autoHeight && d.matches(opts.autoHeight)) set(saved, d, 'height', 'auto');
      if (d.hasAttribute('data-export-skip') || d.classList.contains('sr-only') || (!opts.keepControls && isFormControl(d))) {
        set(saved, d, 'display', 'none');
        continue;
      }
      const cs = getComputedStyle(d);
      if (cs.overflowX !== 'visible' || cs.overflowY !== 'visible' || cs.maxHeight !== 'none') {
        // A scroller shows everything it holds: no clipping, no bounded height.
        set(saved, d, 'overflow', 'visible');
        set(saved, d, 'max-height', 'none');
        if (d.scrollHeight > d.clientHeight + 1) set(saved, d, 'height', 'auto');
      }
    }
    await settle(el);
    // A second pass: content that arrived at the new width may have brought scrollers of its own.
    let more = false;
    for (const d of el.querySelectorAll<HTMLElement>('*')) {
      if (!(d instanceof HTMLElement) || d.closest('svg') || getComputedStyle(d).display === 'none') continue;
      if (d.scrollHeight > d.clientHeight + 1 && getComputedStyle(d).overflowY !== 'visible') {
        set(saved, d, 'overflow', 'visible');
        set(saved, d, 'max-height', 'none');
        set(saved, d, 'height', 'auto');
        more = true;
      }
    }
    if (more) await settle(el);
    return draw();
  } finally {
    for (let i = saved.length - 1; i >= 0; i--) {
      const s = saved[i]!;
      if (s.value) s.el.style.setProperty(s.prop, s.value, s.priority);
      else s.el.style.removeProperty(s.prop);
    }
  }
}

import { useEffect, useRef, useState } from 'react';
import { useApp } from '../../store.ts';
import { PRESETS } from './layout-model.ts';

/** Toolbar menu of layout presets (the current one checked; "custom" once resized by hand). */
export function LayoutMenu() {
  const preset = useApp((s) => s.layout.preset);
  const applyPreset = useApp((s) => s.applyPreset);
  const [open, setOpen] = useState(false);
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!open) return;
    const close = (e: Event) => {
      if (e instanceof KeyboardEvent ? e.key === 'Escape' : !ref.current?.contains(e.target as Node)) setOpen(false);
    };
    window.addEventListener('pointerdown', close);
    window.addEventListener('keydown', close);
    ref.current?.querySelector<HTMLElement>('[aria-checked="true"], [role="menuitemradio"]')?.focus();
    return () => {
      window.removeEventListener('pointerdown', close);
      window.removeEventListener('keydown', close);
    };
  }, [open]);
  const current = PRESETS.find((p) => p.id === preset)?.label ?? 'Custom';
  return (
    <div className="layout-menu" ref={ref}>
      <button aria-haspopup="menu" aria-expanded={open} data-testid="layout-menu" onClick={() => setOpen((o) => !o)}>
        Layout: {current} ▾
      </button>
      {open && (
        <div role="menu" className="menu-popover" aria-label="Layout presets">
          {PRESETS.map((p) => (
            <button
              key={p.id}
              role="menuitemradio"
              aria-checked={p.id === preset}
              data-testid={`layout-preset-${p.id}`}
              onClick={() => {
                applyPreset(p.id);
                setOpen(false);
              }}
            >
              <b>{p.label}</b>
              <small>{p.hint}</small>
            </button>
          ))}
        </div>
      )}
    </div>
  );
}

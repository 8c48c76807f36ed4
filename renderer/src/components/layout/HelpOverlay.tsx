import { useEffect, useRef, useState, type ReactNode } from 'react';

interface Shortcut {
  keys: ReactNode;
  what: string;
}

const k = (...keys: string[]) => (
  <>
    {keys.map((x, i) => (
      <span key={i}>
        {i > 0 && ' '}
        <kbd>{x}</kbd>
      </span>
    ))}
  </>
);

/** Every shortcut the views offer, by view (kept beside the code that handles them: update both). */
export const SHORTCUTS: { view: string; items: Shortcut[] }[] = [
  {
    view: 'Timeline',
    items: [
      { keys: 'drag', what: 'select a time range (every view follows it)' },
      { keys: 'double-click', what: 'clear the selection (whole session)' },
      { keys: k('Esc'), what: 'clear the selection' },
      { keys: 'wheel', what: 'zoom around the pointer' },
      { keys: <>{k('Shift')} + wheel</>, what: 'pan' },
      { keys: 'drag the time axis', what: 'pan' },
      { keys: k('+', '-'), what: 'zoom in / out (timeline focused)' },
      { keys: k('←', '→'), what: 'pan by a tenth of the view' },
      { keys: k('0'), what: 'reset zoom' },
      { keys: <>{k('Alt')} + drag a lane</>, what: 'move that source along the axis (manual alignment)' },
      { keys: 'click an interval of a profile series', what: 'select it: the flame graph shows that interval’s delta' },
      { keys: 'hover', what: 'time cursor shared by every time-based view' },
    ],
  },
  {
    view: 'Trace timeline',
    items: [
      { keys: <>{k('Ctrl')} + wheel, or {k('W', 'S')}</>, what: 'zoom in / out (around the pointer), down to single events' },
      { keys: <>{k('A', 'D')}, {k('Shift')} + wheel, or drag</>, what: 'pan' },
      { keys: 'wheel', what: 'scroll the lanes' },
      { keys: <>drag the time axis, or {k('Shift')} + drag</>, what: 'select that range: the brush every view follows' },
      { keys: k('B'), what: 'make the view the brush' },
      { keys: k('0'), what: 'back to the brush (or the whole trace)' },
      { keys: 'hover / click a slice', what: 'goroutine, function, state, reason, duration / stack, waker, events' },
      { keys: k('↑', '↓'), what: 'choose a lane' },
      { keys: k('←', '→'), what: 'open the previous / next slice on that lane' },
      { keys: k('F'), what: 'zoom to the open slice' },
      { keys: k('Backspace'), what: 'back from a jump to the waker' },
      { keys: k('Esc'), what: 'close the slice' },
    ],
  },
  {
    view: 'Connections heat map',
    items: [
      { keys: 'drag', what: 'select a time range' },
      { keys: 'click a cell', what: 'list the sockets of that snapshot and row' },
      { keys: 'double-click', what: 'clear the selection' },
      { keys: <>{k('Tab')} to the cells, {k('←', '→')}</>, what: 'move the cell cursor to the previous / next snapshot' },
      { keys: k('↑', '↓'), what: 'move the cell cursor to the row above / below' },
      { keys: k('Home', 'End'), what: 'first / last snapshot' },
      { keys: <>{k('Enter')} or {k('Space')}</>, what: 'list the sockets of the cell under the cursor' },
    ],
  },
  {
    view: 'Flame graph',
    items: [
      { keys: 'click a frame', what: 'zoom into it (click the root to step out)' },
      { keys: 'right-click a frame', what: 'focus on / ignore / hide that function' },
      { keys: k('Esc'), what: 'close the frame menu' },
      { keys: 'click a top-table row', what: 'focus on that function (again: show all)' },
      { keys: 'search box', what: 'highlight functions matching a regex' },
      { keys: <>{k('Tab')} to the graph, {k('↑', '↓')}</>, what: 'move the frame cursor to a child / the parent (flipped in an icicle)' },
      { keys: k('←', '→'), what: 'move the frame cursor to the previous / next sibling' },
      { keys: <>{k('Enter')} or {k('Space')}</>, what: 'zoom into the frame under the cursor' },
      { keys: k('Esc'), what: 'reset the zoom (graph focused)' },
      { keys: <>{k('Shift', 'F10')} or {k('Menu')}</>, what: 'the frame menu: focus on / ignore / hide' },
      { keys: <>{k('Tab')} to a top-table row, {k('Enter')}</>, what: 'focus on that function (↑ / ↓ move between rows; Enter on a column heading sorts)' },
    ],
  },
  {
    view: 'Goroutines',
    items: [
      { keys: 'click a group', what: 'expand it: its stack and one lane per goroutine' },
      { keys: '“Show in flame graph”', what: 'the group’s stack, focused, in the flame graph' },
      { keys: <>{k('Tab')} to a group, {k('Enter')} or {k('Space')}</>, what: 'expand / collapse it' },
      { keys: k('↑', '↓'), what: 'previous / next group' },
    ],
  },
  {
    view: 'What changed',
    items: [
      { keys: <>click, or {k('Enter')}</>, what: 'open the row in the view that shows it' },
      { keys: '“Pin selection as baseline”', what: 'compare the next selection with this one' },
    ],
  },
  {
    view: 'Sources',
    items: [
      { keys: <>{k('Tab')} to a source, {k('Enter')} or {k('Space')}</>, what: 'show it in the views (flame graph, heat map)' },
      { keys: k('↑', '↓'), what: 'previous / next source' },
    ],
  },
  {
    view: 'Layout and app',
    items: [
      { keys: k('Tab'), what: 'reach every control, view mode, row, heat-map cell and flame frame (focus is outlined)' },
      { keys: 'drag a handle', what: 'resize the panels on either side (or the sources list)' },
      { keys: <>{k('Tab')} to a handle, {k('←', '→', '↑', '↓')}</>, what: 'resize by keyboard (with Shift: bigger steps)' },
      { keys: 'Layout menu', what: 'presets: triage overview, flame graph focus, network focus' },
      { keys: k('?'), what: 'show or hide this help' },
      { keys: k('Esc'), what: 'close this help' },
    ],
  },
];

const typing = (t: EventTarget | null) =>
  t instanceof HTMLElement && (t.isContentEditable || t.tagName === 'INPUT' || t.tagName === 'TEXTAREA' || t.tagName === 'SELECT');

/** The `?` toolbar button and the overlay it opens; `?` anywhere (outside a text field) toggles it. */
export function HelpButton() {
  const [open, setOpen] = useState(false);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === '?' && !typing(e.target) && !e.ctrlKey && !e.metaKey && !e.altKey) {
        e.preventDefault();
        setOpen((o) => !o);
      } else if (e.key === 'Escape') setOpen(false);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
  return (
    <>
      <button data-testid="help-button" aria-label="Keyboard shortcuts" title="Keyboard shortcuts (?)" onClick={() => setOpen((o) => !o)}>
        ?
      </button>
      {open && <HelpOverlay onClose={() => setOpen(false)} />}
    </>
  );
}

export function HelpOverlay({ onClose }: { onClose: () => void }) {
  const closeRef = useRef<HTMLButtonElement>(null);
  useEffect(() => closeRef.current?.focus(), []);
  return (
    <div className="help-backdrop" onClick={onClose}>
      <div role="dialog" aria-modal="true" aria-label="Keyboard shortcuts" className="help-dialog" data-testid="help-overlay" onClick={(e) => e.stopPropagation()}>
        <header>
          <h2>Keyboard and mouse</h2>
          <span className="muted">press ? to close</span>
          <button ref={closeRef} onClick={onClose}>
            Close
          </button>
        </header>
        <div className="help-columns">
          {SHORTCUTS.map((s) => (
            <section key={s.view} className="help-section" data-testid="help-section">
              <h3>{s.view}</h3>
              <dl>
                {s.items.map((it, i) => (
                  <div key={i} style={{ display: 'contents' }}>
                    <dt>{it.keys}</dt>
                    <dd>{it.what}</dd>
                  </div>
                ))}
              </dl>
            </section>
          ))}
        </div>
      </div>
    </div>
  );
}

import { describe, expect, it } from 'vitest';
import type { MenuItemConstructorOptions } from 'electron';
import { EXPORT_VIEWS, type MenuCommand } from '../shared/bridge.ts';
import { exportMenuTemplate, MENU_VIEWS } from './export-menu.ts';

/** Clicks every item of a fresh template (depth first); returns each item's label path and the command it sent. */
function clickAll(): { label: string; command: MenuCommand | null }[] {
  let last: MenuCommand | null = null;
  const out: { label: string; command: MenuCommand | null }[] = [];
  const walk = (items: MenuItemConstructorOptions[], path: string[]) => {
    for (const it of items) {
      if (Array.isArray(it.submenu)) walk(it.submenu, [...path, it.label ?? '']);
      else if (it.click) {
        last = null;
        (it.click as () => void)();
        out.push({ label: [...path, it.label].join(' > '), command: last });
      }
    }
  };
  walk(exportMenuTemplate((c) => (last = c)), []);
  return out;
}

describe('File > Export menu', () => {
  it('sends one menu command per item: every view as PNG 1×/2×, SVG and copy, the bundle (folder, .zip), the session', () => {
    const sent = clickAll();
    const views = MENU_VIEWS.map(([v]) => v);
    expect(views.every((v) => (EXPORT_VIEWS as readonly string[]).includes(v))).toBe(true);
    expect(views).toEqual(['workspace', 'timeline', 'flame', 'heatmap', 'blocking', 'changes', 'trace']);
    const want: MenuCommand[] = [
      ...views.flatMap((view): MenuCommand[] => [
        { kind: 'exportImage', view, format: 'png', scale: 1 },
        { kind: 'exportImage', view, format: 'png', scale: 2 },
        { kind: 'exportImage', view, format: 'svg', scale: 1 },
        { kind: 'copyImage', view },
      ]),
      { kind: 'writeBundle', zip: false },
      { kind: 'writeBundle', zip: true },
      { kind: 'saveSession', embed: false },
      { kind: 'saveSession', embed: true },
    ];
    expect(sent.map((s) => s.command)).toEqual(want);
    expect(sent.find((s) => s.label === 'Flame Graph > PNG at 2×…')?.command).toEqual({ kind: 'exportImage', view: 'flame', format: 'png', scale: 2 });
    expect(sent.find((s) => s.label === 'Postmortem Bundle as .zip…')?.command).toEqual({ kind: 'writeBundle', zip: true });
  });
});

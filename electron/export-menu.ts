/**
 * File > Export in Electron's application menu: every item asks the page to run its own exporter
 * (the same code as the toolbar's Export menu and the CLI), so a picture is the same whichever way
 * it was asked for. Pure (electron types only), so a unit test can walk it.
 */
import type { MenuItemConstructorOptions } from 'electron';
import type { ExportViewName, MenuCommand } from '../shared/bridge.ts';

/** Views in File > Export (Details is a list, not a picture worth a menu entry). */
export const MENU_VIEWS: readonly [ExportViewName, string][] = [
  ['workspace', 'Whole Workspace'],
  ['timeline', 'Timeline'],
  ['flame', 'Flame Graph'],
  ['heatmap', 'Connections Heat Map'],
  ['blocking', 'Goroutine Blocking'],
  ['changes', 'What Changed'],
  ['trace', 'Trace Timeline'],
];

export function exportMenuTemplate(send: (command: MenuCommand) => void): MenuItemConstructorOptions[] {
  const item = (label: string, command: MenuCommand, extra: Partial<MenuItemConstructorOptions> = {}): MenuItemConstructorOptions => ({ label, click: () => send(command), ...extra });
  return [
    ...MENU_VIEWS.map(([view, label]): MenuItemConstructorOptions => ({
      label,
      submenu: [
        item('PNG…', { kind: 'exportImage', view, format: 'png', scale: 1 }),
        item('PNG at 2×…', { kind: 'exportImage', view, format: 'png', scale: 2 }),
        item('SVG…', { kind: 'exportImage', view, format: 'svg', scale: 1 }),
        item('Copy Image', { kind: 'copyImage', view }),
      ],
    })),
    { type: 'separator' },
    item('Postmortem Bundle…', { kind: 'writeBundle', zip: false }),
    item('Postmortem Bundle as .zip…', { kind: 'writeBundle', zip: true }),
    { type: 'separator' },
    item('Save Session…', { kind: 'saveSession', embed: false }, { accelerator: 'CmdOrCtrl+S' }),
    item('Save Session with Files Embedded…', { kind: 'saveSession', embed: true }),
  ];
}

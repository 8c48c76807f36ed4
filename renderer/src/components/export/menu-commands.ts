/** Electron's File > Export menu: the shell sends a menuCommand event; the page runs the same action as its own menus. */
import { EXPORT_VIEWS, type MenuCommand } from '../../../../shared/bridge.ts';
import { bridge } from '../../bridge-client.ts';
import { copyToClipboard, exportToFile, saveSessionAction, writeBundleAction } from './use-export-action.ts';

export function runMenuCommand(c: MenuCommand): Promise<void> {
  switch (c.kind) {
    case 'exportImage':
      return EXPORT_VIEWS.includes(c.view) ? exportToFile(c.view, c.format, c.scale) : Promise.resolve();
    case 'copyImage':
      return EXPORT_VIEWS.includes(c.view) ? copyToClipboard(c.view) : Promise.resolve();
    case 'writeBundle':
      return writeBundleAction(c.zip);
    case 'saveSession':
      return saveSessionAction(c.embed);
  }
}

/** Subscribes to menu commands (browser mode: nothing sends them). */
export function listenForMenuCommands(): () => void {
  return bridge.on('menuCommand', (e) => void runMenuCommand(e.command));
}

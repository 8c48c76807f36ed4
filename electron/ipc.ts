/**
 * Electron IPC transport: one ipcMain.handle per bridge request, each checking that the sender is our
 * own window's top frame at our own page URL (app://tracedeck/…, or the dev server's), and validating
 * arguments (in Host.handle).
 */
// Types only: the shell (main.ts) hands in ipcMain, so only main.ts and preload.ts load Electron.
import type { BrowserWindow, IpcMain, IpcMainInvokeEvent } from 'electron';
import { REQUEST_NAMES, type BridgeEvents, type EventName, type HostEventName } from '../shared/bridge.ts';
import type { Host } from './host/handlers.ts';
import { isOwnPageUrl } from './app-protocol.ts';

/** `pageBase`: our pages' URL prefix, ending in `/` (see app-protocol.ts `pageBase`, `isOwnPageUrl`). */
export function isTrustedSender(e: IpcMainInvokeEvent, win: BrowserWindow, pageBase: string): boolean {
  const frame = e.senderFrame;
  if (!frame || e.sender.id !== win.webContents.id || frame !== win.webContents.mainFrame) return false;
  return isOwnPageUrl(frame.url, pageBase);
}

export function registerIpc(ipcMain: IpcMain, host: Host, win: BrowserWindow, pageBase: string): () => void {
  for (const name of REQUEST_NAMES) {
    ipcMain.handle(`tracedeck:${name}`, async (e, arg: unknown) => {
      if (!isTrustedSender(e, win, pageBase)) throw new Error('untrusted sender');
      return host.handle(name, arg);
    });
  }
  const events: HostEventName[] = ['session', 'error', 'collection', 'hostKeyPrompt', 'sessionOpened'];
  const offs = events.map((ev) => host.on(ev, (payload) => sendEvent(win, ev, payload)));
  return () => {
    for (const name of REQUEST_NAMES) ipcMain.removeHandler(`tracedeck:${name}`);
    for (const off of offs) off();
  };
}

/** One bridge event to the window's page (host events, and the shell's own: menuCommand). */
export function sendEvent<E extends EventName>(win: BrowserWindow, name: E, payload: BridgeEvents[E]): void {
  if (!win.isDestroyed()) win.webContents.send(`tracedeck-event:${name}`, payload);
}

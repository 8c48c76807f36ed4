import { describe, expect, it } from 'vitest';
import type { BrowserWindow, IpcMainInvokeEvent } from 'electron';
import { isTrustedSender } from './ipc.ts';
import { APP_BASE_URL, pageBase } from './app-protocol.ts';

// Stand-ins with just the fields isTrustedSender reads (electron itself cannot load here).
function windowWith(mainFrameUrl: string) {
  const mainFrame = { url: mainFrameUrl };
  const win = { webContents: { id: 7, mainFrame } } as unknown as BrowserWindow;
  return { win, mainFrame };
}
function event(senderId: number, frame: { url: string } | null): IpcMainInvokeEvent {
  return { sender: { id: senderId }, senderFrame: frame } as unknown as IpcMainInvokeEvent;
}

describe('IPC sender check', () => {
  it("trusts our window's main frame on our own app:// page", () => {
    const { win, mainFrame } = windowWith('app://tracedeck/index.html');
    expect(isTrustedSender(event(7, mainFrame), win, APP_BASE_URL)).toBe(true);
  });

  it('refuses our main frame once it shows a look-alike origin or a file:// page', () => {
    for (const url of ['app://tracedeck-evil/index.html', 'app://tracedeck.evil/index.html', 'file:///opt/tracedeck/renderer/index.html', 'https://example.com/']) {
      const { win, mainFrame } = windowWith(url);
      expect(isTrustedSender(event(7, mainFrame), win, APP_BASE_URL), url).toBe(false);
    }
  });

  it('refuses subframes, other windows and senders without a frame', () => {
    const { win, mainFrame } = windowWith('app://tracedeck/index.html');
    expect(isTrustedSender(event(7, { url: 'app://tracedeck/index.html' }), win, APP_BASE_URL)).toBe(false);
    expect(isTrustedSender(event(8, mainFrame), win, APP_BASE_URL)).toBe(false);
    expect(isTrustedSender(event(7, null), win, APP_BASE_URL)).toBe(false);
  });

  it('in development, the dev server page and nothing on a neighbouring port', () => {
    const base = pageBase('http://localhost:5173');
    expect(isTrustedSender(event(7, windowWith('http://localhost:5173/').mainFrame), windowWith('http://localhost:5173/').win, base)).toBe(false); // different frame object
    const own = windowWith('http://localhost:5173/');
    expect(isTrustedSender(event(7, own.mainFrame), own.win, base)).toBe(true);
    const neighbour = windowWith('http://localhost:51730/');
    expect(isTrustedSender(event(7, neighbour.mainFrame), neighbour.win, base)).toBe(false);
  });
});

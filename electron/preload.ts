/**
 * Preload (sandboxed): exposes exactly the bridge — one invoke per request, one subscribe for events,
 * and the dropped-file path lookup — and nothing else. Never hands raw ipcRenderer to the page.
 */
import { contextBridge, ipcRenderer, webUtils, type IpcRendererEvent } from 'electron';
import type { Bridge, BridgeEvents, EventName, RequestName } from '../shared/bridge.ts';

// Kept inline (not imported from shared/bridge.ts at runtime): a sandboxed preload cannot load chunks.
const REQUESTS: readonly RequestName[] = ['getSession', 'openPaths', 'openBytes', 'openDemo', 'cancelIngest', 'removeSource', 'setSourceOffset', 'query', 'goroutineGroupsAcross', 'whatChangedAcross', 'findings', 'diffCallTree', 'startCollection', 'stopCollection', 'cancelCollection', 'answerHostKey', 'listCollections', 'fetchPprofOverSsh', 'setPprofSchedule', 'saveSession', 'openSession', 'exportBundle', 'listRecent'];
const EVENTS: readonly EventName[] = ['session', 'error', 'collection', 'hostKeyPrompt', 'sessionOpened', 'menuCommand'];

const bridge: Bridge = {
  request(name, arg) {
    if (!REQUESTS.includes(name)) return Promise.reject(new Error(`unknown request ${String(name)}`));
    return ipcRenderer.invoke(`tracedeck:${name}`, arg);
  },
  on<E extends EventName>(name: E, fn: (payload: BridgeEvents[E]) => void) {
    if (!EVENTS.includes(name)) throw new Error(`unknown event ${String(name)}`);
    const channel = `tracedeck-event:${name}`;
    const listener = (_e: IpcRendererEvent, payload: BridgeEvents[E]) => fn(payload);
    ipcRenderer.on(channel, listener);
    return () => ipcRenderer.removeListener(channel, listener);
  },
  pathForFile(file: File) {
    return webUtils.getPathForFile(file) || null;
  },
};

contextBridge.exposeInMainWorld('tracedeck', bridge);

/**
 * Preload (sandboxed): exposes exactly the bridge — one invoke per request, one subscribe for events,
 * and the dropped-file path lookup — and nothing else. Never hands raw ipcRenderer to the page.
 */
import { contextBridge, ipcRenderer, webUtils, type IpcRendererEvent } from 'electron';
import type { Bridge, BridgeEvents, EventName, RequestName } from '../shared/bridge.ts';

// Kept inline (not imported from shared/bridge.ts at runtime): a sandboxed preload cannot load chunks.
// The type check below fails the build when a request is added to the bridge but not here.
const REQUESTS = ['getSession', 'openPaths', 'openBytes', 'openDemo', 'cancelIngest', 'removeSource', 'setSourceOffset', 'undoPairing', 'query', 'sourceListing', 'goroutineGroupsAcross', 'whatChangedAcross', 'heatmapAcross', 'findings', 'diffCallTree', 'seriesCallTree', 'seriesTopTable', 'diffPprof', 'startCollection', 'stopCollection', 'cancelCollection', 'answerHostKey', 'listCollections', 'fetchPprofOverSsh', 'setPprofSchedule', 'startFleetCollection', 'stopFleet', 'fetchPprofFleet', 'saveSession', 'openSession', 'exportBundle', 'listRecent'] as const satisfies readonly RequestName[];
type MissingRequests = Exclude<RequestName, (typeof REQUESTS)[number]>;
const everyRequestListed: [MissingRequests] extends [never] ? true : MissingRequests = true;
void everyRequestListed;
const EVENTS: readonly EventName[] = ['session', 'error', 'collection', 'hostKeyPrompt', 'sessionOpened', 'menuCommand'];

const bridge: Bridge = {
  request(name, arg) {
    if (!(REQUESTS as readonly string[]).includes(name)) return Promise.reject(new Error(`unknown request ${String(name)}`));
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

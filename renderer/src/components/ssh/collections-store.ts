/**
 * The SSH collections as the host reports them (`collection` and `hostKeyPrompt` events), kept
 * apart from the main store: only the SSH components read it.
 */
import { create } from 'zustand';
import type { CollectionInfo, HostKeyPromptInfo } from '../../../../shared/bridge.ts';
import { bridge } from '../../bridge-client.ts';

interface SshState {
  /** By collectionId, in start order. */
  collections: CollectionInfo[];
  /** Collections the user cleared from the toolbar (finished ones only). */
  dismissed: string[];
  upsert(c: CollectionInfo): void;
  prompt(p: HostKeyPromptInfo): void;
  setAll(list: CollectionInfo[]): void;
  dismiss(id: string): void;
}

export const useSsh = create<SshState>((set) => ({
  collections: [],
  dismissed: [],
  upsert: (c) =>
    set((st) => {
      const i = st.collections.findIndex((x) => x.collectionId === c.collectionId);
      if (i < 0) return { collections: [...st.collections, c] };
      // A report older than the one shown (the listCollections reply crossing an event) is dropped.
      if (c.seq <= st.collections[i]!.seq) return st;
      const next = st.collections.slice();
      next[i] = c;
      return { collections: next };
    }),
  // The collection event that follows carries the same prompt; this covers either order.
  prompt: (p) =>
    set((st) => ({
      collections: st.collections.map((c) => (c.collectionId === p.collectionId ? { ...c, hostKeyPrompt: p } : c)),
    })),
  setAll: (collections) => set({ collections }),
  dismiss: (id) => set((st) => ({ dismissed: [...st.dismissed, id] })),
}));

/** Subscribes to the host's collection events for as long as the caller is mounted. */
export function subscribeSsh(): () => void {
  const st = useSsh.getState();
  const offs = [bridge.on('collection', st.upsert), bridge.on('hostKeyPrompt', st.prompt)];
  // Collections started before this page loaded (browser reload) or by the CLI.
  bridge.request('listCollections', {}).then(
    ({ collections }) => {
      for (const c of collections) useSsh.getState().upsert(c);
    },
    () => {},
  );
  return () => offs.forEach((off) => off());
}

/** The first host-key question waiting for an answer, if any. */
export function pendingHostKey(collections: CollectionInfo[]): HostKeyPromptInfo | null {
  for (const c of collections) if (c.running && c.hostKeyPrompt) return c.hostKeyPrompt;
  return null;
}

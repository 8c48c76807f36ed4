/**
 * Uploads in flight (browser mode): name, bytes sent of the total, and how to cancel. Its own small
 * store: the session store knows a source once the host has all of its bytes.
 */
import { create } from 'zustand';

export interface UploadInFlight {
  key: number;
  name: string;
  loaded: number;
  total: number;
  cancel: () => void;
}

interface UploadsState {
  uploads: UploadInFlight[];
  start(name: string, total: number, cancel: () => void): number;
  progress(key: number, loaded: number, total: number): void;
  end(key: number): void;
}

let nextKey = 1;

export const useUploads = create<UploadsState>((set) => ({
  uploads: [],
  start: (name, total, cancel) => {
    const key = nextKey++;
    set((s) => ({ uploads: [...s.uploads, { key, name, loaded: 0, total, cancel }] }));
    return key;
  },
  progress: (key, loaded, total) => set((s) => ({ uploads: s.uploads.map((u) => (u.key === key ? { ...u, loaded, total } : u)) })),
  end: (key) => set((s) => ({ uploads: s.uploads.filter((u) => u.key !== key) })),
}));

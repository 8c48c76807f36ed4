/**
 * The source roots the user named for pprof's `list` (and a -trim_path), kept in the page's
 * localStorage so they are there next time. The host validates and searches them; the page only
 * holds the text.
 */
import { useCallback, useState } from 'react';

const KEY = 'tracedeck.sourceRoots';

export interface SourceRootsSetting {
  roots: string;
  trimPath: string;
}

function read(): SourceRootsSetting {
  try {
    const o = JSON.parse(localStorage.getItem(KEY) ?? '{}') as Partial<SourceRootsSetting>;
    return { roots: typeof o.roots === 'string' ? o.roots : '', trimPath: typeof o.trimPath === 'string' ? o.trimPath : '' };
  } catch {
    return { roots: '', trimPath: '' };
  }
}

/** The typed roots as a list of folders (';' or new lines between them). */
export function rootList(roots: string): string[] {
  return roots
    .split(/[;\n]/)
    .map((r) => r.trim())
    .filter(Boolean);
}

export function useSourceRoots(): [SourceRootsSetting, (s: SourceRootsSetting) => void] {
  const [v, setV] = useState(read);
  const set = useCallback((s: SourceRootsSetting) => {
    setV(s);
    try {
      localStorage.setItem(KEY, JSON.stringify(s));
    } catch {
      // storage full or denied: the setting lasts for this page
    }
  }, []);
  return [v, set];
}

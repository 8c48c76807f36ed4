import { useRef } from 'react';
import { openFiles } from '../open-files.ts';
import { transportName } from '../bridge-client.ts';
import { useApp } from '../store.ts';
import { LayoutMenu } from './layout/LayoutMenu.tsx';
import { HelpButton } from './layout/HelpOverlay.tsx';
import { SshCollect } from './ssh/SshCollect.tsx';
import { ExportMenu } from './export/ExportMenu.tsx';

export function Toolbar() {
  const input = useRef<HTMLInputElement>(null);
  const folderInput = useRef<HTMLInputElement>(null);
  const count = useApp((s) => s.session.sources.length);
  return (
    <header className="toolbar">
      <span className="brand">TraceDeck</span>
      <button onClick={() => input.current?.click()} data-testid="open-files">
        Open files…
      </button>
      <input
        ref={input}
        type="file"
        multiple
        hidden
        data-testid="file-input"
        onChange={(e) => {
          const files = Array.from(e.target.files ?? []);
          e.target.value = '';
          if (files.length) void openFiles(files);
        }}
      />
      <button onClick={() => folderInput.current?.click()} data-testid="open-folder" title="A whole incident folder (a folder per host, say): equal file names are told apart by their folder">
        Open folder…
      </button>
      <input
        ref={folderInput}
        type="file"
        hidden
        data-testid="folder-input"
        // Not in React's types: picks a folder; each file's webkitRelativePath names its folder.
        {...{ webkitdirectory: '' }}
        onChange={(e) => {
          const files = Array.from(e.target.files ?? []).filter((f) => !f.webkitRelativePath.split('/').some((p) => p.startsWith('.')));
          e.target.value = '';
          if (files.length) void openFiles(files);
        }}
      />
      <SshCollect />
      <span className="toolbar-spacer" />
      {count > 0 && <LayoutMenu />}
      {count > 0 && <ExportMenu />}
      <HelpButton />
      <span className="muted">
        {count} source{count === 1 ? '' : 's'} · {transportName === 'browser' ? 'browser mode' : 'desktop'}
      </span>
    </header>
  );
}

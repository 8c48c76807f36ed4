import { useEffect, type ReactNode } from 'react';
import { useApp } from '../store.ts';
import { openFiles } from '../open-files.ts';
import { droppedFiles } from '../dropped-files.ts';

/** The whole window accepts dropped files; a visible overlay shows while something is dragged over it. */
export function DropZone({ children }: { children: ReactNode }) {
  const dragging = useApp((s) => s.dragging);
  const setDragging = useApp((s) => s.setDragging);
  useEffect(() => {
    let depth = 0;
    const hasFiles = (e: DragEvent) => !!e.dataTransfer && Array.from(e.dataTransfer.types).includes('Files');
    const enter = (e: DragEvent) => {
      if (!hasFiles(e)) return;
      e.preventDefault();
      depth++;
      setDragging(true);
    };
    const over = (e: DragEvent) => {
      if (!hasFiles(e)) return;
      e.preventDefault();
      if (e.dataTransfer) e.dataTransfer.dropEffect = 'copy';
    };
    const leave = () => {
      depth = Math.max(0, depth - 1);
      if (depth === 0) setDragging(false);
    };
    const drop = (e: DragEvent) => {
      e.preventDefault();
      depth = 0;
      setDragging(false);
      if (!e.dataTransfer) return;
      // Folders are walked (each file keeps the folder it was in); entries are taken before any await.
      void droppedFiles(e.dataTransfer).then((files) => (files.length ? openFiles(files) : undefined));
    };
    window.addEventListener('dragenter', enter);
    window.addEventListener('dragover', over);
    window.addEventListener('dragleave', leave);
    window.addEventListener('drop', drop);
    return () => {
      window.removeEventListener('dragenter', enter);
      window.removeEventListener('dragover', over);
      window.removeEventListener('dragleave', leave);
      window.removeEventListener('drop', drop);
    };
  }, [setDragging]);
  return (
    <>
      {children}
      {dragging && (
        <div className="drop-overlay" data-testid="drop-overlay">
          <div className="drop-target">Drop pprof profiles, goroutine dumps, Go traces or ss captures</div>
        </div>
      )}
    </>
  );
}

import { useEffect, useRef, useState } from 'react';
import { useApp } from '../../store.ts';
import { axisToDate, formatClock } from '../../format.ts';
import { addAnnotation, removeAnnotation, useAnnotationsOnAxis, useNoteDraft } from './annotations.ts';
import './notes.css';

/** The timeline header's note controls: pin a note to the selection (or a right-clicked moment), list and delete notes. */
export function AnnotationControls() {
  const selection = useApp((s) => s.selection);
  const origin = useApp((s) => s.session.originEpochNs);
  const draft = useNoteDraft((s) => s.draft);
  const open = useNoteDraft((s) => s.open);
  const notes = useAnnotationsOnAxis();
  const [text, setText] = useState('');
  const [listOpen, setListOpen] = useState(false);
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (draft) {
      setText('');
      input.current?.focus();
    }
  }, [draft]);
  const when = (ns: number) => (origin ? formatClock(axisToDate(origin, ns)) : `${(ns / 1e9).toFixed(3)} s`);
  const save = () => {
    if (draft && addAnnotation(text, draft.startNs, draft.endNs)) open(null);
  };
  return (
    <span className="note-controls" data-export-skip="">
      <button
        className="link"
        data-testid="add-note"
        title={selection ? 'Pin a note to the selected range' : 'Select a range (or right-click the timeline) to pin a note'}
        disabled={!selection}
        onClick={() => selection && open({ startNs: selection.startNs, endNs: selection.endNs })}
      >
        ✎ Note
      </button>
      {notes.length > 0 && (
        <button className="link" data-testid="notes-toggle" onClick={() => setListOpen((v) => !v)}>
          Notes ({notes.length})
        </button>
      )}
      {draft && (
        <span className="note-editor" role="dialog" aria-label="New note" data-testid="note-editor">
          <span className="muted">
            {when(draft.startNs)}
            {draft.endNs !== undefined ? ` – ${when(draft.endNs)}` : ''}
          </span>
          <input
            ref={input}
            data-testid="note-input"
            placeholder="What happened here?"
            value={text}
            maxLength={500}
            onChange={(e) => setText(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === 'Enter') save();
              else if (e.key === 'Escape') open(null);
            }}
          />
          <button data-testid="note-save" onClick={save} disabled={!text.trim()}>
            Pin
          </button>
          <button className="link" onClick={() => open(null)}>
            Cancel
          </button>
        </span>
      )}
      {listOpen && notes.length > 0 && (
        <ul className="note-list" data-testid="note-list">
          {notes.map((n) => (
            <li key={n.id}>
              <span className="muted">
                {when(n.startNs)}
                {n.endNs !== undefined ? ` – ${when(n.endNs)}` : ''}
              </span>{' '}
              {n.text}
              <button className="icon" aria-label={`Delete note ${n.text}`} onClick={() => removeAnnotation(n.id)}>
                ×
              </button>
            </li>
          ))}
        </ul>
      )}
    </span>
  );
}

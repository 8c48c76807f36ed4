/**
 * A function's source lines with flat and cum per line (pprof's `list`), plain props. The host read
 * the files under the source roots the user names here (and GOROOT); a file it did not find says
 * where it looked, so the user can add the right folder.
 */
import { useEffect, useState } from 'react';
import type { SourceListing } from '../../../../shared/query/stacks/source-lines.ts';
import { formatValue } from '../../format.ts';

export interface SourceLinesViewProps {
  fn: string;
  listing: SourceListing | null;
  loading: boolean;
  error: string | null;
  /** The source roots, one string as typed (folders separated by ';' or new lines). */
  roots: string;
  trimPath: string;
  onRoots(roots: string, trimPath: string): void;
  onPeek(fn: string): void;
  onClose(): void;
}

export function SourceLinesView(props: SourceLinesViewProps) {
  const { fn, listing, loading, error } = props;
  const [roots, setRoots] = useState(props.roots);
  const [trim, setTrim] = useState(props.trimPath);
  useEffect(() => setRoots(props.roots), [props.roots]);
  useEffect(() => setTrim(props.trimPath), [props.trimPath]);
  const unit = listing?.unit ?? 'count';
  const v = (x: number) => (x === 0 ? '.' : formatValue(x, unit));
  return (
    <section className="source-view" data-testid="source-view" data-function={fn} aria-label={`Source lines of ${fn}`}>
      <header className="side-header">
        <b>Source lines</b> <span className="mono">{fn}</span>
        <span className="muted"> (go tool pprof -list)</span>
        <button className="link" onClick={() => props.onPeek(fn)}>
          callers &amp; callees
        </button>
        <button className="link" data-testid="side-close" onClick={props.onClose}>
          back to top table
        </button>
      </header>
      <form
        className="source-roots"
        onSubmit={(e) => {
          e.preventDefault();
          props.onRoots(roots, trim);
        }}
      >
        <label>
          Source roots{' '}
          <input
            data-testid="source-roots"
            value={roots}
            placeholder="/path/to/your/module; /another/checkout"
            title="Folders to look for the profile's files in (';' between folders). GOROOT is searched too."
            onChange={(e) => setRoots(e.target.value)}
          />
        </label>
        <label>
          Trim path{' '}
          <input data-testid="source-trim" value={trim} placeholder="(pprof -trim_path: prefixes to cut off)" onChange={(e) => setTrim(e.target.value)} />
        </label>
        <button type="submit" data-testid="source-apply">
          Look up
        </button>
      </form>
      {error && (
        <p className="panel-error" role="alert" data-testid="source-error">
          {error}
        </p>
      )}
      {!listing ? (
        <p className="muted">{loading ? 'Reading…' : ''}</p>
      ) : listing.functions.length === 0 ? (
        <p className="muted">{fn} has no samples under the current filters.</p>
      ) : (
        listing.functions.map((f) => (
          <div key={f.function} className="source-function">
            {f.files.length === 0 && <p className="muted">No source information for {f.function} (the profile names no file).</p>}
            {f.files.map((file) => (
              <div key={file.file} className="source-file" data-testid="source-file" data-file={file.file} data-found={file.found ? 'true' : 'false'}>
                <div className="source-file-head">
                  <span className="mono">{f.function}</span> in <span className="mono">{file.file}</span>{' '}
                  <span className="muted">
                    {formatValue(file.flat, unit)} flat, {formatValue(file.cum, unit)} cum
                    {file.found ? ` · read from ${file.found.root}/${file.found.path}` : ''}
                  </span>
                </div>
                {file.error && (
                  <p className="source-missing" data-testid="source-missing">
                    {file.error}. Add the folder that holds it as a source root.
                  </p>
                )}
                {file.lines && (
                  <table className="source-lines">
                    <tbody>
                      {file.lines.map((l) => (
                        <tr key={l.line} className={l.flat || l.cum ? 'hot' : ''} data-testid="source-line" data-line={l.line} data-flat={l.flat} data-cum={l.cum}>
                          <td className="num">{v(l.flat)}</td>
                          <td className="num">{v(l.cum)}</td>
                          <td className="num lineno">{l.line}</td>
                          <td className="code">{l.text}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                )}
                {file.unshown ? <p className="muted">{file.unshown} sampled line(s) lie past the end of this file: is the checkout the profiled version?</p> : null}
              </div>
            ))}
          </div>
        ))
      )}
      {listing?.truncated && <p className="muted">More functions match; the first ones in name order are listed.</p>}
      {listing && <p className="muted source-searched">Searched: {listing.searched.join(', ') || 'no folders (name a source root)'}</p>}
    </section>
  );
}

import { Component, type ReactNode } from 'react';
import { ExportButton } from './export/ExportButton.tsx';
import { EXPORT_VIEWS, type ExportView } from '../export/exporter.ts';

/** A titled panel whose content cannot take the whole window down when it throws. */
export function Panel({ title, testId, children, actions, exportId }: { title: string; testId?: string; children: ReactNode; actions?: ReactNode; exportId?: ExportView }) {
  // Known panels get an export button without asking (`panel-flame` → 'flame').
  const fromTestId = testId?.replace(/^panel-/, '') as ExportView | undefined;
  const exp = exportId ?? (fromTestId && EXPORT_VIEWS.includes(fromTestId) ? fromTestId : undefined);
  return (
    <section className="panel" data-testid={testId} aria-label={title} data-export-id={exp}>
      <header className="panel-header">
        <h2>{title}</h2>
        <div className="panel-actions">
          {actions}
          {exp && <ExportButton view={exp} label={title} />}
        </div>
      </header>
      <div className="panel-body">
        <PanelErrorBoundary title={title}>{children}</PanelErrorBoundary>
      </div>
    </section>
  );
}

class PanelErrorBoundary extends Component<{ title: string; children: ReactNode }, { error: Error | null }> {
  override state = { error: null as Error | null };
  static getDerivedStateFromError(error: Error) {
    return { error };
  }
  override render() {
    if (this.state.error) {
      return (
        <div className="panel-error" role="alert">
          {this.props.title} failed to draw: {this.state.error.message}{' '}
          <button onClick={() => this.setState({ error: null })}>Retry</button>
        </div>
      );
    }
    return this.props.children;
  }
}

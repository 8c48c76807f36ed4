import { Component, type ReactNode } from 'react';
import { ExportButton } from './export/ExportButton.tsx';
import { EXPORT_VIEWS, type ExportView } from '../export/exporter.ts';

/**
 * A titled panel whose content cannot take the whole window down when it throws. With `empty` (what
 * would fill it) it collapses to its header saying so, and the workspace gives its room to the others.
 */
export function Panel({
  title,
  testId,
  children,
  actions,
  exportId,
  empty,
}: {
  title: string;
  testId?: string;
  children?: ReactNode;
  actions?: ReactNode;
  exportId?: ExportView;
  empty?: ReactNode;
}) {
  if (empty) {
    return (
      <section className="panel panel-empty" data-testid={testId} aria-label={title} data-empty="true">
        <header className="panel-header">
          <h2>{title}</h2>
          <div className="panel-empty-hint muted">{empty}</div>
          {actions && <div className="panel-actions">{actions}</div>}
        </header>
      </section>
    );
  }
  // Known panels get an export button without asking (`panel-flame` → 'flame').
  const fromTestId = testId?.replace(/^panel-/, '') as ExportView | undefined;
  // (`panel-trace` is the trace details, not the `trace` view: the trace timeline names its exportId.)
  const exp = exportId ?? (fromTestId && fromTestId !== 'trace' && EXPORT_VIEWS.includes(fromTestId) ? fromTestId : undefined);
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

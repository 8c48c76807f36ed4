import { Component, type ReactNode } from 'react';

/** A titled panel whose content cannot take the whole window down when it throws. */
export function Panel({ title, testId, children, actions }: { title: string; testId?: string; children: ReactNode; actions?: ReactNode }) {
  return (
    <section className="panel" data-testid={testId} aria-label={title}>
      <header className="panel-header">
        <h2>{title}</h2>
        <div className="panel-actions">{actions}</div>
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

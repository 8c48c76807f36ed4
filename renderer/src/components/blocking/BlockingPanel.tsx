import { Panel } from '../Panel.tsx';

/** Goroutines grouped by wait reason and stack (being built: see the timeline issue). */
export function BlockingPanel() {
  return (
    <Panel title="Goroutines" testId="panel-blocking">
      <p className="muted">Goroutine blocking view: not built yet.</p>
    </Panel>
  );
}

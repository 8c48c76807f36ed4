import { Panel } from '../Panel.tsx';

/** Flame graph of the focused source's stacks (being built: see the flame graph issue). */
export function FlameGraphPanel() {
  return (
    <Panel title="Flame graph" testId="panel-flame">
      <p className="muted">Flame graph view: not built yet.</p>
    </Panel>
  );
}

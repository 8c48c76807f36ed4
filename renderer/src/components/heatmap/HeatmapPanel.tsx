import { Panel } from '../Panel.tsx';

/** TCP connection-state heat map of socket captures (being built: see the socket issue). */
export function HeatmapPanel() {
  return (
    <Panel title="Connections" testId="panel-heatmap">
      <p className="muted">Connection heat map: not built yet.</p>
    </Panel>
  );
}

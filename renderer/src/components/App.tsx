import { useApp } from '../store.ts';
import { DropZone } from './DropZone.tsx';
import { EmptyState } from './EmptyState.tsx';
import { SourcesPanel } from './SourcesPanel.tsx';
import { TimelineStrip } from './TimelineStrip.tsx';
import { Notices } from './Notices.tsx';
import { Toolbar } from './Toolbar.tsx';
import { SourceDetails } from './SourceDetails.tsx';
import { Panel } from './Panel.tsx';
import { FlameGraphPanel } from './flame/FlameGraphPanel.tsx';
import { HeatmapPanel } from './heatmap/HeatmapPanel.tsx';
import { BlockingPanel } from './blocking/BlockingPanel.tsx';

export function App() {
  const hasSources = useApp((s) => s.session.sources.length > 0);
  return (
    <DropZone>
      <div className="app">
        <Toolbar />
        {hasSources ? (
          <>
            <TimelineStrip />
            <div className="workspace">
              <SourcesPanel />
              <main className="panels">
                <div className="panel-slot slot-flame">
                  <FlameGraphPanel />
                </div>
                <div className="panel-slot slot-heatmap">
                  <HeatmapPanel />
                </div>
                <div className="panel-slot slot-blocking">
                  <BlockingPanel />
                </div>
                <div className="panel-slot slot-details">
                  <Panel title="Details" testId="panel-details">
                    <SourceDetails />
                  </Panel>
                </div>
              </main>
            </div>
          </>
        ) : (
          <EmptyState />
        )}
        <Notices />
      </div>
    </DropZone>
  );
}

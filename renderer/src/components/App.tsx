import { useApp } from '../store.ts';
import { DropZone } from './DropZone.tsx';
import { EmptyState } from './EmptyState.tsx';
import { SourcesPanel } from './SourcesPanel.tsx';
import { TimelineStrip } from './timeline/TimelineStrip.tsx';
import { Notices } from './Notices.tsx';
import { UploadProgress } from './UploadProgress.tsx';
import { Toolbar } from './Toolbar.tsx';
import { SourceDetails } from './SourceDetails.tsx';
import { Panel } from './Panel.tsx';
import { FlameGraphPanel } from './flame/FlameGraphPanel.tsx';
import { HeatmapPanel } from './heatmap/HeatmapPanel.tsx';
import { BlockingPanel } from './blocking/BlockingPanel.tsx';
import { WhatChangedPanel } from './changes/WhatChangedPanel.tsx';
import { Workspace } from './layout/Workspace.tsx';
import { TraceDetailsPanel } from './trace-details/TraceDetailsPanel.tsx';
import { FindingsPanel } from './findings/FindingsPanel.tsx';
import { TraceTimelinePanel } from './trace-timeline/TraceTimelinePanel.tsx';

export function App() {
  const hasSources = useApp((s) => s.session.sources.length > 0);
  return (
    <DropZone>
      <div className="app">
        <Toolbar />
        {hasSources ? (
          <>
            <TimelineStrip />
            {/* Panel slots arranged by the store's layout (rows, sizes, presets): see layout/Workspace.tsx. */}
            <Workspace
              sources={<SourcesPanel />}
              slots={{
                flame: <FlameGraphPanel />,
                heatmap: <HeatmapPanel />,
                blocking: <BlockingPanel />,
                changes: <WhatChangedPanel />,
                details: (
                  <Panel title="Details" testId="panel-details">
                    <SourceDetails />
                  </Panel>
                ),
                trace: <TraceDetailsPanel />,
                findings: <FindingsPanel />,
                traceTimeline: <TraceTimelinePanel />,
              }}
            />
          </>
        ) : (
          <EmptyState />
        )}
        <Notices />
        <UploadProgress />
      </div>
    </DropZone>
  );
}

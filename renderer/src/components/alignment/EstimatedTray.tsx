import type { SessionInfo, SourceInfo } from '../../../../shared/bridge.ts';
import { bridge } from '../../bridge-client.ts';
import { axisToDate, formatDateTime, timeZoneName } from '../../format.ts';
import { offsetToPlaceAt, placementPartner } from './align-with.ts';
import { OffsetEditor } from './OffsetEditor.tsx';
import { useSourceNames } from '../../selectors.ts';

/** The drag payload type a tray item carries onto the timeline ("place it where dropped"). */
export const TRAY_DRAG_TYPE = 'application/x-tracedeck-source';

/**
 * Sources waiting for a place: placed by file time (estimated) far from the evidence whose time is
 * known, so the axis does not stretch to them and they are out of sight. Each says where its file
 * time put it and offers one-click places — the evidence's start, beside the source of its folder it
 * was most likely taken with — or a drag onto the timeline (placed where dropped), or the align box.
 */
export function EstimatedTray({ waiting, session }: { waiting: SourceInfo[]; session: SessionInfo }) {
  const origin = session.originEpochNs;
  const evidence = session.evidenceSpan;
  const nameOf = useSourceNames();
  if (waiting.length === 0 || !origin) return null;
  const place = (s: SourceInfo, atNs: number) => {
    const off = offsetToPlaceAt(s, atNs);
    if (off !== null) void bridge.request('setSourceOffset', { id: s.id, offsetNs: off });
  };
  return (
    <div className="estimated-tray" data-testid="estimated-tray" data-count={waiting.length}>
      <b title="Placed by file time (a copy's mtime can be days off): they wait here instead of stretching the axis">
        Waiting for a place ({waiting.length}):
      </b>
      {waiting.map((s) => {
        const partner = placementPartner(s, session.sources);
        return (
          <span
            key={s.id}
            className="tray-item"
            data-testid="tray-item"
            data-name={s.name}
            draggable
            title="Drag onto the timeline to place its start there"
            onDragStart={(e) => {
              e.dataTransfer.setData(TRAY_DRAG_TYPE, s.id);
              e.dataTransfer.effectAllowed = 'move';
            }}
          >
            <b>{nameOf(s)}</b>
            <span className="muted">file time {formatDateTime(axisToDate(origin, s.axisStartNs!))} {timeZoneName()}</span>
            {evidence && (
              <button data-testid="tray-place-evidence" title="Put its start where the evidence whose time is known starts" onClick={() => place(s, evidence.startNs)}>
                at the evidence start
              </button>
            )}
            {partner && (
              <button
                data-testid="tray-place-partner"
                data-partner={partner.name}
                title={`Taken with ${nameOf(partner)} (same folder, ${partner.clock?.quality} time): put its start at that one's`}
                onClick={() => place(s, partner.axisStartNs!)}
              >
                with {nameOf(partner)}
              </button>
            )}
            <OffsetEditor s={s} origin={origin} />
          </span>
        );
      })}
    </div>
  );
}

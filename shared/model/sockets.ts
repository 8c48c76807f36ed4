/** Socket snapshot model — owned by the ss ingest (shared/ingest/ss). */
export interface SocketCaptureModel {
  snapshotCount: number;
}

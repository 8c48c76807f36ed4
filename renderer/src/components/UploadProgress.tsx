import { useUploads } from '../uploads.ts';

const mb = (n: number) => `${(n / 2 ** 20).toFixed(n < 10 * 2 ** 20 ? 1 : 0)} MiB`;

/** Files on their way to the host (browser mode): how far each is, and a button to stop it. */
export function UploadProgress() {
  const uploads = useUploads((s) => s.uploads);
  if (!uploads.length) return null;
  return (
    <div className="notices" role="status" aria-live="polite">
      {uploads.map((u) => (
        <div key={u.key} className="notice upload-progress" data-testid="upload-progress" data-loaded={u.loaded} data-total={u.total}>
          <b>{u.name}</b>: uploading {mb(u.loaded)} of {mb(u.total)} ({u.total ? Math.floor((100 * u.loaded) / u.total) : 0}%)
          <progress max={u.total || 1} value={u.loaded} />
          <button data-testid="upload-cancel" onClick={u.cancel}>
            Cancel
          </button>
        </div>
      ))}
    </div>
  );
}

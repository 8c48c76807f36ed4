import type { HostKeyPromptInfo } from '../../../../shared/bridge.ts';

/**
 * Asks once whether to trust an unknown host key, showing its SHA256 fingerprint as
 * `ssh-keygen -lf` prints it. A key that differs from known_hosts never gets here: the host refuses it.
 */
export function HostKeyDialog({ prompt, onAnswer }: { prompt: HostKeyPromptInfo; onAnswer: (accept: boolean) => void }) {
  const where = prompt.port === 22 ? prompt.host : `[${prompt.host}]:${prompt.port}`;
  const keyFile = `/etc/ssh/ssh_host_${prompt.keyType.startsWith('ecdsa') ? 'ecdsa' : prompt.keyType.replace(/^ssh-/, '')}_key.pub`;
  return (
    <div className="ssh-modal-backdrop">
      <div className="ssh-modal ssh-hostkey" role="alertdialog" aria-labelledby="ssh-hostkey-title" data-testid="hostkey-dialog">
        <h2 id="ssh-hostkey-title">Unknown host key for {where}</h2>
        <p>
          This host is not in your known_hosts file. Before trusting it, compare the fingerprint with the one the host itself
          reports (<code>ssh-keygen -lf {keyFile}</code> on the host).
        </p>
        <dl className="ssh-hostkey-facts">
          <dt>Key type</dt>
          <dd>
            <code>{prompt.keyType}</code>
          </dd>
          <dt>Fingerprint</dt>
          <dd>
            <code className="ssh-fingerprint" data-testid="hostkey-fingerprint">
              {prompt.fingerprint}
            </code>
          </dd>
        </dl>
        {prompt.knownKeyTypes.length > 0 && (
          <p className="ssh-warn">
            known_hosts already holds a <b>{prompt.knownKeyTypes.join(', ')}</b> key for this host, but the host offered a different key type.
            If you did not expect that, reject.
          </p>
        )}
        <p className="muted">Accepting adds the key to known_hosts; you will not be asked again for this host.</p>
        <div className="ssh-actions">
          <button data-testid="hostkey-reject" onClick={() => onAnswer(false)}>
            Reject
          </button>
          <button className="primary" data-testid="hostkey-accept" onClick={() => onAnswer(true)}>
            Trust and connect
          </button>
        </div>
      </div>
    </div>
  );
}

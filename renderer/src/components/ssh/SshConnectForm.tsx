import { useState } from 'react';
import type { FormEvent } from 'react';
import type { StartCollectionArgs, StartFleetCollectionArgs } from '../../../../shared/bridge.ts';
import { PprofScheduleFields, SCHEDULE_DEFAULTS, toPprofSchedule, type ScheduleValues } from './PprofScheduleFields.tsx';

/** What the form remembers between launches (never a secret: there is no password field). */
const REMEMBER_KEY = 'tracedeck-ssh-form';

export interface SshFormValues {
  /** One host, or several (spaces or commas; `*` / `?` patterns of the ssh config) for a fleet. */
  host: string;
  /** Jump hosts as `ssh -J` takes them; empty: the ssh config's ProxyJump. */
  jump: string;
  port: string;
  user: string;
  auth: 'agent' | 'key';
  keyPath: string;
  intervalS: string;
  pid: string;
  ports: string;
  /** Also fetch pprof at an interval over the same connection. */
  pprofOn: boolean;
  pprof: ScheduleValues;
}

const DEFAULTS: SshFormValues = {
  host: '',
  jump: '',
  port: '',
  user: '',
  auth: 'agent',
  keyPath: '~/.ssh/id_ed25519',
  intervalS: '1',
  pid: '',
  ports: '',
  pprofOn: false,
  pprof: SCHEDULE_DEFAULTS,
};

function remembered(): SshFormValues {
  try {
    const v = JSON.parse(localStorage.getItem(REMEMBER_KEY) ?? '{}') as Partial<SshFormValues>;
    return { ...DEFAULTS, ...v, pprof: { ...SCHEDULE_DEFAULTS, ...v.pprof } };
  } catch {
    return DEFAULTS;
  }
}

/** The form's values as a request (a fleet's when several hosts or a pattern are given), or the first problem with them. Pure. */
export function toStartArgs(v: SshFormValues): StartCollectionArgs | StartFleetCollectionArgs | string {
  const hosts = v.host.split(/[\s,]+/).filter(Boolean);
  if (hosts.length === 0) return 'Enter a host name, an IP address or a ~/.ssh/config alias.';
  if (hosts.some((h) => h.startsWith('-'))) return 'A host cannot start with "-".';
  if (hosts.length > 200) return 'At most 200 hosts at once.';
  const fleet = hosts.length > 1 || /[*?]/.test(hosts[0]!);
  const args: StartCollectionArgs = { host: hosts[0]! };
  const jump = v.jump.trim();
  if (jump) {
    if (/\s/.test(jump) || jump.startsWith('-')) return 'Jump hosts: [user@]host[:port], separated by commas, without spaces.';
    args.jump = jump;
  }
  const int = (s: string) => (/^\d+$/.test(s.trim()) ? Number(s.trim()) : NaN);
  if (v.port.trim()) {
    const p = int(v.port);
    if (!(p >= 1 && p <= 65535)) return 'Port must be a number from 1 to 65535.';
    args.port = p;
  }
  if (v.user.trim()) args.user = v.user.trim();
  if (v.auth === 'key') {
    if (!v.keyPath.trim()) return 'Enter the path of a private key file, or use ssh-agent.';
    args.keyPath = v.keyPath.trim();
    args.useAgent = false;
  } else {
    args.useAgent = true;
  }
  const interval = Number(v.intervalS);
  if (!(interval >= 0.1 && interval <= 3600)) return 'Interval must be between 0.1 and 3600 seconds.';
  args.intervalMs = Math.round(interval * 1000);
  if (v.pid.trim()) {
    const pid = int(v.pid);
    if (!(pid >= 1)) return 'PID must be a positive whole number.';
    args.pid = pid;
  }
  if (v.ports.trim()) {
    const ports = v.ports.split(/[\s,]+/).filter(Boolean).map(int);
    if (ports.some((p) => !(p >= 1 && p <= 65535))) return 'Ports must be numbers from 1 to 65535, separated by commas.';
    args.filterPorts = [...new Set(ports)];
  }
  if (v.pprofOn) {
    const schedule = toPprofSchedule(v.pprof);
    if (typeof schedule === 'string') return schedule;
    args.pprofSchedule = schedule;
  }
  if (!fleet) return args;
  const { host: _first, ...common } = args;
  return { ...common, hosts };
}

/** The "Collect over SSH" form, as a modal dialog. */
export function SshConnectForm({ onStart, onClose }: { onStart: (args: StartCollectionArgs | StartFleetCollectionArgs) => Promise<void>; onClose: () => void }) {
  const [v, setV] = useState<SshFormValues>(remembered);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const field = (k: Exclude<keyof SshFormValues, 'pprofOn' | 'pprof'>) => ({
    value: v[k],
    onChange: (e: { target: { value: string } }) => setV({ ...v, [k]: e.target.value }),
  });

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const args = toStartArgs(v);
    if (typeof args === 'string') return setError(args);
    setBusy(true);
    setError(null);
    try {
      await onStart(args);
      localStorage.setItem(REMEMBER_KEY, JSON.stringify(v));
      onClose();
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="ssh-modal-backdrop" onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      <form className="ssh-modal ssh-form" data-testid="ssh-form" onSubmit={submit} onKeyDown={(e) => e.key === 'Escape' && onClose()}>
        <h2>Collect socket snapshots over SSH</h2>
        <p className="muted">
          Runs <code>ss -tanoi</code> (with <code>-p</code> where permitted) on the host every interval and streams the
          snapshots into a capture file that grows on the timeline. Key file or ssh-agent only; no passwords.
        </p>
        <div className="ssh-grid">
          <label htmlFor="ssh-host">Host</label>
          <input
            id="ssh-host"
            data-testid="ssh-host"
            autoFocus
            placeholder="host, IP or ~/.ssh/config alias; several (or web-*) for a fleet"
            title="Several hosts (separated by spaces or commas) or a pattern like web-* (every matching Host of ~/.ssh/config) collect from each host at once, each its own source"
            spellCheck={false}
            {...field('host')}
          />
          <label htmlFor="ssh-jump">Jump hosts</label>
          <input id="ssh-jump" data-testid="ssh-jump" placeholder="optional: user@bastion:22,inner (as ssh -J); else ProxyJump from ssh config" spellCheck={false} {...field('jump')} />
          <label htmlFor="ssh-port">Port</label>
          <input id="ssh-port" data-testid="ssh-port" inputMode="numeric" placeholder="22 or from ssh config" {...field('port')} />
          <label htmlFor="ssh-user">User</label>
          <input id="ssh-user" data-testid="ssh-user" placeholder="from ssh config, else your user" spellCheck={false} {...field('user')} />
          <span>Authentication</span>
          <div className="ssh-auth">
            <label>
              <input type="radio" name="ssh-auth" data-testid="ssh-auth-agent" checked={v.auth === 'agent'} onChange={() => setV({ ...v, auth: 'agent' })} />{' '}
              ssh-agent (and the config's identity files)
            </label>
            <label>
              <input type="radio" name="ssh-auth" data-testid="ssh-auth-key" checked={v.auth === 'key'} onChange={() => setV({ ...v, auth: 'key' })} /> key
              file
            </label>
            {v.auth === 'key' && (
              <input aria-label="Private key file" data-testid="ssh-key-path" placeholder="~/.ssh/id_ed25519" spellCheck={false} {...field('keyPath')} />
            )}
          </div>
          <label htmlFor="ssh-interval">Interval (s)</label>
          <input id="ssh-interval" data-testid="ssh-interval" inputMode="decimal" {...field('intervalS')} />
          <label htmlFor="ssh-pid">Count fds of PID</label>
          <input id="ssh-pid" data-testid="ssh-pid" inputMode="numeric" placeholder="optional" {...field('pid')} />
          <label htmlFor="ssh-ports">Only ports</label>
          <input id="ssh-ports" data-testid="ssh-ports" placeholder="optional, e.g. 8080, 5432" {...field('ports')} />
        </div>
        <fieldset className="ssh-form-pprof">
          <label>
            <input type="checkbox" data-testid="ssh-pprof-on" checked={v.pprofOn} onChange={(e) => setV({ ...v, pprofOn: e.target.checked })} /> Also fetch
            Go pprof over this connection, at an interval (each fetch becomes a source)
          </label>
          {v.pprofOn && <PprofScheduleFields idPrefix="ssh-form-pprof" v={v.pprof} onChange={(pprof) => setV({ ...v, pprof })} />}
        </fieldset>
        {error && (
          <div className="ssh-form-error" role="alert" data-testid="ssh-form-error">
            {error}
          </div>
        )}
        <div className="ssh-actions">
          <button type="button" onClick={onClose}>
            Close
          </button>
          <button type="submit" className="primary" data-testid="ssh-start" disabled={busy}>
            {busy ? 'Starting…' : 'Start collecting'}
          </button>
        </div>
      </form>
    </div>
  );
}

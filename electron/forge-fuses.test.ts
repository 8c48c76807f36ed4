import { describe, expect, it } from 'vitest';
import { FuseV1Options, FuseVersion } from '@electron/fuses';
import config from '../forge.config.ts';

// The packaged binary's fuses, read from the Forge config that `npm run package` uses (the Fuses
// plugin itself cannot run here: it needs a real Electron binary to flip).
describe('Electron fuses in forge.config.ts', () => {
  const fuses = config.plugins?.find((p) => p.name === 'fuses') as unknown as { fusesConfig: Record<string, unknown> } | undefined;

  it('the Fuses plugin is configured', () => {
    expect(fuses?.fusesConfig.version).toBe(FuseVersion.V1);
  });

  it('file:// pages get no extra privileges: the window loads from app:// instead', () => {
    expect(fuses?.fusesConfig[FuseV1Options.GrantFileProtocolExtraPrivileges]).toBe(false);
  });

  it('the binary cannot be turned into a plain Node, inspected, or fed another app', () => {
    const c = fuses?.fusesConfig ?? {};
    expect(c[FuseV1Options.RunAsNode]).toBe(false);
    expect(c[FuseV1Options.EnableNodeOptionsEnvironmentVariable]).toBe(false);
    expect(c[FuseV1Options.EnableNodeCliInspectArguments]).toBe(false);
    expect(c[FuseV1Options.EnableEmbeddedAsarIntegrityValidation]).toBe(true);
    expect(c[FuseV1Options.OnlyLoadAppFromAsar]).toBe(true);
  });
});

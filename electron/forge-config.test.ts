import { describe, expect, it } from 'vitest';
import { FuseV1Options, FuseVersion } from '@electron/fuses';
import { join } from 'node:path';
import config from '../forge.config.ts';
import rendererConfig, { FORGE_RENDERER_NAME } from './vite.renderer.config.ts';
import { PROJECT_ROOT } from './paths.ts';

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

// main.ts serves app:// from join(__dirname, '../renderer/' + MAIN_WINDOW_VITE_NAME), __dirname being
// .vite/build (Forge's main output); Forge packages .vite/ only.
describe('the packaged renderer lands where the app:// handler serves from', () => {
  it('Forge builds the renderer named FORGE_RENDERER_NAME with electron/vite.renderer.config.ts', () => {
    const vite = config.plugins?.find((p) => p.name === 'vite') as unknown as { config: { renderer: { name: string; config: string }[] } };
    expect(vite.config.renderer).toEqual([{ name: FORGE_RENDERER_NAME, config: 'electron/vite.renderer.config.ts' }]);
  });

  it('that config writes into .vite/renderer/<name>, keeping the browser-mode config otherwise', () => {
    expect(rendererConfig.build?.outDir).toBe(join(PROJECT_ROOT, '.vite', 'build', '..', 'renderer', FORGE_RENDERER_NAME));
    expect(rendererConfig.base).toBe('./');
  });
});

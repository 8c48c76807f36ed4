/**
 * Electron Forge: Vite builds main, preload and the engine worker (each its own entry: a sandboxed
 * preload cannot import a shared chunk) and the renderer; fuses lock the binary down.
 * Forge 8 needs Node ≥ 22.13: run it through `npm run package` / `npm run make`, which bring Node 22.
 */
import type { ForgeConfig } from '@electron-forge/shared-types';
import { VitePlugin } from '@electron-forge/plugin-vite';
import { FusesPlugin } from '@electron-forge/plugin-fuses';
import { MakerZIP } from '@electron-forge/maker-zip';
import { FuseV1Options, FuseVersion } from '@electron/fuses';
import { FORGE_RENDERER_NAME } from './electron/vite.renderer.config.ts';

const config: ForgeConfig = {
  packagerConfig: {
    name: 'TraceDeck',
    executableName: 'tracedeck',
    asar: true,
    extraResource: ['assets/demo'],
  },
  makers: [new MakerZIP({}, ['linux', 'darwin', 'win32'])],
  plugins: [
    new VitePlugin({
      build: [
        { entry: 'electron/main.ts', config: 'electron/vite.main.config.ts', target: 'main' },
        { entry: 'electron/host/engine-worker.ts', config: 'electron/vite.main.config.ts', target: 'main' },
        { entry: 'electron/preload.ts', config: 'electron/vite.preload.config.ts', target: 'preload' },
      ],
      // Its own config so the build lands in .vite/renderer/main_window (packaged; served by app://).
      renderer: [{ name: FORGE_RENDERER_NAME, config: 'electron/vite.renderer.config.ts' }],
    }),
    new FusesPlugin({
      version: FuseVersion.V1,
      [FuseV1Options.RunAsNode]: false,
      [FuseV1Options.EnableCookieEncryption]: true,
      [FuseV1Options.EnableNodeOptionsEnvironmentVariable]: false,
      [FuseV1Options.EnableNodeCliInspectArguments]: false,
      [FuseV1Options.EnableEmbeddedAsarIntegrityValidation]: true,
      [FuseV1Options.OnlyLoadAppFromAsar]: true,
      // The window loads from app:// (electron/app-protocol.ts), so file:// pages need no extra powers.
      [FuseV1Options.GrantFileProtocolExtraPrivileges]: false,
    }),
  ],
};

export default config;

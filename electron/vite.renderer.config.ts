import { mergeConfig } from 'vite';
import { fileURLToPath } from 'node:url';
import renderer from '../renderer/vite.config.ts';

// The renderer as Electron Forge packages it: renderer/vite.config.ts writes to dist/renderer (browser
// mode), which Forge does not package (it keeps only .vite/). Here the same build goes where main.ts's
// app:// handler serves from: .vite/renderer/<name> beside .vite/build/main.cjs (name: forge.config.ts).
export const FORGE_RENDERER_NAME = 'main_window';

export default mergeConfig(renderer, {
  build: { outDir: fileURLToPath(new URL(`../.vite/renderer/${FORGE_RENDERER_NAME}`, import.meta.url)) },
});

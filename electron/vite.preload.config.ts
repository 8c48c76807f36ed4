import { defineConfig } from 'vite';

// The preload is sandboxed: one self-contained file, no chunks.
export default defineConfig({
  build: {
    rollupOptions: { external: ['electron'], output: { inlineDynamicImports: true } },
  },
});

import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('.', import.meta.url));

// The renderer bundle: loaded from file:// by Electron and served over HTTP in browser mode.
export default defineConfig({
  root,
  base: './',
  plugins: [react()],
  resolve: {
    // d3-flame-graph ships its CSS but does not list it in package.json "exports".
    alias: {
      'd3-flame-graph/dist/d3-flamegraph.css': fileURLToPath(new URL('../node_modules/d3-flame-graph/dist/d3-flamegraph.css', import.meta.url)),
    },
  },
  build: {
    outDir: fileURLToPath(new URL('../dist/renderer', import.meta.url)),
    emptyOutDir: true,
    chunkSizeWarningLimit: 2000,
    sourcemap: true,
  },
});

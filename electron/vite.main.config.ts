import { defineConfig } from 'vite';

// Main process and engine worker bundles (Node targets). ssh2's optional native binding stays out.
export default defineConfig({
  build: {
    rollupOptions: { external: [/\.node$/, 'electron'] },
  },
});

// The renderer's build: root renderer/, output renderer/dist/, relative base so the Electron
// window can load it from file:// and browser mode can serve it from any port.
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('./renderer', import.meta.url));

export default defineConfig({
  root,
  base: './',
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    // One small app: no need to split, and a single bundle keeps the CSP simple.
    chunkSizeWarningLimit: 2000,
  },
});

// Vite build of the web UI: web/ → dist/web (served by `pogo server` at /); `vite` alone serves it with the API proxied.
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root,
  base: '/',
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL('../dist/web', import.meta.url)),
    emptyOutDir: true,
    sourcemap: false,
    chunkSizeWarningLimit: 1024,
  },
  server: {
    // `npx vite web` during development: the API of a `pogo server` on its default address.
    proxy: { '/v1': { target: process.env.POGO_SERVER ?? 'http://127.0.0.1:7657', changeOrigin: false } },
  },
});

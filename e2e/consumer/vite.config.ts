import { defineConfig } from 'vite';

// Served by the e2e proxy at /; the widget's proxy is /api on the same origin.
export default defineConfig({
  build: { outDir: 'dist', emptyOutDir: true },
});

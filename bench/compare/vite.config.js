// Production build of the comparison claim form, the way `npm create vite`
// sets up a React app: @vitejs/plugin-react, default minification. The base
// is relative so the bundle works under any directory of the static server.
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

export default defineConfig({
  plugins: [react()],
  base: './',
  build: { outDir: process.env.BENCH_COMPARE_OUT || 'dist', emptyOutDir: true },
});

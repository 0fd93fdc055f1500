import { defineConfig } from 'vite';

// Served by the e2e proxy at /; the widget's proxy is /api on the same origin.
// Two pages: index.html (the full build, `parcel-desk`) and claim.html (the
// claim-only build, `parcel-desk/claim`).
export default defineConfig({
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    rollupOptions: { input: { main: 'index.html', claim: 'claim.html' } },
  },
});

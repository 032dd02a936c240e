import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The console serves dist under its own origin: no inline scripts (its CSP is script-src 'self'),
// hashed asset names under assets/ (cached for good by the console).
export default defineConfig({
  root: import.meta.dirname,
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    chunkSizeWarningLimit: 900,
  },
  server: {
    proxy: { '/api': { target: 'http://127.0.0.1:8080', ws: true } },
  },
});

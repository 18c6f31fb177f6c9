// Builds the screens (src/renderer) into dist/renderer, which the kiosk service serves in the browser host and the
// Electron shell loads from disk.
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

export default defineConfig({
  root: 'src/renderer',
  base: './',
  plugins: [react()],
  build: { outDir: '../../dist/renderer', emptyOutDir: true, target: 'es2022' },
});

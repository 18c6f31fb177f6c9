// Builds the centre's console (src/console) into dist/console, which the central process serves at /console/
// (src/central/console/serve-console.ts). Hashed file names under assets/: served with a long cache.
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

export default defineConfig({
  root: 'src/console',
  base: '/console/',
  plugins: [react()],
  // The hall's icon, the same file as the kiosk screens' (served by the centre at /favicon.ico).
  publicDir: '../renderer/public',
  build: {
    outDir: '../../dist/console',
    // Not emptied first: a running centre keeps answering /console/ while a build replaces index.html (a page
    // still open keeps finding the assets it names, too). Old hashed files stay until the folder is removed.
    emptyOutDir: false,
    target: 'es2022',
    // antd alone is past the default warning size; the charts are split out and loaded only by their pages.
    chunkSizeWarningLimit: 1500,
  },
});

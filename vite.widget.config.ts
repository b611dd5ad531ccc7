// Library-mode build of the <msir-detector> widget: one standalone ES module (plus the detector's
// worker and wasm assets it loads lazily) in dist/widget/. `npm run build` runs this after the app build.
import { defineConfig } from 'vite';
import { resolve } from 'node:path';

export default defineConfig({
  publicDir: false,
  worker: { format: 'es' },
  build: {
    target: 'es2022',
    outDir: 'dist/widget',
    emptyOutDir: true,
    copyPublicDir: false,
    lib: {
      entry: resolve(import.meta.dirname, 'src/ui/widget/index.ts'),
      formats: ['es'],
      fileName: () => 'msir-widget.js',
    },
  },
});

import { defineConfig } from 'vite';
import { resolve } from 'node:path';

// Cross-origin isolation lets workers use SharedArrayBuffer and wasm threads; both the dev server
// and `vite preview` send the headers.
const isolation = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

export default defineConfig({
  publicDir: 'public',
  server: { headers: isolation },
  preview: { headers: isolation },
  worker: { format: 'es' },
  // Crawl the workers too, so their dependencies are pre-bundled up front instead of triggering a
  // re-optimise + full page reload the first time a worker starts (which breaks e2e tests mid-run).
  optimizeDeps: { entries: ['*.html', 'examples/*.html', 'src/detector/worker/entry.ts', 'src/features/worker.ts', 'src/ui/eval/eval.worker.ts'] },
  build: {
    target: 'es2022',
    rollupOptions: {
      input: {
        main: resolve(import.meta.dirname, 'index.html'),
        eval: resolve(import.meta.dirname, 'eval.html'),
        'widget-example': resolve(import.meta.dirname, 'examples/widget.html'),
      },
    },
  },
});

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

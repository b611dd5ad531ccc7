// Library-mode build of the package's browser code into dist/lib/: msir.js (the Detector API) and
// msir-widget.js (defines <msir-detector>), plus the shared chunks, worker and binaries they load lazily.
// `npm run build` runs this after the app build; `npm pack` runs it through `prepack`.
import { defineConfig, type Plugin } from 'vite';
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';

/**
 * Library mode inlines every `?url` asset as base64, which would turn the wasm runtimes and the VAD
 * model (tens of MB) into JavaScript strings. Emit them as files instead and point at them relative to
 * the importing chunk (import.meta.url), so the modules work from whatever folder hosts dist/lib/.
 */
function emitBinaryUrls(): Plugin {
  const BINARY = /\.(wasm|onnx|mjs)\?url$/;
  const NEW_URL = /new URL\((['"])([^'"]+\.(?:wasm|mjs))\1,\s*import\.meta\.url\)/g;
  return {
    name: 'msir:emit-binary-urls',
    enforce: 'pre',
    async resolveId(source, importer) {
      if (!BINARY.test(source)) return null;
      const resolved = await this.resolve(source.slice(0, -'?url'.length), importer, { skipSelf: true });
      return resolved ? `\0msir-url:${resolved.id}` : null;
    },
    // Same for `new URL('x.wasm', import.meta.url)` inside dependencies (onnxruntime-web).
    transform(code, id) {
      if (!id.includes('node_modules') || !code.includes('import.meta.url')) return null;
      let changed = false;
      const out = code.replace(NEW_URL, (whole, _q: string, rel: string) => {
        const file = resolve(dirname(id.split('?')[0]!), rel);
        if (!existsSync(file)) return whole;
        changed = true;
        const ref = this.emitFile({ type: 'asset', name: basename(file), source: readFileSync(file) });
        return `new URL(import.meta.ROLLUP_FILE_URL_${ref})`;
      });
      return changed ? { code: out, map: null } : null;
    },
    load(id) {
      if (!id.startsWith('\0msir-url:')) return null;
      const file = id.slice('\0msir-url:'.length);
      const ref = this.emitFile({ type: 'asset', name: basename(file), source: readFileSync(file) });
      return `export default import.meta.ROLLUP_FILE_URL_${ref};`;
    },
  };
}

export default defineConfig({
  // Relative base: worker, worklet and chunk URLs resolve against the module's own URL, wherever it is hosted.
  base: './',
  publicDir: false,
  plugins: [emitBinaryUrls()],
  worker: { format: 'es', plugins: () => [emitBinaryUrls()] },
  build: {
    target: 'es2022',
    outDir: 'dist/lib',
    emptyOutDir: true,
    copyPublicDir: false,
    lib: {
      entry: {
        msir: resolve(import.meta.dirname, 'src/detector/index.ts'),
        'msir-widget': resolve(import.meta.dirname, 'src/ui/widget/index.ts'),
      },
      formats: ['es'],
      fileName: (_format, name) => `${name}.js`,
    },
  },
});

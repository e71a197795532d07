import { defineConfig, type Plugin } from 'vite';

const WORKER_FILE = 'tabcache-worker.js';

/**
 * The default worker is bundled whole (comlink and idb inside) into `dist/tabcache-worker.js`. In the library
 * chunk, Vite's generated reference to it is rewritten to the plain `new URL('./tabcache-worker.js',
 * import.meta.url)` that Vite, webpack 5 and Rollup recognise in an app's build and copy along.
 */
function plainWorkerUrl(): Plugin {
  return {
    name: 'tabcache:plain-worker-url',
    renderChunk(code) {
      const rewritten = code.replace(
        /new URL\(\s*\/\* @vite-ignore \*\/\s*"[^"]*tabcache-worker\.js",\s*"" \+ import\.meta\.url\s*\)/g,
        `new URL("./${WORKER_FILE}", import.meta.url)`,
      );
      return rewritten === code ? null : { code: rewritten, map: null };
    },
  };
}

// Library build: ESM for `tabcache` and `tabcache/worker`, dependencies left to the app's bundler.
export default defineConfig({
  plugins: [plainWorkerUrl()],
  build: {
    target: 'es2022',
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: true,
    lib: {
      entry: { index: 'src/index.ts', worker: 'src/worker/index.ts' },
      formats: ['es'],
    },
    rollupOptions: {
      external: ['comlink', 'idb', 'http-cache-semantics', /^msgpackr(\/|$)/],
    },
  },
  worker: {
    format: 'es',
    rollupOptions: { output: { entryFileNames: WORKER_FILE } },
  },
});

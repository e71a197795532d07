// Builds tabcache's default worker into one file, as an app's production build ships it, so that start-up
// is timed without the dev server's one-request-per-module loading. Node-side only.
import path from 'node:path';
import { build } from 'vite';
import { ROOT } from '../../test/support/server.js';

const OUT = 'node_modules/.cache/tabcache-bench';

/** Bundles src/worker/entry.ts and returns its path from the repository root, to pass as option `worker`. */
export async function bundleWorker(): Promise<string> {
  await build({
    root: ROOT,
    configFile: false,
    logLevel: 'error',
    build: {
      target: 'es2022',
      outDir: path.join(ROOT, OUT),
      emptyOutDir: true,
      minify: true,
      lib: { entry: path.join(ROOT, 'src/worker/entry.ts'), formats: ['es'], fileName: () => 'worker.js' },
    },
  });
  return `/${OUT}/worker.js`;
}

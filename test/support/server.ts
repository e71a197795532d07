// Starts a Vite dev server over the repository for e2e tests and benchmarks. Node-side only.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createServer, type Plugin, type ViteDevServer } from 'vite';
import { headersOnEveryResponse, ISOLATION_HEADERS } from '../../demo/isolation.js';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface ServerOptions {
  /** Serve with COOP/COEP so that pages are cross-origin isolated. @default true */
  isolated?: boolean;
  /** Extra plugins, e.g. endpoints that count the requests they get. */
  plugins?: Plugin[];
  /** @default a free port */
  port?: number;
}

export interface TestServer {
  url: string;
  server: ViteDevServer;
  close(): Promise<void>;
}

export async function startServer(options: ServerOptions = {}): Promise<TestServer> {
  // Dependencies optimized for this server alone: servers of other plugins share no cache with it, so that
  // none re-optimizes under another's pages, which Vite would then reload.
  const cacheDir = await mkdtemp(join(tmpdir(), 'tabcache-vite-'));
  const server = await createServer({
    root: ROOT,
    configFile: false,
    cacheDir,
    logLevel: (process.env.VLOG as 'info') ?? 'error',
    clearScreen: false,
    plugins: [
      ...(options.isolated === false
        ? []
        : // Lets an isolated page of another test server (another origin) embed these pages in frames.
          [headersOnEveryResponse({ ...ISOLATION_HEADERS, 'Cross-Origin-Resource-Policy': 'cross-origin' })]),
      ...(options.plugins ?? []),
    ],
    server: {
      host: '127.0.0.1',
      port: options.port ?? 0,
      strictPort: options.port !== undefined,
      hmr: false,
      watch: null,
    },
    optimizeDeps: { noDiscovery: true, include: ['comlink', 'idb', 'http-cache-semantics'] },
  });
  await server.listen();
  const address = server.httpServer?.address();
  if (!address || typeof address === 'string') throw new Error('the test server has no port');
  return {
    url: `http://127.0.0.1:${address.port}`,
    server,
    async close() {
      await server.close();
      await rm(cacheDir, { recursive: true, force: true });
    },
  };
}

// Starts a Vite dev server over the repository for e2e tests and benchmarks. Node-side only.
import { fileURLToPath } from 'node:url';
import { createServer, type Plugin, type ViteDevServer } from 'vite';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export const ISOLATION_HEADERS = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  // Lets an isolated page of another test server (another origin) embed these pages in frames.
  'Cross-Origin-Resource-Policy': 'cross-origin',
};

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
  const server = await createServer({
    root: ROOT,
    configFile: false,
    logLevel: 'error',
    clearScreen: false,
    plugins: options.plugins ?? [],
    server: {
      host: '127.0.0.1',
      port: options.port ?? 0,
      strictPort: options.port !== undefined,
      headers: options.isolated === false ? {} : ISOLATION_HEADERS,
      hmr: false,
      watch: null,
    },
    optimizeDeps: { noDiscovery: true, include: ['comlink', 'idb', 'http-cache-semantics'] },
  });
  await server.listen();
  const address = server.httpServer?.address();
  if (!address || typeof address === 'string') throw new Error('the test server has no port');
  return { url: `http://127.0.0.1:${address.port}`, server, close: () => server.close() };
}

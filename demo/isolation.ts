import type { Plugin } from 'vite';

/** The headers that make a page cross-origin isolated, so that it gets SharedArrayBuffer. */
export const ISOLATION_HEADERS = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

/**
 * Sends `headers` on every response of the dev server. Vite's own `server.headers` are left off its 304 answers to
 * revalidations, and WebKit then refuses a module worker of an isolated page whose script (or one it imports) was
 * revalidated: after the first load, every worker fails to start.
 */
export function headersOnEveryResponse(headers: Record<string, string>): Plugin {
  return {
    name: 'headers-on-every-response',
    configureServer(server) {
      server.middlewares.use((_request, response, next) => {
        for (const [name, value] of Object.entries(headers)) response.setHeader(name, value);
        next();
      });
    },
  };
}

// The demo's slow API, served by its own Vite server: products that take a visible while to load, and a
// counter of the requests that reached the server, which is how the page proves what the cache saved.
import type { Plugin } from 'vite';

export const PRODUCTS = ['Kettle', 'Teapot', 'Mug', 'Saucer', 'Strainer', 'Cosy'];

/** @param delay milliseconds each product request takes */
export function demoApi(delay = 800): Plugin {
  const counts = new Map<string, number>();
  return {
    name: 'tabcache-demo-api',
    configureServer(server) {
      server.middlewares.use((request, response, next) => {
        const url = new URL(request.url ?? '/', 'http://localhost');
        const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
          response.writeHead(status, { 'Content-Type': 'application/json', ...headers });
          response.end(JSON.stringify(body));
        };
        if (url.pathname === '/api/requests') {
          return send(200, { total: [...counts.values()].reduce((a, b) => a + b, 0), byPath: Object.fromEntries(counts) }, { 'Cache-Control': 'no-store' });
        }
        const match = /^\/api\/products\/(\d+)$/.exec(url.pathname);
        if (!match) return next();
        counts.set(url.pathname, (counts.get(url.pathname) ?? 0) + 1);
        const id = Number(match[1]);
        const name = PRODUCTS[id - 1];
        setTimeout(() => {
          if (!name) return send(404, { error: `no product ${id}` });
          send(200, { id, name, price: 4 + id * 3, servedAt: new Date().toISOString() }, { 'Cache-Control': 'max-age=3600' });
        }, delay);
      });
    },
  };
}

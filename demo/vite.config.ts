import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import { demoApi } from './api.js';
import { headersOnEveryResponse, ISOLATION_HEADERS } from './isolation.js';

const isolated = process.env.TABCACHE_DEMO_ISOLATED !== '0';

// `npm run demo`: serves the demo page, cross-origin isolated (COOP/COEP) unless TABCACHE_DEMO_ISOLATED=0,
// with the slow API the page memoizes.
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  plugins: [demoApi(), ...(isolated ? [headersOnEveryResponse(ISOLATION_HEADERS)] : [])],
  server: {
    host: '127.0.0.1',
    port: 5173,
    fs: { allow: [fileURLToPath(new URL('..', import.meta.url))] },
  },
  build: {
    rollupOptions: {
      input: {
        main: fileURLToPath(new URL('index.html', import.meta.url)),
        frame: fileURLToPath(new URL('frame.html', import.meta.url)),
      },
    },
  },
});

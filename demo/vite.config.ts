import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import { demoApi } from './api.js';

const isolated = process.env.TABCACHE_DEMO_ISOLATED !== '0';

// `npm run demo`: serves the demo page, cross-origin isolated (COOP/COEP) unless TABCACHE_DEMO_ISOLATED=0,
// with the slow API the page memoizes.
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  plugins: [demoApi()],
  server: {
    host: '127.0.0.1',
    port: 5173,
    headers: isolated
      ? {
          'Cross-Origin-Opener-Policy': 'same-origin',
          'Cross-Origin-Embedder-Policy': 'require-corp',
        }
      : {},
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

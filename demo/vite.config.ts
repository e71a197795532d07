import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// `npm run demo`: serves the demo page with the headers that make it cross-origin isolated.
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  server: {
    host: '127.0.0.1',
    port: 5173,
    headers: {
      'Cross-Origin-Opener-Policy': 'same-origin',
      'Cross-Origin-Embedder-Policy': 'require-corp',
    },
    fs: { allow: [fileURLToPath(new URL('..', import.meta.url))] },
  },
});

// Puts the library on `window` so that Playwright tests can drive it with page.evaluate.
import * as tabcache from '../../../src/index.js';

declare global {
  interface Window {
    tabcache: typeof tabcache;
    ready: Promise<void>;
  }
}

window.tabcache = tabcache;
window.ready = Promise.resolve();

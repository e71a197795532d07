// Puts the library on `window` so that Playwright tests can drive it with page.evaluate.
import * as tabcache from '../../../src/index.js';

declare global {
  interface Window {
    tabcache: typeof tabcache;
    ready: Promise<void>;
    /** In a frame: the raw port the parent page at `origin` hands over for cache `name`, as a hostile frame would get it. */
    askForPort(name: string, origin: string): Promise<MessagePort>;
  }
}

window.tabcache = tabcache;
window.ready = Promise.resolve();
window.askForPort = (name, origin) => {
  const id = crypto.randomUUID();
  return new Promise((resolve) => {
    addEventListener('message', (event: MessageEvent<{ type?: string; id?: string }>) => {
      const port = event.ports[0];
      if (event.data?.type === 'tabcache:port' && event.data.id === id && port) resolve(port);
    });
    parent.postMessage({ type: 'tabcache:connect', name, id }, origin);
  });
};

// Helpers shared by the browser suites.
import { afterEach } from 'vitest';
import { createCache, type CacheOptions, type TabCache } from '../../../src/index.js';

/** A `make(options)` that creates caches under fresh names and closes them after each test. */
export function cacheMaker(prefix: string, defaults: CacheOptions = {}) {
  const open: TabCache<unknown>[] = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map((cache) => cache.close().catch(() => {})));
  });
  return <V>(options: CacheOptions = {}): TabCache<V> => {
    const cache = createCache<V>({ name: `${prefix}-${Math.random()}`, ...defaults, ...options });
    open.push(cache as TabCache<unknown>);
    return cache;
  };
}

/** Counts messages posted from this page to a worker, directly or over a port, from now until stop(). */
export function countPostMessages() {
  let count = 0;
  const restore = [Worker.prototype, MessagePort.prototype].map((prototype) => {
    const original = prototype.postMessage;
    prototype.postMessage = function (this: Worker | MessagePort, ...args: unknown[]) {
      count++;
      return (original as (...a: unknown[]) => void).apply(this, args);
    };
    return () => (prototype.postMessage = original);
  });
  return {
    stop() {
      for (const undo of restore) undo();
      return count;
    },
  };
}

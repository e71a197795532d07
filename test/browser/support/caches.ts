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

/** Counts messages posted to any worker from now until stop(). */
export function countPostMessages() {
  const original = Worker.prototype.postMessage;
  let count = 0;
  Worker.prototype.postMessage = function (this: Worker, ...args: Parameters<Worker['postMessage']>) {
    count++;
    return original.apply(this, args);
  } as Worker['postMessage'];
  return {
    stop() {
      Worker.prototype.postMessage = original;
      return count;
    },
  };
}

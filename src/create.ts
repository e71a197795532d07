// Making a client: a worker of its own for a page, or the parent page's worker for a frame.
import { TabCache } from './client/cache.js';
import { connectWith, type ConnectOptions } from './client/connect.js';
import { Connection } from './client/connection.js';
import { workerLinks } from './client/link.js';
import { resolveOptions, type CacheOptions } from './options.js';

function spawnDefault(name: string): Worker {
  return new Worker(new URL('./worker/entry.ts', import.meta.url), { type: 'module', name: `tabcache:${name}` });
}

/**
 * Starts (or, with `options.worker`, connects to) the worker that owns the cache named `options.name`, and
 * returns a client for it. Throws a TypeError or RangeError at once when an option is invalid.
 */
export function createCache<V = unknown>(options: CacheOptions = {}): TabCache<V> {
  const { worker, ...config } = resolveOptions(options);
  return new TabCache<V>(new Connection(workerLinks(worker, () => spawnDefault(config.name)), config));
}

/**
 * In a frame: a client for the parent page's cache, which the page offers with `cache.share()`. Without such
 * a page the frame starts a worker of its own from the same options, and `stats().link.fallback` says why.
 */
export function connect<V = unknown>(options: ConnectOptions = {}): TabCache<V> {
  return connectWith<V>(options, ({ worker, name }) => workerLinks(worker, () => spawnDefault(name ?? 'default')));
}

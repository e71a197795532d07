import { PREFIX } from '../errors.js';
import { checkOptionsObject, describe, resolveOptions, type CacheOptions } from '../options.js';
import { TabCache } from './cache.js';
import { Connection } from './connection.js';
import { checkOrigins, requestPort } from './frames.js';
import type { LinkFactory } from './link.js';

/** Options of `connect`: those of `createCache`, used when no page offers its cache, and the handshake's. */
export interface ConnectOptions extends CacheOptions {
  /**
   * Parent origins besides the frame's own that may hand this frame a cache.
   * @default [] (a same-origin parent only)
   */
  parentOrigins?: readonly string[];
  /**
   * Milliseconds to wait for the parent page to answer before starting a worker of this frame's own. Once the
   * page has answered, the frame waits for its port as long as the page's worker takes to start.
   * @default 1000
   */
  timeout?: number;
}

/**
 * In a frame: a client for the parent page's cache named `options.name`, over a port the page hands over
 * (see `cache.share()`). With no page offering one in time, the frame runs a worker of its own, and
 * `stats().link.fallback` says why.
 */
export function connectWith<V>(options: ConnectOptions, ownWorker: (config: CacheOptions) => LinkFactory): TabCache<V> {
  checkOptionsObject(options, 'connect');
  const { parentOrigins: origins, timeout = 1000, ...cacheOptions } = options;
  const parentOrigins = checkOrigins(origins, 'parentOrigins');
  if (typeof timeout !== 'number' || !(timeout >= 0)) {
    throw new RangeError(`${PREFIX}option 'timeout' must be a number of milliseconds, got ${describe(timeout)}`);
  }
  const { worker: _worker, ...config } = resolveOptions(cacheOptions);
  const own = ownWorker(cacheOptions);
  const links: LinkFactory = async () => {
    const fromPage = await requestPort({ name: config.name, parentOrigins, timeout });
    if (fromPage) return fromPage;
    const link = await own();
    const fallback =
      window.parent === window
        ? 'this page is not in a frame'
        : `no parent page offered cache '${config.name}' within ${timeout} ms`;
    return { ...link, via: { kind: 'worker', fallback } };
  };
  const connection = new Connection(links, config);
  // A frame that goes away lets go of its port at once, so the page's worker keeps nothing for it.
  addEventListener('pagehide', () => connection.detach());
  return new TabCache<V>(connection);
}

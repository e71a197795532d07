// A page with a memoizeFetch and a few memoized functions over one cache, for Playwright tests to call with
// page.evaluate. Every page of a test uses the same cache name, so that tabs share entries.
import * as tabcache from '../../../src/index.js';

const cache = tabcache.createCache({ name: 'e2e-memoize' });
const cachedFetch = tabcache.memoizeFetch({ cache });
const privateFetch = tabcache.memoizeFetch({ cache, private: true });

/** What a test checks of a response. */
export interface Seen {
  status: number;
  body: string;
  age: string | null;
}

async function seen(response: Response): Promise<Seen> {
  return { status: response.status, body: await response.text(), age: response.headers.get('age') };
}

const memo = {
  cache,
  get: async (path: string, init?: RequestInit) => seen(await cachedFetch(path, init)),
  getPrivate: async (path: string, init?: RequestInit) => seen(await privateFetch(path, init)),
  /** A memoized function that calls an endpoint and returns undefined. */
  ping: tabcache.memoize(
    async (path: string) => {
      await fetch(path, { cache: 'no-store' });
      return undefined;
    },
    { cache, namespace: 'ping' },
  ),
};

declare global {
  interface Window {
    tabcache: typeof tabcache;
    memo: typeof memo;
  }
}

window.memo = memo;
window.tabcache = tabcache;

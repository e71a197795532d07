import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, openHarness, type TestBrowser } from '../support/browser.js';
import { startServer, type TestServer } from '../support/server.js';

// The same page with and without COOP/COEP: the cache behaves the same, and only the path differs.
let browser: TestBrowser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

async function exercise(server: TestServer) {
  const context = await browser.newContext();
  try {
    const page = await openHarness(context, `${server.url}/test/e2e/pages/harness.html`);
    return await page.evaluate(async () => {
      const cache = window.tabcache.createCache({ name: 'fast-path', capacity: 3, persist: false });
      await cache.put('a', { n: 1, when: new Date(5) });
      await cache.put('short', 'x', { ttl: 50 });
      const hit = await cache.get('a');
      const peeked = cache.peek('a');
      for (let i = 0; i < 10; i++) await cache.get('a');
      await new Promise((resolve) => setTimeout(resolve, 80));
      const expired = await cache.get('short');
      for (const key of ['b', 'c', 'd']) await cache.put(key, key);
      const evicted = await cache.get('short');
      const deleted = await cache.delete('b');
      const afterDelete = await cache.get('b');
      const { fastPath, hits, misses } = await cache.stats();
      await cache.clear();
      const afterClear = await cache.get('a');
      await cache.close();
      return {
        isolated: crossOriginIsolated,
        sharedMemory: typeof SharedArrayBuffer === 'function',
        hit: hit as { n: number; when: Date },
        whenIsDate: (hit as { when: unknown }).when instanceof Date,
        peeked,
        expired,
        evicted,
        deleted,
        afterDelete,
        afterClear,
        fastPath,
        hits,
        misses,
      };
    });
  } finally {
    await context.close();
  }
}

const common = {
  hit: { n: 1, when: new Date(5) },
  whenIsDate: true,
  expired: undefined,
  evicted: undefined,
  deleted: true,
  afterDelete: undefined,
  afterClear: undefined,
  misses: 3,
};

describe('served without COOP/COEP', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer({ isolated: false });
  });
  afterAll(async () => {
    await server?.close();
  });

  it('works over messages, and stats say the fast path is off and why', async () => {
    const result = await exercise(server);
    expect(result).toMatchObject({ ...common, isolated: false, peeked: undefined, hits: 11 });
    expect(result.fastPath).toMatchObject({ active: false, hits: 0, entries: 0, sharedBytes: 0 });
    expect(result.fastPath.reason).toMatch(/not cross-origin isolated.*Cross-Origin-Opener-Policy/);
  });
});

describe('served with COOP/COEP', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(async () => {
    await server?.close();
  });

  it('answers the same, with hits from shared memory where the engine has SharedArrayBuffer', async () => {
    const result = await exercise(server);
    // WebKit isolates the page but has no SharedArrayBuffer.
    expect(result).toMatchObject({ isolated: true, sharedMemory: browser.engine !== 'webkit' });
    if (result.sharedMemory) {
      // The peek is a hit too, served like the gets.
      expect(result).toMatchObject({ ...common, peeked: { n: 1, when: new Date(5) }, hits: 12 });
      expect(result.fastPath).toMatchObject({ active: true, reason: undefined, hits: 12 });
    } else {
      expect(result).toMatchObject({ ...common, peeked: undefined, hits: 11 });
      expect(result.fastPath).toMatchObject({ active: false, hits: 0, entries: 0, sharedBytes: 0 });
      expect(result.fastPath.reason).toMatch(/no SharedArrayBuffer/);
    }
  });
});

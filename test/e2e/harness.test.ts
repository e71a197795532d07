import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, openHarness, type TestBrowser } from '../support/browser.js';
import { startServer, type TestServer } from '../support/server.js';

let server: TestServer;
let browser: TestBrowser;
beforeAll(async () => {
  server = await startServer();
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('a page served by Vite', () => {
  it('is cross-origin isolated and runs a cache in a worker', async () => {
    const context = await browser.newContext();
    const page = await openHarness(context, `${server.url}/test/e2e/pages/harness.html`);
    const result = await page.evaluate(async () => {
      const cache = window.tabcache.createCache({ name: 'e2e' });
      await cache.put('a', { n: 1 });
      const value = await cache.get('a');
      await cache.close();
      return { isolated: crossOriginIsolated, value };
    });
    expect(result).toEqual({ isolated: true, value: { n: 1 } });
    await context.close();
  });
});

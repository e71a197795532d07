// What an acknowledged write is worth when the user closes or reloads the tab right after it, with no flush.
import { describe, expect, it } from 'vitest';
import type { CacheOptions, TabCache } from '../../src/index.js';
import { openHarness, type TestContext, type TestPage } from '../support/browser.js';
import { e2e } from '../support/e2e.js';

const HARNESS = '/test/e2e/pages/harness.html';
const VALUE = 'v'.repeat(1_000);
const env = e2e();
let context: TestContext;

declare global {
  interface Window {
    cache: TabCache<unknown>;
  }
}

async function tab(options: CacheOptions): Promise<TestPage> {
  const page = await openHarness(context, `${env.servers[0]!.url}${HARNESS}`);
  await page.evaluate((options) => void (window.cache = window.tabcache.createCache(options)), options);
  return page;
}

/** Keys of cache `name` that a new tab finds. */
async function survivors(name: string): Promise<string[]> {
  const page = await tab({ name });
  const keys = await page.evaluate(() => window.cache.keys());
  await page.close();
  return keys.sort();
}

const keys = (n: number, round: number) => Array.from({ length: n }, (_, i) => `r${round}-${String(i).padStart(3, '0')}`);

describe('acknowledged writes and a closing tab', () => {
  it('keeps all of 500 puts made at once when the tab closes 50 ms after they resolve', async ({ skip }) => {
    // Measured in Firefox ESR 153: 2,000 puts in a transaction committed explicitly, the page closed at once,
    // kept 0 in 3 of 4 tries. It keeps only what completed before the page went: there use `durable: true`.
    skip(env.browser.engine === 'firefox', 'Firefox drops a committed transaction that has not completed when its page closes');
    context = await env.newContext();
    const name = `close-50-${Date.now()}`;
    // The database exists, as it does after an app's first visit: creating it can take WebKit longer than 50 ms.
    const first = await tab({ name });
    await first.evaluate(() => window.cache.put('made', true, { durable: true }));
    await first.close();
    for (let round = 0; round < 3; round++) {
      const page = await tab({ name });
      await page.evaluate(
        async ({ written, value }) => {
          await Promise.all(written.map((key) => window.cache.put(key, value)));
          // The user closes the tab a moment later; the test waits here, in the page, as the user would.
          await new Promise((resolve) => setTimeout(resolve, 50));
        },
        { written: keys(500, round), value: VALUE },
      );
      await page.close({ runBeforeUnload: false });
    }
    expect(await survivors(name)).toEqual(['made', ...keys(500, 0), ...keys(500, 1), ...keys(500, 2)].sort());
  });

  it('keeps durable puts when the tab closes the moment they resolve', async () => {
    context = await env.newContext();
    const name = `close-0-${Date.now()}`;
    for (let round = 0; round < 3; round++) {
      const page = await tab({ name });
      await page.evaluate(
        ({ written, value }) => Promise.all(written.map((key) => window.cache.put(key, value, { durable: true }))),
        { written: keys(500, round), value: VALUE },
      );
      await page.close({ runBeforeUnload: false });
    }
    expect(await survivors(name)).toEqual([...keys(500, 0), ...keys(500, 1), ...keys(500, 2)].sort());
  });

  it('keeps puts awaited just before a reload', async () => {
    context = await env.newContext();
    const name = `reload-${Date.now()}`;
    const page = await tab({ name });
    await page.evaluate(
      async ({ written, value }) => {
        await Promise.all(written.map((key) => window.cache.put(key, value)));
        await new Promise((resolve) => setTimeout(resolve, 50));
      },
      { written: keys(200, 0), value: VALUE },
    );
    await page.reload();
    await page.waitForFunction(() => 'tabcache' in window);
    const found = await page.evaluate(async (name) => (await window.tabcache.createCache({ name }).keys()).sort(), name);
    expect(found).toEqual(keys(200, 0));
  });
});

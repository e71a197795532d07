import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { CacheOptions, TabCache } from '../../src/index.js';
import { launchBrowser, openHarness, type TestBrowser, type TestContext, type TestPage } from '../support/browser.js';
import { startServer, type TestServer } from '../support/server.js';

// Persistence and sharing across the pages of one browser context, as a user would see them: reloads,
// several tabs, closed tabs, a worker that dies, a small quota, an old connection in another tab.

const HARNESS = '/test/e2e/pages/harness.html';
let server: TestServer;
let browser: TestBrowser;
let context: TestContext;

beforeAll(async () => {
  server = await startServer();
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});
afterEach(async () => {
  await context?.close();
});

declare global {
  interface Window {
    cache: TabCache<unknown>;
  }
}

let names = 0;
const uniqueName = (what: string) => `${what}-${Date.now()}-${names++}`;

/** A new tab with `window.cache` made from `options`. */
async function tab(options: CacheOptions): Promise<TestPage> {
  const page = await openHarness(context, `${server.url}${HARNESS}`);
  await page.evaluate((options) => {
    window.cache = window.tabcache.createCache(options);
  }, options);
  return page;
}

/** Milliseconds until `page` reads `expected` under `key`, polling; fails after two seconds. */
function timeUntil(page: TestPage, key: string, expected: unknown): Promise<number> {
  return page.evaluate(
    async ({ key, expected }) => {
      const started = performance.now();
      while (performance.now() - started < 2_000) {
        if (JSON.stringify(await window.cache.get(key)) === JSON.stringify(expected)) return performance.now() - started;
      }
      throw new Error(`${key} never became ${JSON.stringify(expected)}`);
    },
    { key, expected },
  );
}

describe('persistence across pages', () => {
  it('keeps data across a reload', async () => {
    context = await browser.newContext();
    const name = uniqueName('reload');
    const page = await tab({ name });
    await page.evaluate(async () => {
      await window.cache.put('user', { id: 1, name: 'Ann' }, { tags: ['users'] });
      // A reload at once, with the last put durable: puts that are not are kept once their batch commits, a few
      // milliseconds on (durability.test.ts), but Firefox and WebKit end the worker as the page unloads.
      await window.cache.put('when', new Date(5), { durable: true });
    });
    await page.reload();
    await page.waitForFunction(() => 'tabcache' in window);
    const after = await page.evaluate(async (name) => {
      window.cache = window.tabcache.createCache({ name });
      return { user: await window.cache.get('user'), when: await window.cache.get('when'), keys: (await window.cache.keys()).sort() };
    }, name);
    expect(after).toEqual({ user: { id: 1, name: 'Ann' }, when: new Date(5), keys: ['user', 'when'] });
  });

  it("shows three pages each other's writes and deletes within 100 ms", async () => {
    context = await browser.newContext();
    const name = uniqueName('three');
    const pages = [await tab({ name }), await tab({ name }), await tab({ name })];
    const [a, b, c] = pages as [TestPage, TestPage, TestPage];
    // Every page has its worker running and holds the key in memory, so that a stale copy would show.
    await a.evaluate(() => window.cache.put('k', 'first'));
    await a.evaluate(() => window.cache.flush());
    for (const page of pages) await timeUntil(page, 'k', 'first');

    await a.evaluate(() => window.cache.put('k', 'from a'));
    expect(await timeUntil(b, 'k', 'from a')).toBeLessThan(100);
    expect(await timeUntil(c, 'k', 'from a')).toBeLessThan(100);

    await b.evaluate(() => window.cache.put('k', 'from b'));
    expect(await timeUntil(a, 'k', 'from b')).toBeLessThan(100);
    expect(await timeUntil(c, 'k', 'from b')).toBeLessThan(100);

    await c.evaluate(() => window.cache.delete('k'));
    expect(await timeUntil(a, 'k', undefined)).toBeLessThan(100);
    expect(await timeUntil(b, 'k', undefined)).toBeLessThan(100);

    await a.evaluate(() => window.cache.put('t', 1, { tags: ['group'] }));
    expect(await timeUntil(b, 't', 1)).toBeLessThan(100);
    await c.evaluate(() => window.cache.invalidateTags(['group']));
    expect(await timeUntil(b, 't', undefined)).toBeLessThan(100);
  });

  it('shows a page opened later everything earlier pages persisted', async () => {
    context = await browser.newContext();
    const name = uniqueName('later');
    const first = await tab({ name });
    await first.evaluate(async () => {
      for (let i = 0; i < 50; i++) await window.cache.put(`k${i}`, i);
      await window.cache.flush();
    });
    const later = await tab({ name });
    expect(await later.evaluate(async () => (await window.cache.keys()).length)).toBe(50);
    expect(await later.evaluate(() => window.cache.get('k49'))).toBe(49);
  });

  it('keeps all of 1,000 puts flushed before the page closed', async () => {
    context = await browser.newContext();
    const name = uniqueName('thousand');
    const page = await tab({ name, capacity: 100 });
    await page.evaluate(async () => {
      const value = 'x'.repeat(1_000);
      await Promise.all(Array.from({ length: 1_000 }, (_, i) => window.cache.put(`k${i}`, `${i}:${value}`)));
      await window.cache.flush();
    });
    await page.close();
    const reopened = await tab({ name, capacity: 100 });
    const found = await reopened.evaluate(async () => {
      const values = await Promise.all(Array.from({ length: 1_000 }, (_, i) => window.cache.get(`k${i}`)));
      return values.filter((value, i) => value === `${i}:${'x'.repeat(1_000)}`).length;
    });
    expect(found).toBe(1_000);
  });

  it('leaves no broken entries when a page closes in the middle of a burst', async () => {
    context = await browser.newContext();
    const name = uniqueName('burst');
    const page = await tab({ name });
    await page.evaluate(() => {
      // Never awaited: the page closes while these are in flight.
      for (let i = 0; i < 5_000; i++) void window.cache.put(`k${i}`, { i, body: 'y'.repeat(500) }).catch(() => {});
    });
    await page.close({ runBeforeUnload: false });
    const reopened = await tab({ name });
    const report = await reopened.evaluate(async () => {
      const keys = await window.cache.keys();
      const values = await Promise.all(keys.map((key) => window.cache.get(key)));
      const broken = keys.filter((key, n) => {
        const value = values[n] as { i: number; body: string } | undefined;
        return !value || `k${value.i}` !== key || value.body !== 'y'.repeat(500);
      });
      return { count: keys.length, broken, corrupt: (await window.cache.stats()).persistence.corrupt };
    });
    expect(report.broken).toEqual([]);
    expect(report.corrupt).toBe(0);
  });

  it('leaves no partial batch when the worker is terminated in the middle of it', async () => {
    context = await browser.newContext();
    const name = uniqueName('terminated');
    const page = await tab({ name, persist: false });
    const outcomes = await page.evaluate(async (name) => {
      const outcomes: number[] = [];
      for (const delay of [0, 2, 5, 10, 20]) {
        const worker = new Worker(new URL('/src/worker/entry.ts', location.origin), { type: 'module' });
        const cache = window.tabcache.createCache({ name: `${name}-${delay}`, worker });
        await cache.get('warm-up');
        // One task, so one batch: one transaction.
        const puts = Array.from({ length: 500 }, (_, i) => cache.put(`k${i}`, { i, body: 'z'.repeat(1_000) }));
        await Promise.all(puts);
        await new Promise((resolve) => setTimeout(resolve, delay));
        worker.terminate();
        const after = window.tabcache.createCache({ name: `${name}-${delay}` });
        const keys = await after.keys();
        const values = await Promise.all(keys.map((key) => after.get(key)));
        const whole = values.every((value, n) => (value as { i: number }).i === Number(keys[n]!.slice(1)));
        outcomes.push(whole ? keys.length : -1);
        await after.close();
      }
      return outcomes;
    }, name);
    for (const count of outcomes) expect([0, 500]).toContain(count);
  });

  it('keeps puts working under a small quota, and says so in stats', async ({ skip }) => {
    skip(browser.engine !== 'chromium', 'forcing a small quota takes the DevTools protocol, which only Chromium speaks');
    context = await browser.newContext();
    const name = uniqueName('quota');
    const page = await tab({ name, capacity: 100 });
    const cdp = await context.newCDPSession(page);
    await cdp.send('Storage.overrideQuotaForOrigin', { origin: server.url, quotaSize: 300_000 });
    const result = await page.evaluate(async () => {
      const body = 'q'.repeat(50_000);
      const puts: Promise<unknown>[] = [];
      for (let i = 0; i < 40; i++) puts.push(window.cache.put(`k${i}`, `${i}:${body}`).then(() => 'ok', (error: Error) => error.name));
      const outcomes = await Promise.all(puts);
      const flushed = await window.cache.flush().then(() => 'ok', (error: Error) => error.name);
      const last = await window.cache.get('k39');
      return { outcomes, flushed, lastOk: last === `39:${body}`, persistence: (await window.cache.stats()).persistence };
    });
    expect(result.outcomes.every((outcome) => outcome === 'ok')).toBe(true);
    expect(result.flushed).toBe('ok');
    expect(result.lastOk).toBe(true);
    expect(result.persistence.state).toBe('on');
    expect(result.persistence.quotaFailures).toBeGreaterThan(0);
    await cdp.send('Storage.overrideQuotaForOrigin', { origin: server.url });
  });

  it('does not hang when another page holds an old-version connection open', async () => {
    context = await browser.newContext();
    const name = uniqueName('old');
    const old = await openHarness(context, `${server.url}${HARNESS}`);
    await old.evaluate(
      (name) =>
        new Promise<void>((resolve, reject) => {
          // An older version of the database, held open by code that never closes it on request.
          const request = indexedDB.open(`tabcache:${name}`, 1);
          request.onsuccess = () => {
            (window as unknown as { old: IDBDatabase }).old = request.result;
            resolve();
          };
          request.onerror = () => reject(request.error);
        }),
      name,
    );
    const page = await tab({ name });
    const warnings: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'warning' && message.text().includes('tabcache')) warnings.push(message.text());
    });
    const first = await page.evaluate(async () => {
      const started = performance.now();
      await window.cache.put('a', 1);
      const a = await window.cache.get('a');
      const missing = await window.cache.get('b');
      // Not the flush: it waits for the database, as it should (see the browser tests).
      return { a, missing, ms: performance.now() - started, persistence: (await window.cache.stats()).persistence };
    });
    expect(first).toMatchObject({ a: 1, missing: undefined, persistence: { state: 'unavailable', reason: expect.stringMatching(/blocked/) } });
    expect(first.ms).toBeLessThan(3_000);
    // The warning comes from the worker, whose console WebDriver cannot see.
    if (browser.engine !== 'webkit') expect(warnings).toHaveLength(1);

    await old.close();
    await expect
      .poll(() => page.evaluate(async () => (await window.cache.stats()).persistence.state), { timeout: 5_000 })
      .toBe('on');
    await page.evaluate(() => window.cache.put('a', 2, { durable: true }));
    const later = await tab({ name });
    expect(await later.evaluate(() => window.cache.get('a'))).toBe(2);
  });
});

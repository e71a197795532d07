import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, openHarness, type TestBrowser, type TestContext, type TestPage } from '../support/browser.js';
import { addFrame, HARNESS, sharingPage as sharingPageIn, useFromFrame } from '../support/frames.js';
import { startServer, type TestServer } from '../support/server.js';

let home: TestServer;
let other: TestServer;
let browser: TestBrowser;
let context: TestContext | undefined;

beforeAll(async () => {
  [home, other] = await Promise.all([startServer(), startServer()]);
  browser = await launchBrowser();
});
afterEach(async () => {
  await context?.close();
  context = undefined;
});
afterAll(async () => {
  await browser?.close();
  await Promise.all([home?.close(), other?.close()]);
});

async function sharingPage(name: string, origins: string[] = []): Promise<TestPage> {
  context = await browser.newContext();
  return sharingPageIn(context, home.url, name, origins);
}

function pageReads(page: TestPage, key: string) {
  return page.evaluate((key) => (window as unknown as { cache: { get(k: string): Promise<unknown> } }).cache.get(key), key);
}

describe('frames', () => {
  it('a same-origin frame shares the page cache both ways', async () => {
    const page = await sharingPage('frames-same');
    const frame = await addFrame(page, `${home.url}${HARNESS}`);
    const result = await useFromFrame(frame, 'frames-same');
    expect(result).toEqual({ seen: 'hello from the page', link: { kind: 'page' } });
    expect(await pageReads(page, 'from-frame')).toBe('hello from the frame');
  });

  it('a frame that asks before the page shares is served once the page does', async () => {
    context = await browser.newContext();
    const page = await openHarness(context, `${home.url}${HARNESS}`);
    await page.evaluate(async () => {
      const cache = window.tabcache.createCache({ name: 'frames-late', capacity: 5_000 });
      await cache.put('from-page', 'hello from the page');
      (window as unknown as { cache: typeof cache }).cache = cache;
    });
    const frame = await addFrame(page, `${other.url}${HARNESS}`);
    await frame.evaluate((home) => {
      const cache = window.tabcache.connect({ name: 'frames-late', parentOrigins: [home], timeout: 10_000 });
      const answer = (async () => ({ seen: await cache.get('from-page'), link: (await cache.stats()).link }))();
      (window as unknown as { answer: typeof answer }).answer = answer;
    }, home.url);
    await page.evaluate((other) => (window as unknown as { cache: { share(o: object): void } }).cache.share({ origins: [other] }), other.url);
    expect(await frame.evaluate(() => (window as unknown as { answer: Promise<unknown> }).answer)).toEqual({ seen: 'hello from the page', link: { kind: 'page' } });
  });

  it('a frame of another origin gets nothing unless the page lists its origin', async () => {
    const page = await sharingPage('frames-cross');
    const warnings: string[] = [];
    page.on('console', (message) => message.type() === 'warning' && warnings.push(message.text()));
    const frame = await addFrame(page, `${other.url}${HARNESS}`);
    const result = await useFromFrame(frame, 'frames-cross', [home.url]);
    expect(result.seen).toBeUndefined();
    expect(result.link).toMatchObject({ kind: 'worker', fallback: expect.stringMatching(/no parent page offered/) });
    expect(await pageReads(page, 'from-frame')).toBeUndefined();
    expect(warnings.join('\n')).toContain(`${other.url} asked for cache 'frames-cross'`);
  });

  it('a frame of another origin is served when the page lists it and it trusts the page', async () => {
    const page = await sharingPage('frames-allowed', [other.url]);
    const frame = await addFrame(page, `${other.url}${HARNESS}`);
    const result = await useFromFrame(frame, 'frames-allowed', [home.url]);
    expect(result).toEqual({ seen: 'hello from the page', link: { kind: 'page' } });
    expect(await pageReads(page, 'from-frame')).toBe('hello from the frame');
  });

  it('a frame does not take a port from a parent origin it does not trust', async () => {
    const page = await sharingPage('frames-untrusted', [other.url]);
    const frame = await addFrame(page, `${other.url}${HARNESS}`);
    const result = await useFromFrame(frame, 'frames-untrusted');
    expect(result.link).toMatchObject({ kind: 'worker' });
    expect(result.seen).toBeUndefined();
  });

  it('removing a frame in the middle of its calls leaves the page cache working', async () => {
    const page = await sharingPage('frames-removed');
    const frame = await addFrame(page, `${home.url}${HARNESS}`);
    await useFromFrame(frame, 'frames-removed');
    await frame.evaluate(() => {
      const cache = window.tabcache.connect({ name: 'frames-removed' });
      for (let i = 0; i < 2_000; i++) void cache.put(`burst-${i}`, 'x'.repeat(1_000)).catch(() => {});
    });
    await page.evaluate(() => document.querySelector('#widget')?.remove());
    const after = await page.evaluate(async () => {
      const cache = (window as unknown as { cache: import('../../src/index.js').TabCache<string> }).cache;
      await cache.put('after', 'still here');
      return [await cache.get('after'), await cache.get('from-frame')];
    });
    expect(after).toEqual(['still here', 'hello from the frame']);
  });

  it("a cross-origin frame's calls do not hang when the page's worker dies", async () => {
    context = await browser.newContext();
    const page = await openHarness(context, `${home.url}${HARNESS}`);
    await page.evaluate(async (other) => {
      const worker = new URL('/test/browser/fixtures/mortal-worker.ts', location.href);
      const cache = window.tabcache.createCache({ name: 'frames-mortal', policy: 'mortal', worker });
      await cache.put('from-page', 'hello from the page');
      cache.share({ origins: [other] });
      (window as unknown as { cache: typeof cache }).cache = cache;
    }, other.url);
    const frame = await addFrame(page, `${other.url}${HARNESS}`);
    await frame.evaluate(async (home) => {
      const cache = window.tabcache.connect({ name: 'frames-mortal', parentOrigins: [home] });
      (window as unknown as { cache: typeof cache }).cache = cache;
      if ((await cache.get('from-page')) !== 'hello from the page') throw new Error('not linked to the page');
    }, home.url);
    await page.evaluate(() => {
      const cache = (window as unknown as { cache: { get(k: string): Promise<unknown> } }).cache;
      void cache.get('die').catch(() => {});
    });
    // Calls from the frame around the worker's death: each must settle, by an answer from the page's new worker
    // (which the frame can reach only after the page told it the old one was gone) or by a WorkerGoneError.
    const settled = await frame.evaluate(async () => {
      const cache = (window as unknown as { cache: import('../../src/index.js').TabCache }).cache;
      const calls = Array.from({ length: 5 }, async (_, i) => {
        await new Promise((resolve) => setTimeout(resolve, i * 20));
        return cache.get('from-page').then(
          () => 'answered',
          (error: Error) => error.name,
        );
      });
      const timeout = new Promise((resolve) => setTimeout(() => resolve('hung'), 5_000));
      return Promise.race([Promise.all(calls), timeout]);
    });
    expect(settled).not.toBe('hung');
    for (const outcome of settled as string[]) expect(['answered', 'WorkerGoneError']).toContain(outcome);
  });

  it('a page that is not in a frame falls back to its own worker and says why', async () => {
    context = await browser.newContext();
    const page = await openHarness(context, `${home.url}${HARNESS}`);
    const link = await page.evaluate(async () => {
      const cache = window.tabcache.connect({ name: 'alone' });
      await cache.put('a', 1);
      return (await cache.stats()).link;
    });
    expect(link).toEqual({ kind: 'worker', fallback: 'this page is not in a frame' });
  });
});

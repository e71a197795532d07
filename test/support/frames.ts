// Pages that share a cache with their frames, for the e2e tests of the frame handshake. Node-side only.
import { openHarness, type Scope, type TestContext, type TestPage } from './browser.js';

export const HARNESS = '/test/e2e/pages/harness.html';

/** A page of `origin` with cache `name` put in it (as `window.cache`) and shared with `origins`. */
export async function sharingPage(context: TestContext, origin: string, name: string, origins: string[] = []): Promise<TestPage> {
  const page = await openHarness(context, `${origin}${HARNESS}`);
  await page.evaluate(
    async ({ name, origins }) => {
      const cache = window.tabcache.createCache({ name, capacity: 5_000 });
      await cache.put('from-page', 'hello from the page');
      cache.share({ origins });
      (window as unknown as { cache: typeof cache }).cache = cache;
    },
    { name, origins },
  );
  return page;
}

/** Adds a frame of `url` with element id `id` to `page`, and waits until the harness has loaded in it. */
export async function addFrame(page: TestPage, url: string, id = 'widget'): Promise<Scope> {
  await page.evaluate(
    ({ src, id }) => {
      const frame = Object.assign(document.createElement('iframe'), { src, id });
      document.body.append(frame);
    },
    { src: url, id },
  );
  const frame = await page.frame(`#${id}`);
  await frame.waitForFunction(() => 'tabcache' in window);
  return frame;
}

/** In the frame: connect, read the page's entry, write one back, and report which worker served it. */
export function useFromFrame(frame: Scope, name: string, parentOrigins: string[] = []) {
  return frame.evaluate(
    async ({ name, parentOrigins }) => {
      const cache = window.tabcache.connect({ name, parentOrigins, timeout: 500 });
      const seen = await cache.get('from-page');
      await cache.put('from-frame', 'hello from the frame');
      const { link } = await cache.stats();
      return { seen, link };
    },
    { name, parentOrigins },
  );
}

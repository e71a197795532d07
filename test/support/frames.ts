// Pages that share a cache with their frames, for the e2e tests of the frame handshake. Node-side only.
import type { BrowserContext, Frame, Page } from 'playwright-core';
import { openHarness } from './browser.js';

export const HARNESS = '/test/e2e/pages/harness.html';

/** A page of `origin` with cache `name` put in it (as `window.cache`) and shared with `origins`. */
export async function sharingPage(context: BrowserContext, origin: string, name: string, origins: string[] = []): Promise<Page> {
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
export async function addFrame(page: Page, url: string, id = 'widget'): Promise<Frame> {
  await page.evaluate(
    ({ src, id }) => {
      const frame = Object.assign(document.createElement('iframe'), { src, id });
      document.body.append(frame);
    },
    { src: url, id },
  );
  const handle = await page.waitForSelector(`#${id}`);
  const frame = await handle.contentFrame();
  if (!frame) throw new Error('no frame');
  await frame.waitForFunction(() => 'tabcache' in window);
  return frame;
}

/** In the frame: connect, read the page's entry, write one back, and report which worker served it. */
export function useFromFrame(frame: Frame, name: string, parentOrigins: string[] = []) {
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

// Launches Chromium through Playwright for e2e tests and benchmarks. Node-side only.
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { launchOptions } from './chromium.js';

export function launchChromium(): Promise<Browser> {
  return chromium.launch(launchOptions());
}

/** Opens `url` and waits until the harness has put the library on `window`; fails on page errors. */
export async function openHarness(context: BrowserContext, url: string): Promise<Page> {
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(url);
  await page.waitForFunction(() => 'tabcache' in window, undefined, { timeout: 20_000 }).catch((error: Error) => {
    throw new Error(`${url} did not load: ${errors.join('; ') || error.message}`);
  });
  return page;
}

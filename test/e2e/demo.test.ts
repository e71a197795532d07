import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createServer, type ViteDevServer } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, type TestBrowser, type TestContext, type TestPage } from '../support/browser.js';

const CONFIG = fileURLToPath(new URL('../../demo/vite.config.ts', import.meta.url));
const SCREENSHOTS = fileURLToPath(new URL('../../test-results/', import.meta.url));

let browser: TestBrowser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

/** Starts the demo's own Vite server (as `npm run demo` does), isolated or not. */
async function demoServer(isolated: boolean): Promise<{ url: string; server: ViteDevServer }> {
  process.env.TABCACHE_DEMO_ISOLATED = isolated ? '1' : '0';
  const server = await createServer({ configFile: CONFIG, logLevel: 'error', server: { port: 0, strictPort: false, hmr: false } });
  await server.listen();
  const address = server.httpServer?.address();
  if (!address || typeof address === 'string') throw new Error('the demo server has no port');
  return { url: `http://127.0.0.1:${address.port}/`, server };
}

async function openDemo(context: TestContext, url: string, errors: string[]): Promise<TestPage> {
  const page = await context.newPage();
  page.on('console', (message) => message.type() === 'error' && errors.push(message.text()));
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(url);
  return page;
}

/** Loads product `id` and returns the line the page logged for it. */
async function load(page: TestPage, id: number): Promise<string> {
  const before = await page.count('#log li');
  await page.click(`button[data-product="${id}"]`);
  await expect.poll(() => page.count('#log li'), { timeout: 15_000 }).toBe(before + 1);
  return (await page.textContent('#log li')) ?? '';
}

const serverCount = (page: TestPage) => page.evaluate(async () => ((await (await fetch('/api/requests')).json()) as { total: number }).total);

describe('the demo', () => {
  it('shows the slow API memoized across tabs and reloads, live figures, the frame and the playground', async () => {
    const { url, server } = await demoServer(true);
    const context = await browser.newContext({ viewport: { width: 1200, height: 900 } });
    const errors: string[] = [];
    try {
      const page = await openDemo(context, url, errors);
      // WebKit isolates the page but has no SharedArrayBuffer, and the demo says so.
      await expect.poll(() => page.textContent('#path')).toMatch(browser.engine === 'webkit' ? /message path: .*no SharedArrayBuffer/ : /fast path on/);

      expect(await load(page, 1)).toMatch(/Kettle: .* from the server/);
      expect(await load(page, 1)).toMatch(/Kettle: .* from the cache/);
      expect(await serverCount(page)).toBe(1);

      const second = await openDemo(context, url, errors);
      expect(await load(second, 1)).toMatch(/Kettle: .* from the cache/);
      await expect.poll(() => page.textContent('#tabs'), { timeout: 10_000 }).toMatch(/2 tabs/);
      await second.close();

      await page.reload();
      expect(await load(page, 1)).toMatch(/Kettle: .* from the cache/);
      expect(await serverCount(page)).toBe(1);
      await expect.poll(() => page.textContent('#requests')).toBe('1');

      await expect.poll(() => page.textContent('#tiers'), { timeout: 10_000 }).toMatch(/IndexedDB.*[1-9]/);
      // After the reload the worker's memory started empty: the product came from IndexedDB.
      await expect.poll(() => page.textContent('#counters')).toMatch(/answered by IndexedDB\)\d+ \([1-9]/);

      const frame = await page.frame('#widget');
      await expect.poll(() => frame.textContent('#link'), { timeout: 10_000 }).toMatch(/shares the page's cache/);
      await frame.click('#cheapest');
      await expect.poll(() => frame.textContent('#products')).toMatch(/Kettle: 7 €/);
      expect(await serverCount(page)).toBe(1);

      await page.fill('input[name=requests]', '60000');
      await page.fill('input[name=keys]', '5000');
      await page.fill('input[name=capacity]', '400');
      await page.click('#workload button');
      await expect.poll(() => page.count('#policy-table tbody tr'), { timeout: 60_000 }).toBe(5);
      const table = await page.evaluate(() =>
        [...document.querySelectorAll('#policy-table tbody tr')].map((row) => [...row.querySelectorAll('td')].map((cell) => cell.textContent ?? '')),
      );
      const percent = (cell: string | undefined) => Number.parseFloat(cell ?? 'NaN');
      const opt = table.find((row) => row[0] === 'OPT')!;
      for (const row of table) {
        for (let column = 1; column < row.length; column++) expect(percent(row[column])).toBeLessThanOrEqual(percent(opt[column]));
      }
      await expect.poll(() => page.count('#policy-chart canvas')).toBeGreaterThan(0);

      mkdirSync(SCREENSHOTS, { recursive: true });
      await page.screenshot(`${SCREENSHOTS}demo-${browser.engine}.png`);
      expect(errors).toEqual([]);
    } finally {
      await context.close();
      await server.close();
    }
  });

  it('works without cross-origin isolation, and says it is on the message path', async () => {
    const { url, server } = await demoServer(false);
    const context = await browser.newContext();
    const errors: string[] = [];
    try {
      const page = await openDemo(context, url, errors);
      await expect.poll(() => page.textContent('#path')).toMatch(/message path: .*isolated/);
      expect(await load(page, 2)).toMatch(/Teapot: .* from the server/);
      expect(await load(page, 2)).toMatch(/Teapot: .* from the cache/);
      expect(errors).toEqual([]);
    } finally {
      await context.close();
      await server.close();
    }
  });
});

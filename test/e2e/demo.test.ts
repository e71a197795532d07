import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { createServer, type ViteDevServer } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/browser.js';

let server: ViteDevServer;
let browser: Browser;
let url: string;
beforeAll(async () => {
  server = await createServer({
    configFile: fileURLToPath(new URL('../../demo/vite.config.ts', import.meta.url)),
    logLevel: 'error',
    server: { port: 0, strictPort: false, hmr: false },
  });
  await server.listen();
  const address = server.httpServer?.address();
  if (!address || typeof address === 'string') throw new Error('the demo server has no port');
  url = `http://127.0.0.1:${address.port}/`;
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('the demo page', () => {
  it('puts, gets and deletes an entry and shows the stats, with no console errors', async () => {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('console', (message) => message.type() === 'error' && errors.push(message.text()));
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(url);
    await expect.poll(() => page.locator('#path').textContent()).toContain('cross-origin isolated');

    await page.fill('input[name=key]', 'greeting');
    await page.fill('input[name=value]', 'hello');
    await page.click('button[value=put]');
    await expect.poll(() => page.locator('#result').textContent()).toMatch(/put "greeting"/);
    await page.click('button[value=get]');
    await expect.poll(() => page.locator('#result').textContent()).toMatch(/"greeting" → "hello"/);
    await expect.poll(() => page.locator('#keys').textContent()).toContain('greeting');
    await expect.poll(() => page.locator('#stats').textContent()).toMatch(/hits\s*1/);

    await page.click('button[value=delete]');
    await expect.poll(() => page.locator('#result').textContent()).toMatch(/deleted "greeting"/);
    await page.click('button[value=get]');
    await expect.poll(() => page.locator('#result').textContent()).toMatch(/"greeting": miss/);
    expect(errors).toEqual([]);
    await page.close();
  });
});

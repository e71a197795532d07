// Runs benchmark code inside headless Chromium: a Vite server over the repository, one page, and a module
// of the benchmark's own imported into that page.
import type { Page } from 'playwright-core';
import { launchChromium } from '../../test/support/engines.js';
import { startServer, type ServerOptions } from '../../test/support/server.js';

export interface BenchPage {
  page: Page;
  url: string;
  /** Imports `modulePath` (from the repository root) in the page and calls its export `name` with `args`. */
  run<T>(modulePath: string, name: string, ...args: unknown[]): Promise<T>;
}

export async function withBenchPage<T>(body: (bench: BenchPage) => Promise<T>, options: ServerOptions = {}): Promise<T> {
  const server = await startServer(options);
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    page.on('console', (message) => {
      if (message.type() === 'error') console.error(`[page] ${message.text()}`);
    });
    await page.goto(`${server.url}/bench/pages/blank.html`);
    return await body({
      page,
      url: server.url,
      run: <R>(modulePath: string, name: string, ...args: unknown[]) =>
        page.evaluate(
          async ({ modulePath, name, args }) => {
            const module = (await import(/* @vite-ignore */ modulePath)) as Record<string, (...a: unknown[]) => unknown>;
            const fn = module[name];
            if (typeof fn !== 'function') throw new Error(`${modulePath} has no export ${name}`);
            return fn(...args);
          },
          { modulePath, name, args },
        ) as Promise<R>,
    });
  } finally {
    await browser.close();
    await server.close();
  }
}

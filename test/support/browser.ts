// The browser that e2e tests drive, in the engine of their project: Playwright for Chromium and Firefox, W3C
// WebDriver for WebKit (webdriver.ts). Both sit behind the few page operations the tests use. Node-side only.
import { chromium, firefox, type BrowserContext, type CDPSession, type Frame, type Page } from 'playwright-core';
import { inject } from 'vitest';
import { launchOptions, type Engine } from './engines.js';
import { webDriverBrowser } from './webdriver.js';

export interface ConsoleMessage {
  /** 'log', 'warning', 'error', … as Playwright names them. */
  type(): string;
  text(): string;
}

/** What a test does in a page or in one of its frames. */
export interface Scope {
  /** Runs `fn` in the page with `arg` (both cross as data: no closures) and resolves with its result. */
  evaluate<R, A = undefined>(fn: (arg: A) => R | Promise<R>, arg?: A): Promise<R>;
  /** Resolves once `fn(arg)` is truthy in the page. */
  waitForFunction<A = undefined>(fn: (arg: A) => unknown, arg?: A, options?: { timeout?: number }): Promise<void>;
  /** The text of the first element that matches `selector`, once there is one. */
  textContent(selector: string): Promise<string | null>;
  click(selector: string): Promise<void>;
}

export interface TestPage extends Scope {
  goto(url: string): Promise<void>;
  /** Reloads, and resolves once the page has loaded. */
  reload(): Promise<void>;
  close(options?: { runBeforeUnload?: boolean }): Promise<void>;
  /** Console messages of the page and its frames; in WebKit, not those of workers, which WebDriver cannot see. */
  on(event: 'console', listener: (message: ConsoleMessage) => void): void;
  on(event: 'pageerror', listener: (error: Error) => void): void;
  /** The frame of the iframe that matches `selector`, once the iframe is there. */
  frame(selector: string): Promise<Scope>;
  count(selector: string): Promise<number>;
  fill(selector: string, value: string): Promise<void>;
  screenshot(path: string): Promise<void>;
}

/** Pages that share storage, Web Locks and BroadcastChannels; another context shares nothing with them. */
export interface TestContext {
  newPage(): Promise<TestPage>;
  /** A DevTools protocol session on `page`: Chromium only. */
  newCDPSession(page: TestPage): Promise<CDPSession>;
  close(): Promise<void>;
}

export interface TestBrowser {
  readonly engine: Engine;
  newContext(options?: { viewport?: { width: number; height: number } }): Promise<TestContext>;
  close(): Promise<void>;
}

/** The browser of this project's engine. */
export async function launchBrowser(): Promise<TestBrowser> {
  const engine = inject('engine');
  if (engine === 'webkit') return webDriverBrowser(inject('webdriver'));
  const browser = await (engine === 'chromium' ? chromium : firefox).launch(launchOptions(engine));
  return {
    engine,
    newContext: async (options) => playwrightContext(await browser.newContext(options)),
    close: () => browser.close(),
  };
}

/** Opens `url` and waits until the harness has put the library on `window`; fails on page errors. */
export async function openHarness(context: TestContext, url: string): Promise<TestPage> {
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(url);
  await page.waitForFunction(() => 'tabcache' in window, undefined, { timeout: 20_000 }).catch((error: Error) => {
    throw new Error(`${url} did not load: ${errors.join('; ') || error.message}`);
  });
  return page;
}

function playwrightContext(context: BrowserContext): TestContext {
  const pages = new WeakMap<TestPage, Page>();
  return {
    async newPage() {
      const page = await context.newPage();
      const wrapped = playwrightPage(page);
      pages.set(wrapped, page);
      return wrapped;
    },
    newCDPSession(page) {
      const raw = pages.get(page);
      if (!raw) throw new Error('not a page of this context');
      return context.newCDPSession(raw);
    },
    close: () => context.close(),
  };
}

function playwrightPage(page: Page): TestPage {
  return {
    ...playwrightScope(page),
    goto: async (url) => void (await page.goto(url)),
    reload: async () => void (await page.reload()),
    close: (options) => page.close(options),
    on(event: 'console' | 'pageerror', listener: ((message: ConsoleMessage) => void) | ((error: Error) => void)) {
      page.on(event as 'console', listener as (message: ConsoleMessage) => void);
    },
    async frame(selector) {
      const frame = await (await page.waitForSelector(selector)).contentFrame();
      if (!frame) throw new Error(`${selector} is not a frame`);
      return playwrightScope(frame);
    },
    count: (selector) => page.locator(selector).count(),
    async fill(selector, value) {
      const field = page.locator(selector);
      // Over WebDriver BiDi (Firefox), fill types after what a number input holds instead of replacing it.
      await field.clear();
      await field.fill(value);
    },
    screenshot: async (path) => void (await page.screenshot({ path, fullPage: true })),
  };
}

function playwrightScope(target: Page | Frame): Scope {
  return {
    evaluate: <R, A>(fn: (arg: A) => R | Promise<R>, arg?: A) => target.evaluate(fn as (arg: unknown) => R | Promise<R>, arg),
    waitForFunction: async <A>(fn: (arg: A) => unknown, arg?: A, options?: { timeout?: number }) =>
      void (await target.waitForFunction(fn as (arg: unknown) => unknown, arg, options)),
    textContent: (selector) => target.locator(selector).first().textContent(),
    click: (selector) => target.locator(selector).first().click(),
  };
}

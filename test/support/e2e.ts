// The set-up an e2e test file shares: test servers (each its own origin) and the project's browser for the
// file, and a browser context per test, closed after it. Node-side only.
import { afterAll, afterEach, beforeAll } from 'vitest';
import { launchBrowser, type TestBrowser, type TestContext } from './browser.js';
import { startServer, type TestServer } from './server.js';

export interface E2e {
  /** The servers, started before the file's first test. */
  readonly servers: TestServer[];
  readonly browser: TestBrowser;
  /** A new context (pages that share storage), closed after the test that made it. */
  newContext(): Promise<TestContext>;
}

/** Registers the hooks of an e2e file with `servers` test servers. */
export function e2e(servers = 1): E2e {
  let browser: TestBrowser | undefined;
  const started: TestServer[] = [];
  const contexts: TestContext[] = [];
  beforeAll(async () => {
    started.push(...(await Promise.all(Array.from({ length: servers }, () => startServer()))));
    browser = await launchBrowser();
  });
  afterEach(async () => {
    await Promise.all(contexts.splice(0).map((context) => context.close()));
  });
  afterAll(async () => {
    await browser?.close();
    await Promise.all(started.map((server) => server.close()));
  });
  const launched = () => {
    if (!browser) throw new Error('the browser starts in beforeAll');
    return browser;
  };
  return {
    servers: started,
    get browser() {
      return launched();
    },
    async newContext() {
      const context = await launched().newContext();
      contexts.push(context);
      return context;
    },
  };
}

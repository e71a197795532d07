import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Plugin } from 'vite';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { launchBrowser, openHarness, type TestBrowser, type TestContext, type TestPage } from '../support/browser.js';
import { startServer, type TestServer } from '../support/server.js';

/** Requests each endpoint got, by path, and the If-None-Match headers sent to /api/etag. */
const hits = new Map<string, number>();
const conditionals: (string | undefined)[] = [];
/** Responses to /api/hang held open until the test lets them go. */
const hanging: ServerResponse[] = [];

function count(path: string): number {
  return hits.get(path) ?? 0;
}

type Handler = (req: IncomingMessage, res: ServerResponse, n: number) => void;

function send(res: ServerResponse, status: number, headers: Record<string, string>, body: string): void {
  res.writeHead(status, { 'Content-Type': 'text/plain', ...headers });
  res.end(body);
}

const endpoints: Record<string, Handler> = {
  '/api/fresh': (_, res, n) => send(res, 200, { 'Cache-Control': 'max-age=60' }, `fresh ${n}`),
  '/api/slow': (_, res, n) => void setTimeout(() => send(res, 200, { 'Cache-Control': 'max-age=60' }, `slow ${n}`), 500),
  '/api/etag': (req, res, n) => {
    conditionals.push(req.headers['if-none-match']);
    if (req.headers['if-none-match'] === '"v1"') return send(res, 304, { ETag: '"v1"', 'Cache-Control': 'no-cache' }, '');
    send(res, 200, { ETag: '"v1"', 'Cache-Control': 'no-cache' }, `etag body ${n}`);
  },
  '/api/no-store': (_, res, n) => send(res, 200, { 'Cache-Control': 'no-store' }, `no-store ${n}`),
  '/api/error': (_, res, n) => send(res, 500, { 'Cache-Control': 'max-age=60' }, `error ${n}`),
  '/api/stale-if-error': (_, res, n) =>
    n === 1
      ? send(res, 200, { 'Cache-Control': 'max-age=1, stale-if-error=60' }, 'good')
      : send(res, 503, {}, `down ${n}`),
  '/api/swr': (_, res, n) => send(res, 200, { 'Cache-Control': 'max-age=1, stale-while-revalidate=60' }, `swr ${n}`),
  '/api/vary': (req, res, n) =>
    send(res, 200, { 'Cache-Control': 'max-age=60', Vary: 'Accept-Language' }, `${req.headers['accept-language']} ${n}`),
  '/api/auth': (_, res, n) => send(res, 200, { 'Cache-Control': 'max-age=60' }, `auth ${n}`),
  '/api/me': (req, res, n) => send(res, 200, { 'Cache-Control': 'private, max-age=60' }, `${req.headers.cookie ?? 'no cookie'} (${n})`),
  '/api/undefined': (_, res, n) => send(res, 200, {}, `ping ${n}`),
  '/api/hang': (_, res, n) => {
    if (n === 1) hanging.push(res);
    else send(res, 200, { 'Cache-Control': 'max-age=60' }, `hang ${n}`);
  },
};

const counting: Plugin = {
  name: 'counting-endpoints',
  configureServer(server) {
    server.middlewares.use((req, res, next) => {
      const path = new URL(req.url ?? '/', 'http://localhost').pathname;
      const handler = endpoints[path];
      if (!handler) return next();
      const n = count(path) + 1;
      hits.set(path, n);
      handler(req, res, n);
    });
  },
};

let server: TestServer;
let browser: TestBrowser;
let context: TestContext;
beforeAll(async () => {
  server = await startServer({ plugins: [counting] });
  browser = await launchBrowser();
});
afterAll(async () => {
  for (const res of hanging.splice(0)) res.destroy();
  await browser?.close();
  await server?.close();
});
beforeEach(async () => {
  hits.clear();
  conditionals.length = 0;
  // A new context per test: its own IndexedDB and Web Locks.
  context = await browser.newContext();
});
afterEach(async () => {
  await context.close();
});

const PAGE = () => `${server.url}/test/e2e/pages/memoize.html`;
const open = () => openHarness(context, PAGE());
/** The parts of a RequestInit these tests send into the page. */
type Init = { headers?: Record<string, string>; cache?: RequestCache; mode?: RequestMode };
const get = (page: TestPage, path: string, init?: Init) => page.evaluate(([p, i]) => window.memo.get(p, i), [path, init] as const);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** A page whose origin now has a session cookie, which every later page of the context sends too. */
const signedIn = async () => {
  const page = await open();
  await page.evaluate(() => void (document.cookie = 'session=s3cr3t; path=/'));
  return page;
};

/** Every string in the page's cache database, keys and bodies included, once the page's writes are durable. */
const storedText = (page: TestPage) =>
  page.evaluate(async () => {
    await window.memo.cache.flush();
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const request = indexedDB.open('tabcache:e2e-memoize');
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    const all = (store: string, keys: boolean) =>
      new Promise<unknown[]>((resolve, reject) => {
        const request = keys ? db.transaction(store).objectStore(store).getAllKeys() : db.transaction(store).objectStore(store).getAll();
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => reject(request.error);
      });
    // The records, and the keys whose access times were written back.
    const records = [await all('entries', false), await all('touches', true)];
    db.close();
    const lines: string[] = [];
    const walk = (value: unknown): void => {
      if (typeof value === 'string') lines.push(value);
      else if (value instanceof ArrayBuffer) lines.push(new TextDecoder().decode(value));
      else if (typeof value === 'object' && value !== null) {
        for (const [key, inner] of Object.entries(value)) {
          lines.push(key);
          walk(inner);
        }
      }
    };
    walk(records);
    return lines.join('\n');
  });

describe('memoizeFetch against a server that counts requests', () => {
  it('answers a fresh entry from the cache, with a body that can be read every time', async () => {
    const page = await open();
    const first = await get(page, '/api/fresh');
    const second = await get(page, '/api/fresh');
    expect(first).toMatchObject({ status: 200, body: 'fresh 1' });
    expect(second).toMatchObject({ status: 200, body: 'fresh 1' });
    expect(count('/api/fresh')).toBe(1);
  });

  it('makes one request for concurrent calls in one page', async () => {
    const page = await open();
    const bodies = await page.evaluate(() => Promise.all(Array.from({ length: 10 }, () => window.memo.get('/api/slow'))));
    expect(new Set(bodies.map((seen) => seen.body))).toEqual(new Set(['slow 1']));
    expect(count('/api/slow')).toBe(1);
  });

  it('revalidates with If-None-Match and serves the kept body on a 304', async () => {
    const page = await open();
    expect(await get(page, '/api/etag')).toMatchObject({ status: 200, body: 'etag body 1' });
    expect(await get(page, '/api/etag')).toMatchObject({ status: 200, body: 'etag body 1' });
    expect(await get(page, '/api/etag')).toMatchObject({ status: 200, body: 'etag body 1' });
    expect(count('/api/etag')).toBe(3);
    expect(conditionals).toEqual([undefined, '"v1"', '"v1"']);
  });

  it('never keeps a no-store response', async () => {
    const page = await open();
    expect((await get(page, '/api/no-store')).body).toBe('no-store 1');
    expect((await get(page, '/api/no-store')).body).toBe('no-store 2');
    expect(await page.evaluate(() => window.memo.cache.keys())).not.toContainEqual(expect.stringContaining('/api/no-store'));
  });

  it('does not keep an error status', async () => {
    const page = await open();
    expect(await get(page, '/api/error')).toMatchObject({ status: 500, body: 'error 1' });
    expect(await get(page, '/api/error')).toMatchObject({ status: 500, body: 'error 2' });
    expect(count('/api/error')).toBe(2);
  });

  it('serves a stale response when the server fails within stale-if-error', async () => {
    const page = await open();
    expect(await get(page, '/api/stale-if-error')).toMatchObject({ status: 200, body: 'good' });
    await sleep(1_200);
    expect(await get(page, '/api/stale-if-error')).toMatchObject({ status: 200, body: 'good' });
    expect(count('/api/stale-if-error')).toBe(2);
  });

  it('answers at once from a stale entry within stale-while-revalidate and revalidates in the background', async () => {
    const page = await open();
    expect((await get(page, '/api/swr')).body).toBe('swr 1');
    await sleep(1_200);
    expect((await get(page, '/api/swr')).body).toBe('swr 1');
    await expect.poll(() => count('/api/swr')).toBe(2);
    await expect.poll(async () => (await get(page, '/api/swr')).body).toBe('swr 2');
    expect(count('/api/swr')).toBe(2);
  });

  it('keeps one variant per value of the headers named by Vary', async () => {
    const page = await open();
    const en = { headers: { 'Accept-Language': 'en' } };
    const fr = { headers: { 'Accept-Language': 'fr' } };
    expect((await get(page, '/api/vary', en)).body).toBe('en 1');
    expect((await get(page, '/api/vary', fr)).body).toBe('fr 2');
    expect((await get(page, '/api/vary', en)).body).toBe('en 1');
    expect((await get(page, '/api/vary', fr)).body).toBe('fr 2');
    expect(count('/api/vary')).toBe(2);
  });

  it('does not keep responses to requests with an Authorization header, unless told to', async () => {
    const page = await open();
    const auth = { headers: { Authorization: 'Bearer x' } };
    // Such requests go upstream untouched, so the browser's own HTTP cache may answer them: look at the cache.
    await get(page, '/api/auth', auth);
    const keys = () => page.evaluate(() => window.memo.cache.keys());
    expect((await keys()).filter((key) => key.includes('/api/auth'))).toEqual([]);
    const kept = await page.evaluate(async (init) => [await window.memo.getPrivate('/api/auth?p', init), await window.memo.getPrivate('/api/auth?p', init)], auth);
    expect(kept[0]!.body).toBe(kept[1]!.body);
    expect((await keys()).some((key) => key.startsWith(`GET ${server.url}/api/auth?p`))).toBe(true);
  });

  it('keeps a private response to a same-origin request in memory only: not in IndexedDB, not after a reload', async () => {
    const page = await signedIn();
    expect((await get(page, '/api/me')).body).toBe('session=s3cr3t (1)');
    expect((await get(page, '/api/me')).body).toBe('session=s3cr3t (1)');
    await get(page, '/api/fresh');
    const stored = await storedText(page);
    expect(stored).toContain('fresh 1');
    expect(stored).not.toContain('s3cr3t');
    expect(stored).not.toContain('/api/me');
    await page.reload();
    await page.waitForFunction(() => 'memo' in window);
    expect((await get(page, '/api/me')).body).toBe('session=s3cr3t (2)');
  });

  it('honours the request cache modes reload and only-if-cached', async () => {
    const page = await open();
    await get(page, '/api/fresh');
    expect((await get(page, '/api/fresh', { cache: 'reload' })).body).toBe('fresh 2');
    expect((await get(page, '/api/fresh')).body).toBe('fresh 2');
    const missing = await page.evaluate(() =>
      window.memo.get('/api/never', { cache: 'only-if-cached', mode: 'same-origin' }).then(
        () => 'answered',
        (error: Error) => error.name,
      ),
    );
    expect(missing).toBe('TypeError');
    expect(count('/api/fresh')).toBe(2);
  });
});

describe('memoize of a function that returns undefined', () => {
  it('keeps the undefined result: one request for many calls', async () => {
    const page = await open();
    const results = await page.evaluate(async () => {
      const first = await window.memo.ping('/api/undefined');
      const again = await Promise.all([window.memo.ping('/api/undefined'), window.memo.ping('/api/undefined')]);
      return [first, ...again].map((value) => (value === undefined ? 'undefined' : typeof value));
    });
    expect(results).toEqual(['undefined', 'undefined', 'undefined']);
    expect(count('/api/undefined')).toBe(1);
  });
});

describe('across tabs', () => {
  it('lets a waiting tab take over when the tab that was fetching dies', async () => {
    const first = await open();
    const second = await open();
    void first.evaluate(() => window.memo.get('/api/hang')).catch(() => {});
    await expect.poll(() => count('/api/hang')).toBe(1);
    let settled = false;
    const waiting = get(second, '/api/hang').finally(() => (settled = true));
    // The second tab waits for the first one's lock instead of asking the server itself.
    await sleep(2_000);
    expect(settled).toBe(false);
    expect(count('/api/hang')).toBe(1);
    await first.close();
    expect((await waiting).body).toBe('hang 2');
    expect(count('/api/hang')).toBe(2);
  });

  it('makes one request when two pages call the same endpoint at once', async () => {
    const pages = await Promise.all([open(), open()]);
    const seen = await Promise.all(pages.map((page) => get(page, '/api/slow')));
    expect(seen.map((one) => one.body)).toEqual(['slow 1', 'slow 1']);
    expect(count('/api/slow')).toBe(1);
  });

  it('runs a memoized function once when two pages call it at once', async () => {
    const pages = await Promise.all([open(), open()]);
    await Promise.all(pages.map((page) => page.evaluate(() => window.memo.ping('/api/slow'))));
    expect(count('/api/slow')).toBe(1);
  });

  it('empties every tab\'s memoizeFetch cache, private responses included, when one tab clears it (logout)', async () => {
    const pages = [await signedIn(), await open()];
    for (const page of pages) {
      await get(page, '/api/me');
      await get(page, '/api/fresh');
    }
    expect([count('/api/me'), count('/api/fresh')]).toEqual([2, 1]);
    const [first, second] = pages as [TestPage, TestPage];
    await first.evaluate(() => window.memo.cache.clear());
    await expect.poll(() => second.evaluate(() => window.memo.cache.size())).toBe(0);
    expect((await get(second, '/api/me')).body).toBe('session=s3cr3t (3)');
    expect((await get(second, '/api/fresh')).body).toBe('fresh 2');
  });

  it('answers a fresh entry after a reload without a request', async () => {
    const page = await open();
    expect((await get(page, '/api/fresh')).body).toBe('fresh 1');
    await page.reload();
    await page.waitForFunction(() => 'memo' in window);
    expect((await get(page, '/api/fresh')).body).toBe('fresh 1');
    expect(count('/api/fresh')).toBe(1);
  });

  it('keeps a memoized undefined across a reload', async () => {
    const page = await open();
    await page.evaluate(() => window.memo.ping('/api/undefined'));
    await page.reload();
    await page.waitForFunction(() => 'memo' in window);
    await page.evaluate(() => window.memo.ping('/api/undefined'));
    expect(count('/api/undefined')).toBe(1);
  });
});

import { afterEach, describe, expect, it } from 'vitest';
import { createCache, memoizeFetch, type TabCache } from '../../src/index.js';
import { storedText } from './support/idb.js';

// memoizeFetch over a fake upstream: each test scripts the responses and sees every request that went out.

const open: TabCache<unknown>[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((cache) => cache.close()));
});

interface Upstream {
  fetch(request: Request): Promise<Response>;
  requests: Request[];
}

function upstream(answer: (request: Request, n: number) => Response | Promise<Response>): Upstream {
  const requests: Request[] = [];
  return {
    requests,
    fetch: async (request) => {
      requests.push(request);
      return answer(request, requests.length);
    },
  };
}

/** A memoizeFetch over `server`; give `name` to make another tab's (another worker's) view of a cache. */
function cached(server: Upstream, options: Omit<Parameters<typeof memoizeFetch>[0] & object, 'fetch' | 'cache'> = {}, name = `fetch-${Math.random()}`) {
  const cache = createCache({ name });
  open.push(cache);
  return memoizeFetch({ cache, fetch: server.fetch, ...options });
}

const text = async (response: Promise<Response>) => (await response).text();

const URL_A = 'https://api.example/a';

describe('memoizeFetch', () => {
  it('keeps status, status text, headers and body, and gives each caller a body of its own', async () => {
    const server = upstream((_, n) => new Response(`body ${n}`, { status: 203, statusText: 'Kept', headers: { 'Cache-Control': 'max-age=60', 'X-Thing': 'yes' } }));
    const cachedFetch = cached(server);
    const first = await cachedFetch(URL_A);
    const second = await cachedFetch(URL_A);
    expect([await first.text(), await second.text()]).toEqual(['body 1', 'body 1']);
    expect(second).toMatchObject({ status: 203, statusText: 'Kept', url: URL_A });
    expect(second.headers.get('x-thing')).toBe('yes');
    expect(Number(second.headers.get('age'))).toBeGreaterThanOrEqual(0);
    expect(server.requests).toHaveLength(1);
  });

  it('sends upstream past the browser HTTP cache', async () => {
    const server = upstream(() => new Response('x', { headers: { 'Cache-Control': 'max-age=60' } }));
    await cached(server)(URL_A);
    expect(server.requests[0]!.cache).toBe('no-store');
  });

  it('makes one request for concurrent calls, but not for calls whose headers differ', async () => {
    const server = upstream(async (request, n) => {
      await new Promise((resolve) => setTimeout(resolve, 30));
      return new Response(`${request.headers.get('x-user') ?? 'none'} ${n}`, { headers: { 'Cache-Control': 'max-age=60' } });
    });
    const cachedFetch = cached(server);
    const bodies = await Promise.all([
      ...Array.from({ length: 5 }, () => cachedFetch(URL_A).then((r) => r.text())),
      cachedFetch(URL_A, { headers: { 'X-User': 'u' } }).then((r) => r.text()),
    ]);
    expect(server.requests).toHaveLength(2);
    expect(new Set(bodies.slice(0, 5)).size).toBe(1);
    expect(bodies[5]).toMatch(/^u /);
  });

  it('keeps GET and HEAD apart, and passes other methods through', async () => {
    const server = upstream((request, n) => new Response(request.method === 'HEAD' ? null : `${request.method} ${n}`, { headers: { 'Cache-Control': 'max-age=60' } }));
    const cachedFetch = cached(server);
    await cachedFetch(URL_A, { method: 'HEAD' });
    await cachedFetch(URL_A, { method: 'HEAD' });
    expect(await (await cachedFetch(URL_A)).text()).toBe('GET 2');
    await cachedFetch(URL_A, { method: 'POST', body: 'x' });
    await cachedFetch(URL_A, { method: 'POST', body: 'x' });
    expect(server.requests.map((request) => request.method)).toEqual(['HEAD', 'GET', 'POST', 'POST']);
  });

  it('revalidates with If-Modified-Since when there is a Last-Modified, and refreshes the entry on a 304', async () => {
    const modified = 'Wed, 21 Oct 2015 07:28:00 GMT';
    const server = upstream((request) =>
      request.headers.get('if-modified-since') === modified
        ? new Response(null, { status: 304, headers: { 'Cache-Control': 'max-age=60', 'Last-Modified': modified } })
        : new Response('page', { headers: { 'Cache-Control': 'no-cache', 'Last-Modified': modified } }),
    );
    const cachedFetch = cached(server);
    expect(await (await cachedFetch(URL_A)).text()).toBe('page');
    const revalidated = await cachedFetch(URL_A);
    expect([revalidated.status, await revalidated.text()]).toEqual([200, 'page']);
    // The 304 brought max-age=60: the entry is now fresh.
    expect(await (await cachedFetch(URL_A)).text()).toBe('page');
    expect(server.requests.map((request) => request.headers.get('if-modified-since'))).toEqual([null, modified]);
  });

  it('keeps a 404 only when told to', async () => {
    const server = upstream((_, n) => new Response(`missing ${n}`, { status: 404, headers: { 'Cache-Control': 'max-age=60' } }));
    const plain = cached(server);
    await plain(URL_A);
    await plain(URL_A);
    expect(server.requests).toHaveLength(2);
    const keeping = cached(server, { cacheErrors: true });
    await keeping(URL_A);
    const again = await keeping(URL_A);
    expect([again.status, await again.text()]).toEqual([404, 'missing 3']);
    expect(server.requests).toHaveLength(3);
  });

  it('does not keep a response without freshness or validators', async () => {
    const server = upstream((_, n) => new Response(`plain ${n}`));
    const cachedFetch = cached(server);
    await cachedFetch(URL_A);
    expect(await (await cachedFetch(URL_A)).text()).toBe('plain 2');
    expect(await cachedFetch.cache.size()).toBe(0);
  });

  it('tags entries so that cache.invalidateTags drops them', async () => {
    const server = upstream((_, n) => new Response(`v${n}`, { headers: { 'Cache-Control': 'max-age=60' } }));
    const cachedFetch = cached(server, { tags: (request) => [new URL(request.url).pathname] });
    await cachedFetch(URL_A);
    expect(await cachedFetch.cache.invalidateTags(['/a'])).toBe(1);
    expect(await (await cachedFetch(URL_A)).text()).toBe('v2');
  });

  it('lets one caller abort without cancelling the request the others wait for', async () => {
    let release!: () => void;
    const server = upstream(async (request) => {
      await new Promise<void>((resolve) => (release = resolve));
      request.signal.throwIfAborted();
      return new Response('done', { headers: { 'Cache-Control': 'max-age=60' } });
    });
    const cachedFetch = cached(server);
    const controller = new AbortController();
    const leaving = cachedFetch(URL_A, { signal: controller.signal });
    const staying = cachedFetch(URL_A);
    await expect.poll(() => server.requests.length).toBe(1);
    controller.abort();
    await expect(leaving).rejects.toMatchObject({ name: 'AbortError' });
    expect(server.requests[0]!.signal.aborted).toBe(false);
    release();
    expect(await (await staying).text()).toBe('done');
  });

  it('aborts the upstream request once every caller has aborted', async () => {
    const server = upstream((request) => new Promise<Response>((_, reject) => request.signal.addEventListener('abort', () => reject(request.signal.reason))));
    const cachedFetch = cached(server);
    const controller = new AbortController();
    const call = cachedFetch(URL_A, { signal: controller.signal });
    await expect.poll(() => server.requests.length).toBe(1);
    controller.abort();
    await expect(call).rejects.toMatchObject({ name: 'AbortError' });
    expect(server.requests[0]!.signal.aborted).toBe(true);
  });

  it('keeps a Cache-Control: private response in memory only, unless told to persist private responses', async () => {
    const server = upstream((_, n) => new Response(`session=s3cr3t-${n}`, { headers: { 'Cache-Control': 'private, max-age=60' } }));
    const cachedFetch = cached(server);
    expect(await text(cachedFetch(URL_A))).toBe('session=s3cr3t-1');
    expect(await text(cachedFetch(URL_A))).toBe('session=s3cr3t-1');
    await cachedFetch.cache.flush();
    expect(await storedText(cachedFetch.cache.name)).not.toContain('s3cr3t');
    // Another tab, or this one after a reload, finds nothing to serve.
    expect(await text(cached(server, {}, cachedFetch.cache.name)(URL_A))).toBe('session=s3cr3t-2');

    const persisting = cached(server, { persistPrivate: true });
    expect(await text(persisting(URL_A))).toBe('session=s3cr3t-3');
    await persisting.cache.flush();
    expect(await storedText(persisting.cache.name)).toContain('session=s3cr3t-3');
  });

  it('keeps responses to requests with an Authorization header in memory only, unless told to persist private responses', async () => {
    const server = upstream((_, n) => new Response(`mine ${n}`, { headers: { 'Cache-Control': 'max-age=60' } }));
    const init = { headers: { Authorization: 'Bearer tok-0123456789' } };
    const cachedFetch = cached(server, { private: true });
    expect(await text(cachedFetch(URL_A, init))).toBe('mine 1');
    expect(await text(cachedFetch(URL_A, init))).toBe('mine 1');
    await cachedFetch.cache.flush();
    expect(await storedText(cachedFetch.cache.name)).not.toContain('mine');
  });

  it('stores neither the values of the headers named by Vary nor an Authorization header in the clear', async () => {
    const server = upstream((_, n) => new Response(`variant ${n}`, { headers: { 'Cache-Control': 'max-age=60', Vary: 'X-Api-Key, Accept-Language' } }));
    const as = (key: string) => ({ headers: { 'X-Api-Key': key, 'Accept-Language': 'en', Authorization: 'Bearer tok-0123456789' } });
    const cachedFetch = cached(server, { private: true, persistPrivate: true });
    expect(await text(cachedFetch(URL_A, as('key-AAAA-secret')))).toBe('variant 1');
    expect(await text(cachedFetch(URL_A, as('key-BBBB-secret')))).toBe('variant 2');
    expect(await text(cachedFetch(URL_A, as('key-AAAA-secret')))).toBe('variant 1');
    await cachedFetch.cache.flush();
    const stored = await storedText(cachedFetch.cache.name);
    expect(stored).toContain('variant 1');
    for (const secret of ['key-AAAA-secret', 'key-BBBB-secret', 'tok-0123456789']) expect(stored).not.toContain(secret);

    // Another tab picks the variant out of IndexedDB by the same headers, and only by them.
    const other = cached(server, { private: true, persistPrivate: true }, cachedFetch.cache.name);
    expect(await text(other(URL_A, as('key-BBBB-secret')))).toBe('variant 2');
    expect(server.requests).toHaveLength(2);
    expect(await text(other(URL_A, as('key-CCCC-secret')))).toBe('variant 3');
    expect(await text(other(URL_A, { headers: { 'X-Api-Key': 'key-AAAA-secret', 'Accept-Language': 'fr', Authorization: 'Bearer tok-0123456789' } }))).toBe('variant 4');
  });

  it('revalidates a variant kept by digest with its validator, and a 304 refreshes it', async () => {
    const server = upstream((request, n) =>
      request.headers.get('if-none-match') === '"v1"'
        ? new Response(null, { status: 304, headers: { ETag: '"v1"', 'Cache-Control': 'no-cache', Vary: 'X-Api-Key' } })
        : new Response(`body ${n}`, { headers: { ETag: '"v1"', 'Cache-Control': 'no-cache', Vary: 'X-Api-Key' } }),
    );
    const cachedFetch = cached(server);
    const init = { headers: { 'X-Api-Key': 'key-AAAA-secret' } };
    expect(await text(cachedFetch(URL_A, init))).toBe('body 1');
    expect(await text(cachedFetch(URL_A, init))).toBe('body 1');
    expect(server.requests.map((request) => [request.headers.get('if-none-match'), request.headers.get('x-api-key')])).toEqual([
      [null, 'key-AAAA-secret'],
      ['"v1"', 'key-AAAA-secret'],
    ]);
    await cachedFetch.cache.flush();
    expect(await storedText(cachedFetch.cache.name)).not.toContain('key-AAAA-secret');
  });

  it('checks its options, naming the one at fault', () => {
    expect(() => memoizeFetch({ private: 'yes' as never })).toThrow(/'private' must be a boolean/);
    expect(() => memoizeFetch({ persistPrivate: 'yes' as never })).toThrow(/'persistPrivate' must be a boolean/);
    expect(() => memoizeFetch({ cacheErrors: 1 as never })).toThrow(/'cacheErrors'/);
    expect(() => memoizeFetch({ fetch: 'fetch' as never })).toThrow(/'fetch' must be a function/);
    expect(() => memoizeFetch({ tags: [1] as never })).toThrow(/'tags'/);
    expect(() => memoizeFetch({ ttl: 5 } as never)).toThrow(/unknown memoizeFetch option 'ttl'/);
  });
});

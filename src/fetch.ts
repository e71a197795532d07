import CachePolicy from 'http-cache-semantics';
import { checkKnown, resolveCache } from './cache-option.js';
import type { TabCache } from './client/cache.js';
import { PREFIX } from './errors.js';
import { Flights, flightLock } from './flight.js';
import {
  asStored,
  asVaryIndex,
  forStorage,
  newPolicy,
  policyRequest,
  policyResponse,
  toResponse,
  variantDigest,
  variantKey,
  varyFields,
  withRequestHeaders,
  type StoredResponse,
} from './http-record.js';
import { stableKey } from './key.js';
import { checkOptionsObject, checkTags, describe, type CacheOptions } from './options.js';

/** Options of `memoizeFetch`. */
export interface MemoizeFetchOptions {
  /**
   * The cache that keeps the responses: a cache from `createCache`, or options to make one.
   * @default a cache named 'tabcache-fetch', shared by every memoizeFetch of the page that gives none
   */
  cache?: TabCache<unknown> | CacheOptions;
  /** The fetch to call upstream. @default globalThis.fetch */
  fetch?: (request: Request) => Promise<Response>;
  /**
   * Also cache responses to requests that carry credentials (`credentials: 'include'`) or an Authorization header.
   * Such responses belong to one user: like `Cache-Control: private` ones, they are kept in memory only, unless
   * `persistPrivate`.
   * @default false (such requests go upstream untouched)
   */
  private?: boolean;
  /**
   * Also write private responses to IndexedDB, where they survive reloads (and a logout, unless the app calls
   * `cache.clear()`) and every tab of the origin reads them: responses marked `Cache-Control: private`, and
   * responses to the credentialed requests that `private` lets in. Without it they stay in the memory of the
   * tab that fetched them. Turn it on only when every tab of the origin is always the same user's.
   * @default false
   */
  persistPrivate?: boolean;
  /** Also cache error statuses (400 and up) where HTTP allows it, e.g. a 404 or 410. @default false */
  cacheErrors?: boolean;
  /** Tags to invalidate responses by with `cache.invalidateTags`: a list, or a function of the request. @default none */
  tags?: readonly string[] | ((request: Request) => readonly string[]);
}

/** A fetch in front of a cache. */
export interface CachedFetch {
  (input: RequestInfo | URL, init?: RequestInit): Promise<Response>;
  /** The cache the responses are kept in. */
  readonly cache: TabCache<unknown>;
}

/** What a flight settles with: a response as stored (or storable), or one that cannot be, shared by cloning. */
type Outcome = { stored: StoredResponse } | { passed: Response };

const KNOWN = ['cache', 'fetch', 'private', 'persistPrivate', 'cacheErrors', 'tags'] as const;

/**
 * A `fetch` that keeps GET and HEAD responses in a tabcache by the rules of HTTP caching (RFC 9111, RFC 5861,
 * through `http-cache-semantics`): `no-store` is never kept, `no-cache` and stale entries are revalidated with
 * `If-None-Match` / `If-Modified-Since` (a 304 refreshes the entry), `max-age` and `Expires` set the lifetime,
 * `stale-while-revalidate` and `stale-if-error` are honoured, and `Vary` picks the variant. Concurrent requests
 * for one resource make one upstream request, in this tab and, through Web Locks, across tabs. Every call
 * returns a new Response with a body of its own. The request's `cache` mode is honoured as the browser's HTTP
 * cache would ('no-store', 'reload', 'no-cache', 'force-cache', 'only-if-cached'); upstream requests bypass
 * the browser's HTTP cache, since this cache takes its place.
 */
export function memoizeFetch(options: MemoizeFetchOptions = {}): CachedFetch {
  checkOptions(options);
  const cache = resolveCache(options.cache, 'tabcache-fetch');
  const upstream = options.fetch ?? ((request: Request) => globalThis.fetch(request));
  const { private: keepCredentialed = false, persistPrivate = false, cacheErrors = false, tags } = options;
  const flights = new Flights();

  /** The stored response for `request`, if any, ready for http-cache-semantics to compare with the request. */
  const lookup = async (primary: string, request: CachePolicy.Request): Promise<StoredResponse | undefined> => {
    const found = await cache.get(primary);
    const index = asVaryIndex(found);
    if (!index) {
      const stored = asStored(found);
      // A response that varies is stored only as a variant: one here is not ours, and could not be matched.
      return stored && !varyFields(stored.policy) ? stored : undefined;
    }
    const digest = await variantDigest(index.fields, request.headers);
    if (digest === undefined) return undefined;
    const stored = asStored(await cache.get(variantKey(primary, digest)));
    // Equal digests stand for equal values, so the request's own values are the ones the variant was stored for.
    return stored?.variant === digest ? withRequestHeaders(stored, index.fields, request.headers) : undefined;
  };

  const keep = async (primary: string, request: Request, stored: StoredResponse, policy: CachePolicy) => {
    const validators = stored.policy.resh.etag !== undefined || stored.policy.resh['last-modified'] !== undefined;
    const fields = varyFields(stored.policy);
    const lifetime = policy.timeToLive();
    if (!policy.storable() || (!validators && lifetime <= 0) || fields?.includes('*')) return;
    if (stored.status >= 400 && !cacheErrors) return;
    // The policy holds the headers of the request it answered; a variant is kept by their digest instead.
    const digest = fields && (await variantDigest(fields, stored.policy.reqh ?? {}));
    if (fields && digest === undefined) return;
    const record = forStorage(stored, digest);
    const isPrivate = credentialed(request) || 'private' in stored.policy.rescc;
    // With validators a stale entry is still worth a conditional request: keep it until it is evicted.
    const put = {
      ttl: validators ? undefined : lifetime,
      tags: typeof tags === 'function' ? tags(request) : tags,
      persist: persistPrivate || !isPrivate,
    };
    const writes = digest
      ? [cache.put(primary, { tabcacheVary: 1, fields }, put), cache.put(variantKey(primary, digest), record, put)]
      : [cache.put(primary, record, put)];
    // Durable before the lock is released, so that a tab waiting for it reads the response instead of fetching.
    await Promise.all([...writes, cache.flush()]);
  };

  /** Goes upstream (conditionally when there is a stored response to revalidate) and keeps what may be kept. */
  const load = (request: Request, primary: string, mode: 'default' | 'revalidate' | 'reload') =>
    async ({ signal }: { signal: AbortSignal }): Promise<Outcome> => {
      const asked = policyRequest(request);
      // Re-read: a tab that held the lock before this one may have stored the answer.
      const stored = mode === 'reload' ? undefined : await lookup(primary, asked);
      const old = stored && CachePolicy.fromObject(stored.policy);
      if (stored && old && mode === 'default' && old.satisfiesWithoutRevalidation(asked)) return { stored };
      const headers = old ? old.revalidationHeaders(asked) : asked.headers;
      let response: Response;
      try {
        response = await upstream(upstreamRequest(request, headers, signal));
      } catch (error) {
        if (stored && old && staleIfError(old, asked)) return { stored };
        throw error;
      }
      if (stored && old) {
        const { policy, modified, matches } = old.revalidatedPolicy(asked, policyResponse(response));
        if (!modified && matches) {
          await response.body?.cancel();
          if (response.status !== 304) return { stored }; // an error within stale-if-error
          const refreshed: StoredResponse = { ...stored, policy: policy.toObject() };
          await keep(primary, request, refreshed, policy);
          return { stored: refreshed };
        }
        if (response.status === 304) {
          // A 304 for a response other than the one kept: ask again, without conditions.
          await response.body?.cancel();
          return load(request, primary, 'reload')({ signal });
        }
      }
      if (response.type === 'opaque' || response.type === 'opaqueredirect') return { passed: response };
      const policy = newPolicy(asked, policyResponse(response));
      const fresh: StoredResponse = {
        tabcacheFetch: 1,
        url: response.url || request.url,
        status: response.status,
        statusText: response.statusText,
        body: await response.arrayBuffer(),
        policy: policy.toObject(),
      };
      await keep(primary, request, fresh, policy);
      return { stored: fresh };
    };

  const cachedFetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const request = new Request(input, init);
    if (!['GET', 'HEAD'].includes(request.method) || request.cache === 'no-store' || (credentialed(request) && !keepCredentialed)) {
      return upstream(request);
    }
    const primary = `${request.method} ${request.url}`;
    // Requests join one flight only when all their headers agree, since the response may vary by any of them.
    const flightKey = `${primary} ${stableKey([...request.headers].sort())}`;
    const asked = policyRequest(request);
    const stored = request.cache === 'reload' ? undefined : await lookup(primary, asked);
    const lock = flightLock(cache, flightKey);
    const run = (mode: 'default' | 'revalidate' | 'reload', signal?: AbortSignal) =>
      flights.join(flightKey, lock, load(request, primary, mode), signal).then(fromOutcome);

    switch (request.cache) {
      case 'reload':
        return run('reload', request.signal);
      case 'no-cache':
        return run('revalidate', request.signal);
      case 'force-cache':
        return stored ? toResponse(stored) : run('default', request.signal);
      case 'only-if-cached':
        if (stored) return toResponse(stored);
        throw new TypeError(`${PREFIX}${request.url} is not cached, and the request's cache mode is 'only-if-cached'`);
    }
    if (stored) {
      const { response, revalidation } = CachePolicy.fromObject(stored.policy).evaluateRequest(asked);
      if (response && !revalidation) return toResponse(stored);
      if (response && !revalidation.synchronous) {
        // stale-while-revalidate: answer now, revalidate once in the background.
        if (!flights.running(flightKey)) run('default').catch(() => {});
        return toResponse(stored);
      }
    }
    return run('default', request.signal);
  };

  return Object.assign(cachedFetch, { cache });
}

/** Whether the request sends credentials to any origin or carries an Authorization header: its answer is one user's. */
function credentialed(request: Request): boolean {
  return request.credentials === 'include' || request.headers.has('authorization');
}

function fromOutcome(outcome: Outcome): Response {
  return 'stored' in outcome ? toResponse(outcome.stored) : outcome.passed.clone();
}

/** The request sent upstream: the caller's, with the revalidation headers, past the browser's HTTP cache. */
function upstreamRequest(request: Request, headers: CachePolicy.Headers, signal: AbortSignal): Request {
  const sent = new Headers();
  for (const [name, value] of Object.entries(headers)) {
    for (const one of Array.isArray(value) ? value : value === undefined ? [] : [value]) sent.append(name, one);
  }
  return new Request(request, { headers: sent, cache: 'no-store', signal });
}

/** Whether `stale-if-error` lets the stored response stand in for a failed request. */
function staleIfError(policy: CachePolicy, request: CachePolicy.Request): boolean {
  try {
    return !policy.revalidatedPolicy(request, undefined).modified;
  } catch {
    return false;
  }
}

function checkOptions(options: MemoizeFetchOptions): void {
  checkOptionsObject(options, 'memoizeFetch');
  checkKnown(options, KNOWN, 'memoizeFetch');
  const { fetch, private: keepCredentialed, persistPrivate, cacheErrors, tags } = options;
  if (fetch !== undefined && typeof fetch !== 'function') {
    throw new TypeError(`${PREFIX}option 'fetch' must be a function, got ${describe(fetch)}`);
  }
  for (const [name, value] of [['private', keepCredentialed], ['persistPrivate', persistPrivate], ['cacheErrors', cacheErrors]] as const) {
    if (value !== undefined && typeof value !== 'boolean') {
      throw new TypeError(`${PREFIX}option '${name}' must be a boolean, got ${describe(value)}`);
    }
  }
  if (typeof tags !== 'function') checkTags(tags);
}

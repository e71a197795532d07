import CachePolicy from 'http-cache-semantics';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { forStorage, newPolicy, variantDigest, withRequestHeaders, type StoredResponse } from '../../src/http-record.js';

const URL_A = 'https://api.example/a';
const request = (headers: Record<string, string>): CachePolicy.Request => ({ url: URL_A, method: 'GET', headers });

function storedFor(asked: CachePolicy.Request, vary: string): StoredResponse {
  const policy = newPolicy(asked, { status: 200, headers: { 'cache-control': 'max-age=60', vary } });
  return { tabcacheFetch: 1, url: URL_A, status: 200, statusText: 'OK', body: new ArrayBuffer(0), policy: policy.toObject() };
}

afterEach(() => {
  vi.unstubAllGlobals();
  vi.useRealTimers();
});

describe('variantDigest', () => {
  it('is a hex SHA-256 that only equal values of the same fields share', async () => {
    const digest = await variantDigest(['x-api-key'], { 'x-api-key': 'secret', other: 'ignored' });
    expect(digest).toMatch(/^[0-9a-f]{64}$/);
    expect(await variantDigest(['x-api-key'], { 'x-api-key': 'secret' })).toBe(digest);
    const others = await Promise.all([
      variantDigest(['x-api-key'], { 'x-api-key': 'secret2' }),
      variantDigest(['x-api-key'], {}),
      variantDigest(['x-api-key'], { 'x-api-key': '' }),
      variantDigest(['x-other'], { 'x-other': 'secret' }),
      variantDigest(['x-api-key', 'accept'], { 'x-api-key': 'secret' }),
    ]);
    expect(new Set([digest, ...others]).size).toBe(6);
  });

  it('is undefined without SubtleCrypto, as in an insecure context', async () => {
    vi.stubGlobal('crypto', undefined);
    expect(await variantDigest(['x-api-key'], { 'x-api-key': 'secret' })).toBeUndefined();
  });
});

describe('a stored variant', () => {
  const asked = request({ 'x-api-key': 'key-AAAA', authorization: 'Bearer tok', 'accept-language': 'en' });

  it('keeps no request header, only the digest it is given', () => {
    const record = forStorage(storedFor(asked, 'X-Api-Key'), 'digest');
    expect(record.variant).toBe('digest');
    expect(record.policy.reqh).toEqual({});
    const text = JSON.stringify(record);
    for (const value of ['key-AAAA', 'Bearer tok', 'accept-language']) expect(text).not.toContain(value);
    expect(forStorage(record, undefined)).not.toHaveProperty('variant');
  });

  it('answers a request as the policy it was stored from does, once the request puts its values back', () => {
    // The answers carry Date and Age, read from the clock.
    vi.useFakeTimers({ toFake: ['Date'] });
    const stored = storedFor(asked, 'X-Api-Key, Accept-Language');
    const original = CachePolicy.fromObject(stored.policy);
    const fields = ['x-api-key', 'accept-language'];
    const restored = CachePolicy.fromObject(withRequestHeaders(forStorage(stored, 'digest'), fields, asked.headers).policy);
    const same = request({ 'x-api-key': 'key-AAAA', 'accept-language': 'en', 'cache-control': 'max-age=0' });
    for (const next of [asked, same]) {
      expect(restored.evaluateRequest(next)).toEqual(original.evaluateRequest(next));
      expect(restored.revalidationHeaders(next)).toEqual(original.revalidationHeaders(next));
    }
    expect(restored.satisfiesWithoutRevalidation(asked)).toBe(true);
    expect(restored.toObject().reqh).toEqual({ 'x-api-key': 'key-AAAA', 'accept-language': 'en' });
  });
});

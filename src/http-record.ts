import CachePolicy from 'http-cache-semantics';
import { stableKey } from './key.js';

/** A response as `memoizeFetch` stores it: structured-cloneable, headers kept inside the policy. */
export interface StoredResponse {
  tabcacheFetch: 1;
  url: string;
  status: number;
  statusText: string;
  body: ArrayBuffer;
  /**
   * The RFC 9111 state of the entry: response headers, when it was received. As stored it holds no request
   * header (`reqh` is empty): a variant is found by `variant`, and the request's own values are put back.
   */
  policy: CachePolicy.CachePolicyObject;
  /** When the response varies: the `variantDigest` of the request that it answered. */
  variant?: string;
}

/** Stored under `METHOD url` when the response varies: which request headers pick the stored variant. */
export interface VaryIndex {
  tabcacheVary: 1;
  fields: string[];
}

// Statuses whose responses must be built with a null body.
const NULL_BODY = new Set([101, 103, 204, 205, 304]);

/** The request as http-cache-semantics reads it. */
export function policyRequest(request: Request): CachePolicy.Request {
  return { url: request.url, method: request.method, headers: Object.fromEntries(request.headers) };
}

/** The response as http-cache-semantics reads it, never with Set-Cookie: a cookie is not ours to replay. */
export function policyResponse(response: Response): CachePolicy.Response {
  const headers = Object.fromEntries(response.headers);
  delete headers['set-cookie'];
  return { status: response.status, headers };
}

export function newPolicy(request: CachePolicy.Request, response: CachePolicy.Response): CachePolicy {
  // A browser's cache is a private one (RFC 9111 §3.5): `private` responses may be kept, `s-maxage` does not apply.
  return new CachePolicy(request, response, { shared: false });
}

/** A new Response, with a body of its own, from a stored one; Age and Date are brought up to date. */
export function toResponse(stored: StoredResponse): Response {
  const headers = new Headers();
  for (const [name, value] of Object.entries(CachePolicy.fromObject(stored.policy).responseHeaders())) {
    for (const one of Array.isArray(value) ? value : value === undefined ? [] : [value]) headers.append(name, one);
  }
  const body = NULL_BODY.has(stored.status) ? null : stored.body;
  const response = new Response(body, { status: stored.status, statusText: stored.statusText, headers });
  // A constructed Response has an empty url; callers resolve relative links against it.
  Object.defineProperty(response, 'url', { value: stored.url });
  return response;
}

/**
 * A SHA-256 digest (hex) of the values that `headers` give the fields named in `fields`: it picks a variant
 * without keeping the values, which may be secrets (an API key, a token). Undefined without SubtleCrypto,
 * which only secure contexts have.
 */
export async function variantDigest(fields: readonly string[], headers: CachePolicy.Headers): Promise<string | undefined> {
  const subtle = globalThis.crypto?.subtle;
  if (!subtle) return undefined;
  const text = stableKey(fields.map((field) => [field, headers[field] ?? null]));
  const digest = new Uint8Array(await subtle.digest('SHA-256', new TextEncoder().encode(text)));
  return Array.from(digest, (byte) => byte.toString(16).padStart(2, '0')).join('');
}

/** The key of the variant of `primary` with this `variantDigest`. */
export function variantKey(primary: string, digest: string): string {
  return `${primary} ${digest}`;
}

/** The record to store: without the request headers its policy holds (all of them, when the response varies). */
export function forStorage(stored: StoredResponse, variant: string | undefined): StoredResponse {
  const { variant: _, ...rest } = stored;
  return { ...rest, policy: { ...stored.policy, reqh: {} }, ...(variant !== undefined && { variant }) };
}

/**
 * A stored variant, with the request's values of the headers named in `fields` put back where
 * http-cache-semantics compares them. Only for a request with the variant's digest, whose values are the ones
 * the variant was stored for.
 */
export function withRequestHeaders(stored: StoredResponse, fields: readonly string[], headers: CachePolicy.Headers): StoredResponse {
  const reqh: CachePolicy.Headers = {};
  for (const field of fields) if (headers[field] !== undefined) reqh[field] = headers[field];
  return { ...stored, policy: { ...stored.policy, reqh } };
}

/** The header fields a response varies by, lower-cased; undefined when it does not vary. */
export function varyFields(policy: CachePolicy.CachePolicyObject): string[] | undefined {
  const vary = policy.resh.vary;
  if (typeof vary !== 'string' || vary.trim() === '') return undefined;
  return vary.toLowerCase().split(',').map((field) => field.trim()).filter(Boolean);
}

export function asStored(value: unknown): StoredResponse | undefined {
  return typeof value === 'object' && value !== null && (value as Partial<StoredResponse>).tabcacheFetch === 1 ? (value as StoredResponse) : undefined;
}

export function asVaryIndex(value: unknown): VaryIndex | undefined {
  return typeof value === 'object' && value !== null && (value as Partial<VaryIndex>).tabcacheVary === 1 ? (value as VaryIndex) : undefined;
}

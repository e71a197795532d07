import CachePolicy from 'http-cache-semantics';
import { stableKey } from './key.js';

/** A response as `memoizeFetch` stores it: structured-cloneable, headers kept inside the policy. */
export interface StoredResponse {
  tabcacheFetch: 1;
  url: string;
  status: number;
  statusText: string;
  body: ArrayBuffer;
  /** The RFC 9111 state of the entry: response headers, the request's Vary'd headers, when it was received. */
  policy: CachePolicy.CachePolicyObject;
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

/** The key of the variant of `primary` that request headers select by the fields named in `fields`. */
export function variantKey(primary: string, fields: readonly string[], headers: CachePolicy.Headers): string {
  return `${primary} ${stableKey(fields.map((field) => headers[field] ?? null))}`;
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

// What a batch message must look like before the worker runs any of it. A port handed to a frame carries
// whatever that frame posts, so every field is checked as if an attacker wrote it.
import { PREFIX } from '../errors.js';
import { checkKey, checkTags, checkTtl, describe } from '../options.js';
import type { BatchMessage, Request } from '../protocol.js';

/** Client ids are random UUIDs; a longer one is not ours, and it would be echoed back in every answer. */
const MAX_CLIENT_ID = 128;

/**
 * The batch `data` holds, with its requests still to be checked one by one (see `checkRequest`), or a reason it
 * is not a batch at all.
 */
export function parseBatch(data: unknown): BatchMessage | string {
  if (typeof data !== 'object' || data === null) return `a message that is ${describe(data)}, not a batch`;
  const { client, batch, requests } = data as Partial<Record<keyof BatchMessage, unknown>>;
  if (typeof client !== 'string' || client.length === 0 || client.length > MAX_CLIENT_ID) {
    return 'a message without a client id of 1 to 128 characters';
  }
  if (typeof batch !== 'number' || !Number.isSafeInteger(batch) || batch < 0) return 'a message without a batch number';
  if (!Array.isArray(requests)) return 'a message without a list of requests';
  return { client, batch, requests };
}

/** Throws a TypeError or RangeError naming what is wrong with one request of a batch, so that it alone fails. */
export function checkRequest(raw: unknown): asserts raw is Request {
  if (typeof raw !== 'object' || raw === null) throw new TypeError(`${PREFIX}a request must be an object, got ${describe(raw)}`);
  const request = raw as Partial<Record<string, unknown>>;
  switch (request.op) {
    case 'get':
    case 'has':
    case 'delete':
      checkKey(request.key);
      return;
    case 'put':
      checkKey(request.key);
      checkTtl(request.ttl, 'ttl');
      checkTags(request.tags);
      checkWirePutFlags(request.persist, request.durable);
      return;
    case 'invalidateTags':
      if (request.tags === undefined) throw new TypeError(`${PREFIX}'invalidateTags' needs a list of tags`);
      checkTags(request.tags);
      return;
    case 'clear':
    case 'keys':
    case 'size':
    case 'stats':
    case 'flush':
      return;
    default:
      throw new TypeError(`${PREFIX}unknown operation ${describe(request.op)}`);
  }
}

/**
 * The worker's check of a put's `persist` and `durable` fields, which a client sends only to keep the entry in
 * memory, or to wait for its commit.
 */
function checkWirePutFlags(persist: unknown, durable: unknown): void {
  if (persist !== undefined && persist !== false) {
    throw new TypeError(`${PREFIX}the wire field 'persist' of a put must be false or absent, got ${describe(persist)}`);
  }
  if (durable !== undefined && durable !== true) {
    throw new TypeError(`${PREFIX}the wire field 'durable' of a put must be true or absent, got ${describe(durable)}`);
  }
  if (persist === false && durable) throw new TypeError(`${PREFIX}a put cannot be both durable and kept in memory only (persist: false)`);
}

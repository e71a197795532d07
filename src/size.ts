import { PREFIX } from './errors.js';

/**
 * Estimates the bytes a structured-cloned value holds, for `maxBytes`. Strings count two bytes a character,
 * binary data its byte length; containers add a small overhead per slot. Shared or cyclic parts count once.
 * Throws a TypeError for a value that holds shared memory, which stays shared with the page through a clone.
 */
export function sizeOf(value: unknown): number {
  // The set of what was seen only for objects: sizing a primitive, the common put, allocates nothing.
  return typeof value === 'object' && value !== null ? measure(value, new Set()) : primitiveSize(value);
}

const SLOT = 8;

function isShared(value: unknown): boolean {
  return typeof SharedArrayBuffer !== 'undefined' && value instanceof SharedArrayBuffer;
}

function primitiveSize(value: unknown): number {
  switch (typeof value) {
    case 'string':
      return 16 + value.length * 2;
    case 'number':
    case 'boolean':
    case 'undefined':
      return SLOT;
    case 'bigint':
      return 16 + Math.ceil(value.toString(16).length / 2);
    default:
      return SLOT;
  }
}

function measure(value: unknown, seen: Set<object>): number {
  if (typeof value !== 'object' || value === null) return primitiveSize(value);
  if (seen.has(value)) return SLOT;
  seen.add(value);
  if (isShared(value) || (ArrayBuffer.isView(value) && isShared(value.buffer))) {
    throw new TypeError(
      `${PREFIX}a value may not hold a SharedArrayBuffer: it stays shared with the page, so later writes to it would change the cached value; copy it into an ArrayBuffer first`,
    );
  }
  if (ArrayBuffer.isView(value)) return 48 + value.byteLength;
  if (value instanceof ArrayBuffer) return 32 + value.byteLength;
  if (typeof Blob !== 'undefined' && value instanceof Blob) return 64 + value.size;
  if (value instanceof Date || value instanceof RegExp) return 32;
  let total = 32;
  if (value instanceof Map) {
    for (const [k, v] of value) total += SLOT * 2 + measure(k, seen) + measure(v, seen);
    return total;
  }
  if (value instanceof Set || Array.isArray(value)) {
    for (const v of value) total += SLOT + measure(v, seen);
    return total;
  }
  for (const key of Object.keys(value)) {
    total += SLOT + 16 + key.length * 2 + measure((value as Record<string, unknown>)[key], seen);
  }
  return total;
}

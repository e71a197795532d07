import { Packr } from 'msgpackr/pack';

// MessagePack through msgpackr (see decode.ts). Only values that come back exactly as structured clone
// would bring them are encoded; anything else is left to the message path. Records (each object shape
// described once per value, inline: nothing is shared between values) decode faster than plain maps.

const packr = new Packr({ moreTypes: true, useRecords: true, maxSharedStructures: 0 });

/** The typed arrays that msgpackr's `moreTypes` brings back as themselves. */
const TYPED_ARRAYS: ReadonlySet<object> = new Set([
  Int8Array, Uint8Array, Uint8ClampedArray, Int16Array, Uint16Array, Int32Array, Uint32Array,
  Float32Array, Float64Array, BigInt64Array, BigUint64Array,
].map((type) => type.prototype));

/** Nesting deeper than this is left to the message path rather than risk the worker's stack. */
const MAX_DEPTH = 64;

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** The encoded bytes of `value`, or undefined when the codec cannot round-trip it exactly. */
export function encode(value: unknown): Uint8Array | undefined {
  return encodable(value, new Set(), 0) ? packr.pack(value) : undefined;
}

/**
 * Whether decoding the encoding of `value` gives what structured clone gives: primitives but -0, bigint
 * and strings with lone surrogates (UTF-8 would replace them); arrays without holes or extra properties;
 * plain objects; Dates; typed arrays that span their whole buffer. An object reached twice is refused,
 * since structured clone keeps the sharing (and cycles) that an encoding would not.
 */
function encodable(value: unknown, seen: Set<object>, depth: number): boolean {
  switch (typeof value) {
    case 'undefined':
    case 'boolean':
      return true;
    case 'number':
      return !Object.is(value, -0);
    case 'string':
      return !LONE_SURROGATE.test(value);
    case 'object':
      break;
    default:
      return false;
  }
  if (value === null) return true;
  if (depth > MAX_DEPTH || seen.has(value)) return false;
  seen.add(value);
  const prototype: unknown = Object.getPrototypeOf(value);
  if (prototype === Array.prototype) {
    const array = value as unknown[];
    if (Object.keys(array).length !== array.length) return false;
    return array.every((item) => encodable(item, seen, depth + 1));
  }
  if (prototype === Object.prototype || prototype === null) {
    for (const key of Object.keys(value)) {
      if (key === '__proto__' || LONE_SURROGATE.test(key)) return false;
      if (!encodable((value as Record<string, unknown>)[key], seen, depth + 1)) return false;
    }
    return true;
  }
  if (prototype === Date.prototype) return true;
  if (prototype !== null && TYPED_ARRAYS.has(prototype as object)) {
    const view = value as ArrayBufferView;
    if (seen.has(view.buffer)) return false;
    seen.add(view.buffer);
    return view.byteOffset === 0 && view.byteLength === view.buffer.byteLength;
  }
  return false;
}

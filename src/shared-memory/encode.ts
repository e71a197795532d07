import { Packr } from 'msgpackr/pack';
import type { SharedStructures } from './structures.js';

// MessagePack through msgpackr (see decode.ts). Only values that come back exactly as structured clone
// would bring them are encoded; anything else is left to the message path. Objects are written as records
// of shapes shared through the buffer (structures.ts), so a page reads each shape once and msgpackr
// compiles one reader for it, instead of reading the definitions anew with every value.

/** The most shared shapes msgpackr allows. */
const MAX_SHARED_SHAPES = 8160;

const OPTIONS = { moreTypes: true, useRecords: true } as const;

/** The typed arrays that msgpackr's `moreTypes` brings back as themselves. */
const TYPED_ARRAYS: ReadonlySet<object> = new Set([
  Int8Array, Uint8Array, Uint8ClampedArray, Int16Array, Uint16Array, Int32Array, Uint32Array,
  Float32Array, Float64Array, BigInt64Array, BigUint64Array,
].map((type) => type.prototype));

/** Nesting deeper than this is left to the message path rather than risk the worker's stack. */
const MAX_DEPTH = 64;

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** The worker's encoder of the values of one shared buffer. */
export class Encoder {
  readonly #shapes: SharedStructures;
  #packr: Packr;
  #sharing = true;

  // While shapes are being added, an object of a shape refused (a key too long) is a plain map, not an own
  // (inline) record: msgpackr numbers those after every shared id it allows, and its reader (2.1.3) resolves a
  // repeated one only through a shape already at the id its first byte names. Once no shape can be added, a
  // Packr that knows exactly the published shapes numbers own records right after them, which reads back right.
  // This leans on how msgpackr numbers shapes, so package.json pins its version; the codec tests check it.
  constructor(shapes: SharedStructures) {
    this.#shapes = shapes;
    this.#packr = new Packr({
      ...OPTIONS,
      structures: [],
      maxSharedStructures: MAX_SHARED_SHAPES,
      maxOwnStructures: 0,
      shouldShareStructure: (keys) => shapes.claim(keys),
    });
  }

  /** The encoded bytes of `value`, or undefined when the codec cannot round-trip it exactly. */
  encode(value: unknown): Uint8Array | undefined {
    if (!encodable(value, new Set(), 0)) return undefined;
    const bytes = this.#packr.pack(value);
    const shapes = this.#shapes;
    shapes.publish();
    if (this.#sharing && (shapes.full || shapes.count === MAX_SHARED_SHAPES)) {
      this.#sharing = false;
      const known = shapes.claimed();
      this.#packr = new Packr({ ...OPTIONS, structures: known, maxSharedStructures: known.length, maxOwnStructures: 32 });
    }
    return bytes;
  }
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

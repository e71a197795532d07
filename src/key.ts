import { PREFIX } from './errors.js';
import { describe } from './options.js';

/**
 * A string that stands for `value`, for use as a cache key: structurally equal values give equal keys
 * (object keys in any order, Map and Set entries in any order), and values that differ give keys that
 * differ. Handles primitives, plain objects, arrays, Date, Map, Set, RegExp, URL, ArrayBuffer, DataView and
 * typed arrays. Throws a TypeError naming the path of the first part it cannot key: a function, a symbol
 * that is not registered, an instance of another class, or a cycle.
 */
export function stableKey(value: unknown, path = 'value'): string {
  return encode(value, path, new Set());
}

function encode(value: unknown, path: string, ancestors: Set<object>): string {
  switch (typeof value) {
    case 'undefined':
      return 'u';
    case 'boolean':
      return value ? 't' : 'f';
    case 'number':
      return `d${Object.is(value, -0) ? '-0' : String(value)}`;
    case 'bigint':
      return `b${value}`;
    case 'string':
      return JSON.stringify(value);
    case 'symbol': {
      const name = Symbol.keyFor(value);
      if (name === undefined) throw unkeyable(path, `${String(value)}, a symbol not made by Symbol.for`);
      return `s${JSON.stringify(name)}`;
    }
    case 'function':
      throw unkeyable(path, `a function${value.name ? ` (${value.name})` : ''}`);
  }
  if (value === null) return 'n';
  const object = value as object;
  if (ancestors.has(object)) throw new TypeError(`${PREFIX}cannot derive a key: ${path} refers back to itself (a cycle)`);
  ancestors.add(object);
  try {
    return encodeObject(object, path, ancestors);
  } finally {
    ancestors.delete(object);
  }
}

function encodeObject(object: object, path: string, ancestors: Set<object>): string {
  if (Array.isArray(object)) {
    return `[${Array.from(object, (item, index) => encode(item, `${path}[${index}]`, ancestors)).join(',')}]`;
  }
  const proto: unknown = Object.getPrototypeOf(object);
  if (proto === Object.prototype || proto === null) {
    if (Object.getOwnPropertySymbols(object).some((symbol) => Object.prototype.propertyIsEnumerable.call(object, symbol))) {
      throw unkeyable(path, 'an object with symbol-keyed properties');
    }
    const record = object as Record<string, unknown>;
    const fields = Object.keys(record)
      .sort()
      .map((name) => `${JSON.stringify(name)}:${encode(record[name], `${path}.${name}`, ancestors)}`);
    return `{${fields.join(',')}}`;
  }
  if (object instanceof Date) return `D${object.getTime()}`;
  if (object instanceof RegExp) return `R${JSON.stringify(String(object))}`;
  if (typeof URL !== 'undefined' && object instanceof URL) return `U${JSON.stringify(object.href)}`;
  if (object instanceof Map) {
    const entries = Array.from(object, ([key, item], index) => {
      return `${encode(key, `${path}.<key ${index}>`, ancestors)}=>${encode(item, `${path}.<value ${index}>`, ancestors)}`;
    });
    return `M{${entries.sort().join(',')}}`;
  }
  if (object instanceof Set) {
    return `S{${Array.from(object, (item, index) => encode(item, `${path}.<item ${index}>`, ancestors)).sort().join(',')}}`;
  }
  if (ArrayBuffer.isView(object)) {
    return `${object.constructor.name}(${hex(new Uint8Array(object.buffer, object.byteOffset, object.byteLength))})`;
  }
  if (object instanceof ArrayBuffer) return `ArrayBuffer(${hex(new Uint8Array(object))})`;
  throw unkeyable(path, `an instance of ${describe(object)}`);
}

function hex(bytes: Uint8Array): string {
  let out = '';
  for (const byte of bytes) out += byte.toString(16).padStart(2, '0');
  return out;
}

function unkeyable(path: string, what: string): TypeError {
  return new TypeError(`${PREFIX}cannot derive a key: ${path} is ${what}; give a 'key' option to key such calls`);
}

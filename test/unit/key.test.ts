import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stableKey } from '../../src/key.js';

// Values of every kind the key understands, nested.
const keyable = fc.anything({
  withBigInt: true,
  withDate: true,
  withMap: true,
  withSet: true,
  withTypedArray: true,
  withNullPrototype: false,
  withBoxedValues: false,
  withSparseArray: false,
});

/** A deep copy of `value` with every object's keys, and every Map's and Set's entries, in reverse order. */
function reordered(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reordered);
  if (value instanceof Map) return new Map([...value].reverse().map(([k, v]) => [reordered(k), reordered(v)]));
  if (value instanceof Set) return new Set([...value].reverse().map(reordered));
  if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    const copy: Record<string, unknown> = {};
    for (const name of Object.keys(value).reverse()) {
      Object.defineProperty(copy, name, { value: reordered((value as Record<string, unknown>)[name]), enumerable: true, writable: true, configurable: true });
    }
    return copy;
  }
  return value;
}

describe('stableKey', () => {
  it('gives equal keys to equal structures whatever the order of object keys and Map/Set entries', () => {
    fc.assert(fc.property(keyable, (value) => stableKey(reordered(value)) === stableKey(value)), { numRuns: 500 });
  });

  it('gives different keys to values that are not deeply equal', () => {
    fc.assert(
      fc.property(keyable, keyable, (a, b) => {
        fc.pre(!isDeepStrictEqual(a, b));
        return stableKey(a) !== stableKey(b);
      }),
      { numRuns: 1000 },
    );
  });

  it('tells apart values that print alike', () => {
    const values: unknown[] = [
      undefined, null, 0, -0, '0', 0n, false, 'false', NaN, [], {}, [undefined], [null], '', ['a,b'], ['a', 'b'],
      { a: 1 }, { a: '1' }, [{ a: 1 }], new Map([['a', 1]]), new Set(['a']), new Date(0), new Uint8Array([1]),
      new Int8Array([1]), new Uint8Array([1, 0]), new Uint16Array([1]), new Uint8Array([1]).buffer, /a/, /a/g, '/a/',
      new URL('https://example.com/'), 'https://example.com/', Symbol.for('a'), 'a', { 'a:b': 1 }, { a: { b: 1 } },
    ];
    const keys = values.map((value) => stableKey(value));
    expect(new Set(keys).size).toBe(values.length);
  });

  it('keys Dates by time, typed arrays by type and bytes, and arrays by order', () => {
    expect(stableKey(new Date(5))).toBe(stableKey(new Date(5)));
    expect(stableKey(new Float64Array([1.5, 2]))).toBe(stableKey(new Float64Array([1.5, 2])));
    expect(stableKey(new Uint8Array([1, 2, 3]).subarray(1))).toBe(stableKey(new Uint8Array([2, 3])));
    expect(stableKey([1, 2])).not.toBe(stableKey([2, 1]));
    expect(stableKey({ b: 2, a: { d: 1, c: 2 } })).toBe(stableKey({ a: { c: 2, d: 1 }, b: 2 }));
  });

  it('allows shared references that are not cycles', () => {
    const shared = { x: 1 };
    expect(stableKey([shared, shared])).toBe(stableKey([{ x: 1 }, { x: 1 }]));
  });

  it.each([
    ['a function', [1, { f: () => 1 }], /value\[1\]\.f is a function/],
    ['an unregistered symbol', { s: Symbol('x') }, /value\.s is Symbol\(x\), a symbol not made by Symbol\.for/],
    ['a class instance', [new (class Point {})()], /value\[0\] is an instance of Point/],
    ['a Promise', Promise.resolve(1), /value is an instance of Promise/],
    ['a symbol-keyed property', { [Symbol('k')]: 1 }, /symbol-keyed/],
    ['a Map value', new Map([['k', () => 1]]), /value\.<value 0> is a function/],
  ])('throws a TypeError naming the path for %s', (_, value, message) => {
    expect(() => stableKey(value)).toThrow(TypeError);
    expect(() => stableKey(value)).toThrow(message);
  });

  it('throws a TypeError on a cycle, through objects, arrays and Maps', () => {
    const object: Record<string, unknown> = { a: 1 };
    object.self = object;
    expect(() => stableKey(object)).toThrow(/value\.self refers back to itself \(a cycle\)/);
    const array: unknown[] = [];
    array.push([array]);
    expect(() => stableKey(array)).toThrow(TypeError);
    const map = new Map<string, unknown>();
    map.set('m', map);
    expect(() => stableKey(map)).toThrow(/cycle/);
  });
});

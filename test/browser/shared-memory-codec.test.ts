import { describe, expect, it } from 'vitest';
import { Decoder } from '../../src/shared-memory/decode.js';
import { Encoder } from '../../src/shared-memory/encode.js';
import { SharedStructures, SharedStructuresView } from '../../src/shared-memory/structures.js';
import { needsSharedMemory } from './support/engine.js';

/** An encoder and a decoder that share shapes through `bytes` of a buffer of their own, as a table's do. */
function codec(bytes = 64 * 1024) {
  const buffer = new SharedArrayBuffer(bytes);
  const encoder = new Encoder(new SharedStructures(buffer, 0, bytes));
  const decoder = new Decoder(new SharedStructuresView(buffer, 0));
  const published = () => new Int32Array(buffer)[0]!;
  return { encode: (value: unknown) => encoder.encode(value), decode: (bytes: Uint8Array) => decoder.decode(bytes), buffer, published };
}

// The codec must give back what structured clone gives, or refuse the value (which then stays on the
// message path).
let shared: ReturnType<typeof codec> | undefined;
const encode = (value: unknown) => (shared ??= codec()).encode(value);
const decode = (bytes: Uint8Array) => (shared ??= codec()).decode(bytes);
const roundTrip = (value: unknown) => {
  const bytes = encode(value);
  return bytes === undefined ? undefined : { value: decode(Uint8Array.from(bytes)) };
};

describe('the shared-memory codec', () => {
  needsSharedMemory();
  const exact: [string, unknown][] = [
    ['strings', ['', 'plain', 'é😀 ünïcödé', 'x'.repeat(70_000)]],
    ['numbers', [0, 1, -1, 255, 256, 65_536, -2_147_483_649, 2 ** 53, 2 ** 64, 1.5, NaN, Infinity, -Infinity, Number.MIN_VALUE]],
    ['booleans, null and undefined', [true, false, null, undefined]],
    ['an object with an undefined property', { a: undefined, b: 1 }],
    ['nested objects and arrays', { list: [[1, [2, { deep: [3] }]], {}], empty: [], o: { p: { q: 'r' } } }],
    ['keys that look like numbers, in order', { b: 1, 2: 'two', a: 3, 1: 'one' }],
    ['Dates', [new Date(0), new Date(1_700_000_000_123), new Date(-86_400_000), new Date(NaN), new Date(8.64e15)]],
    ['typed arrays', [
      new Uint8Array([0, 255]), new Int8Array([-128]), new Uint8ClampedArray([7]), new Int16Array([-2]),
      new Uint16Array([65_535]), new Int32Array([-1]), new Uint32Array([4_000_000_000]), new Float32Array([1.5]),
      new Float64Array([Math.PI]), new BigInt64Array([-(2n ** 63n)]), new BigUint64Array([2n ** 64n - 1n]), new Uint8Array(0),
    ]],
    ['a JSON document', JSON.parse(JSON.stringify({ users: Array.from({ length: 50 }, (_, i) => ({ id: i, name: `user ${i}`, admin: i % 7 === 0 })) }))],
  ];
  for (const [what, value] of exact) {
    it(`round-trips ${what} as structured clone does`, () => {
      const back = roundTrip(value);
      expect(back).toBeDefined();
      expect(back!.value).toStrictEqual(structuredClone(value));
    });
  }

  it('decodes values in any order, each with the shapes it was written with', () => {
    const first = encode([{ a: 1, b: 2 }, { a: 3, b: 4 }, { a: 5, b: 6 }, { a: 7, b: 8 }])!.slice();
    const second = encode([{ b: 'x', a: 'y' }, { a: 1, b: 2 }, { a: 1, b: 2 }, { c: 1 }])!.slice();
    expect(decode(second)).toStrictEqual([{ b: 'x', a: 'y' }, { a: 1, b: 2 }, { a: 1, b: 2 }, { c: 1 }]);
    expect(decode(first)).toStrictEqual([{ a: 1, b: 2 }, { a: 3, b: 4 }, { a: 5, b: 6 }, { a: 7, b: 8 }]);
    expect(decode(second)).toStrictEqual(decode(second));
  });

  it('loads a shape when it first meets it, and sees none that is claimed but not yet published', () => {
    const { encode, decode, buffer } = codec();
    const first = encode({ a: 1 })!.slice();
    const later = new Decoder(new SharedStructuresView(buffer, 0));
    expect(decode(first)).toStrictEqual({ a: 1 });
    const second = encode([{ b: 2 }, { a: 3 }])!.slice();
    expect(decode(second)).toStrictEqual([{ b: 2 }, { a: 3 }]);
    expect(later.decode(second)).toStrictEqual([{ b: 2 }, { a: 3 }]);
    const unpublished = new SharedArrayBuffer(64);
    const writer = new SharedStructures(unpublished, 0, unpublished.byteLength);
    expect(writer.claim(['z', 'é😀'])).toBe(true);
    expect(new SharedStructuresView(unpublished, 0).load()).toEqual([]);
    writer.publish();
    expect(new SharedStructuresView(unpublished, 0).load()).toEqual([['z', 'é😀']]);
  });

  // Shapes `{ sNNN }` of 6 UTF-16 units each, so that an area of 4 + 12n bytes holds exactly n of them.
  for (const room of [10, 40, 100]) {
    it(`defines new shapes inline once the area is full (${room} shapes), and reads them back`, () => {
      const { encode, decode, published } = codec(4 + 12 * room);
      const fill = Array.from({ length: room + 1 }, (_, i) => ({ [`s${String(i).padStart(3, '0')}`]: i }));
      const values: unknown[] = [
        fill,
        fill.slice(room - 3),
        Array.from({ length: 50 }, (_, i) => ({ [`wide-key-${i % 20}`]: i, s000: { [`inner${i % 3}`]: [{ p: 1 }, { q: 2 }, { p: 3 }] } })),
        { p: { q: { p: 4 } } },
        // More new shapes in one value than msgpackr has own ids for: it takes ids back and defines them anew.
        Array.from({ length: 90 }, (_, i) => ({ [`cycle${i % 45}`]: i })),
      ];
      const encoded = values.map((value) => encode(value)!.slice());
      expect(published()).toBe(room);
      encoded.forEach((bytes, i) => expect(decode(bytes)).toStrictEqual(values[i]));
      const text = String.fromCharCode(...encoded[2]!);
      expect(text.split('wide-key-7').length - 1).toBe(1);
    });
  }

  it('defines new shapes inline once msgpackr has no shared id left, and reads them back', () => {
    const { encode, decode, published } = codec(256 * 1024);
    const values = Array.from({ length: 8200 }, (_, i) => [{ [`${i}`]: i }, { [`${i}`]: `${i}` }]);
    values.push(Array.from({ length: 50 }, (_, i) => ({ [`late${i % 40}`]: i })));
    const encoded = values.map((value) => encode(value)!.slice());
    expect(published()).toBe(8160);
    encoded.forEach((bytes, i) => expect(decode(bytes)).toStrictEqual(values[i]));
  });

  it('gives back typed arrays with their own buffer', () => {
    const bytes = encode({ a: new Uint8Array([1, 2, 3]) })!;
    const scratch = Uint8Array.from(bytes);
    const back = decode(scratch) as { a: Uint8Array };
    scratch.fill(0);
    expect([...back.a]).toEqual([1, 2, 3]);
  });

  const shared = { s: 1 };
  const cyclic: Record<string, unknown> = {};
  cyclic.self = cyclic;
  const buffer = new ArrayBuffer(8);
  const refused: [string, unknown][] = [
    ['a Map', new Map([[1, 2]])],
    ['a Set', new Set([1])],
    ['a Blob', new Blob(['x'])],
    ['a RegExp', /x/g],
    ['an Error', new Error('x')],
    ['an ArrayBuffer', new ArrayBuffer(4)],
    ['a DataView', new DataView(new ArrayBuffer(4))],
    ['a boxed primitive', new String('x')],
    ['a bigint', 1n],
    ['-0', -0],
    ['-0 inside', { a: [1, -0] }],
    ['a lone surrogate', 'a\uD800b'],
    ['a lone surrogate in a key', { ['\uDC00']: 1 }],
    ['an own __proto__ key', JSON.parse('{"__proto__": {"polluted": true}}')],
    ['a sparse array', Object.assign(new Array<number>(3), { 0: 1, 2: 3 })],
    ['an array with extra properties', Object.assign([1], { extra: true })],
    ['an object reached twice', { a: shared, b: shared }],
    ['a cycle', cyclic],
    ['typed arrays sharing a buffer', [new Uint8Array(buffer), new Uint16Array(buffer)]],
    ['a typed array over part of its buffer', new Uint8Array(buffer, 2, 4)],
    ['a class instance', new (class Point { x = 1 })()],
    ['nesting deeper than 64', JSON.parse(`${'['.repeat(70)}${']'.repeat(70)}`)],
  ];
  for (const [what, value] of refused) {
    it(`leaves ${what} to the message path`, () => {
      expect(encode(value)).toBeUndefined();
    });
  }
});

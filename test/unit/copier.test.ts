import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { copierOf } from '../../src/shared-memory/copier.js';

/** Values of the kinds the fast path's decoder gives: primitives, plain objects, arrays, Dates, typed arrays. */
const leaf = fc.oneof(
  fc.string(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.constant(undefined),
  fc.date({ noInvalidDate: false }),
  fc.uint8Array({ maxLength: 8 }),
  fc.float64Array({ maxLength: 4 }),
);
const { value } = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    leaf,
    fc.array(tie('value'), { maxLength: 20 }),
    fc.dictionary(fc.string().filter((key) => key !== '__proto__'), tie('value'), { maxKeys: 6, noNullPrototype: true }),
    // A list of records of one structure, as an API returns: the case copiers compile a loop for.
    fc.array(fc.record({ id: fc.nat(), name: fc.string(), tags: fc.array(fc.string(), { maxLength: 3 }), at: fc.date() }, { noNullPrototype: true }), {
      maxLength: 30,
    }),
  ),
}));

/** Checks that `copy` is `original` again, key order and prototypes included, and shares no object with it. */
function expectCopy(copy: unknown, original: unknown): void {
  if (typeof original !== 'object' || original === null) {
    expect(Object.is(copy, original)).toBe(true);
    return;
  }
  expect(copy).not.toBe(original);
  expect(Object.getPrototypeOf(copy)).toBe(Object.getPrototypeOf(original));
  if (original instanceof Date) {
    expect(Object.is((copy as Date).getTime(), original.getTime())).toBe(true);
    return;
  }
  if (ArrayBuffer.isView(original)) {
    expect((copy as ArrayBufferView).buffer).not.toBe(original.buffer);
    expect(copy).toStrictEqual(original);
    return;
  }
  expect(Object.keys(copy as object)).toEqual(Object.keys(original));
  for (const key of Object.keys(original)) {
    expectCopy((copy as Record<string, unknown>)[key], (original as Record<string, unknown>)[key]);
  }
}

describe('copierOf', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
    vi.resetModules();
  });

  it('copies any value of the decoder kinds exactly, sharing no object with it', () => {
    let copied = 0;
    fc.assert(
      fc.property(value, (original) => {
        const copy = copierOf(original);
        // Too irregular a value has no copier: it is decoded as before.
        if (copy === undefined) return;
        copied++;
        expectCopy(copy(original), original);
      }),
      { numRuns: 500 },
    );
    expect(copied).toBeGreaterThan(400);
    // 500 runs of compiling and copying are work, not waiting: a busy machine may take many times the default 5 s.
  }, 60_000);

  it('compiles one copier a structure, which copies every value of that structure', () => {
    const page = (n: number) => ({ page: n, items: Array.from({ length: n }, (_, i) => ({ id: i, name: `item ${i}`, tags: ['a'] })) });
    const copy = copierOf(page(3));
    expect(copy).toBeDefined();
    expect(copierOf(page(20))).toBe(copy);
    const other = page(20);
    expectCopy(copy!(other), other);
    expect(copierOf({ page: 1, items: [{ id: 1, name: 'x', tags: [{ nested: true }] }] })).not.toBe(copy);
  });

  it('copies records whose fields differ in structure element by element, up to a length', () => {
    const mixed = [{ a: 1 }, { a: { b: 2 } }, { c: null }, 4];
    expectCopy(copierOf(mixed)!(mixed), mixed);
    const long = Array.from({ length: 40 }, (_, i) => (i % 2 ? { a: i } : { b: i }));
    expect(copierOf(long)).toBeUndefined();
  });

  it('answers primitives with themselves, and gives up on objects when the page forbids compiling code', async () => {
    vi.stubGlobal('Function', function forbidden() {
      throw new EvalError("Refused to evaluate a string as JavaScript because 'unsafe-eval' is not allowed");
    });
    const { copierOf: fresh } = await import('../../src/shared-memory/copier.js');
    expect(fresh({ never: 'compiled before' })).toBeUndefined();
    expect(fresh('text')!('text')).toBe('text');
  });
});

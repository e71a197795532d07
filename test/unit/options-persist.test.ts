import { describe, expect, it } from 'vitest';
import { PERSIST_DEFAULTS, resolveOptions } from '../../src/options.js';

describe('the persist option', () => {
  it('is on by default, with bounds of its own', () => {
    expect(resolveOptions().persist).toEqual(PERSIST_DEFAULTS);
    expect(resolveOptions({ persist: true }).persist).toEqual({ maxEntries: 100_000, maxBytes: 100 * 1024 * 1024 });
    expect(resolveOptions({ persist: { maxEntries: 10 } }).persist).toEqual({ maxEntries: 10, maxBytes: PERSIST_DEFAULTS.maxBytes });
    expect(resolveOptions({ persist: false }).persist).toBe(false);
  });

  it.each([
    [{ persist: 'yes' }, TypeError, /'persist' must be a boolean or an object/],
    [{ persist: { maxEntries: 0 } }, RangeError, /'persist.maxEntries' must be a positive integer/],
    [{ persist: { maxEntries: 2.5 } }, RangeError, /'persist.maxEntries'/],
    [{ persist: { maxBytes: -1 } }, RangeError, /'persist.maxBytes' must be a positive number/],
    [{ persist: { maxItems: 5 } }, TypeError, /unknown option 'persist.maxItems'/],
  ])('rejects %o', (options, type, message) => {
    expect(() => resolveOptions(options as never)).toThrow(type);
    expect(() => resolveOptions(options as never)).toThrow(message);
  });
});

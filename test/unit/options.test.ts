import { describe, expect, it } from 'vitest';
import { resolveOptions } from '../../src/options.js';

describe('resolveOptions', () => {
  it('fills in defaults: a bounded W-TinyLFU named default', () => {
    expect(resolveOptions()).toMatchObject({ name: 'default', policy: 'tinylfu', capacity: 1000, maxBytes: undefined, ttl: undefined });
  });

  it.each([
    [{ capacity: 0 }, RangeError, /'capacity' must be an integer from 1 to 4194304, got number 0/],
    [{ capacity: 2 ** 31 }, RangeError, /'capacity' must be an integer from 1 to 4194304, got number 2147483648/],
    [{ capacity: 1e9 }, RangeError, /'capacity' must be an integer from 1 to 4194304, got number 1000000000/],
    [{ capacity: 1.5 }, RangeError, /'capacity'/],
    [{ capacity: '10' }, RangeError, /'capacity'.*"10"/],
    [{ ttl: -1 }, RangeError, /'ttl'.*positive/],
    [{ ttl: 'soon' }, TypeError, /'ttl'/],
    [{ policy: 'fifo' }, RangeError, /'policy' is 'fifo'/],
    [{ name: '' }, TypeError, /'name'/],
    [{ maxBytes: 0 }, RangeError, /'maxBytes'/],
    [{ capcity: 10 }, TypeError, /unknown option 'capcity'/],
    [{ worker: 42 }, TypeError, /'worker'/],
  ])('rejects %o', (options, type, message) => {
    expect(() => resolveOptions(options as never)).toThrow(type);
    expect(() => resolveOptions(options as never)).toThrow(message);
  });

  it('lets a worker of the app name its own policies', () => {
    expect(resolveOptions({ worker: '/my-worker.js', policy: 'fifo' }).policy).toBe('fifo');
  });
});

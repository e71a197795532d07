import { describe, expect, it } from 'vitest';
import { createCache } from '../../src/index.js';

const mortalUrl = new URL('./fixtures/mortal-worker.ts', import.meta.url);

describe('when the worker dies', () => {
  it('rejects every pending call, then starts a new worker for the next call', async () => {
    const cache = createCache({ name: 'mortal', policy: 'mortal', worker: mortalUrl });
    await cache.put('a', 1);
    const dying = cache.get('die');
    await Promise.resolve();
    // A second message, posted before the worker has closed: it will never be answered. (`has`, because a
    // `get` of 'a' is answered from shared memory with no message.)
    const pending = [cache.has('a'), cache.put('b', 2)];
    const settled = await Promise.allSettled([dying, ...pending]);
    for (const result of settled.slice(1)) {
      expect(result).toMatchObject({ status: 'rejected', reason: { name: 'WorkerGoneError' } });
    }
    expect(await cache.get('a')).toBeUndefined();
    await cache.put('c', 3);
    expect(await cache.get('c')).toBe(3);
    expect(await cache.stats()).toMatchObject({ size: 1 });
    await cache.close();
  });

  it('rejects pending calls when the app terminates a worker it passed in, and says it cannot restart it', async () => {
    const worker = new Worker(mortalUrl, { type: 'module' });
    const cache = createCache({ name: 'passed', policy: 'mortal', worker });
    await cache.put('a', 1);
    const pending = cache.has('a');
    worker.terminate();
    const outcome = await Promise.race([
      pending.then(() => 'answered', (error: Error) => error.name),
      new Promise((resolve) => setTimeout(() => resolve('hung'), 3_000)),
    ]);
    expect(outcome).toBe('WorkerGoneError');
    const late = cache.get('a');
    await expect(late).rejects.toThrow(/has stopped/);
  });

  it('rejects with a clear error when the worker script cannot load', async () => {
    const cache = createCache({ name: 'missing', worker: '/no-such-worker.js' });
    await expect(cache.get('a')).rejects.toMatchObject({ name: 'WorkerGoneError', message: expect.stringMatching(/failed to start/) });
    await cache.close();
  });

  it('passes the worker-side option errors back with their name and message', async () => {
    const cache = createCache({ name: 'bad', policy: 'nonesuch', worker: mortalUrl });
    await expect(cache.get('a')).rejects.toThrow(RangeError);
    await expect(cache.get('a')).rejects.toThrow(/'policy' is 'nonesuch'.*lru.*mortal/);
    await cache.close();
  });

  it('names the capacity when the worker cannot have the memory for its slots', async () => {
    const cache = createCache({ name: 'greedy', policy: 'greedy', capacity: 4_000_000, worker: mortalUrl });
    await expect(cache.get('a')).rejects.toMatchObject({
      name: 'RangeError',
      message: expect.stringMatching(/^tabcache: cache 'greedy': the memory for 4000000 entries could not be had \(.+\); lower 'capacity'$/),
    });
    await cache.close();
  });
});

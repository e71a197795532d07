import { describe, expect, it } from 'vitest';
import { inspect, recount, stored, writeEntries, writeRecord } from './support/database.js';
import { entryRecord, tierMaker } from './support/tier.js';

// Records another build or an attacker wrote into the database: each must be skipped, removed and counted,
// and must not unbound the tier or falsify its totals.

const make = tierMaker('poison');
const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => `k${from + i}`);
const byNumber = (a: string, b: string) => Number(a.slice(1)) - Number(b.slice(1));
const storedKeys = async (name: string) => Object.keys(await stored(name)).sort(byNumber);

describe('a poisoned record in IndexedDB', () => {
  it.each([Infinity, -1, 1.5, '100', 2 ** 50, NaN])('with size %s is removed; the bounds and totals hold', async (size) => {
    const { tier, name, now, put } = await make({ maxEntries: 50 });
    for (const key of range(0, 40)) put(key, key, 100);
    await tier.flush();
    // The most recent record of all, so that eviction would reach it last.
    await writeEntries(name, entryRecord('poison', now() + 1_000, { size }));
    for (const key of range(40, 60)) put(key, key, 100);
    await tier.flush();
    // 60 good records over a bound of 50: the oldest go, down to 45.
    expect(await storedKeys(name)).toEqual(range(15, 60));
    const stats = tier.stats();
    expect(stats).toMatchObject({ entries: 45, bytes: 4_500, corrupt: 1 });
    expect(await recount(name)).toEqual({ count: stats.entries, bytes: stats.bytes });
    expect((await inspect(name)).totals).toMatchObject({ count: 45, bytes: 4_500 });
  });

  it.each([{ count: NaN }, { count: -1e9 }, { count: 1.5 }, { bytes: Infinity }, { bytes: -5 }, { gen: 'x' }, null])(
    'totals %o are recounted and repaired, and the bounds hold',
    async (poison) => {
      const { tier, name, put } = await make({ maxEntries: 50 });
      for (const key of range(0, 10)) put(key, key, 100);
      await tier.flush();
      const { totals } = await inspect(name);
      await writeRecord(name, 'info', 'totals', poison && { ...(totals as object), ...poison });
      for (const key of range(10, 60)) put(key, key, 100);
      await tier.flush();
      expect(await storedKeys(name)).toEqual(range(15, 60));
      expect(tier.stats()).toMatchObject({ entries: 45, bytes: 4_500 });
      expect((await inspect(name)).totals).toMatchObject({ count: 45, bytes: 4_500 });
      // Still bounded after the repair.
      for (const key of range(60, 70)) put(key, key, 100);
      await tier.flush();
      expect(await storedKeys(name)).toEqual(range(25, 70));
    },
  );

  it('with a key that is not a string is never listed, and is removed and counted', async () => {
    const { tier, name, now, put } = await make();
    put('a', 1, 100, ['t']);
    await tier.flush();
    const at = now();
    await writeEntries(
      name,
      entryRecord('', at, { key: 7, tags: ['t'] }),
      entryRecord('', at, { key: ['a'], tags: ['t'] }),
      entryRecord('', at, { key: new Date(at), tags: ['t'] }),
    );
    expect(await tier.keys()).toEqual(['a']);
    expect(await tier.tagged(['t'])).toEqual(['a']);
    await tier.flush();
    expect((await inspect(name)).records).toMatchObject([{ key: 'a' }]);
    expect(tier.stats()).toMatchObject({ entries: 1, bytes: 100, corrupt: 3 });
  });

  it.each([Infinity, '9', -1, NaN])('access time %s in touches is ignored in the eviction order, removed and counted', async (at) => {
    const { tier, name, put } = await make({ maxEntries: 10 });
    for (const key of range(0, 10)) put(key, key, 100);
    await tier.flush();
    // A read of the oldest entry that would otherwise make it the most recent.
    await writeRecord(name, 'touches', 'k0', at);
    put('k10', 'k10', 100);
    await tier.flush();
    expect(await storedKeys(name)).toEqual(range(2, 11));
    expect(tier.stats()).toMatchObject({ entries: 9, corrupt: 1 });
  });
});

describe('the totals', () => {
  it('count each entry once however often it is overwritten', async () => {
    const { tier, name, put } = await make();
    for (let round = 0; round < 30; round++) {
      for (const key of range(0, 27)) put(key, round, 100);
      // One batch a round: after the first, this tab knows every write and overwrites without reading.
      await tier.flush();
    }
    expect(tier.stats().entries).toBe(27);
    expect((await recount(name)).count).toBe(27);
    expect((await inspect(name)).totals).toMatchObject({ count: 27 });
  });

  it('count records written without them at the next batch, even one that overwrites without reading', async () => {
    const { tier, name, now, put } = await make();
    for (const key of range(0, 10)) put(key, key, 100);
    await tier.flush();
    await writeEntries(name, entryRecord('x0', now()), entryRecord('x1', now()), entryRecord('x2', now()));
    put('k0', 'again', 100);
    await tier.flush();
    expect(tier.stats()).toMatchObject({ entries: 13, bytes: 1_300 });
    expect(await recount(name)).toEqual({ count: 13, bytes: 1_300 });
  });
});

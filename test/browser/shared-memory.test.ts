import { afterEach, describe, expect, it } from 'vitest';
import { H_STRUCTURES_OFFSET } from '../../src/shared-memory/layout.js';
import { ABSENT, SharedTableView } from '../../src/shared-memory/table-view.js';
import type { WriterCommand } from './fixtures/shared-writer.js';
import { isWhole, shapeValue, type ChurnValue } from './fixtures/shared-values.js';
import { needsSharedMemory } from './support/engine.js';

// A real worker writes the table; this page reads it, as a cache's page will.
const workers: Worker[] = [];
afterEach(() => workers.splice(0).forEach((worker) => worker.terminate()));

async function startWriter(sharedBytes = 1 << 20, capacity = 1000) {
  const worker = new Worker(new URL('./fixtures/shared-writer.ts', import.meta.url), { type: 'module' });
  workers.push(worker);
  const ask = <T>(command: WriterCommand) =>
    new Promise<T>((resolve) => {
      worker.addEventListener('message', (event: MessageEvent<T>) => resolve(event.data), { once: true });
      worker.postMessage(command);
    });
  const buffer = await ask<SharedArrayBuffer>({ op: 'create', sharedBytes, capacity });
  return { ask, buffer, view: new SharedTableView(buffer) };
}

/** How many object shapes the worker has published in `buffer`. */
function shapesIn(buffer: SharedArrayBuffer): number {
  const words = new Int32Array(buffer);
  return Atomics.load(words, words[H_STRUCTURES_OFFSET]! / 4);
}

it('runs on a cross-origin isolated page', () => {
  expect(crossOriginIsolated).toBe(true);
});

describe('the shared table', () => {
  needsSharedMemory();

  it('serves what the worker set, and forgets what it deleted or cleared', async () => {
    const { ask, view } = await startWriter();
    const value = { a: 1, list: ['x', null, undefined], when: new Date(7), bytes: new Uint8Array([1, 2]) };
    expect(await ask({ op: 'set', key: 'k', value })).toBe(true);
    await ask({ op: 'set', key: 'u', value: undefined });
    const back = view.read('k');
    expect(back).toEqual(value);
    expect(back).not.toBe(view.read('k'));
    expect(view.read('u')).toBeUndefined();
    expect(view.read('missing')).toBe(ABSENT);
    await ask({ op: 'delete', key: 'k' });
    expect(view.read('k')).toBe(ABSENT);
    expect(view.read('u')).toBeUndefined();
    await ask({ op: 'clear' });
    expect(view.read('u')).toBe(ABSENT);
  });

  it('tells apart keys whose home slots collide, and keys that differ only late', async () => {
    const { ask, view } = await startWriter(1 << 20, 8);
    const keys = Array.from({ length: 10 }, (_, i) => `same-long-prefix-${'y'.repeat(40)}-${i}`);
    for (const key of keys) await ask({ op: 'set', key, value: key.length + key });
    for (const key of keys) expect(view.read(key)).toBe(key.length + key);
    expect(view.read(`${keys[0]}!`)).toBe(ABSENT);
    expect(view.read('')).toBe(ABSENT);
  });

  it('keeps an entry past its expiry time out', async () => {
    const { ask, view } = await startWriter();
    await ask({ op: 'set', key: 'soon', value: 1, expiresAt: Date.now() + 50 });
    await ask({ op: 'set', key: 'later', value: 2, expiresAt: Date.now() + 60_000 });
    expect(view.read('soon')).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(view.read('soon')).toBe(ABSENT);
    expect(view.read('later')).toBe(2);
  });

  it('does not mirror what it cannot hold, and drops the older value of that key', async () => {
    const { ask, view } = await startWriter(64 * 1024, 100);
    await ask({ op: 'set', key: 'k', value: 'small' });
    expect(await ask({ op: 'set', key: 'k', value: 'x'.repeat(100_000) })).toBe(false);
    expect(view.read('k')).toBe(ABSENT);
    expect(await ask({ op: 'set', key: 'm', value: new Map([[1, 2]]) })).toBe(false);
    expect(view.read('m')).toBe(ABSENT);
  });

  it('reclaims the arena: entries rewritten and deleted many times over still fit', async () => {
    const { ask, view } = await startWriter(64 * 1024, 64);
    for (let round = 0; round < 30; round++) {
      for (let i = 0; i < 20; i++) expect(await ask({ op: 'set', key: `k${i}`, value: 'v'.repeat(200 + round * 10) })).toBe(true);
      for (let i = 0; i < 20; i += 2) await ask({ op: 'delete', key: `k${i}` });
    }
    expect(view.read('k1')).toBe('v'.repeat(490));
    expect(view.read('k0')).toBe(ABSENT);
  });

  it('serves values of shapes this page has not met, and keeps serving them once the shapes area is full', async () => {
    const { ask, buffer, view } = await startWriter(64 * 1024, 100);
    const values = Array.from({ length: 60 }, (_, i) => ({ [`field${i}`]: i, nested: [{ [`inner${i}`]: i }, { [`inner${i}`]: -i - 1 }] }));
    for (const [i, value] of values.entries()) {
      expect(await ask({ op: 'set', key: `k${i}`, value })).toBe(true);
      expect(view.read(`k${i}`)).toStrictEqual(value);
    }
    const shapes = shapesIn(buffer);
    expect(shapes).toBeGreaterThan(0);
    expect(shapes).toBeLessThan(120);
    const late = new SharedTableView(buffer);
    for (const [i, value] of values.entries()) expect(late.read(`k${i}`)).toStrictEqual(value);
    expect(shapesIn(buffer)).toBe(shapes);
  });

  it('keeps the shapes across a clear, for the values written after it and for pages that come later', async () => {
    const { ask, buffer, view } = await startWriter();
    const before = { a: 1, b: { c: [{ d: 2 }] } };
    await ask({ op: 'set', key: 'before', value: before });
    expect(view.read('before')).toStrictEqual(before);
    const shapes = shapesIn(buffer);
    await ask({ op: 'clear' });
    expect(view.read('before')).toBe(ABSENT);
    const again = { a: 3, b: { c: [{ d: 4 }] } };
    const fresh = { e: 5, b: { c: [{ d: 6 }], f: true } };
    await ask({ op: 'set', key: 'again', value: again });
    await ask({ op: 'set', key: 'fresh', value: fresh });
    expect(shapesIn(buffer)).toBeGreaterThan(shapes);
    for (const reader of [view, new SharedTableView(buffer)]) {
      expect(reader.read('again')).toStrictEqual(again);
      expect(reader.read('fresh')).toStrictEqual(fresh);
    }
  });

  it('hands out a fresh copy on every read of an entry read again and again, of the value it holds now', async () => {
    const { ask, view } = await startWriter();
    const page = (n: number) => ({
      page: n,
      items: Array.from({ length: 5 }, (_, i) => ({ id: n * 10 + i, name: `item ${i}`, at: new Date(i), bytes: new Uint8Array([i]) })),
    });
    await ask({ op: 'set', key: 'k', value: page(1) });
    const reads = Array.from({ length: 10 }, () => view.read('k') as ReturnType<typeof page>);
    for (const read of reads) expect(read).toStrictEqual(page(1));
    expect(new Set(reads).size).toBe(10);
    expect(new Set(reads.map((read) => read.items[0])).size).toBe(10);
    const changed = reads[9]!;
    changed.items.push(changed.items[0]!);
    changed.items[0]!.name = 'changed';
    changed.items[1]!.at.setTime(99);
    changed.items[2]!.bytes[0] = 99;
    expect(view.read('k')).toStrictEqual(page(1));
    await ask({ op: 'set', key: 'k', value: page(2) });
    for (let i = 0; i < 10; i++) expect(view.read('k')).toStrictEqual(page(2));
    await ask({ op: 'set', key: 'k', value: 'now a string' });
    expect(view.read('k')).toBe('now a string');
    await ask({ op: 'delete', key: 'k' });
    expect(view.read('k')).toBe(ABSENT);
  });

  it('serves each key its own value while entries read often move between slots', async () => {
    // 8 entries a table of 16 slots: deletes leave tombstones, and sweeping them moves entries to other slots.
    const { ask, view } = await startWriter(1 << 20, 8);
    const current = new Map<string, { key: string; version: number }>();
    let version = 0;
    for (let round = 0; round < 40; round++) {
      const key = `k${round % 11}`;
      if (current.has(key) && round % 3 === 0) {
        await ask({ op: 'delete', key });
        current.delete(key);
      } else {
        const value = { key, version: version++ };
        expect(await ask({ op: 'set', key, value })).toBe(true);
        current.set(key, value);
      }
      while (current.size > 6) {
        const oldest = current.keys().next().value!;
        await ask({ op: 'delete', key: oldest });
        current.delete(oldest);
      }
      for (let i = 0; i < 11; i++) {
        const key = `k${i}`;
        for (let read = 0; read < 6; read++) expect(view.read(key)).toStrictEqual(current.get(key) ?? ABSENT);
      }
    }
  });

  it('reads every value whole while a worker keeps writing values of new shapes', async () => {
    const { ask, buffer, view } = await startWriter(1 << 20, 16);
    const stop = new SharedArrayBuffer(4);
    const keys = 4;
    const writes = ask<number>({ op: 'shapes', keys, stop });
    let hits = 0;
    let wrong = 0;
    for (let i = 0; i < 300_000; i++) {
      const key = i % keys;
      const value = view.read(`k${key}`);
      if (value === ABSENT) continue;
      hits++;
      const n = (value as { n: number }).n;
      if (n % keys !== key || JSON.stringify(value) !== JSON.stringify(shapeValue(n))) wrong++;
    }
    Atomics.store(new Int32Array(stop), 0, 1);
    const written = await writes;
    expect(wrong).toBe(0);
    expect(hits).toBeGreaterThan(30_000);
    // Shapes came one every 16 writes, more than the area holds: the page met new ones, then inline ones.
    expect(written).toBeGreaterThan(16 * shapesIn(buffer));
    console.log(`300,000 reads: ${hits} hits, ${written} writes, ${shapesIn(buffer)} shapes published, ${wrong} wrong`);
  }, 120_000);

  it('records hits in the read buffer for the worker to drain, and counts them', async () => {
    const { ask, view } = await startWriter();
    await ask({ op: 'set', key: 'hot', value: 1 });
    await ask({ op: 'set', key: 'cold', value: 2 });
    for (let i = 0; i < 100; i++) view.read('hot');
    view.read('cold');
    view.read('missing');
    const { touched, stats } = await ask<{ touched: string[]; stats: { hits: number; entries: number } }>({ op: 'drain' });
    expect(touched.filter((key) => key === 'hot')).toHaveLength(100);
    expect(touched.filter((key) => key === 'cold')).toHaveLength(1);
    expect(stats).toMatchObject({ hits: 101, entries: 2 });
    for (let i = 0; i < 10_000; i++) view.read('hot');
    const later = await ask<{ touched: string[]; stats: { hits: number } }>({ op: 'drain' });
    expect(later.stats.hits).toBe(10_101);
    expect(later.touched.length).toBeLessThanOrEqual(4096);
  });

  it('never returns a torn value over a million reads while a worker rewrites them', async () => {
    const { ask, view } = await startWriter(256 * 1024, 16);
    const stop = new SharedArrayBuffer(4);
    const keys = 8;
    const writes = ask<number>({ op: 'churn', keys, stop });
    let hits = 0;
    let torn = 0;
    const started = performance.now();
    for (let i = 0; i < 1_000_000; i++) {
      const key = i % keys;
      const value = view.read(`k${key}`);
      if (value === ABSENT) continue;
      hits++;
      const whole = value as ChurnValue;
      if (!isWhole(whole) || whole.n % keys !== key) torn++;
    }
    const elapsed = performance.now() - started;
    Atomics.store(new Int32Array(stop), 0, 1);
    const written = await writes;
    expect(torn).toBe(0);
    // Both sides really ran at once: many hits, many writes.
    expect(hits).toBeGreaterThan(100_000);
    expect(written).toBeGreaterThan(10_000);
    console.log(`1,000,000 reads in ${elapsed.toFixed(0)} ms: ${hits} hits, ${written} writes, ${torn} torn`);
  }, 120_000);
});

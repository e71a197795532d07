import fc from 'fast-check';
import { expect, it } from 'vitest';
import { countedBytes, inspect, writeEntries, writeRecord } from './support/database.js';
import { entryRecord, tierMaker, type TestTier } from './support/tier.js';

// Random runs of writes, reads and records written straight into the database as another build or an attacker
// would, against the IndexedDB tier alone with a clock the test moves. After every step, once flushed: the
// totals are the records' (the bytes may run high by what blind overwrites could not subtract, and are exact
// whenever the tier had to count), the bounds hold, and no good entry is gone but by the eviction order.

const make = tierMaker('property');
const BOUNDS = { maxEntries: 10, maxBytes: 2_000 };
const MAX_SIZE = 300;
const KEYS = ['k0', 'k1', 'k2', 'k3', 'k4', 'k5', 'k6', 'k7'];
const TAGS = ['t0', 't1', 't2'];

type Write =
  | { op: 'put'; key: string; size: number; tags: string[] }
  | { op: 'delete'; key: string }
  | { op: 'clear' }
  | { op: 'invalidate'; tags: string[] }
  /** Puts of more new keys than the tier may hold. */
  | { op: 'evict'; sizes: number[] };
type Read = { op: 'get'; key: string } | { op: 'keys' } | { op: 'tagged'; tag: string };
type Poison =
  /** A damaged record under a new key; the tier sees more records than its totals count and counts again. */
  | { kind: 'new'; fields: Record<string, unknown> }
  /** An entry of this test's damaged in place: the count stays, and the bytes counted for it may only fall. */
  | { kind: 'in place'; pick: number; fields: Record<string, unknown> }
  | { kind: 'touch'; pick: number; at: unknown }
  | { kind: 'totals'; fields: Record<string, unknown> | null };
interface Step {
  poison: Poison | undefined;
  write: Write;
  read: Read | undefined;
}

// Each makes a record invalid; those for in place keep what the totals count for it, or lower it.
const unsizable = [{ size: Infinity }, { size: NaN }, { size: -1 }, { size: 1.5 }, { size: '100' }, { size: 2 ** 50 }, { accessedAt: NaN }, { accessedAt: Infinity }, { accessedAt: -5 }, { accessedAt: 'x' }];
const misshapen = [{ version: 'nonsense' }, { version: { at: NaN, seq: 0, tab: 'x' } }, { tags: [1] }, { expiresAt: Infinity }, { expiresAt: 1.5 }];
const strayKeys = [{ key: 7 }, { key: ['a'] }, { key: new Date(0) }];
const badTotals = [{ count: NaN }, { count: -1e9 }, { count: 1.5 }, { bytes: Infinity }, { bytes: -5 }, { gen: 'x' }, null, { count: 1e9 }];

const poison: fc.Arbitrary<Poison> = fc.oneof(
  fc.record({ kind: fc.constant('new' as const), fields: fc.constantFrom(...unsizable, ...misshapen, ...strayKeys) }),
  fc.record({ kind: fc.constant('in place' as const), pick: fc.nat(), fields: fc.constantFrom(...unsizable, ...misshapen) }),
  fc.record({ kind: fc.constant('touch' as const), pick: fc.nat(), at: fc.constantFrom(Infinity, -1, 'x', NaN, 1.5, new Date(0)) }),
  fc.record({ kind: fc.constant('totals' as const), fields: fc.constantFrom(...badTotals) }),
);
const key = fc.constantFrom(...KEYS);
const size = fc.integer({ min: 50, max: MAX_SIZE });
const write: fc.Arbitrary<Write> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ op: fc.constant('put' as const), key, size, tags: fc.subarray(TAGS) }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('delete' as const), key }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('clear' as const) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('invalidate' as const), tags: fc.subarray(TAGS, { minLength: 1 }) }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('evict' as const), sizes: fc.array(size, { minLength: BOUNDS.maxEntries + 1, maxLength: BOUNDS.maxEntries + 1 }) }) },
);
const read: fc.Arbitrary<Read> = fc.oneof(
  fc.record({ op: fc.constant('get' as const), key }),
  fc.record({ op: fc.constant('keys' as const) }),
  fc.record({ op: fc.constant('tagged' as const), tag: fc.constantFrom(...TAGS) }),
);
const steps = fc.array(fc.record({ poison: fc.option(poison, { nil: undefined, freq: 2 }), write, read: fc.option(read, { nil: undefined }) }), {
  minLength: 1,
  maxLength: 12,
});

/** An entry this test wrote and the tier should still hold, unless evicted. */
interface Good {
  value: number;
  /** When it was last used: its put, or a read since. */
  at: number;
  tags: string[];
}

type Records = Map<IDBValidKey, Record<string, unknown>>;
async function snapshot(name: string): Promise<Records> {
  const { records } = await inspect(name);
  return new Map((records as Record<string, unknown>[]).map((record) => [record.key as IDBValidKey, record]));
}
const sum = (records: Records) => [...records.values()].reduce((total, record) => total + countedBytes(record), 0);

async function run(steps: Step[]): Promise<void> {
  const t: TestTier = await make(BOUNDS);
  const { tier, name } = t;
  const good = new Map<string, Good>();
  let values = 0;
  let poisons = 0;
  let fresh = 0;
  /** How far the bytes may run high: old sizes a put may not have read, or that were damaged in place. */
  let slack = 0;

  for (const [i, step] of steps.entries()) {
    const label = `step ${i}: ${JSON.stringify(step)}`;
    let before = await snapshot(name);
    // Whether the bytes must be exact after this step: the tier saw records appear, damaged totals or a bound
    // crossed, and counted them; or everything was cleared.
    let counts = false;

    if (step.poison) {
      const p = step.poison;
      const keys = [...good.keys()].sort();
      if (p.kind === 'new') {
        poisons++;
        counts = true;
        await writeEntries(name, entryRecord(`p${fresh++}`, t.now(), p.fields));
      } else if (p.kind === 'in place' && keys.length > 0) {
        poisons++;
        const target = keys[p.pick % keys.length]!;
        const damaged = { ...before.get(target), ...p.fields };
        slack += countedBytes(before.get(target)) - countedBytes(damaged);
        good.delete(target);
        await writeEntries(name, damaged);
      } else if (p.kind === 'touch') {
        poisons++;
        await writeRecord(name, 'touches', keys.length > 0 ? keys[p.pick % keys.length]! : 7, p.at);
      } else if (p.kind === 'totals') {
        counts = p.fields === null || !('count' in p.fields && p.fields.count === 1e9);
        const { totals } = await inspect(name);
        await writeRecord(name, 'info', 'totals', p.fields && { ...(totals as object), ...p.fields });
      }
      before = await snapshot(name);
    }

    const w = step.write;
    if (w.op === 'put') {
      slack += countedBytes(before.get(w.key));
      good.set(w.key, { value: ++values, at: t.now(), tags: w.tags });
      t.put(w.key, values, w.size, w.tags);
    } else if (w.op === 'delete') {
      good.delete(w.key);
      tier.delete(w.key);
    } else if (w.op === 'clear') {
      good.clear();
      counts = true;
      tier.clear();
    } else if (w.op === 'invalidate') {
      for (const [k, entry] of good) if (entry.tags.some((tag) => w.tags.includes(tag))) good.delete(k);
      tier.invalidate(w.tags);
    } else {
      for (const s of w.sizes) {
        const k = `e${fresh++}`;
        good.set(k, { value: ++values, at: t.now(), tags: [] });
        t.put(k, values, s);
      }
    }
    await tier.flush();

    // Eviction: what went missing was older than all that stayed, and no more went than needed.
    const written = await snapshot(name);
    const missing = [...good.keys()].filter((k) => (written.get(k) as { value?: unknown } | undefined)?.value !== good.get(k)!.value);
    if (missing.length > 0) {
      const newest = Math.max(...missing.map((k) => good.get(k)!.at));
      for (const k of missing) good.delete(k);
      for (const [k, entry] of good) expect(entry.at, `${label}: ${k} kept over an older entry`).toBeGreaterThan(newest);
      const floor = Math.floor(BOUNDS.maxEntries * 0.9);
      expect(written.size >= floor || sum(written) > BOUNDS.maxBytes * 0.9 - MAX_SIZE, `${label}: evicted more than needed`).toBe(true);
    }

    if (step.read) {
      const r = step.read;
      t.advance();
      if (r.op === 'get') {
        const found = await tier.read(r.key);
        const entry = good.get(r.key);
        expect(found?.value, `${label}: get`).toBe(entry?.value);
        if (entry) entry.at = t.now();
      } else {
        const listed = r.op === 'keys' ? await tier.keys() : await tier.tagged([r.tag]);
        for (const k of listed) expect(typeof k, label).toBe('string');
        const expected = [...good].filter(([, entry]) => r.op === 'keys' || entry.tags.includes(r.tag)).map(([k]) => k);
        expect(listed, label).toEqual(expect.arrayContaining(expected));
      }
      t.advance();
      await tier.flush();
    }

    const after = await snapshot(name);
    const stats = tier.stats();
    const bytes = sum(after);
    if (counts) slack = 0;
    expect(stats.entries, `${label}: entries`).toBe(after.size);
    expect(stats.bytes, `${label}: bytes`).toBeGreaterThanOrEqual(bytes);
    expect(stats.bytes, `${label}: bytes`).toBeLessThanOrEqual(bytes + slack);
    expect((await inspect(name)).totals, `${label}: stored totals`).toMatchObject({ count: stats.entries, bytes: stats.bytes });
    expect(after.size, `${label}: maxEntries`).toBeLessThanOrEqual(BOUNDS.maxEntries);
    expect(bytes, `${label}: maxBytes`).toBeLessThanOrEqual(BOUNDS.maxBytes);
    expect(stats.corrupt, `${label}: corrupt`).toBeLessThanOrEqual(poisons);
    for (const [k, entry] of good) expect((after.get(k) as { value?: unknown } | undefined)?.value, `${label}: ${k}`).toBe(entry.value);
  }
}

it('keeps its totals true and its bounds, whatever is written and whatever another build leaves in the database', async () => {
  await fc.assert(fc.asyncProperty(steps, run), { seed: 20_240_611, numRuns: 50 });
}, 60_000);

// The IndexedDB tier on its own, with a clock the test moves: no worker, no sleeps.
import { afterEach } from 'vitest';
import type { PersistConfig } from '../../../src/protocol.js';
import type { EntryMeta } from '../../../src/persist/schema.js';
import { Tier } from '../../../src/persist/tier.js';
import { VersionClock } from '../../../src/persist/version.js';
import { deleteDatabase } from './database.js';

/** The wall clock every tier starts at: well past zero, as Date.now() is. */
export const START = 1_700_000_000_000;

export interface TestTier {
  tier: Tier;
  name: string;
  /** The tier's clock, in whole milliseconds. */
  now(): number;
  /** Moves the clock on. */
  advance(ms?: number): void;
  /** Queues a put of `value` with `size` bytes and no expiry, and moves the clock on a millisecond. */
  put(key: string, value: unknown, size: number, tags?: string[]): void;
}

/**
 * A `make(bounds)` that creates tiers over fresh databases, resolving once the database is open and laid out,
 * and deletes the databases after each test.
 */
export function tierMaker(prefix: string) {
  const names: string[] = [];
  afterEach(async () => {
    await Promise.all(names.splice(0).map(deleteDatabase));
  });
  return async (bounds: Partial<PersistConfig> = {}): Promise<TestTier> => {
    const name = `${prefix}-${Math.random().toString(36).slice(2)}`;
    names.push(name);
    let time = START;
    const now = () => time;
    const tier = new Tier({
      name,
      bounds: { maxEntries: 100_000, maxBytes: 100 * 1024 * 1024, ...bounds },
      clock: new VersionClock('test', now),
      now,
      superseded: () => {},
      committed: () => {},
      warn: () => {},
    });
    await tier.keys();
    return {
      tier,
      name,
      now,
      advance: (ms = 1) => void (time += ms),
      put(key, value, size, tags = []) {
        tier.put(key, value, { expiresAt: Infinity, size, tags });
        time++;
      },
    };
  };
}

/** A record as this build writes it, to be written straight into the database with `overrides` applied. */
export function entryRecord(key: string, at: number, overrides: Record<string, unknown> = {}): EntryMeta & { value: unknown } {
  return { key, version: { at, seq: 0, tab: 'other' }, accessedAt: at, size: 100, tags: [], value: key, ...overrides } as EntryMeta & { value: unknown };
}

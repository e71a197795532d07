import { describe, expect, it } from 'vitest';
import type { EntryMeta } from '../../src/persist/schema.js';
import { compareVersions, VersionClock } from '../../src/persist/version.js';
import { Batch } from '../../src/persist/writes.js';

const meta = (key: string, tags: string[] = [], at = 1): EntryMeta => ({
  key,
  version: { at, seq: 0, tab: 't' },
  expiresAt: Infinity,
  accessedAt: at,
  size: 10,
  tags,
});

describe('Batch', () => {
  it('keeps the last write per key', () => {
    const batch = new Batch();
    batch.put(meta('a'), 1);
    batch.put(meta('a'), 2);
    batch.delete('b');
    batch.put(meta('b'), 3);
    expect(batch.size).toBe(2);
    expect(batch.lookup('a')).toMatchObject({ value: 2 });
    expect(batch.lookup('b')).toMatchObject({ value: 3 });
    batch.delete('a');
    expect(batch.lookup('a')).toBe('gone');
    expect(batch.lookup('c')).toBeUndefined();
  });

  it('lets a clear drop the writes before it and keep those after it', () => {
    const batch = new Batch();
    batch.put(meta('a'), 1);
    batch.invalidate(['x']);
    batch.doClear();
    batch.put(meta('b'), 2);
    expect(batch.clear).toBe(true);
    expect([...batch.tags]).toEqual([]);
    expect(batch.lookup('a')).toBe('gone');
    expect(batch.lookup('b')).toMatchObject({ value: 2 });
  });

  it('lets an invalidation drop the puts with its tags made before it, and judge stored records by theirs', () => {
    const batch = new Batch();
    batch.put(meta('a', ['x']), 1);
    batch.put(meta('b', ['y']), 2);
    batch.invalidate(['x']);
    batch.put(meta('c', ['x']), 3);
    expect(batch.lookup('a')).toBeUndefined();
    expect(batch.lookup('a', ['x'])).toBe('gone');
    expect(batch.lookup('b')).toMatchObject({ value: 2 });
    expect(batch.lookup('c')).toMatchObject({ value: 3 });
    expect(batch.lookup('stored', ['y'])).toBeUndefined();
  });

  it('writes a read back with the put waiting for the same key', () => {
    const batch = new Batch();
    batch.put(meta('a'), 1);
    batch.touch('a', 50);
    batch.touch('b', 60);
    expect(batch.puts()[0]?.accessedAt).toBe(50);
    expect([...batch.touches]).toEqual([['b', 60]]);
    expect(new Batch().empty).toBe(true);
  });

  it('retries without its puts', () => {
    const batch = new Batch();
    batch.put(meta('a'), 1);
    batch.delete('b');
    batch.invalidate(['t']);
    const rest = batch.withoutPuts();
    expect(rest.puts()).toEqual([]);
    expect(rest.lookup('b')).toBe('gone');
    expect([...rest.tags]).toEqual(['t']);
  });
});

describe('VersionClock', () => {
  it('orders by time, then sequence, then tab', () => {
    expect(compareVersions({ at: 2, seq: 0, tab: 'a' }, { at: 1, seq: 9, tab: 'z' })).toBeGreaterThan(0);
    expect(compareVersions({ at: 1, seq: 1, tab: 'a' }, { at: 1, seq: 0, tab: 'z' })).toBeGreaterThan(0);
    expect(compareVersions({ at: 1, seq: 0, tab: 'b' }, { at: 1, seq: 0, tab: 'a' })).toBeGreaterThan(0);
    expect(compareVersions({ at: 1, seq: 0, tab: 'a' }, { at: 1, seq: 0, tab: 'a' })).toBe(0);
  });

  it('hands out increasing versions, past what it observed and past a fence', () => {
    const clock = { now: 100 };
    const versions = new VersionClock('me', () => clock.now);
    const first = versions.next();
    const second = versions.next();
    expect(compareVersions(second, first)).toBeGreaterThan(0);
    const theirs = { at: 500, seq: 3, tab: 'other' };
    versions.observe(theirs);
    expect(compareVersions(versions.next(), theirs)).toBeGreaterThan(0);
    clock.now = 1_000;
    versions.fence();
    const fenced = versions.next();
    expect(compareVersions(fenced, { at: 1_000, seq: Number.MAX_SAFE_INTEGER, tab: 'zzz' })).toBeGreaterThan(0);
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { KeyTable } from '../../src/key-table.js';

type Op = { op: 'insert' | 'remove'; key: string };
const SEED = 0x2545f491;

/** Runs `ops` on a table of `slots` slots and on a Map, and checks after each that every key finds the same. */
function replay(slots: number, ops: Op[], universe: string[]): void {
  const keys = new Array<string | undefined>(slots);
  const table = new KeyTable(slots, keys, SEED);
  const model = new Map<string, number>();
  const free = Array.from({ length: slots }, (_, i) => slots - 1 - i);
  for (const { op, key } of ops) {
    if (op === 'insert' && !model.has(key) && free.length > 0) {
      const slot = free.pop()!;
      keys[slot] = key;
      table.insert(slot, table.hash(key));
      model.set(key, slot);
    } else if (op === 'remove' && model.has(key)) {
      const slot = model.get(key)!;
      table.remove(slot);
      keys[slot] = undefined;
      model.delete(key);
      free.push(slot);
    }
    expect(table.size).toBe(model.size);
    for (const probe of universe) expect(table.find(probe, table.hash(probe))).toBe(model.get(probe) ?? -1);
  }
}

describe('KeyTable', () => {
  it('finds what was entered and not what was taken out, through runs of collisions and removals', () => {
    // 12 slots over a table of 32: long probe runs, and removals that shift entries back across them.
    const universe = Array.from({ length: 40 }, (_, i) => `key:${i}`);
    const op = fc.record({ op: fc.constantFrom('insert' as const, 'remove' as const), key: fc.constantFrom(...universe) });
    fc.assert(fc.property(fc.array(op, { maxLength: 200 }), (ops) => replay(12, ops, universe)), { numRuns: 300 });
  });

  it('tells apart keys that differ only in a late character, and the empty key', () => {
    const universe = ['', 'a', 'a\u0000', `${'x'.repeat(200)}1`, `${'x'.repeat(200)}2`, '\u{1F600}'];
    replay(8, universe.map((key) => ({ op: 'insert', key })), universe);
  });

  it('forgets every key on clear', () => {
    const keys = ['a', 'b', undefined];
    const table = new KeyTable(3, keys, SEED);
    table.insert(0, table.hash('a'));
    table.insert(1, table.hash('b'));
    table.clear();
    expect(table.size).toBe(0);
    expect(table.find('a', table.hash('a'))).toBe(-1);
  });
});

import { describe, expect, it } from 'vitest';
import { Arena } from '../../src/shared-memory/arena.js';
import { MIN_BLOCK } from '../../src/shared-memory/layout.js';

describe('the arena', () => {
  it('hands out blocks that do not overlap, and takes them all back whole', () => {
    const base = 4096;
    const bytes = 100 * 1024;
    const arena = new Arena(base, bytes);
    let seed = 7;
    const random = () => ((seed = (Math.imul(seed, 1_103_515_245) + 12_345) >>> 0) / 2 ** 32);
    const live = new Map<number, number>();
    for (let step = 0; step < 5_000; step++) {
      if (live.size > 0 && random() < 0.45) {
        const offsets = [...live.keys()];
        const offset = offsets[Math.floor(random() * offsets.length)]!;
        arena.free(offset);
        live.delete(offset);
        continue;
      }
      const size = 1 + Math.floor(random() ** 3 * 8000);
      const offset = arena.allocate(size);
      if (offset === -1) continue;
      expect(offset % MIN_BLOCK).toBe(0);
      expect(offset).toBeGreaterThanOrEqual(base);
      expect(offset + size).toBeLessThanOrEqual(base + bytes);
      const overlapping = [...live].filter(([other, otherSize]) => offset < other + otherSize && other < offset + size);
      expect(overlapping).toEqual([]);
      live.set(offset, size);
    }
    for (const offset of live.keys()) arena.free(offset);
    expect(arena.used).toBe(0);
    // Everything merged back: 100 KiB is again one block of each of its binary digits, and nothing more.
    for (const piece of [64, 32, 4].map((k) => k * 1024)) expect(arena.allocate(piece)).not.toBe(-1);
    expect(arena.allocate(MIN_BLOCK)).toBe(-1);
  });

  it('says no when it is full, and counts the bytes of the blocks it gave', () => {
    const arena = new Arena(0, 1024);
    expect(arena.allocate(100)).toBe(0);
    expect(arena.used).toBe(128);
    expect(arena.allocate(1024)).toBe(-1);
    arena.clear();
    expect(arena.allocate(1024)).toBe(0);
  });
});

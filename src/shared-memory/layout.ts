// The layout of the SharedArrayBuffer that mirrors a cache's entries. The worker alone writes entries; pages
// read them with no message, and write only the read buffer's counter and cells.
//
//   bytes 0..63     header, 16 Int32 words (below)
//   ring            RING_CELLS Int32 cells: the lossy read buffer (read-buffer.ts)
//   structures      `structuresBytes`: the object shapes encoded values share (structures.ts), append-only
//   slots           `slotCount` (a power of two) slots of SLOT_BYTES, open addressing with linear probing
//   arena           blocks of 64 B << order (a buddy allocator, arena.ts); a block holds one entry:
//                   the key as UTF-16 code units, then the value as encoded by encode.ts
//
// A slot, as Int32 words (and one Float64 at byte 24):
//   0 seq        seqlock: odd while the worker rewrites the slot; readers retry when it is odd or changed
//   1 hashA      lane A of the key's 64-bit hash: picks the home slot
//   2 hashB      lane B: a second filter before the full key compare
//   3 block      0 = empty, -1 = tombstone (probing goes on past it), else the byte offset of the entry's block
//   4 keyLength  UTF-16 code units
//   5 valueLength  bytes of the encoded value after the key
//   6-7 expiresAt  Float64, Date.now() milliseconds; Infinity for never
//
// The structures area: an Int32 count of the shapes published, then the shapes (structures.ts). The worker
// raises the count, with Atomics, before it writes any slot whose value uses a new shape; shapes are never
// changed or removed, not even by clear. Once the area is full, new shapes are defined inline in each value.
//
// The header's table seqlock guards what moves many slots at once (clear, and the rebuild that sweeps
// tombstones away): a reader checks it before and after, as it checks the slot's own.

export const MAGIC = 0x7ab_cac1;

/** Header words. */
export const H_MAGIC = 0;
export const H_TABLE_SEQ = 1;
export const H_SEED_A = 2;
export const H_SEED_B = 3;
export const H_SLOT_COUNT = 4;
export const H_SLOTS_OFFSET = 5;
export const H_RING_OFFSET = 6;
export const H_RING_CELLS = 7;
/** Fast-path hits so far: readers add one per hit, which also picks their cell of the ring. */
export const H_RING_HEAD = 8;
export const H_ARENA_OFFSET = 9;
export const H_ARENA_BYTES = 10;
export const H_STRUCTURES_OFFSET = 11;
export const H_STRUCTURES_BYTES = 12;
export const HEADER_BYTES = 64;

/** Slot fields, in Int32 words from the slot's start. */
export const S_SEQ = 0;
export const S_HASH_A = 1;
export const S_HASH_B = 2;
export const S_BLOCK = 3;
export const S_KEY_LENGTH = 4;
export const S_VALUE_LENGTH = 5;
/** The expiry time, in Float64 words from the slot's start. */
export const S_EXPIRES_F64 = 3;
export const SLOT_BYTES = 32;
export const SLOT_WORDS = SLOT_BYTES / 4;

export const EMPTY = 0;
export const TOMBSTONE = -1;

/** Cells of the read buffer: enough for the hits of a few milliseconds between two drains. */
export const RING_CELLS = 4096;
/** The smallest arena block; block offsets are multiples of it, so keys stay 2-byte aligned. */
export const MIN_BLOCK = 64;

/** The most bytes of shared shapes: room for about a thousand shapes of a few short keys. */
export const MAX_STRUCTURES_BYTES = 64 * 1024;

/** The least `sharedBytes` that leaves room for a useful table. */
export const MIN_SHARED_BYTES = 64 * 1024;

export interface Layout {
  slotCount: number;
  slotsOffset: number;
  ringOffset: number;
  structuresOffset: number;
  structuresBytes: number;
  arenaOffset: number;
  arenaBytes: number;
}

/**
 * Splits `sharedBytes` between the ring, the shapes, the slots and the arena. The shapes get 1/64 of the
 * buffer up to MAX_STRUCTURES_BYTES, in whole blocks so that the arena stays aligned. Twice as many slots as
 * the store holds entries (so probes stay short), but never more than a quarter of the buffer: a table
 * smaller than the store mirrors what fits, and the rest is answered over messages.
 */
export function planLayout(sharedBytes: number, capacity: number): Layout {
  const ringOffset = HEADER_BYTES;
  const structuresOffset = ringOffset + RING_CELLS * 4;
  const structuresBytes = Math.min(MAX_STRUCTURES_BYTES, Math.floor(sharedBytes / 64 / MIN_BLOCK) * MIN_BLOCK);
  const slotsOffset = structuresOffset + structuresBytes;
  const wanted = 2 ** Math.ceil(Math.log2(Math.max(16, capacity * 2)));
  const affordable = 2 ** Math.floor(Math.log2(Math.max(16, sharedBytes / 4 / SLOT_BYTES)));
  const slotCount = Math.min(wanted, affordable);
  const arenaOffset = slotsOffset + slotCount * SLOT_BYTES;
  const arenaBytes = Math.floor((sharedBytes - arenaOffset) / MIN_BLOCK) * MIN_BLOCK;
  return { slotCount, slotsOffset, ringOffset, structuresOffset, structuresBytes, arenaOffset, arenaBytes };
}

import { Arena } from './arena.js';
import { Encoder } from './encode.js';
import { hashA, hashB, randomSeed } from '../hash.js';
import {
  EMPTY, H_ARENA_BYTES, H_ARENA_OFFSET, H_MAGIC, H_RING_CELLS, H_RING_OFFSET, H_SEED_A, H_SEED_B, H_SLOT_COUNT,
  H_SLOTS_OFFSET, H_STRUCTURES_BYTES, H_STRUCTURES_OFFSET, H_TABLE_SEQ, MAGIC, planLayout, RING_CELLS, S_BLOCK,
  S_EXPIRES_F64, S_HASH_A, S_HASH_B, S_KEY_LENGTH, S_SEQ, S_VALUE_LENGTH, SLOT_WORDS, TOMBSTONE,
} from './layout.js';
import { ReadBuffer } from './read-buffer.js';
import { SharedStructures } from './structures.js';

/** What the table holds, for `stats()`. */
export interface SharedTableStats {
  entries: number;
  /** Bytes of the arena in blocks that hold entries. */
  bytes: number;
  /** The size of the whole shared buffer. */
  sharedBytes: number;
  hits: number;
}

/**
 * The worker's side of the shared table (layout.ts): it alone writes entries, each under its slot's seqlock,
 * so that a page reading at the same moment sees the old entry, the new one, or a retry, never a mix.
 * An entry that does not fit (arena full, value too big, a type the codec refuses, table at its load limit)
 * is simply not mirrored: pages ask the worker for it.
 */
export class SharedTable {
  readonly #buffer: SharedArrayBuffer;
  readonly #words: Int32Array;
  readonly #f64: Float64Array;
  readonly #u8: Uint8Array;
  readonly #u16: Uint16Array;
  readonly #arena: Arena;
  readonly #encoder: Encoder;
  readonly #reads: ReadBuffer;
  readonly #seedA: number;
  readonly #seedB: number;
  readonly #slotsBase: number;
  readonly #mask: number;
  /** Where each mirrored key lives, and which key each slot holds (for draining the read buffer). */
  readonly #slotOf = new Map<string, number>();
  readonly #keyOf: (string | undefined)[];
  readonly #maxLive: number;
  readonly #maxUsed: number;
  #tombstones = 0;

  constructor(sharedBytes: number, capacity: number) {
    const layout = planLayout(sharedBytes, capacity);
    this.#buffer = new SharedArrayBuffer(sharedBytes);
    this.#words = new Int32Array(this.#buffer);
    this.#f64 = new Float64Array(this.#buffer, 0, Math.floor(sharedBytes / 8));
    this.#u8 = new Uint8Array(this.#buffer);
    this.#u16 = new Uint16Array(this.#buffer, 0, Math.floor(sharedBytes / 2));
    this.#seedA = randomSeed();
    this.#seedB = randomSeed();
    this.#slotsBase = layout.slotsOffset / 4;
    this.#mask = layout.slotCount - 1;
    this.#keyOf = new Array<string | undefined>(layout.slotCount);
    // Live entries stay under 5/8 of the slots, and tombstones are swept once they and the live ones pass 3/4,
    // so that a probe (a miss especially) soon meets an empty slot.
    this.#maxLive = Math.floor((layout.slotCount * 5) / 8);
    this.#maxUsed = Math.floor((layout.slotCount * 3) / 4);
    this.#arena = new Arena(layout.arenaOffset, layout.arenaBytes);
    this.#encoder = new Encoder(new SharedStructures(this.#buffer, layout.structuresOffset, layout.structuresBytes));
    const words = this.#words;
    words[H_SEED_A] = this.#seedA;
    words[H_SEED_B] = this.#seedB;
    words[H_SLOT_COUNT] = layout.slotCount;
    words[H_SLOTS_OFFSET] = layout.slotsOffset;
    words[H_RING_OFFSET] = layout.ringOffset;
    words[H_RING_CELLS] = RING_CELLS;
    words[H_STRUCTURES_OFFSET] = layout.structuresOffset;
    words[H_STRUCTURES_BYTES] = layout.structuresBytes;
    words[H_ARENA_OFFSET] = layout.arenaOffset;
    words[H_ARENA_BYTES] = layout.arenaBytes;
    Atomics.store(words, H_MAGIC, MAGIC);
    this.#reads = new ReadBuffer(this.#buffer);
  }

  /** The buffer to hand to pages (SharedTableView). */
  get buffer(): SharedArrayBuffer {
    return this.#buffer;
  }

  /**
   * Mirrors `key` → `value`, expiring at `expiresAt` (Date.now() milliseconds, Infinity for never). Returns
   * false, and makes sure no older value of `key` stays behind, when the entry cannot be mirrored.
   */
  set(key: string, value: unknown, expiresAt: number): boolean {
    const bytes = this.#encoder.encode(value);
    const blockBytes = bytes && key.length * 2 + bytes.length;
    const block = blockBytes === undefined || blockBytes > this.#arena.maxBlock ? -1 : this.#arena.allocate(blockBytes);
    let slot = this.#slotOf.get(key);
    if (block === -1 || (slot === undefined && this.#slotOf.size >= this.#maxLive)) {
      if (block !== -1) this.#arena.free(block);
      this.delete(key);
      return false;
    }
    // The block is no one's yet, so it is filled outside any seqlock.
    for (let i = 0, at = block / 2; i < key.length; i++) this.#u16[at + i] = key.charCodeAt(i);
    this.#u8.set(bytes!, block + key.length * 2);
    const a = hashA(key, this.#seedA);
    if (slot === undefined) {
      if (this.#slotOf.size + this.#tombstones >= this.#maxUsed) this.#rebuild();
      slot = this.#freeSlot(a);
      this.#slotOf.set(key, slot);
      this.#keyOf[slot] = key;
    }
    const base = this.#slotsBase + slot * SLOT_WORDS;
    const words = this.#words;
    const old = words[base + S_BLOCK]!;
    Atomics.add(words, base + S_SEQ, 1);
    if (old === TOMBSTONE) this.#tombstones--;
    words[base + S_HASH_A] = a;
    words[base + S_HASH_B] = hashB(key, this.#seedB);
    words[base + S_BLOCK] = block;
    words[base + S_KEY_LENGTH] = key.length;
    words[base + S_VALUE_LENGTH] = bytes!.length;
    this.#f64[base / 2 + S_EXPIRES_F64] = expiresAt;
    Atomics.add(words, base + S_SEQ, 1);
    if (old > 0) this.#arena.free(old);
    return true;
  }

  /** Stops mirroring `key`. */
  delete(key: string): void {
    const slot = this.#slotOf.get(key);
    if (slot === undefined) return;
    this.#slotOf.delete(key);
    this.#keyOf[slot] = undefined;
    const base = this.#slotsBase + slot * SLOT_WORDS;
    const words = this.#words;
    const old = words[base + S_BLOCK]!;
    Atomics.add(words, base + S_SEQ, 1);
    words[base + S_BLOCK] = TOMBSTONE;
    Atomics.add(words, base + S_SEQ, 1);
    this.#tombstones++;
    this.#arena.free(old);
  }

  /** Drops every entry. */
  clear(): void {
    this.#moving(() => {
      for (let slot = 0; slot <= this.#mask; slot++) this.#words[this.#slotsBase + slot * SLOT_WORDS + S_BLOCK] = EMPTY;
    });
    this.#slotOf.clear();
    this.#keyOf.fill(undefined);
    this.#tombstones = 0;
    this.#arena.clear();
  }

  /** Calls `touch` with the key of each hit that pages recorded since the last drain. */
  drain(touch: (key: string) => void): void {
    this.#reads.drain((slot) => {
      const key = this.#keyOf[slot];
      if (key !== undefined) touch(key);
    });
  }

  stats(): SharedTableStats {
    return { entries: this.#slotOf.size, bytes: this.#arena.used, sharedBytes: this.#buffer.byteLength, hits: this.#reads.hits };
  }

  /** The first empty slot or tombstone on the probe path from `hash`'s home. */
  #freeSlot(hash: number): number {
    for (let slot = hash & this.#mask; ; slot = (slot + 1) & this.#mask) {
      if (this.#words[this.#slotsBase + slot * SLOT_WORDS + S_BLOCK]! <= 0) return slot;
    }
  }

  /** Sweeps tombstones away by placing every live entry anew, under the table seqlock. */
  #rebuild(): void {
    const entries = [...this.#slotOf].map(([key, slot]) => {
      const base = this.#slotsBase + slot * SLOT_WORDS;
      return { key, fields: this.#words.slice(base, base + SLOT_WORDS) };
    });
    this.#moving(() => {
      for (let slot = 0; slot <= this.#mask; slot++) this.#words[this.#slotsBase + slot * SLOT_WORDS + S_BLOCK] = EMPTY;
      this.#keyOf.fill(undefined);
      for (const { key, fields } of entries) {
        const slot = this.#freeSlot(fields[S_HASH_A]!);
        const base = this.#slotsBase + slot * SLOT_WORDS;
        // Keep the slot's seq counting up, so that a reader that saw its old value cannot be fooled.
        fields[S_SEQ] = this.#words[base + S_SEQ]! + 2;
        this.#words.set(fields, base);
        this.#slotOf.set(key, slot);
        this.#keyOf[slot] = key;
      }
    });
    this.#tombstones = 0;
  }

  /** Runs `move` with the table seqlock odd, so that readers retry across it. */
  #moving(move: () => void): void {
    Atomics.add(this.#words, H_TABLE_SEQ, 1);
    move();
    Atomics.add(this.#words, H_TABLE_SEQ, 1);
  }
}

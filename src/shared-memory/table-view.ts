import { Decoder } from './decode.js';
import { hashA, hashB } from '../hash.js';
import { KeptValues } from './kept.js';
import {
  EMPTY, H_MAGIC, H_SEED_A, H_SEED_B, H_SLOT_COUNT, H_SLOTS_OFFSET, H_STRUCTURES_OFFSET, H_TABLE_SEQ, MAGIC,
  S_BLOCK, S_EXPIRES_F64, S_HASH_A, S_HASH_B, S_KEY_LENGTH, S_SEQ, S_VALUE_LENGTH, SLOT_WORDS,
} from './layout.js';
import { ReadBuffer } from './read-buffer.js';
import { SharedStructuresView } from './structures.js';

/** What `SharedTableView.read` returns when the table cannot answer: the caller asks the worker. */
export const ABSENT: unique symbol = Symbol('tabcache.absent');

/** Attempts at a consistent read before giving up on the table for this read. */
const ATTEMPTS = 8;
/** A probe result: the slot changed under the reader. */
const RETRY = -2;
const NOT_FOUND = -1;

/**
 * A page's side of the shared table (layout.ts): reads an entry with no message. A read copies the entry's
 * bytes out of shared memory and keeps them only if the slot's seqlock (and the table's) did not move
 * meanwhile; only then are they decoded. A read that keeps losing the race gives up and returns ABSENT.
 * The values of entries read again and again are kept decoded (kept.ts): a hit on one copies no bytes and
 * decodes nothing, and hands out a fresh copy of the kept value.
 */
export class SharedTableView {
  readonly #words: Int32Array;
  readonly #f64: Float64Array;
  readonly #u8: Uint8Array;
  readonly #u16: Uint16Array;
  readonly #reads: ReadBuffer;
  readonly #decoder: Decoder;
  readonly #kept: KeptValues;
  readonly #seedA: number;
  readonly #seedB: number;
  readonly #slotsBase: number;
  readonly #mask: number;
  /** Private memory the value is copied into before it is checked and decoded, and how much of it is in use. */
  #scratch = new Uint8Array(1024);
  #length = 0;
  /** The seqlock count of the slot the last probe found, and whether its value is kept decoded. */
  #seq = 0;
  #isKept = false;

  constructor(buffer: SharedArrayBuffer) {
    this.#words = new Int32Array(buffer);
    if (Atomics.load(this.#words, H_MAGIC) !== MAGIC) throw new Error('tabcache: not a shared table');
    this.#f64 = new Float64Array(buffer, 0, Math.floor(buffer.byteLength / 8));
    this.#u8 = new Uint8Array(buffer);
    this.#u16 = new Uint16Array(buffer, 0, Math.floor(buffer.byteLength / 2));
    this.#reads = new ReadBuffer(buffer);
    this.#decoder = new Decoder(new SharedStructuresView(buffer, this.#words[H_STRUCTURES_OFFSET]!));
    this.#seedA = this.#words[H_SEED_A]!;
    this.#seedB = this.#words[H_SEED_B]!;
    this.#slotsBase = this.#words[H_SLOTS_OFFSET]! / 4;
    this.#mask = this.#words[H_SLOT_COUNT]! - 1;
    this.#kept = new KeptValues(this.#mask + 1);
  }

  /** The value under `key`, or ABSENT when the table does not hold a fresh one. Records a hit for the policy. */
  read(key: string): unknown {
    const a = hashA(key, this.#seedA);
    const b = hashB(key, this.#seedB);
    const words = this.#words;
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      const tableSeq = Atomics.load(words, H_TABLE_SEQ);
      if (tableSeq & 1) continue;
      const found = this.#probe(key, a, b);
      if (found === RETRY || Atomics.load(words, H_TABLE_SEQ) !== tableSeq) continue;
      if (found === NOT_FOUND) return ABSENT;
      const value = this.#isKept
        ? this.#kept.copy(found)
        : this.#kept.decoded(found, this.#seq, this.#decoder.decode(this.#scratch.subarray(0, this.#length)));
      this.#reads.record(found);
      return value;
    }
    return ABSENT;
  }

  /**
   * Finds `key` and, unless its value is kept decoded, copies the value into the scratch buffer: its slot,
   * NOT_FOUND (also when expired), or RETRY when a slot on the way changed while it was being read.
   */
  #probe(key: string, a: number, b: number): number {
    const words = this.#words;
    for (let slot = a & this.#mask, probes = 0; probes <= this.#mask; slot = (slot + 1) & this.#mask, probes++) {
      const base = this.#slotsBase + slot * SLOT_WORDS;
      const seq = Atomics.load(words, base + S_SEQ);
      if (seq & 1) return RETRY;
      const block = words[base + S_BLOCK]!;
      if (block === EMPTY) return Atomics.load(words, base + S_SEQ) === seq ? NOT_FOUND : RETRY;
      if (block < 0 || words[base + S_HASH_A] !== a || words[base + S_HASH_B] !== b) continue;
      const keyLength = words[base + S_KEY_LENGTH]!;
      const valueLength = words[base + S_VALUE_LENGTH]!;
      const expiresAt = this.#f64[base / 2 + S_EXPIRES_F64]!;
      let same = keyLength === key.length;
      for (let i = 0, at = block / 2; same && i < keyLength; i++) same = this.#u16[at + i] === key.charCodeAt(i);
      // Lengths read from a slot in the middle of a rewrite may be nonsense: the seq check below throws
      // the copy away, but it must not run off the buffer first.
      const start = block + keyLength * 2;
      const isKept = same && this.#kept.has(slot, seq);
      if (same && !isKept && valueLength >= 0 && start + valueLength <= this.#u8.length) {
        if (valueLength > this.#scratch.length) this.#scratch = new Uint8Array(2 ** Math.ceil(Math.log2(valueLength)));
        this.#scratch.set(this.#u8.subarray(start, start + valueLength));
      }
      if (Atomics.load(words, base + S_SEQ) !== seq) return RETRY;
      if (!same) continue;
      if (expiresAt !== Infinity && expiresAt <= Date.now()) return NOT_FOUND;
      this.#length = valueLength;
      this.#seq = seq;
      this.#isKept = isKept;
      return slot;
    }
    return NOT_FOUND;
  }
}

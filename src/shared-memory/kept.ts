import { sizeOf } from '../size.js';
import { type Copier, copierOf } from './copier.js';

/** Reads of one version of an entry before a page keeps it decoded: a value read once or twice is not worth it. */
const READS_BEFORE_KEEPING = 4;
/** The most a page keeps decoded, by the store's estimate of the values' size in memory (size.ts). */
const KEPT_BYTES = 4 << 20;
/** Past this, a value is not kept, so that one value cannot push out all the others. */
const MAX_KEPT_VALUE = KEPT_BYTES / 16;

interface Kept {
  readonly slot: number;
  /** The slot's seqlock count when the value was read: its version. */
  readonly seq: number;
  readonly value: unknown;
  readonly copy: Copier;
  readonly bytes: number;
}

/**
 * The decoded values of the entries a page reads most, kept so that a hit copies one (copier.ts) instead of
 * decoding the bytes again. Each is the value of one version of a slot, named by the slot's seqlock count,
 * which every write to the slot moves on: a kept value is used only while its slot still holds that version.
 * Bounded by KEPT_BYTES; the oldest kept goes first, and may be kept again after as many reads.
 */
export class KeptValues {
  readonly #bySlot: (Kept | undefined)[];
  /** Per slot, the version last read and how many times in a row. */
  readonly #seq: Int32Array;
  readonly #reads: Uint8Array;
  /** In the order they were kept. */
  readonly #order = new Set<Kept>();
  #bytes = 0;

  constructor(slots: number) {
    this.#bySlot = new Array<Kept | undefined>(slots);
    this.#seq = new Int32Array(slots).fill(-1);
    this.#reads = new Uint8Array(slots);
  }

  /** Whether `slot` at version `seq` is kept: then `copy` answers the read. */
  has(slot: number, seq: number): boolean {
    return this.#bySlot[slot]?.seq === seq;
  }

  /** A fresh copy of the value kept for `slot`; only after `has` said so. */
  copy(slot: number): unknown {
    const kept = this.#bySlot[slot]!;
    return kept.copy(kept.value);
  }

  /**
   * Counts a read of `slot` at version `seq` that decoded `value`, and returns what the reader gets: `value`
   * itself, or, once the value is kept, a copy of it.
   */
  decoded(slot: number, seq: number, value: unknown): unknown {
    if (this.#seq[slot] !== seq) {
      this.#seq[slot] = seq;
      this.#reads[slot] = 1;
      return value;
    }
    if (this.#reads[slot]! < READS_BEFORE_KEEPING) this.#reads[slot]!++;
    if (this.#reads[slot] !== READS_BEFORE_KEEPING) return value;
    // Not worth asking again for this version.
    this.#reads[slot]++;
    const bytes = sizeOf(value);
    const copy = bytes > MAX_KEPT_VALUE ? undefined : copierOf(value);
    if (copy === undefined) return value;
    this.#keep({ slot, seq, value, copy, bytes });
    return copy(value);
  }

  #keep(kept: Kept): void {
    const old = this.#bySlot[kept.slot];
    if (old !== undefined) this.#drop(old);
    for (const oldest of this.#order) {
      if (this.#bytes + kept.bytes <= KEPT_BYTES) break;
      this.#drop(oldest);
      this.#reads[oldest.slot] = 0;
    }
    this.#bySlot[kept.slot] = kept;
    this.#order.add(kept);
    this.#bytes += kept.bytes;
  }

  #drop(kept: Kept): void {
    this.#order.delete(kept);
    this.#bytes -= kept.bytes;
    this.#bySlot[kept.slot] = undefined;
  }
}

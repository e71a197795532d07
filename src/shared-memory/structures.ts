// The object shapes that encoded values share (msgpackr's shared structures), in a fixed area of the buffer
// (layout.ts): an Int32 count of the published shapes, then each shape as UTF-16 units: its number of keys,
// then each key's length and code units. Shapes are only ever appended, never changed or dropped (a clear
// keeps them), so a shape a page has loaded stays right for the buffer's life.

/** The most keys in a shared shape, and the longest key: each is stored in one UTF-16 unit. */
const MAX_UNIT = 0xffff;

/**
 * The worker's side. msgpackr asks `claim` whether to share each new shape, and on a yes gives it the next
 * id, so the n-th claimed shape is id n. `publish` makes the claimed shapes visible; the worker calls it
 * after encoding a value and before any slot holds the value, so that a page that read the slot under its
 * seqlock (Atomics, which orders this store before it) finds every shape the value uses.
 */
export class SharedStructures {
  readonly #words: Int32Array;
  readonly #u16: Uint16Array;
  readonly #countAt: number;
  readonly #end: number;
  #next: number;
  readonly #claimed: string[][] = [];
  #published = 0;
  #full = false;

  constructor(buffer: SharedArrayBuffer, offset: number, bytes: number) {
    this.#words = new Int32Array(buffer);
    this.#u16 = new Uint16Array(buffer, 0, Math.floor(buffer.byteLength / 2));
    this.#countAt = offset / 4;
    this.#next = (offset + 4) / 2;
    this.#end = (offset + bytes) / 2;
  }

  /** Shapes claimed so far. */
  get count(): number {
    return this.#claimed.length;
  }

  /** Whether a shape was refused for want of room. */
  get full(): boolean {
    return this.#full;
  }

  /** Copies of the claimed shapes, by id. */
  claimed(): string[][] {
    return this.#claimed.map((keys) => keys.slice());
  }

  /** Writes `keys` as the next shape, unpublished, if it fits. */
  claim(keys: string[]): boolean {
    if (keys.length > MAX_UNIT || keys.some((key) => key.length > MAX_UNIT)) return false;
    let units = 1 + keys.length;
    for (const key of keys) units += key.length;
    if (this.#next + units > this.#end) {
      this.#full = true;
      return false;
    }
    const u16 = this.#u16;
    u16[this.#next++] = keys.length;
    for (const key of keys) {
      u16[this.#next++] = key.length;
      for (let i = 0; i < key.length; i++) u16[this.#next++] = key.charCodeAt(i);
    }
    this.#claimed.push(keys);
    return true;
  }

  /** Makes every claimed shape visible to pages. */
  publish(): void {
    if (this.#published === this.#claimed.length) return;
    this.#published = this.#claimed.length;
    Atomics.store(this.#words, this.#countAt, this.#published);
  }
}

/** A page's side: the published shapes, read as far as the count says, once each. */
export class SharedStructuresView {
  readonly #words: Int32Array;
  readonly #u16: Uint16Array;
  readonly #countAt: number;
  #next: number;
  readonly #known: string[][] = [];

  constructor(buffer: SharedArrayBuffer, offset: number) {
    this.#words = new Int32Array(buffer);
    this.#u16 = new Uint16Array(buffer, 0, Math.floor(buffer.byteLength / 2));
    this.#countAt = offset / 4;
    this.#next = (offset + 4) / 2;
  }

  /**
   * Every published shape, by id. The same arrays each time: msgpackr keeps its compiled reader of a shape
   * on the array.
   */
  load(): string[][] {
    const u16 = this.#u16;
    for (let count = Atomics.load(this.#words, this.#countAt); this.#known.length < count; ) {
      const keys = new Array<string>(u16[this.#next++]!);
      for (let k = 0; k < keys.length; k++) {
        const end = this.#next + 1 + u16[this.#next]!;
        let key = '';
        for (let at = this.#next + 1; at < end; at++) key += String.fromCharCode(u16[at]!);
        keys[k] = key;
        this.#next = end;
      }
      this.#known.push(keys);
    }
    return this.#known.slice();
  }
}

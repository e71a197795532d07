import type { Policy, PolicyContext } from './policy.js';
import { SlotLists } from './lists.js';

const PERISHABLE = 0;
const LASTING = 1;

/**
 * LRU that evicts entries with a time to live first, like Redis's `volatile-lru`: an entry that expires
 * anyway is cheaper to lose than one that would stay. The least recently used entry with a ttl goes first;
 * entries without one are evicted, least recently used first, only when no entry has a ttl. Two LRU lists,
 * O(1) everything.
 */
export class LruTtlPolicy implements Policy {
  readonly #lists: SlotLists;
  readonly #list: Uint8Array;

  constructor({ capacity }: PolicyContext) {
    this.#lists = new SlotLists(capacity + 1, 2);
    this.#list = new Uint8Array(capacity + 1);
  }

  onHit(slot: number): void {
    this.#lists.moveToHead(this.#list[slot]!, slot);
  }

  onMiss(): void {}

  onInsert(slot: number, _key: string, _expiresAt: number, ttl: number): void {
    const list = ttl === Infinity ? LASTING : PERISHABLE;
    this.#list[slot] = list;
    this.#lists.pushHead(list, slot);
  }

  onUpdate(slot: number, expiresAt: number, ttl: number): void {
    this.#lists.unlink(this.#list[slot]!, slot);
    this.onInsert(slot, '', expiresAt, ttl);
  }

  onRemove(slot: number): void {
    this.#lists.unlink(this.#list[slot]!, slot);
  }

  victim(): number {
    const perishable = this.#lists.tail(PERISHABLE);
    return perishable !== -1 ? perishable : this.#lists.tail(LASTING);
  }

  clear(): void {
    this.#lists.clear();
  }
}

import { Ghosts } from './ghosts.js';
import { SlotLists } from './lists.js';
import type { Policy, PolicyContext } from './policy.js';
import { FrequencySketch } from './sketch.js';

const NONE = -1;
const WINDOW = 0;
const PROBATION = 1;
const PROTECTED = 2;
/** Ghost sides: evicted from the window side (a candidate turned away) or from main (a victim). */
const FROM_WINDOW = 1;
const FROM_MAIN = 2;

// Caffeine's defaults (BoundedLocalCache), not fitted to any trace.
const PERCENT_MAIN = 0.99;
const PERCENT_MAIN_PROTECTED = 0.8;
const HILL_CLIMBER_RESTART_THRESHOLD = 0.05;
const HILL_CLIMBER_STEP_PERCENT = 0.0625;
const HILL_CLIMBER_STEP_DECAY_RATE = 0.98;
/** Most entries moved between regions in one step, so that no single operation does unbounded work. */
const QUEUE_TRANSFER_THRESHOLD = 1000;
/** A candidate this warm is sometimes admitted at random, so that an attacker cannot pin the victims. */
const ADMIT_HASHDOS_THRESHOLD = 6;
/**
 * Past this share of window-ghost returns in reverse order of eviction, the traffic is sweeping back over
 * what the window turned away. Returns in random order give about half; a loop gives none.
 */
const REVERSAL_SHARE = 0.75;
/** The share of reverse returns is averaged over about this many window-ghost returns. */
const REVERSAL_MEMORY = 16;

/**
 * W-TinyLFU (Einziger, Friedman and Manes, 2017) as Caffeine implements it. New entries enter an LRU
 * admission window; when the window overflows, its least recent entry becomes a candidate for the main
 * space, a segmented LRU (probation, then protected on a second hit, 80% of main). When the cache is full
 * the candidate competes with the least recent entry of probation, and the one a frequency sketch has seen
 * more often stays.
 *
 * The window's share starts at 1% and adapts, between 1 entry and all but one, two ways:
 * - Caffeine's hill climber: every sample period (10 × capacity requests) it compares the hit rate with the
 *   last period's and keeps stepping the window size in the direction that paid off, restarting with a big
 *   step when the hit rate shifts.
 * - Ghost feedback, ARC's rule on the window/main boundary: a miss on a key the window side evicted lately
 *   (a candidate turned away) grows the window; a miss on a key main evicted lately shrinks it; each by
 *   the ratio of the other side's ghosts to this side's, at least one entry. This acts within a cache
 *   turnover, where a sample period is too long for short-lived patterns.
 *
 * Both assume that what came back lately will come back again. A sweep that reverses breaks that: the
 * window's ghosts then return in reverse order of eviction, each deeper than the last, so growing the window
 * one entry per return never catches the next one and only takes from main entries the sweep is about to
 * reach; and a candidate outranks a victim by one sighting merely because the sweep has passed it and not
 * yet the victim. While most recent window-ghost returns came back in reverse order, those returns do not
 * grow the window, the climber holds still, and a candidate must lead the victim by two. On the other traces
 * measured reverse returns stay under half, and the policy is as above (docs/policies.md).
 *
 * Against hash flooding, the sketch counts the store's key hashes, which are seeded per store, and a warm
 * candidate that loses is still admitted with probability 1/128.
 */
export class TinyLfuPolicy implements Policy {
  readonly #capacity: number;
  readonly #random: () => number;
  readonly #sketch: FrequencySketch;
  readonly #ghosts: Ghosts;
  readonly #lists: SlotLists;
  readonly #region: Uint8Array;
  readonly #hash: Int32Array;
  #held = 0;
  #windowMax = 0;
  #protectedMax = 0;
  /** The entry the last insert pushed out of the window, which the next victim() weighs for admission. */
  #candidate = NONE;
  /** The last key a read missed, whose insert should not count twice in the sketch. */
  #missedKey: string | undefined;
  // Hill climbing: counts over the current sample, the last sample's hit rate, the step and the moves owed.
  #warm = false;
  #hits = 0;
  #misses = 0;
  #previousHitRate = 0;
  #stepSize = 0;
  #adjustment = 0;
  /** The share of recent window-ghost returns evicted before the return ahead of them, averaged. */
  #reversed = 0;
  /** The eviction number of the last window ghost that returned. */
  #lastReturn = 0;

  constructor({ capacity, random = Math.random }: PolicyContext) {
    this.#capacity = capacity;
    this.#random = random;
    this.#sketch = new FrequencySketch(capacity);
    this.#ghosts = new Ghosts(capacity);
    this.#lists = new SlotLists(capacity + 1, 3);
    this.#region = new Uint8Array(capacity + 1);
    this.#hash = new Int32Array(capacity + 1);
    this.clear();
  }

  /** The most entries the admission window may hold now; adapts over time. */
  get windowMaximum(): number {
    return this.#windowMax;
  }

  onHit(slot: number): void {
    this.#touch(slot);
    if (this.#warm) {
      this.#hits++;
      this.#maybeClimb();
    }
  }

  onMiss(key: string, hash: number): void {
    this.#sketch.increment(hash);
    this.#missedKey = key;
    const side = this.#ghosts.take(hash);
    if (side === FROM_WINDOW) this.#noteReturn(this.#ghosts.takenAt);
    if (side !== 0) this.#followGhost(side);
    if (this.#warm) {
      this.#misses++;
      this.#maybeClimb();
    }
  }

  onInsert(slot: number, key: string, _expiresAt: number, _ttl: number, hash: number): void {
    if (key === this.#missedKey) this.#missedKey = undefined;
    else this.#sketch.increment(hash);
    this.#hash[slot] = hash;
    this.#region[slot] = WINDOW;
    this.#lists.pushHead(WINDOW, slot);
    if (++this.#held * 2 >= this.#capacity) this.#warm = true;
    this.#candidate = NONE;
    if (this.#lists.size(WINDOW) > this.#windowMax) {
      const candidate = this.#lists.tail(WINDOW);
      this.#move(candidate, WINDOW, PROBATION);
      this.#candidate = candidate;
    }
  }

  onUpdate(slot: number): void {
    this.#touch(slot);
  }

  onRemove(slot: number): void {
    this.#lists.unlink(this.#region[slot]!, slot);
    this.#held--;
    if (slot === this.#candidate) this.#candidate = NONE;
  }

  victim(): number {
    const candidate = this.#candidate;
    this.#candidate = NONE;
    const lists = this.#lists;
    if (candidate !== NONE && this.#region[candidate] === PROBATION) {
      const victim = lists.tail(PROBATION);
      if (victim !== candidate && this.#admit(this.#hash[candidate]!, this.#hash[victim]!)) {
        return this.#evicting(victim, FROM_MAIN);
      }
      return this.#evicting(candidate, FROM_WINDOW);
    }
    const probation = lists.tail(PROBATION);
    if (probation !== NONE) return this.#evicting(probation, FROM_MAIN);
    const protectedTail = lists.tail(PROTECTED);
    if (protectedTail !== NONE) return this.#evicting(protectedTail, FROM_MAIN);
    return this.#evicting(lists.tail(WINDOW), FROM_WINDOW);
  }

  clear(): void {
    this.#sketch.clear();
    this.#ghosts.clear();
    this.#lists.clear();
    this.#held = 0;
    this.#windowMax = this.#capacity - Math.trunc(PERCENT_MAIN * this.#capacity);
    this.#protectedMax = Math.trunc(PERCENT_MAIN_PROTECTED * (this.#capacity - this.#windowMax));
    this.#candidate = NONE;
    this.#missedKey = undefined;
    this.#warm = false;
    this.#hits = this.#misses = 0;
    this.#previousHitRate = 0;
    this.#stepSize = -HILL_CLIMBER_STEP_PERCENT * this.#capacity;
    this.#adjustment = 0;
    this.#reversed = 0.5;
    this.#lastReturn = 0;
  }

  /** A use of the entry in `slot`: counts it and moves it up its region (probation promotes to protected). */
  #touch(slot: number): void {
    this.#sketch.increment(this.#hash[slot]!);
    const region = this.#region[slot]!;
    if (region === PROBATION) {
      this.#move(slot, PROBATION, PROTECTED);
      if (this.#lists.size(PROTECTED) > this.#protectedMax) {
        this.#move(this.#lists.tail(PROTECTED), PROTECTED, PROBATION);
      }
    } else {
      this.#lists.moveToHead(region, slot);
    }
  }

  #admit(candidateHash: number, victimHash: number): boolean {
    const candidateFrequency = this.#sketch.frequency(candidateHash);
    const lead = this.#reversing ? 1 : 0;
    if (candidateFrequency > this.#sketch.frequency(victimHash) + lead) return true;
    return candidateFrequency >= ADMIT_HASHDOS_THRESHOLD && this.#random() < 1 / 128;
  }

  #evicting(slot: number, side: number): number {
    this.#ghosts.record(this.#hash[slot]!, side);
    return slot;
  }

  #move(slot: number, from: number, to: number): void {
    this.#lists.unlink(from, slot);
    this.#lists.pushHead(to, slot);
    this.#region[slot] = to;
  }

  get #reversing(): boolean {
    return this.#reversed > REVERSAL_SHARE;
  }

  /** Counts a window ghost evicted as the `evictedAt`th towards the share that came back in reverse order. */
  #noteReturn(evictedAt: number): void {
    const reverse = ((evictedAt - this.#lastReturn) | 0) < 0 ? 1 : 0;
    this.#reversed += (reverse - this.#reversed) / REVERSAL_MEMORY;
    this.#lastReturn = evictedAt;
  }

  /** ARC's adaptation: a miss that a bigger window (or a bigger main) would have been a hit moves the boundary. */
  #followGhost(side: number): void {
    const fromWindow = this.#ghosts.count(FROM_WINDOW);
    const fromMain = this.#ghosts.count(FROM_MAIN);
    if (side === FROM_WINDOW) {
      if (this.#reversing) return;
      this.#adjustment += Math.max(1, Math.round(fromMain / Math.max(fromWindow, 1)));
      this.#increaseWindow();
    } else {
      this.#adjustment -= Math.max(1, Math.round(fromWindow / Math.max(fromMain, 1)));
      this.#decreaseWindow();
    }
  }

  #maybeClimb(): void {
    const sampled = this.#hits + this.#misses >= this.#sketch.sampleSize;
    if (!sampled && this.#adjustment === 0) return;
    if (sampled) this.#determineAdjustment();
    this.#demoteFromProtected();
    if (this.#adjustment > 0) this.#increaseWindow();
    else if (this.#adjustment < 0) this.#decreaseWindow();
  }

  /** Steps the window in the direction that raised the hit rate; restarts with a big step when it shifts. */
  #determineAdjustment(): void {
    const hitRate = this.#hits / (this.#hits + this.#misses);
    const change = hitRate - this.#previousHitRate;
    const amount = change >= 0 ? this.#stepSize : -this.#stepSize;
    this.#stepSize =
      Math.abs(change) >= HILL_CLIMBER_RESTART_THRESHOLD
        ? HILL_CLIMBER_STEP_PERCENT * this.#capacity * (amount >= 0 ? 1 : -1)
        : HILL_CLIMBER_STEP_DECAY_RATE * amount;
    this.#previousHitRate = hitRate;
    // While a sweep reverses, a sample's hit rate depends on where its turns fall, not on the window.
    this.#adjustment = this.#reversing ? 0 : Math.trunc(amount);
    this.#hits = this.#misses = 0;
  }

  /** Grows the window by taking entries from the least recent end of main, probation first. */
  #increaseWindow(): void {
    let quota = Math.min(this.#adjustment, this.#capacity - 1 - this.#windowMax);
    let moves = 0;
    for (; moves < QUEUE_TRANSFER_THRESHOLD && quota > 0; moves++) {
      let from = PROBATION;
      let slot = this.#lists.tail(PROBATION);
      if (slot === NONE) {
        from = PROTECTED;
        slot = this.#lists.tail(PROTECTED);
      }
      if (slot === NONE) break;
      quota--;
      this.#move(slot, from, WINDOW);
      this.#windowMax++;
    }
    this.#resizeMain(moves, quota);
  }

  /** Shrinks the window by handing its least recent entries to probation. */
  #decreaseWindow(): void {
    let quota = Math.min(-this.#adjustment, this.#windowMax - 1);
    let moves = 0;
    for (; moves < QUEUE_TRANSFER_THRESHOLD && quota > 0; moves++) {
      const slot = this.#lists.tail(WINDOW);
      if (slot === NONE) break;
      quota--;
      this.#move(slot, WINDOW, PROBATION);
      this.#windowMax--;
    }
    this.#resizeMain(moves, -quota);
  }

  /**
   * Keeps protected at its share of main after the window moved. What could not move is owed to later
   * operations only when the step limit stopped it; an empty region ends the step.
   */
  #resizeMain(moves: number, owed: number): void {
    this.#protectedMax = Math.trunc(PERCENT_MAIN_PROTECTED * (this.#capacity - this.#windowMax));
    this.#adjustment = moves === QUEUE_TRANSFER_THRESHOLD ? owed : 0;
    this.#demoteFromProtected();
  }

  #demoteFromProtected(): void {
    for (let i = 0; i < QUEUE_TRANSFER_THRESHOLD && this.#lists.size(PROTECTED) > this.#protectedMax; i++) {
      this.#move(this.#lists.tail(PROTECTED), PROTECTED, PROBATION);
    }
  }
}

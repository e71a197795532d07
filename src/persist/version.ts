/**
 * The version of a write: wall-clock milliseconds, a sequence number within that millisecond, and the id of
 * the worker that wrote it. Versions order concurrent writes from different tabs: the greater one wins, in
 * IndexedDB and so in every tab. The tabs of an origin share one clock, so a later write wins; ties in the
 * same millisecond fall to the sequence number, then the tab id.
 */
export interface Version {
  at: number;
  seq: number;
  tab: string;
}

/** Whether `value`, read from storage or another tab, is a `Version` this build could have made: whole milliseconds and sequence. */
export function isVersion(value: unknown): value is Version {
  if (typeof value !== 'object' || value === null) return false;
  const version = value as Partial<Version>;
  return isWhole(version.at) && isWhole(version.seq) && typeof version.tab === 'string';
}

/** A whole, non-negative number that adds up exactly: what this build writes for times, sizes, counts and generations. */
export function isWhole(value: unknown): value is number {
  return Number.isSafeInteger(value) && (value as number) >= 0;
}

export function compareVersions(a: Version, b: Version): number {
  return a.at - b.at || a.seq - b.seq || (a.tab < b.tab ? -1 : a.tab > b.tab ? 1 : 0);
}

/**
 * Hands out versions that are greater than every version this worker has written or seen (a hybrid logical
 * clock), so that a write made after reading another tab's write always wins over it.
 */
export class VersionClock {
  readonly #tab: string;
  readonly #now: () => number;
  #at = 0;
  #seq = 0;

  constructor(tab: string, now: () => number) {
    this.#tab = tab;
    this.#now = now;
  }

  next(): Version {
    // Whole milliseconds, whatever the clock gives, so that every version passes `isVersion`.
    const now = Math.floor(this.#now());
    if (now > this.#at) {
      this.#at = now;
      this.#seq = 0;
    } else {
      this.#seq++;
    }
    return { at: this.#at, seq: this.#seq, tab: this.#tab };
  }

  /** Makes every later version greater than any version written up to now, here or elsewhere. */
  fence(): void {
    const now = Math.floor(this.#now());
    if (this.#at <= now) {
      this.#at = now + 1;
      this.#seq = -1;
    }
  }

  /** Moves the clock past a version written elsewhere. */
  observe(version: Version): void {
    if (version.at > this.#at || (version.at === this.#at && version.seq > this.#seq)) {
      this.#at = version.at;
      this.#seq = version.seq;
    }
  }
}

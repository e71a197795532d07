import { isVersion, type Version } from '../persist/version.js';

/** What one tab tells the others: drop these from memory. Sent once the change is committed to IndexedDB. */
export interface Announcement {
  tab: string;
  clear: boolean;
  tags: string[];
  keys: string[];
  /** The version of each key's put, at the same index; null for a delete. */
  versions: (Version | null)[];
  /** The database generation the change was committed as; undefined when it is not in IndexedDB. */
  gen: number | undefined;
}

/**
 * Keeps the memory tiers of the tabs of an origin coherent: every put, delete, clear and tag invalidation is
 * announced on a BroadcastChannel named after the cache, and the other tabs drop their copies, so that their
 * next read goes to IndexedDB. Dropping is always safe; replacing could resurrect an older value. A committed
 * batch goes out as one message; changes of a memory-only cache made in one task are gathered into one. A
 * message that is not an `Announcement` drops every copy, since what it changed cannot be known.
 */
export class Coherence {
  readonly #tab: string;
  readonly #channel: BroadcastChannel | undefined;
  #outgoing: Announcement | undefined;

  constructor(cacheName: string, tab: string, onRemote: (announcement: Announcement) => void) {
    this.#tab = tab;
    if (typeof BroadcastChannel === 'undefined') return;
    this.#channel = new BroadcastChannel(`tabcache:${cacheName}`);
    this.#channel.onmessage = (event: MessageEvent<unknown>) => {
      const data = event.data;
      if (isAnnouncement(data)) {
        if (data.tab !== this.#tab) onRemote(data);
      } else {
        // Another build's message, or anything else posted here: what it changed cannot be known.
        onRemote({ tab: '', clear: true, tags: [], keys: [], versions: [], gen: undefined });
      }
    };
  }

  announce(change: Partial<Omit<Announcement, 'tab'>>): void {
    if (!this.#channel) return;
    const message = (): Announcement => ({ tab: this.#tab, clear: false, tags: [], keys: [], versions: [], gen: undefined });
    if (change.gen !== undefined) {
      this.#channel.postMessage({ ...message(), ...change });
      return;
    }
    if (!this.#outgoing) {
      this.#outgoing = message();
      queueMicrotask(() => this.#send());
    }
    const out = this.#outgoing;
    if (change.clear) {
      out.clear = true;
      out.tags = [];
      out.keys = [];
      out.versions = [];
    }
    out.tags.push(...(change.tags ?? []));
    out.keys.push(...(change.keys ?? []));
    out.versions.push(...(change.versions ?? (change.keys ?? []).map(() => null)));
  }

  close(): void {
    this.#channel?.close();
  }

  #send(): void {
    const out = this.#outgoing;
    this.#outgoing = undefined;
    if (out && (out.clear || out.tags.length > 0 || out.keys.length > 0)) this.#channel?.postMessage(out);
  }
}

function isAnnouncement(data: unknown): data is Announcement {
  if (typeof data !== 'object' || data === null) return false;
  const { tab, clear, tags, keys, versions, gen } = data as Partial<Announcement>;
  return (
    typeof tab === 'string' &&
    typeof clear === 'boolean' &&
    Array.isArray(tags) &&
    tags.every((tag) => typeof tag === 'string') &&
    Array.isArray(keys) &&
    keys.every((key) => typeof key === 'string') &&
    Array.isArray(versions) &&
    versions.length === keys.length &&
    versions.every((version) => version === null || isVersion(version)) &&
    (gen === undefined || typeof gen === 'number')
  );
}

import { compareVersions, type Version } from '../persist/version.js';

/** What one tab tells the others: drop these from memory. Sent once the change is committed to IndexedDB. */
export interface Announcement {
  tab: string;
  clear: boolean;
  tags: string[];
  keys: string[];
  /** The newest version written, so that the receiver's clock moves past it. */
  version: Version | undefined;
}

/**
 * Keeps the memory tiers of the tabs of an origin coherent: every put, delete, clear and tag invalidation is
 * announced on a BroadcastChannel named after the cache, and the other tabs drop their copies, so that their
 * next read goes to IndexedDB. Dropping is always safe; replacing could resurrect an older value. Changes
 * made in one task go out as one message.
 */
export class Coherence {
  readonly #tab: string;
  readonly #channel: BroadcastChannel | undefined;
  #outgoing: Announcement | undefined;

  constructor(cacheName: string, tab: string, onRemote: (announcement: Announcement) => void) {
    this.#tab = tab;
    if (typeof BroadcastChannel === 'undefined') return;
    this.#channel = new BroadcastChannel(`tabcache:${cacheName}`);
    this.#channel.onmessage = (event: MessageEvent<Announcement>) => {
      if (event.data.tab !== this.#tab) onRemote(event.data);
    };
  }

  announce(change: Partial<Omit<Announcement, 'tab'>>): void {
    if (!this.#channel) return;
    if (!this.#outgoing) {
      this.#outgoing = { tab: this.#tab, clear: false, tags: [], keys: [], version: undefined };
      queueMicrotask(() => this.#send());
    }
    const out = this.#outgoing;
    if (change.clear) {
      out.clear = true;
      out.tags = [];
      out.keys = [];
    }
    out.tags.push(...(change.tags ?? []));
    out.keys.push(...(change.keys ?? []));
    if (change.version && (!out.version || compareVersions(change.version, out.version) > 0)) out.version = change.version;
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

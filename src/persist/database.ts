import { openDB } from 'idb';
import { createSchema, databaseName, hasSchema, LAYOUT, newerLayout, type CacheDB, type Database } from './schema.js';

/** How long a caller waits for the database to open before being served from memory alone. */
export const OPEN_TIMEOUT = 1_000;

export type Availability = { state: 'open' | 'opening' | 'closed' } | { state: 'unavailable'; reason: string };

/**
 * The connection to one cache's database: opened on first use, closed when another tab needs to upgrade
 * it, reopened on next use. A caller never waits longer than OPEN_TIMEOUT: past it, `get` answers undefined
 * (memory only) while the open goes on, and the connection is used once it succeeds.
 */
export class Connection {
  readonly #name: string;
  readonly #prepare: (db: Database) => Promise<void>;
  readonly #onSettled: () => void;
  readonly #warn: (message: string) => void;
  #db: Database | undefined;
  #opening: Promise<Database | undefined> | undefined;
  #availability: Availability = { state: 'closed' };
  #failed = false;
  #warned = false;

  /**
   * `prepare` runs on each new connection before anyone gets it. `onSettled` runs after an open succeeds or
   * fails for good, so that writes held back meanwhile can go, or be given up.
   */
  constructor(cacheName: string, prepare: (db: Database) => Promise<void>, onSettled: () => void, warn: (message: string) => void = console.warn) {
    this.#name = databaseName(cacheName);
    this.#prepare = prepare;
    this.#onSettled = onSettled;
    this.#warn = warn;
  }

  /** Whether the database cannot be opened at all (as opposed to not yet). */
  get failed(): boolean {
    return this.#failed;
  }

  get availability(): Availability {
    return this.#availability;
  }

  /** The open database, or undefined when it cannot be had within OPEN_TIMEOUT (or at all). */
  get(): Promise<Database | undefined> {
    if (this.#db) return Promise.resolve(this.#db);
    if (this.#failed) return Promise.resolve(undefined);
    if (this.#opening === undefined) {
      this.#opening = this.#open().finally(() => (this.#opening = undefined));
    } else if (this.#availability.state === 'unavailable') {
      // Already timed out once: do not make every caller wait again.
      return Promise.resolve(undefined);
    }
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<undefined>((resolve) => {
      timer = setTimeout(() => {
        if (!this.#db) this.#unavailable(`opening IndexedDB took longer than ${OPEN_TIMEOUT} ms (blocked by a connection in another tab?)`);
        resolve(undefined);
      }, OPEN_TIMEOUT);
    });
    return Promise.race([this.#opening, timeout]).finally(() => clearTimeout(timer));
  }

  /** Forgets a connection that failed under a caller (closed by the browser), so that the next `get` reopens. */
  drop(db: Database): void {
    db.close();
    if (this.#db !== db) return;
    this.#db = undefined;
    this.#availability = { state: 'closed' };
  }

  async #open(): Promise<Database | undefined> {
    this.#availability = { state: 'opening' };
    try {
      if (typeof indexedDB === 'undefined') throw new Error('IndexedDB does not exist in this context');
      let db = await this.#openAt(undefined);
      for (let tries = 0; tries < 2 && !hasSchema(db) && newerLayout(db) === undefined; tries++) {
        // Made by something else, or by code of an earlier layout: upgrade it to ours.
        const version = db.version + 1;
        db.close();
        // A newer build that upgraded it past that version meanwhile makes this a VersionError: look again.
        db = await this.#openAt(version).catch((error: unknown) => {
          if (tries > 0 || !(error instanceof DOMException && error.name === 'VersionError')) throw error;
          return this.#openAt(undefined);
        });
      }
      // Checked again after an upgrade: a newer build may have upgraded it to that version first.
      const newer = newerLayout(db);
      if (newer !== undefined) {
        db.close();
        this.#fail(`the database is laid out by a newer build of tabcache (layout ${newer}; this build knows layout ${LAYOUT}), so its entries are left alone; reload the page to run the newer build`);
        return undefined;
      }
      try {
        await this.#prepare(db);
      } catch {
        // Closed under us (another tab upgrading it, say): not for good; the next caller opens again.
        db.close();
        this.#availability = { state: 'closed' };
        return undefined;
      }
      this.#db = db;
      this.#availability = { state: 'open' };
      this.#onSettled();
      return db;
    } catch (error) {
      this.#fail(`IndexedDB cannot be opened: ${error instanceof Error || error instanceof DOMException ? `${error.name}: ${error.message}` : String(error)}`);
      return undefined;
    }
  }

  #fail(reason: string): void {
    this.#failed = true;
    this.#unavailable(reason);
    this.#onSettled();
  }

  #openAt(version: number | undefined): Promise<Database> {
    const opened: Promise<Database> = openDB<CacheDB>(this.#name, version, {
      upgrade: (db, _old, _new, tx) => createSchema(db, tx),
      blocked: () => this.#unavailable('opening IndexedDB is blocked by an older connection in another tab'),
      // Another tab wants to upgrade or delete the database: let it, and reopen on next use.
      blocking: () => void opened.then((db) => this.drop(db)),
      terminated: () => void opened.then((db) => this.drop(db)),
    });
    return opened;
  }

  #unavailable(reason: string): void {
    this.#availability = { state: 'unavailable', reason };
    if (!this.#warned) {
      this.#warned = true;
      this.#warn(`tabcache: persistence of '${this.#name}' is unavailable, keeping entries in memory only: ${reason}`);
    }
  }
}

import type { TabCache } from './client/cache.js';

/** What the work of a flight is given. */
export interface FlightContext {
  /** Aborts once every caller waiting on the flight has stopped waiting. */
  signal: AbortSignal;
  /** False once the flight was superseded by an invalidation: its result must then not be stored. */
  current(): boolean;
}

export type FlightWork<T> = (context: FlightContext) => Promise<T>;

interface Flight {
  promise: Promise<unknown>;
  controller: AbortController;
  /** Callers still waiting; the flight is aborted when the last one leaves. */
  waiters: number;
  current: boolean;
}

/**
 * At most one computation per key at a time. In this tab, callers of a key join the flight already running
 * for it; across tabs, the work runs under the Web Lock `lock`, so that a tab that computes makes the others
 * wait, and a tab that dies releases its lock to the next one. The work itself re-reads the cache first,
 * since a tab that was waiting for the lock may find the answer stored by the one that held it.
 */
export class Flights {
  readonly #flights = new Map<string, Flight>();

  /** Waits for the flight running for `key`, or starts one. */
  join<T>(key: string, lock: string, work: FlightWork<T>, signal?: AbortSignal): Promise<T> {
    const flight = this.#flights.get(key) ?? this.#start(key, lock, work);
    return this.#wait(key, flight, signal) as Promise<T>;
  }

  /** Starts a new flight for `key` even when one runs; later callers join the new one. */
  start<T>(key: string, lock: string, work: FlightWork<T>, signal?: AbortSignal): Promise<T> {
    return this.#wait(key, this.#start(key, lock, work), signal) as Promise<T>;
  }

  /** Whether a flight is running for `key` in this tab. */
  running(key: string): boolean {
    return this.#flights.has(key);
  }

  /** The flight for `key`, if any, still answers its callers but stores nothing; the next caller starts anew. */
  supersede(key: string): void {
    const flight = this.#flights.get(key);
    if (!flight) return;
    flight.current = false;
    this.#flights.delete(key);
  }

  #start(key: string, lock: string, work: FlightWork<unknown>): Flight {
    const controller = new AbortController();
    const flight: Flight = { controller, waiters: 0, current: true, promise: Promise.resolve() };
    const context: FlightContext = { signal: controller.signal, current: () => flight.current };
    flight.promise = withLock(lock, controller.signal, () => work(context));
    this.#flights.set(key, flight);
    const end = () => this.#end(key, flight);
    flight.promise.then(end, end);
    return flight;
  }

  #wait(key: string, flight: Flight, signal: AbortSignal | undefined): Promise<unknown> {
    if (!signal) {
      flight.waiters++;
      return flight.promise;
    }
    if (signal.aborted) return Promise.reject(signal.reason);
    flight.waiters++;
    return new Promise((resolve, reject) => {
      const leave = () => {
        reject(signal.reason);
        if (--flight.waiters > 0) return;
        flight.controller.abort(signal.reason);
        this.#end(key, flight);
      };
      signal.addEventListener('abort', leave, { once: true });
      flight.promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', leave));
    });
  }

  #end(key: string, flight: Flight): void {
    if (this.#flights.get(key) === flight) this.#flights.delete(key);
  }
}

/** The name of the Web Lock that guards computing `key` of `cache`, in every tab of the origin. */
export function flightLock(cache: TabCache<unknown>, key: string): string {
  return `tabcache:flight:${cache.name}:${key}`;
}

const chains = new Map<string, Promise<unknown>>();

/**
 * Runs `body` holding the Web Lock `name`, given up when `signal` aborts before the lock is granted. Where
 * there are no Web Locks (an insecure context), runs one body at a time per name within this tab only.
 */
function withLock<T>(name: string, signal: AbortSignal, body: () => Promise<T>): Promise<T> {
  if (typeof navigator !== 'undefined' && navigator.locks) {
    return navigator.locks.request(name, { signal }, body) as Promise<T>;
  }
  const run = (chains.get(name) ?? Promise.resolve()).then(() => {
    signal.throwIfAborted();
    return body();
  });
  const tail = run.catch(() => {});
  chains.set(name, tail);
  void tail.then(() => {
    if (chains.get(name) === tail) chains.delete(name);
  });
  return run;
}

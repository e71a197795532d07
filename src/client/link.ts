import type { Endpoint } from 'comlink';
import { PREFIX } from '../errors.js';

/** A live connection to the thread that owns a cache. */
export interface Link {
  readonly endpoint: Endpoint;
  /** Whose worker this is, for `stats()`. */
  readonly via: LinkInfo;
  /**
   * Whether a SharedArrayBuffer can cross the link. It cannot reach a frame of another origin than the worker's:
   * that frame is in another agent cluster, and a message carrying one arrives there as a messageerror.
   */
  readonly sharesMemory: boolean;
  /** Settles, with the reason, when the other side has stopped and will never answer again. */
  readonly gone: Promise<string>;
  /** Called once the worker holds the Web Lock named `aliveLock`; from then on its death is noticed. */
  watch(aliveLock: string): void;
  /** Ends the connection: terminates the worker when this side started it. */
  close(): void;
}

export interface LinkInfo {
  /** 'worker': a worker this client started or was given; 'page': the parent page's worker, over a port. */
  kind: 'worker' | 'page';
  /** Why a frame runs a worker of its own, when it does. */
  fallback?: string;
}

/** Makes a new link each time the previous one has died; a frame's link waits for the page to answer. */
export type LinkFactory = () => Link | Promise<Link>;

/**
 * Links to dedicated workers: a new worker from `source` (a URL) every time, or the one Worker the app passed,
 * which cannot be restarted once it has died.
 */
export function workerLinks(source: Worker | URL | string | undefined, spawn: () => Worker): LinkFactory {
  if (source !== undefined && typeof source === 'object' && !(source instanceof URL)) {
    let used = false;
    return () => {
      if (used) {
        throw new Error(`${PREFIX}the Worker passed as option 'worker' has stopped; pass its URL instead so that a new one can be started`);
      }
      used = true;
      return linkTo(source);
    };
  }
  return () => linkTo(source === undefined ? spawn() : new Worker(source, { type: 'module' }));
}

function linkTo(worker: Worker): Link {
  let die!: (reason: string) => void;
  const gone = new Promise<string>((resolve) => (die = resolve));
  let held = false;
  // Before the worker holds its lock, an error event means its script did not load or threw at start-up.
  worker.addEventListener('error', (event) => {
    if (!held) die(`the worker failed to start: ${event.message || 'its script could not be loaded'}`);
  });
  return {
    endpoint: worker,
    via: { kind: 'worker' },
    sharesMemory: true,
    gone,
    watch(aliveLock) {
      held = true;
      if (typeof navigator !== 'undefined' && navigator.locks) {
        void navigator.locks.request(aliveLock, () => die('the worker stopped'));
      }
    },
    close() {
      worker.terminate();
      die('the cache was closed');
    },
  };
}

import { transfer, wrap, type Endpoint } from 'comlink';
import { PREFIX } from '../errors.js';
import type { PortOffer, StoreConfig, WorkerApi } from '../protocol.js';
import { WIRE_VERSION } from '../wire.js';

/** A live connection to the thread that owns a cache. */
export interface Link {
  /** Where batches go and their answers come from. */
  readonly endpoint: Endpoint;
  /** Whose worker this is, for `stats()`. */
  readonly via: LinkInfo;
  /** Settles, with the reason, when the other side has stopped and will never answer again. */
  readonly gone: Promise<string>;
  /**
   * Has the worker build (or check) the store for this client; resolves with its wire version, the Web Lock it
   * holds for life, and the shared table when `canShare` and it has one.
   */
  open(config: StoreConfig, canShare: boolean): Promise<Opened>;
  /** Hands the worker a port to serve batches on for a frame of `origin`; only a worker of this page's own can. */
  attach?(port: MessagePort, origin: string): Promise<void>;
  /** Called once the worker holds the Web Lock named `aliveLock`; from then on its death is noticed. */
  watch(aliveLock: string): void;
  /** Ends the connection: terminates the worker when this side started it. */
  close(): void;
}

/** What a link learns when it opens: the worker's wire version, its life's Web Lock, its shared table. */
export interface Opened extends PortOffer {
  /** Undefined for a frame of another origin, which cannot see the page's Web Locks. */
  aliveLock: string | undefined;
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

/** A link to a worker of this page's own: its set-up calls go over comlink, which no frame ever reaches. */
function linkTo(worker: Worker): Link {
  let die!: (reason: string) => void;
  const gone = new Promise<string>((resolve) => (die = resolve));
  let held = false;
  // Before the worker holds its lock, an error event means its script did not load or threw at start-up.
  worker.addEventListener('error', (event) => {
    if (!held) die(`the worker failed to start: ${event.message || 'its script could not be loaded'}`);
  });
  const remote = wrap<WorkerApi>(worker);
  return {
    endpoint: worker,
    via: { kind: 'worker' },
    gone,
    async open(config, canShare) {
      const aliveLock = `tabcache:alive:${randomId()}`;
      const { wire, shared } = await remote.open(config, aliveLock, canShare, WIRE_VERSION);
      return { wire, aliveLock, ...(shared && { shared }) };
    },
    attach: (port, origin) => remote.attach(transfer(port, [port]), origin),
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

export function randomId(): string {
  return typeof crypto !== 'undefined' && 'randomUUID' in crypto
    ? crypto.randomUUID()
    : `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
}

import { PREFIX, toWire } from '../errors.js';
import { checkKey, checkTags, checkTtl, validateStoreConfig } from '../options.js';
import type { PolicyFactory } from '../policies/policy.js';
import type { Reply, Request, StoreConfig, WorkerApi } from '../protocol.js';
import { MISS, Store } from '../store.js';

export interface HostOptions {
  policies: Record<string, PolicyFactory>;
  now: () => number;
}

/**
 * The worker side of the protocol: one store, built by the first `open`, serving every client connected to
 * this worker. Each request of a batch is answered on its own, so one bad request fails alone.
 */
export class Host implements WorkerApi {
  readonly #options: HostOptions;
  #store: Store | undefined;

  constructor(options: HostOptions) {
    this.#options = options;
  }

  async open(config: StoreConfig, aliveLock: string): Promise<void> {
    const names = Object.keys(this.#options.policies);
    const checked = validateStoreConfig(config, names);
    const factory = this.#options.policies[checked.policy]!;
    if (this.#store === undefined) {
      this.#store = new Store(checked, factory, this.#options.now);
    } else if (this.#store.config.name !== checked.name) {
      throw new TypeError(`${PREFIX}this worker serves cache '${this.#store.config.name}', not '${checked.name}'`);
    }
    await holdUntilDeath(aliveLock);
  }

  run(batch: readonly Request[]): Reply[] {
    return batch.map((request) => {
      try {
        return { ok: true, value: this.#handle(request) };
      } catch (error) {
        return { ok: false, error: toWire(error) };
      }
    });
  }

  #handle(request: Request): unknown {
    const store = this.#store;
    if (store === undefined) throw new Error(`${PREFIX}the worker got '${request.op}' before 'open'`);
    switch (request.op) {
      case 'get': {
        checkKey(request.key);
        const value = store.get(request.key);
        return value === MISS ? undefined : value;
      }
      case 'put':
        checkKey(request.key);
        checkTtl(request.ttl, 'ttl');
        checkTags(request.tags);
        store.put(request.key, request.value, { ttl: request.ttl, tags: request.tags });
        return undefined;
      case 'has':
        checkKey(request.key);
        return store.has(request.key);
      case 'delete':
        checkKey(request.key);
        return store.delete(request.key);
      case 'clear':
        return store.clear();
      case 'invalidateTags':
        checkTags(request.tags);
        return store.deleteTagged(request.tags ?? []).length;
      case 'keys':
        return store.keys();
      case 'size':
        return store.size;
      case 'stats':
        return store.stats();
      case 'flush':
        return undefined;
      default:
        throw new TypeError(`${PREFIX}unknown operation ${JSON.stringify((request as { op: unknown }).op)}`);
    }
  }
}

/**
 * Takes the Web Lock `name` and never lets it go, so the lock is released exactly when this worker dies; a
 * client waiting for the same lock learns of the death. Resolves once the lock is held.
 */
function holdUntilDeath(name: string): Promise<void> {
  if (typeof navigator === 'undefined' || !navigator.locks) return Promise.resolve();
  return new Promise<void>((held) => {
    void navigator.locks.request(name, () => {
      held();
      return new Promise<never>(() => {});
    });
  });
}

import { expose, wrap } from 'comlink';
import { describe, expect, it } from 'vitest';
import { TabCache } from '../../src/client/cache.js';
import { Connection } from '../../src/client/connection.js';
import type { Link } from '../../src/client/link.js';
import { workerLinks } from '../../src/client/link.js';
import { createCache } from '../../src/index.js';
import { resolveOptions } from '../../src/options.js';
import type { WorkerApi } from '../../src/protocol.js';
import { WIRE_VERSION } from '../../src/wire.js';

const workerUrl = new URL('../../src/worker/entry.ts', import.meta.url);
const later = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A connection whose link is made `delay` ms after it is asked for; records what became of each link. */
function slowConnection(name: string, delay: number) {
  const made = workerLinks(workerUrl, () => new Worker(workerUrl, { type: 'module' }));
  const links = { made: 0, closed: 0, posted: 0 };
  const factory = async (): Promise<Link> => {
    await later(delay);
    const link = await made();
    links.made++;
    const post = link.endpoint.postMessage.bind(link.endpoint);
    link.endpoint.postMessage = (...args: Parameters<typeof post>) => {
      links.posted++;
      post(...args);
    };
    return { ...link, close: () => (links.closed++, link.close()) };
  };
  const { worker: _, ...config } = resolveOptions({ name, persist: false, sharedBytes: 0 });
  return { connection: new Connection(factory, config), links };
}

describe('the connection to the worker', () => {
  it('keeps the answers of two clients of one worker apart', async () => {
    const worker = new Worker(workerUrl, { type: 'module' });
    const name = `shared-${Math.random()}`;
    const a = createCache({ name, worker, persist: false, sharedBytes: 0 });
    const b = createCache({ name, worker, persist: false, sharedBytes: 0 });
    expect(await Promise.all([a.put('x', 'from a'), b.get('never-set')])).toEqual([undefined, undefined]);
    expect(await Promise.all([a.has('x'), b.get('x'), a.get('x'), b.has('y')])).toEqual([true, 'from a', 'from a', false]);
    worker.terminate();
  });

  it('sends nothing, and lets the link go, when the cache is detached before the link is made', async () => {
    const { connection, links } = slowConnection(`late-${Math.random()}`, 100);
    const cache = new TabCache(connection);
    const put = cache.put('k', 'written');
    await later(10);
    connection.detach();
    await expect(put).rejects.toMatchObject({ name: 'WorkerGoneError' });
    await later(300);
    expect(links).toEqual({ made: 1, closed: 1, posted: 0 });
  });

  it('stops waiting for a port for a frame when the session ends first', async () => {
    const { connection } = slowConnection(`port-${Math.random()}`, 100);
    const port = connection.endpoint();
    await later(10);
    connection.detach();
    const outcome = await Promise.race([port.then(() => 'port', (error: Error) => error.name), later(2_000).then(() => 'hung')]);
    expect(outcome).toBe('WorkerGoneError');
  });

  it('refuses a client of another wire version, naming both versions', async () => {
    const worker = new Worker(workerUrl, { type: 'module' });
    const remote = wrap<WorkerApi>(worker);
    const { worker: _, ...config } = resolveOptions({ name: `old-client-${Math.random()}`, persist: false, sharedBytes: 0 });
    const lock = `tabcache:alive:test-${Math.random()}`;
    // A client from before the check sends no version at all.
    const old = (remote.open as unknown as (...args: unknown[]) => Promise<unknown>)(config, lock, false);
    await expect(old).rejects.toMatchObject({
      name: 'VersionMismatchError',
      message: `tabcache: the worker speaks wire version ${WIRE_VERSION} but the client speaks 1 (from before versions were checked): load both from one build of tabcache`,
    });
    await expect(remote.open(config, lock, false, WIRE_VERSION + 1)).rejects.toMatchObject({
      name: 'VersionMismatchError',
      message: expect.stringContaining(`but the client speaks ${WIRE_VERSION + 1}:`),
    });
    expect(await remote.open(config, lock, false, WIRE_VERSION)).toEqual({ wire: WIRE_VERSION });
    worker.terminate();
  });

  it('fails every call with a VersionMismatchError, starting no second worker, when its worker speaks another version', async () => {
    const links = { made: 0, closed: 0, opened: 0 };
    const factory = (): Link => {
      links.made++;
      const { port1, port2 } = new MessageChannel();
      // A worker from before the check: it opens the store and answers without a version.
      expose({ open: async () => (links.opened++, {}), attach() {} }, port1);
      return { endpoint: port2, via: { kind: 'worker' }, sharesMemory: true, gone: new Promise(() => {}), watch() {}, close: () => void links.closed++ };
    };
    const { worker: _, ...config } = resolveOptions({ name: `old-worker-${Math.random()}`, persist: false, sharedBytes: 0 });
    const cache = new TabCache(new Connection(factory, config));
    const first = await Promise.allSettled([cache.get('k'), cache.put('k', 1)]);
    const again = await Promise.allSettled([cache.get('k'), cache.stats()]);
    for (const outcome of [...first, ...again]) {
      expect(outcome).toMatchObject({
        status: 'rejected',
        reason: {
          name: 'VersionMismatchError',
          message: `tabcache: the client speaks wire version ${WIRE_VERSION} but the worker speaks 1 (from before versions were checked): load both from one build of tabcache`,
        },
      });
    }
    expect(links).toEqual({ made: 1, closed: 1, opened: 1 });
  });
});

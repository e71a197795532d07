import { describe, expect, it } from 'vitest';
import { TabCache } from '../../src/client/cache.js';
import { Connection } from '../../src/client/connection.js';
import type { Link } from '../../src/client/link.js';
import { workerLinks } from '../../src/client/link.js';
import { createCache } from '../../src/index.js';
import { resolveOptions } from '../../src/options.js';

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
});

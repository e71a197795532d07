import { createCache } from '../src/index.js';
import { mountLive } from './live.js';
import { mountPlayground } from './playground.js';
import { mountSlowApi } from './slow-api.js';

const PERSISTED_MAX = 2000;
const cache = createCache({ name: 'demo', capacity: 200, persist: { maxEntries: PERSISTED_MAX } });
// The iframe below calls connect({ name: 'demo' }); this lends it this page's worker.
cache.share();

mountSlowApi(cache);
mountLive(cache, PERSISTED_MAX);
mountPlayground();
void showPath();

async function showPath(): Promise<void> {
  const badge = document.querySelector<HTMLSpanElement>('#path')!;
  const { fastPath } = await cache.stats();
  badge.textContent = fastPath.active
    ? 'fast path on: hits are read from shared memory, with no message'
    : `message path: ${fastPath.reason ?? 'the fast path is off'}`;
  badge.classList.toggle('off', !fastPath.active);
}

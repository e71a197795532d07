import { createCache } from '../src/index.js';

const cache = createCache<string>({ name: 'demo', capacity: 100 });

const form = document.querySelector<HTMLFormElement>('#entry')!;
const result = document.querySelector<HTMLOutputElement>('#result')!;
const keysList = document.querySelector<HTMLUListElement>('#keys')!;
const statsList = document.querySelector<HTMLDListElement>('#stats')!;

document.querySelector('#path')!.textContent = crossOriginIsolated
  ? 'this page is cross-origin isolated'
  : 'this page is not cross-origin isolated';

form.addEventListener('submit', (event) => {
  event.preventDefault();
  const data = new FormData(form);
  const op = (event.submitter as HTMLButtonElement | null)?.value ?? 'get';
  const key = String(data.get('key'));
  const ttl = Number(data.get('ttl')) || undefined;
  void run(op, key, String(data.get('value')), ttl);
});

async function run(op: string, key: string, value: string, ttl: number | undefined): Promise<void> {
  const started = performance.now();
  try {
    let shown: string;
    if (op === 'put') {
      await cache.put(key, value, { ttl });
      shown = `put ${JSON.stringify(key)}`;
    } else if (op === 'get') {
      const found = await cache.get(key);
      shown = found === undefined ? `${JSON.stringify(key)}: miss` : `${JSON.stringify(key)} → ${JSON.stringify(found)}`;
    } else if (op === 'delete') {
      shown = (await cache.delete(key)) ? `deleted ${JSON.stringify(key)}` : `${JSON.stringify(key)} was not there`;
    } else {
      await cache.clear();
      shown = 'cleared';
    }
    result.textContent = `${shown} (${(performance.now() - started).toFixed(2)} ms)`;
  } catch (error) {
    result.textContent = `${(error as Error).name}: ${(error as Error).message}`;
  }
  await refresh();
}

async function refresh(): Promise<void> {
  const [keys, stats] = await Promise.all([cache.keys(), cache.stats()]);
  keysList.replaceChildren(...keys.sort().map((key) => Object.assign(document.createElement('li'), { textContent: key })));
  const shown: [string, string][] = [
    ['policy', stats.policy],
    ['entries', `${stats.size} / ${stats.capacity}`],
    ['bytes (estimate)', String(stats.bytes)],
    ['hits', String(stats.hits)],
    ['misses', String(stats.misses)],
    ['hit ratio', `${(stats.hitRatio * 100).toFixed(1)} %`],
    ['evictions', String(stats.evictions)],
    ['expirations', String(stats.expirations)],
  ];
  statsList.replaceChildren(
    ...shown.flatMap(([name, value]) => [
      Object.assign(document.createElement('dt'), { textContent: name }),
      Object.assign(document.createElement('dd'), { textContent: value }),
    ]),
  );
}

void refresh();
setInterval(() => void refresh(), 1000);

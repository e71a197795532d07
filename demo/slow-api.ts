// The memoized slow API: the first load of a product costs the server 800 ms; the next ones, in this tab,
// in another tab or after a reload, come from the cache, and the server's request counter stays put.
import { memoizeFetch, type TabCache } from '../src/index.js';
import { PRODUCTS } from './api.js';

interface Product {
  id: number;
  name: string;
  price: number;
  servedAt: string;
}

export function mountSlowApi(cache: TabCache<unknown>): void {
  const cachedFetch = memoizeFetch({ cache });
  const buttons = document.querySelector<HTMLDivElement>('#products')!;
  const log = document.querySelector<HTMLOListElement>('#log')!;
  const counter = document.querySelector<HTMLSpanElement>('#requests')!;

  const load = async (id: number) => {
    const before = await serverRequests();
    const started = performance.now();
    const response = await cachedFetch(`/api/products/${id}`);
    const product = (await response.json()) as Product;
    const ms = performance.now() - started;
    const after = await serverRequests();
    const fromServer = after > before;
    const line = Object.assign(document.createElement('li'), {
      className: fromServer ? 'server' : 'cache',
      textContent: `${product.name}: ${ms.toFixed(1)} ms, ${fromServer ? 'from the server' : 'from the cache'} (served at ${product.servedAt.slice(11, 19)})`,
    });
    log.prepend(line);
    counter.textContent = String(after);
  };

  buttons.replaceChildren(
    ...PRODUCTS.map((name, index) => {
      const button = Object.assign(document.createElement('button'), { type: 'button', textContent: `load ${name}` });
      button.dataset.product = String(index + 1);
      button.addEventListener('click', () => void load(index + 1));
      return button;
    }),
  );
  document.querySelector('#reload')!.addEventListener('click', () => location.reload());

  const refresh = async () => (counter.textContent = String(await serverRequests()));
  void refresh();
  setInterval(() => void refresh(), 1000);
}

async function serverRequests(): Promise<number> {
  const response = await fetch('/api/requests', { cache: 'no-store' });
  return ((await response.json()) as { total: number }).total;
}

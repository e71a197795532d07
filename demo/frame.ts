// A widget in a frame: it reads the products the page has cached, through the page's own worker.
import { connect, memoizeFetch } from '../src/index.js';
import { PRODUCTS } from './api.js';

const cache = connect({ name: 'demo', capacity: 200 });
const cachedFetch = memoizeFetch({ cache });

void cache.stats().then(({ link }) => {
  document.querySelector('#link')!.textContent =
    link.kind === 'page' ? "It shares the page's cache." : `It runs a cache of its own: ${link.fallback ?? ''}`;
});

document.querySelector('#cheapest')!.addEventListener('click', async () => {
  const items: string[] = [];
  for (const [index, name] of PRODUCTS.entries()) {
    // only-if-cached: the widget never waits on the slow server; it shows what the page already has.
    const response = await cachedFetch(`/api/products/${index + 1}`, { cache: 'only-if-cached', mode: 'same-origin' }).catch(
      () => undefined,
    );
    if (response?.ok) items.push(`${name}: ${((await response.json()) as { price: number }).price} €`);
  }
  document.querySelector('#products')!.replaceChildren(
    ...(items.length ? items : ['nothing cached yet: load a product on the page']).map((text) =>
      Object.assign(document.createElement('li'), { textContent: text }),
    ),
  );
});

import { describe, expect, it } from 'vitest';
import { LruPolicy } from '../../src/policies/lru.js';
import { Store } from '../../src/store.js';

describe('Store.deleteTagged', () => {
  it('deletes exactly the entries carrying any of the tags', () => {
    const store = new Store({ name: 't', policy: 'lru', capacity: 10, maxBytes: undefined, ttl: undefined }, (c) => new LruPolicy(c));
    store.put('a', 1, { tags: ['user:1', 'list'] });
    store.put('b', 2, { tags: ['user:2'] });
    store.put('c', 3);
    store.put('d', 4, { tags: ['list'] });
    expect(store.deleteTagged(['list', 'nope']).sort()).toEqual(['a', 'd']);
    expect(store.keys().sort()).toEqual(['b', 'c']);
    expect(store.deleteTagged([])).toEqual([]);
  });

  it('a put without tags drops the tags the entry had, and a freed slot keeps none', () => {
    const store = new Store({ name: 't', policy: 'lru', capacity: 2, maxBytes: undefined, ttl: undefined }, (c) => new LruPolicy(c));
    store.put('a', 1, { tags: ['x'] });
    store.put('a', 2);
    store.put('b', 1, { tags: ['x'] });
    store.delete('b');
    store.put('c', 3);
    expect(store.deleteTagged(['x'])).toEqual([]);
    expect(store.keys().sort()).toEqual(['a', 'c']);
  });
});

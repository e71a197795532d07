import type { Trace } from './trace.js';

/**
 * Belady's optimum, exactly: on a miss with the cache full, evict the entry whose next request is
 * farthest away (every miss is admitted). The next use of each request comes from one backward pass; the
 * cached keys sit in a max-heap on their next use, so each request costs O(log capacity).
 */
export function optimalHits(trace: Trace, capacity: number): number {
  const { ids, keys } = trace;
  const n = ids.length;
  const nextUse = new Int32Array(n);
  const seen = new Int32Array(keys.length).fill(n);
  for (let i = n - 1; i >= 0; i--) {
    const id = ids[i]!;
    nextUse[i] = seen[id]!;
    seen[id] = i;
  }
  const heap = new Int32Array(capacity);
  const key = new Int32Array(keys.length);
  const position = new Int32Array(keys.length).fill(-1);
  let size = 0;
  let hits = 0;

  const swap = (i: number, j: number) => {
    const a = heap[i]!;
    const b = heap[j]!;
    heap[i] = b;
    heap[j] = a;
    position[b] = i;
    position[a] = j;
  };
  const siftUp = (i: number) => {
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (key[heap[parent]!]! >= key[heap[i]!]!) return;
      swap(i, parent);
      i = parent;
    }
  };
  const siftDown = (i: number) => {
    for (;;) {
      const left = 2 * i + 1;
      if (left >= size) return;
      const right = left + 1;
      const child = right < size && key[heap[right]!]! > key[heap[left]!]! ? right : left;
      if (key[heap[i]!]! >= key[heap[child]!]!) return;
      swap(i, child);
      i = child;
    }
  };

  for (let i = 0; i < n; i++) {
    const id = ids[i]!;
    key[id] = nextUse[i]!;
    const at = position[id]!;
    if (at !== -1) {
      hits++;
      siftUp(at);
    } else if (size < capacity) {
      heap[size] = id;
      position[id] = size++;
      siftUp(size - 1);
    } else {
      position[heap[0]!] = -1;
      heap[0] = id;
      position[id] = 0;
      siftDown(0);
    }
  }
  return hits;
}

// One plain comlink call per get, over a Map: what a hand-rolled comlink cache would cost.
import { expose } from 'comlink';

const map = new Map<string, unknown>();
expose({
  get: (key: string) => map.get(key),
  put: (key: string, value: unknown) => void map.set(key, value),
});

// Seeded hashes of keys over their UTF-16 code units, so that keys chosen to collide in one table do not
// collide in another. The store's key table uses lane A; the shared-memory table keys its slots by both
// lanes, a 64-bit hash.

/** Lane A of the key's hash, under `seed`. */
export function hashA(key: string, seed: number): number {
  let h = seed ^ key.length;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  return fmix(h);
}

/** Lane B, with another multiplier and seed, so that it filters where lane A collided. */
export function hashB(key: string, seed: number): number {
  let h = seed;
  for (let i = 0; i < key.length; i++) h = Math.imul(h + key.charCodeAt(i), 0x5bd1e995) ^ (h >>> 15);
  return fmix(h ^ key.length);
}

/** MurmurHash3's finaliser: every input bit reaches every output bit. */
function fmix(h: number): number {
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) | 0;
}

/** A seed drawn from `random` when one is injected (reproducible runs), else an unpredictable one. */
export function seedFrom(random: (() => number) | undefined): number {
  return random ? (random() * 0x1_0000_0000) | 0 : randomSeed();
}

/** A random 32-bit seed. */
export function randomSeed(): number {
  return crypto.getRandomValues(new Int32Array(1))[0]!;
}

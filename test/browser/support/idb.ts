// Reads what a cache left in IndexedDB, with a connection of the test's own, as someone with the disk would.
import { openDB } from 'idb';

/** The records of the cache's `entries` store: key, value and metadata. */
export async function storedRecords(name: string): Promise<{ key: string; value: unknown }[]> {
  return (await readStores(name)).entries;
}

/** The keys of the cache's `touches` store, where reads' access times are written back. */
export async function touchedKeys(name: string): Promise<string[]> {
  return (await readStores(name)).touched;
}

async function readStores(name: string) {
  const db = await openDB(`tabcache:${name}`);
  try {
    const entries = (await db.getAll('entries')) as { key: string; value: unknown }[];
    const touched = (await db.getAllKeys('touches')).map(String);
    return { entries, touched };
  } finally {
    db.close();
  }
}

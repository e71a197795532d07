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

/** Every string in the cache's records and access times, keys and bodies (decoded as UTF-8) included, one a line. */
export async function storedText(name: string): Promise<string> {
  const lines: string[] = [];
  const walk = (value: unknown): void => {
    if (typeof value === 'string') lines.push(value);
    else if (value instanceof ArrayBuffer || ArrayBuffer.isView(value)) lines.push(new TextDecoder().decode(value));
    else if (Array.isArray(value)) value.forEach(walk);
    else if (typeof value === 'object' && value !== null) {
      for (const [key, inner] of Object.entries(value)) {
        lines.push(key);
        walk(inner);
      }
    }
  };
  const { entries, touched } = await readStores(name);
  walk(entries);
  walk(touched);
  return lines.join('\n');
}

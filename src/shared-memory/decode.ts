import { Unpackr } from 'msgpackr/unpack';

// MessagePack through msgpackr: maintained, handles Dates, typed arrays and undefined, and with records
// decoded JSON-like values faster than JSON.parse (of UTF-8 or UTF-16), plain msgpackr and cbor-x did in our
// measurements (README, "Fast path"). `copyBuffers` because the bytes it decodes sit in a scratch buffer
// that the next read overwrites.
const unpackr = new Unpackr({ moreTypes: true, useRecords: true, maxSharedStructures: 0, copyBuffers: true });

/** The value that encode.ts encoded into `bytes`. */
export function decode(bytes: Uint8Array): unknown {
  return unpackr.unpack(bytes);
}

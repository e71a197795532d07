import { Unpackr } from 'msgpackr/unpack';
import type { SharedStructuresView } from './structures.js';

// MessagePack through msgpackr: maintained, handles Dates, typed arrays and undefined, and with records
// decoded JSON-like values faster than JSON.parse (of UTF-8 or UTF-16), plain msgpackr and cbor-x did in
// our measurements (README, "Fast path"); records of shapes shared through the buffer (structures.ts) are
// faster still. A shape the page has not met yet is loaded when msgpackr meets its id. `mapsAsObjects` for
// the objects written as plain maps (encode.ts); `copyBuffers` because the bytes it decodes sit in a scratch
// buffer that the next read overwrites.

/** A page's decoder of the values of one shared buffer. */
export class Decoder {
  readonly #unpackr: Unpackr;

  constructor(shapes: SharedStructuresView) {
    this.#unpackr = new Unpackr({
      moreTypes: true,
      useRecords: true,
      mapsAsObjects: true,
      copyBuffers: true,
      getStructures: () => shapes.load(),
    });
  }

  /** The value that the Encoder of the same buffer encoded into `bytes`. */
  decode(bytes: Uint8Array): unknown {
    return this.#unpackr.unpack(bytes);
  }
}

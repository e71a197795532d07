import { PREFIX, VersionMismatchError } from './errors.js';

/**
 * The version of the contract between a client and its worker: the `open` call, the batch messages, the ports
 * handed to frames and the shared table's layout. A page, its frames and its worker may come from different
 * builds (a frame of another deploy, a worker script answered from the HTTP cache), so `open` checks it both
 * ways, and a frame checks the version the page passes on with its port. Raise it with any change that the
 * other side would misread. Builds from before the check send none; they count as 1. Version 3: ports handed
 * to frames carry batches only, and a put may be kept in memory only (`persist: false`).
 */
export const WIRE_VERSION = 3;

/** Throws a `VersionMismatchError` naming both versions unless `theirs`, what the `other` side sent, is ours. */
export function checkWire(theirs: unknown, other: 'client' | 'worker'): void {
  if (theirs === WIRE_VERSION) return;
  const self = other === 'client' ? 'worker' : 'client';
  const their = theirs === undefined ? '1 (from before versions were checked)' : String(theirs);
  throw new VersionMismatchError(
    `${PREFIX}the ${self} speaks wire version ${WIRE_VERSION} but the ${other} speaks ${their}: load both from one build of tabcache`,
  );
}

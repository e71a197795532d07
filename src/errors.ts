import type { WireError } from './protocol.js';

/** Every error that tabcache itself raises carries this prefix, so that logs say where it came from. */
export const PREFIX = 'tabcache: ';

/** A call could not be answered because the worker that owns the cache stopped. */
export class WorkerGoneError extends Error {
  override name = 'WorkerGoneError';
}

/**
 * The page's client and the worker come from builds of tabcache that do not speak the same wire version: a
 * frame of another deploy, or a worker script the browser answered from its cache.
 */
export class VersionMismatchError extends Error {
  override name = 'VersionMismatchError';
}

/** A call was made on a cache after `close()`. */
export class CacheClosedError extends Error {
  override name = 'CacheClosedError';
}

export function toWire(error: unknown): WireError {
  if (error instanceof Error || error instanceof DOMException) {
    return { name: error.name, message: error.message };
  }
  return { name: 'Error', message: String(error) };
}

const rebuilders: Record<string, new (message: string) => Error> = {
  TypeError,
  RangeError,
  SyntaxError,
  WorkerGoneError,
  CacheClosedError,
  VersionMismatchError,
};

/** Rebuilds an error that crossed the boundary, as the same class where it is one we know. */
export function fromWire({ name, message }: WireError): Error {
  const Known = rebuilders[name];
  if (Known) return new Known(message);
  if (name === 'DataCloneError' || name === 'QuotaExceededError') return new DOMException(message, name);
  const error = new Error(message);
  error.name = name;
  return error;
}

/** The error of a put whose value cannot be stored: the same kind of error, naming the key. */
export function valueError(key: string, error: unknown): Error {
  const { name, message } = toWire(error);
  const reason = message.startsWith(PREFIX) ? message.slice(PREFIX.length) : message;
  return fromWire({ name, message: `${PREFIX}the value for key ${JSON.stringify(key)} cannot be stored: ${reason}` });
}

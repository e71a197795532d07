import type { Endpoint } from 'comlink';
import { checkOptionsObject } from '../options.js';
import { builtinPolicies } from '../policies/index.js';
import type { PolicyFactory } from '../policies/policy.js';
import { Host } from './host.js';

export interface ServeOptions {
  /**
   * Policies this worker knows besides the built-in ones, by name; a client picks one with its `policy` option.
   * @default none
   */
  policies?: Record<string, PolicyFactory>;
  /**
   * Where to serve: the worker's global scope, or any MessagePort-like endpoint (tests use a MessageChannel).
   * @default globalThis
   */
  endpoint?: Endpoint;
  /** The clock of the store, in milliseconds. @default Date.now */
  now?: () => number;
}

/** Hosts a tabcache store for the pages that connect to this worker. Call it once at the top of a worker module. */
export function serve(options: ServeOptions = {}): void {
  checkOptionsObject(options, 'serve');
  const host = new Host({
    policies: { ...builtinPolicies, ...options.policies } as Record<string, PolicyFactory>,
    now: options.now ?? Date.now,
  });
  host.serve(options.endpoint ?? (globalThis as unknown as Endpoint));
}

export type { Policy, PolicyContext, PolicyFactory } from '../policies/policy.js';

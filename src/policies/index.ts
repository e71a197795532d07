import type { BuiltinPolicy } from '../protocol.js';
import { LfuPolicy } from './lfu.js';
import { LruTtlPolicy } from './lru-ttl.js';
import { LruPolicy } from './lru.js';
import type { PolicyFactory } from './policy.js';
import { TinyLfuPolicy } from './tinylfu.js';
import { TtlPolicy } from './ttl.js';

/** The policies every worker knows. */
export const builtinPolicies: Record<BuiltinPolicy, PolicyFactory> = {
  lru: (context) => new LruPolicy(context),
  lfu: (context) => new LfuPolicy(context),
  ttl: (context) => new TtlPolicy(context),
  'lru-ttl': (context) => new LruTtlPolicy(context),
  tinylfu: (context) => new TinyLfuPolicy(context),
};

export type { Policy, PolicyContext, PolicyFactory } from './policy.js';

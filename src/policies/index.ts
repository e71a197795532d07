import type { BuiltinPolicy } from '../protocol.js';
import { LruPolicy } from './lru.js';
import type { PolicyFactory } from './policy.js';

/** The policies every worker knows. */
export const builtinPolicies: Partial<Record<BuiltinPolicy, PolicyFactory>> = {
  lru: (context) => new LruPolicy(context),
};

export type { Policy, PolicyContext, PolicyFactory } from './policy.js';

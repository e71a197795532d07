// What the engine under test offers, for tests that need more than every engine has.
import { beforeEach } from 'vitest';

/** Whether this engine has SharedArrayBuffer on an isolated page; WebKitGTK has none. */
export const SHARED_MEMORY = typeof SharedArrayBuffer === 'function';

/** Skips each test of the calling describe block, saying why, where the engine has no SharedArrayBuffer. */
export function needsSharedMemory(): void {
  beforeEach(({ skip }) => skip(!SHARED_MEMORY, 'this engine has no SharedArrayBuffer, even on a cross-origin isolated page'));
}

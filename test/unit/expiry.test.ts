import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TimerWheel } from '../../src/expiry.js';

describe('TimerWheel', () => {
  it('after advance(now), has expired exactly the slots due at or before now', () => {
    const step = fc.oneof(
      fc.record({ slot: fc.integer({ min: 0, max: 15 }), delay: fc.oneof(fc.integer({ min: 1, max: 100 }), fc.integer({ min: 1, max: 2 ** 32 })) }),
      fc.record({ advance: fc.oneof(fc.integer({ min: 0, max: 200 }), fc.integer({ min: 0, max: 2 ** 33 })) }),
      fc.record({ cancel: fc.integer({ min: 0, max: 15 }) }),
    );
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 40 }), fc.array(step, { maxLength: 200 }), (start, steps) => {
        const wheel = new TimerWheel(16);
        const due = new Map<number, number>();
        let now = start;
        wheel.advance(now, () => {});
        for (const s of steps) {
          if ('slot' in s) {
            wheel.schedule(s.slot, now + s.delay);
            due.set(s.slot, now + s.delay);
          } else if ('cancel' in s) {
            wheel.unschedule(s.cancel);
            due.delete(s.cancel);
          } else {
            now += s.advance;
            const expired: number[] = [];
            wheel.advance(now, (slot) => expired.push(slot));
            const expected = [...due].filter(([, at]) => at <= now).map(([slot]) => slot);
            expect(expired.sort()).toEqual(expected.sort());
            for (const slot of expected) due.delete(slot);
          }
          expect(wheel.size).toBe(due.size);
        }
      }),
    );
  });
});

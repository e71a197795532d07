// A frame of another origin that the page allowlisted, turned hostile: it does the handshake by hand and then
// posts to its port whatever it likes. It must get the shared cache's batches and nothing more.
import { describe, expect, it } from 'vitest';
import type { Scope, TestPage } from '../support/browser.js';
import { e2e } from '../support/e2e.js';
import { addFrame, sharingPage, useFromFrame } from '../support/frames.js';

const env = e2e(2);
/** The app's origin, and the origin of the widget it shares its cache with. */
const home = () => env.servers[0]!;
const widget = () => env.servers[1]!;

/** The channel on which code smuggled into the page origin's worker would announce itself. */
const PWNED = 'tabcache-test-pwned';

/** comlink messages an attacker would send: each reaches past the cache to the worker's objects. */
const GADGETS = {
  construct: { id: 'construct', type: 'CONSTRUCT', path: ['constructor', 'constructor'], argumentList: [{ type: 'RAW', value: `new BroadcastChannel('${PWNED}').postMessage('ran')` }] },
  set: { id: 'set', type: 'SET', path: ['attach'], value: { type: 'RAW', value: 1 } },
  get: { id: 'get', type: 'GET', path: ['constructor'] },
} as const;

/** A page sharing cache `name` with the widget's origin, listening for the payload; warnings are gathered. */
async function targetPage(name: string): Promise<{ page: TestPage; warnings: string[] }> {
  const page = await sharingPage(await env.newContext(), home().url, name, [widget().url]);
  const warnings: string[] = [];
  // The page's console carries its worker's too, but for WebDriver (WebKit), which cannot see workers.
  page.on('console', (m) => m.type() === 'warning' && warnings.push(m.text()));
  await page.evaluate((channel) => {
    const heard: unknown[] = [];
    new BroadcastChannel(channel).onmessage = (event) => heard.push(event.data);
    (window as unknown as { heard: unknown[] }).heard = heard;
  }, PWNED);
  return { page, warnings };
}

/**
 * In the frame: the handshake done by hand, then `gadgets` posted on the port, then one real batch. Returns every
 * answer that came before the batch's, and the batch's own; where a gadget was answered with a proxy, the frame
 * also calls it, as an attacker would.
 */
function attack(frame: Scope, name: string, gadgets: readonly object[]) {
  return frame.evaluate(
    async ({ name, home, gadgets }) => {
      const port = await window.askForPort(name, home);
      const answers: Record<string, unknown>[] = [];
      const batchAnswered = new Promise<void>((resolve) => {
        port.onmessage = (event: MessageEvent<Record<string, unknown>>) => {
          answers.push(event.data);
          if (event.data.client === 'attacker') resolve();
        };
      });
      for (const gadget of gadgets) port.postMessage(gadget);
      port.postMessage({ client: 'attacker', batch: 0, requests: [{ op: 'get', key: 'from-page' }] });
      await batchAnswered;
      for (const answer of answers) {
        const proxy = (answer.value as { value?: unknown } | undefined)?.value;
        if (answer.type === 'HANDLER' && proxy instanceof MessagePort) {
          await new Promise((resolve) => {
            proxy.onmessage = resolve;
            proxy.postMessage({ id: 'apply', type: 'APPLY', path: [], argumentList: [] });
          });
        }
      }
      return answers.map(({ client, batch, replies, id, type }) => ({ client, batch, replies, id, type }));
    },
    { name, home: home().url, gadgets },
  );
}

describe('a hostile frame of an allowlisted origin', () => {
  it.each(Object.entries(GADGETS))('gets no answer to a comlink %s, runs no code, and the cache still serves frames', async (_, gadget) => {
    const name = `attacked-${gadget.id}`;
    const { page, warnings } = await targetPage(name);
    const frame = await addFrame(page, `${widget().url}/test/e2e/pages/harness.html`, 'widget');
    const answers = await attack(frame, name, [gadget, gadget]);
    // Only the batch is answered, on the very port the gadgets went to.
    expect(answers).toEqual([
      { client: 'attacker', batch: 0, replies: [{ ok: true, value: 'hello from the page' }], id: undefined, type: undefined },
    ]);
    // The same frame and a new one still connect through the handshake and read the shared value.
    expect(await useFromFrame(frame, name, [home().url])).toEqual({ seen: 'hello from the page', link: { kind: 'page' } });
    const second = await addFrame(page, `${widget().url}/test/e2e/pages/harness.html`, 'second');
    expect(await useFromFrame(second, name, [home().url])).toEqual({ seen: 'hello from the page', link: { kind: 'page' } });
    // The channel carries a control message posted last, and nothing that the payload would have posted.
    await page.evaluate((channel) => new BroadcastChannel(channel).postMessage('control'), PWNED);
    const heard = () => page.evaluate(() => (window as unknown as { heard: unknown[] }).heard);
    await expect.poll(heard).toContain('control');
    expect(await heard()).toEqual(['control']);
    // Two forged messages, one warning.
    if (env.browser.engine !== 'webkit') expect(warnings.filter((text) => text.includes(`a frame of ${widget().url} sent`))).toHaveLength(1);
  });

  it('gets an error, not a run, for a request of the wrong shape, and the rest of its batch is answered', async () => {
    const name = 'attacked-shapes';
    const { page } = await targetPage(name);
    const frame = await addFrame(page, `${widget().url}/test/e2e/pages/harness.html`, 'widget');
    const replies = await frame.evaluate(async ({ name, home }) => {
      const port = await window.askForPort(name, home);
      return new Promise((resolve) => {
        port.onmessage = (event: MessageEvent<{ replies: unknown }>) => resolve(event.data.replies);
        port.postMessage({
          client: 'shapes',
          batch: 0,
          requests: [
            { op: 'get', key: { toString: 'from-page' } },
            { op: 'put', key: 'k', value: 1, tags: 'not-a-list' },
            { op: 'put', key: 'k', value: 1, ttl: -1 },
            { op: 'invalidateTags' },
            { op: 'open', key: 'k' },
            null,
            { op: 'get', key: 'from-page' },
          ],
        });
      });
    }, { name, home: home().url });
    expect(replies).toEqual([
      { ok: false, error: { name: 'TypeError', message: 'tabcache: keys are strings, got Object' } },
      { ok: false, error: { name: 'TypeError', message: `tabcache: option 'tags' must be an array of strings, got "not-a-list"` } },
      { ok: false, error: { name: 'RangeError', message: `tabcache: option 'ttl' must be a positive number of milliseconds or Infinity, got -1` } },
      { ok: false, error: { name: 'TypeError', message: `tabcache: 'invalidateTags' needs a list of tags` } },
      { ok: false, error: { name: 'TypeError', message: 'tabcache: unknown operation "open"' } },
      { ok: false, error: { name: 'TypeError', message: 'tabcache: a request must be an object, got null' } },
      { ok: true, value: 'hello from the page' },
    ]);
    expect(await page.evaluate(() => (window as unknown as { cache: { has(k: string): Promise<boolean> } }).cache.has('k'))).toBe(false);
  });

  it('is refused with one warning however often a frame of an unlisted origin asks', async () => {
    const page = await sharingPage(await env.newContext(), home().url, 'unlisted');
    const warnings: string[] = [];
    page.on('console', (m) => m.type() === 'warning' && warnings.push(m.text()));
    const frame = await addFrame(page, `${widget().url}/test/e2e/pages/harness.html`, 'widget');
    for (let i = 0; i < 3; i++) {
      const { link } = await useFromFrame(frame, 'unlisted', [home().url]);
      expect(link).toMatchObject({ kind: 'worker' });
    }
    // A command on the page brings back what its console said meanwhile, where WebDriver drives it.
    await page.evaluate(() => undefined);
    expect(warnings.filter((text) => text.includes(`${widget().url} asked for cache 'unlisted'`))).toHaveLength(1);
  });
});

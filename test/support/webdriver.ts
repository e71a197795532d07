// The e2e tests' browser (browser.ts) over W3C WebDriver, for WebKitGTK: WebKitWebDriver speaks classic
// WebDriver only, no BiDi. A context is a session, so a MiniBrowser with storage of its own, and a page is one of
// its windows. A driver holds one session at a time, so a test closes a context before it opens the next.
// Node-side only.
import { writeFile } from 'node:fs/promises';
import type { ConsoleMessage, Scope, TestBrowser, TestContext, TestPage } from './browser.js';
import { webkitCapabilities } from './webkit.js';

const ELEMENT = 'element-6066-11e4-a52e-4f735466cecf';
/**
 * The longest a command waits in the page for a call to settle. A session's current window is shared by its
 * pages, so a page's long call waits in slices, between which the other pages' commands run.
 */
const SLICE_MS = 100;

interface Target {
  window: string;
  /** A CSS selector for an iframe of the window, or the window itself. */
  frame?: string;
}

/** What a page sent back: logged messages, and a settled call, a call still pending, or a call lost to navigation. */
type Answer = { log: Logged[] } & ({ value: unknown } | { error: { name: string; message: string } } | { pending: true } | { gone: true });
type Logged = { kind: 'console'; type: string; text: string } | { kind: 'pageerror'; text: string };

export function webDriverBrowser(driver: string): TestBrowser {
  const open = new Set<TestContext>();
  return {
    engine: 'webkit',
    async newContext(options) {
      const { sessionId } = await request<{ sessionId: string }>(`${driver}/session`, 'POST', {
        capabilities: { alwaysMatch: webkitCapabilities() },
      }).catch((error: Error) => {
        throw new Error(`${error.message} (WebKitWebDriver runs one session at a time: close the previous context first)`);
      });
      const session = new Session(`${driver}/session/${sessionId}`);
      // The session's first window opens the others and is no page, so that closing every page keeps the session.
      const anchor = await session.call<string>('GET', '/window');
      const context: TestContext = {
        async newPage() {
          const { handle } = await session.in({ window: anchor }, () =>
            session.call<{ handle: string }>('POST', '/window/new', { type: 'window' }),
          );
          if (options?.viewport) await session.in({ window: handle }, () => session.call('POST', '/window/rect', options.viewport));
          return new WebDriverPage(session, handle);
        },
        newCDPSession() {
          throw new Error('WebKit has no DevTools protocol session');
        },
        // Closing a context twice does nothing, as in Playwright.
        async close() {
          if (open.delete(context)) await session.call('DELETE', '');
        },
      };
      open.add(context);
      return context;
    },
    async close() {
      await Promise.all([...open].map((context) => context.close()));
    },
  };
}

async function request<T>(url: string, method: 'GET' | 'POST' | 'DELETE', body?: unknown): Promise<T> {
  const response = await fetch(url, {
    method,
    headers: { 'Content-Type': 'application/json' },
    body: method === 'POST' ? JSON.stringify(body ?? {}) : undefined,
    // Every command answers within a slice or a page load; one that does not is named before the test times out.
    signal: AbortSignal.timeout(30_000),
  }).catch((error: Error) => {
    throw new Error(`WebDriver ${method} ${new URL(url).pathname}: ${error.message}`);
  });
  const { value } = (await response.json()) as { value: unknown };
  if (!response.ok) {
    const { error, message } = value as { error: string; message: string };
    throw new Error(`WebDriver ${error}: ${message}`);
  }
  return value as T;
}

class Session {
  readonly #base: string;
  #queue: Promise<unknown> = Promise.resolve();
  #current: Target | undefined;

  constructor(base: string) {
    this.#base = base;
  }

  call<T>(method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown): Promise<T> {
    return request<T>(`${this.#base}${path}`, method, body);
  }

  /** Runs `body` in `target`, with no other page's command in between. */
  in<T>(target: Target, body: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(async () => {
      try {
        await this.#select(target);
        return await body();
      } catch (error) {
        // A window closed or a frame navigated: select afresh next time.
        this.#current = undefined;
        throw error;
      }
    });
    this.#queue = run.catch(() => {});
    return run;
  }

  async #select(target: Target): Promise<void> {
    if (this.#current?.window === target.window && this.#current.frame === target.frame) return;
    if (this.#current?.window !== target.window) await this.call('POST', '/window', { handle: target.window });
    await this.call('POST', '/frame', { id: null });
    if (target.frame !== undefined) {
      const element = await this.call<Record<string, string>>('POST', '/element', { using: 'css selector', value: target.frame });
      await this.call('POST', '/frame', { id: element });
    }
    this.#current = target;
  }
}

let calls = 0;

class WebDriverScope implements Scope {
  protected readonly session: Session;
  readonly #target: Target;
  readonly #deliver: (log: Logged[]) => void;

  constructor(session: Session, target: Target, deliver: (log: Logged[]) => void) {
    this.session = session;
    this.#target = target;
    this.#deliver = deliver;
  }

  evaluate<R, A = undefined>(fn: (arg: A) => R | Promise<R>, arg?: A): Promise<R> {
    return this.run(fn.toString(), arg) as Promise<R>;
  }

  async waitForFunction<A = undefined>(fn: (arg: A) => unknown, arg?: A, options: { timeout?: number } = {}): Promise<void> {
    const timeout = options.timeout ?? 30_000;
    const deadline = Date.now() + timeout;
    // Polls in the page for a slice at a time; a page that is still loading has nothing to ask yet.
    const poll = `(arg) => new Promise((resolve) => {
      const end = performance.now() + ${SLICE_MS};
      const check = () => {
        let value;
        try { value = (${fn.toString()})(arg); } catch {}
        if (value || performance.now() > end) resolve(!!value); else setTimeout(check, 10);
      };
      check();
    })`;
    for (;;) {
      const met = await this.run(poll, arg).catch(() => false);
      if (met) return;
      if (Date.now() > deadline) throw new Error(`waitForFunction: not true within ${timeout} ms: ${fn.toString()}`);
    }
  }

  async textContent(selector: string): Promise<string | null> {
    await this.waitForFunction((selector) => document.querySelector(selector) !== null, selector);
    return this.evaluate((selector) => document.querySelector(selector)?.textContent ?? null, selector);
  }

  async click(selector: string): Promise<void> {
    await this.waitForFunction((selector) => document.querySelector(selector) !== null, selector);
    await this.inTarget(async () => {
      const element = await this.session.call<Record<string, string>>('POST', '/element', { using: 'css selector', value: selector });
      await this.session.call('POST', `/element/${element[ELEMENT]}/click`);
    });
  }

  protected async inTarget<T>(body: () => Promise<T>): Promise<T> {
    return this.session.in(this.#target, body);
  }

  /** Calls the function whose source is `source` with `arg` in the page, and waits for it to settle. */
  protected async run(source: string, arg: unknown): Promise<unknown> {
    const id = ++calls;
    const start = `
      const encode = ${encode.toString()};
      const decode = ${decode.toString()};
      ${HOOK}
      const calls = (window.__tabcacheCalls ??= new Map());
      let result;
      try { result = Promise.resolve((${source})(decode(arguments[0]))); } catch (error) { result = Promise.reject(error); }
      calls.set(${id}, result.then(
        (value) => { try { return { value: encode(value) }; } catch (error) { return { error: { name: 'DataCloneError', message: String(error) } }; } },
        (error) => ({ error: { name: error?.name ?? 'Error', message: error?.message ?? String(error) } }),
      ));`;
    let answer = await this.#send(start, id, encode(arg));
    while ('pending' in answer) answer = await this.#send('', id, null);
    if ('gone' in answer) throw new Error('the page navigated or closed before the call settled');
    if ('error' in answer) throw Object.assign(new Error(answer.error.message), { name: answer.error.name });
    return decode(answer.value);
  }

  async #send(prelude: string, id: number, arg: unknown): Promise<Answer> {
    const script = `
      const done = arguments[arguments.length - 1];
      ${prelude}
      const log = () => (window.__tabcacheLog ?? []).splice(0);
      const call = window.__tabcacheCalls?.get(${id});
      if (!call) done({ gone: true, log: log() });
      else {
        // A slice that has ended leaves the settled call to the next one.
        let waiting = true;
        const timer = setTimeout(() => {
          waiting = false;
          done({ pending: true, log: log() });
        }, ${SLICE_MS});
        call.then((settled) => {
          if (!waiting) return;
          clearTimeout(timer);
          window.__tabcacheCalls.delete(${id});
          done({ ...settled, log: log() });
        });
      }`;
    const answer = await this.inTarget(() => this.session.call<Answer>('POST', '/execute/async', { script, args: [arg] }));
    this.#deliver(answer.log);
    return answer;
  }
}

class WebDriverPage extends WebDriverScope implements TestPage {
  readonly #window: string;
  readonly #console: ((message: ConsoleMessage) => void)[] = [];
  readonly #errors: ((error: Error) => void)[] = [];
  readonly #deliver: (log: Logged[]) => void;

  constructor(session: Session, window: string) {
    const deliver = (log: Logged[]) => {
      for (const entry of log) {
        if (entry.kind === 'pageerror') for (const listener of this.#errors) listener(new Error(entry.text));
        else for (const listener of this.#console) listener({ type: () => entry.type, text: () => entry.text });
      }
    };
    super(session, { window }, deliver);
    this.#window = window;
    this.#deliver = deliver;
  }

  async goto(url: string): Promise<void> {
    await this.inTarget(() => this.session.call('POST', '/url', { url }));
    await this.#hook();
  }

  async reload(): Promise<void> {
    await this.inTarget(() => this.session.call('POST', '/refresh'));
    await this.#hook();
  }

  async close(): Promise<void> {
    await this.inTarget(() => this.session.call('DELETE', '/window'));
  }

  on(event: 'console', listener: (message: ConsoleMessage) => void): void;
  on(event: 'pageerror', listener: (error: Error) => void): void;
  on(event: 'console' | 'pageerror', listener: ((message: ConsoleMessage) => void) | ((error: Error) => void)): void {
    if (event === 'console') this.#console.push(listener as (message: ConsoleMessage) => void);
    else this.#errors.push(listener as (error: Error) => void);
  }

  async frame(selector: string): Promise<Scope> {
    await this.waitForFunction((selector) => document.querySelector(selector) instanceof HTMLIFrameElement, selector);
    // A frame's messages are its page's, as in Playwright.
    return new WebDriverScope(this.session, { window: this.#window, frame: selector }, this.#deliver);
  }

  count(selector: string): Promise<number> {
    return this.evaluate((selector) => document.querySelectorAll(selector).length, selector);
  }

  async fill(selector: string, value: string): Promise<void> {
    await this.waitForFunction((selector) => document.querySelector(selector) !== null, selector);
    await this.inTarget(async () => {
      const element = await this.session.call<Record<string, string>>('POST', '/element', { using: 'css selector', value: selector });
      await this.session.call('POST', `/element/${element[ELEMENT]}/clear`);
      await this.session.call('POST', `/element/${element[ELEMENT]}/value`, { text: value });
    });
  }

  async screenshot(path: string): Promise<void> {
    const png = await this.inTarget(() => this.session.call<string>('GET', '/screenshot'));
    await writeFile(path, Buffer.from(png, 'base64'));
  }

  /** Starts recording the page's console messages and errors, which the answers to commands bring back. */
  async #hook(): Promise<void> {
    await this.inTarget(() => this.session.call('POST', '/execute/sync', { script: HOOK, args: [] }));
  }
}

/** Records console messages and uncaught errors in `window.__tabcacheLog`, once per document. */
const HOOK = `
  if (!window.__tabcacheLog) {
    const log = (window.__tabcacheLog = []);
    const types = { log: 'log', info: 'info', warn: 'warning', error: 'error', debug: 'debug' };
    for (const [method, type] of Object.entries(types)) {
      const original = console[method];
      console[method] = (...args) => {
        log.push({ kind: 'console', type, text: args.map(String).join(' ') });
        return original.apply(console, args);
      };
    }
    addEventListener('error', (event) => log.push({ kind: 'pageerror', text: event.message }));
    addEventListener('unhandledrejection', (event) => log.push({ kind: 'pageerror', text: String(event.reason?.message ?? event.reason) }));
  }`;

/**
 * `value` as JSON that keeps what JSON loses and the tests compare: undefined, NaN, infinities, -0 and Dates.
 * Runs in Node and, as its source, in the page: it refers to nothing outside itself.
 */
function encode(value: unknown): unknown {
  const walk = (value: unknown): unknown => {
    if (value === undefined) return { $: 'undefined' };
    if (typeof value === 'number') return Number.isFinite(value) && !Object.is(value, -0) ? value : { $: 'number', v: Object.is(value, -0) ? '-0' : String(value) };
    if (value instanceof Date) return { $: 'date', v: value.getTime() };
    if (Array.isArray(value)) return value.map(walk);
    if (typeof value === 'object' && value !== null) return { $: 'object', v: Object.fromEntries(Object.entries(value).map(([k, v]) => [k, walk(v)])) };
    return typeof value === 'function' || typeof value === 'symbol' ? { $: 'undefined' } : value;
  };
  return walk(value);
}

/** The inverse of `encode`; self-contained likewise. */
function decode(value: unknown): unknown {
  const walk = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(walk);
    if (typeof value !== 'object' || value === null) return value;
    const { $, v } = value as { $: string; v: unknown };
    if ($ === 'undefined') return undefined;
    if ($ === 'number') return v === '-0' ? -0 : Number(v);
    if ($ === 'date') return new Date(v as number);
    return Object.fromEntries(Object.entries(v as object).map(([k, v]) => [k, walk(v)]));
  };
  return walk(value);
}

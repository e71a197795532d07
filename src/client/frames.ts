// The handshake by which a page hands its frames a port to its cache's worker. Both sides check origins:
// the frame asks only parents of the origins it trusts, and the page answers only its own child frames of
// the origins it lists; anything else is ignored.
import { PREFIX } from '../errors.js';
import type { Connection } from './connection.js';
import type { Link } from './link.js';

const REQUEST = 'tabcache:connect';
const ANSWER = 'tabcache:port';

interface ConnectRequest {
  type: typeof REQUEST;
  name: string;
  id: string;
}

interface PortAnswer {
  type: typeof ANSWER;
  name: string;
  id: string;
}

export interface ShareOptions {
  /**
   * Origins besides the page's own whose frames may connect. A frame of any other origin gets nothing.
   * @default [] (same-origin frames only)
   */
  origins?: readonly string[];
}

/** Page side: answers connect requests from child frames with a new port to the worker. Returns a stop function. */
export function shareWithFrames(connection: Connection, options: ShareOptions = {}): () => void {
  const origins = new Set([location.origin, ...checkOrigins(options.origins, 'origins')]);
  const { name } = connection.config;
  const onMessage = (event: MessageEvent) => {
    const request = event.data as Partial<ConnectRequest> | null;
    if (request?.type !== REQUEST || request.name !== name || typeof request.id !== 'string') return;
    const frame = childFrame(event.source);
    if (!frame) return;
    if (!origins.has(event.origin)) {
      console.warn(`${PREFIX}a frame of ${event.origin} asked for cache '${name}'; that origin is not listed, so it gets nothing`);
      return;
    }
    const id = request.id;
    connection.endpoint().then(
      (port) => {
        const answer: PortAnswer = { type: ANSWER, name, id };
        frame.postMessage(answer, { targetOrigin: event.origin, transfer: [port] });
      },
      (error: Error) => console.warn(`${PREFIX}could not give a frame cache '${name}': ${error.message}`),
    );
  };
  window.addEventListener('message', onMessage);
  return () => window.removeEventListener('message', onMessage);
}

export interface FrameLinkOptions {
  name: string;
  /** Parent origins to trust besides the frame's own, already checked with `checkOrigins`. */
  parentOrigins: readonly string[];
  /** How long to wait for the page to answer. */
  timeout: number;
}

/** Frame side: asks the parent page for a port to its cache. Resolves undefined when no page answers in time. */
export function requestPort({ name, parentOrigins, timeout }: FrameLinkOptions): Promise<Link | undefined> {
  if (typeof window === 'undefined' || window.parent === window) return Promise.resolve(undefined);
  const trusted = new Set([location.origin, ...parentOrigins]);
  const id = typeof crypto !== 'undefined' && 'randomUUID' in crypto ? crypto.randomUUID() : String(Math.random());
  return new Promise((resolve) => {
    const finish = (link: Link | undefined) => {
      clearTimeout(timer);
      window.removeEventListener('message', onMessage);
      resolve(link);
    };
    const onMessage = (event: MessageEvent) => {
      const answer = event.data as Partial<PortAnswer> | null;
      if (event.source !== window.parent || !trusted.has(event.origin)) return;
      if (answer?.type !== ANSWER || answer.id !== id || answer.name !== name) return;
      const port = event.ports[0];
      if (port) finish(portLink(port, event.origin === location.origin));
    };
    const timer = setTimeout(() => finish(undefined), timeout);
    window.addEventListener('message', onMessage);
    const request: ConnectRequest = { type: REQUEST, name, id };
    // One message per trusted origin: the browser delivers it only if the parent is of that origin.
    for (const origin of trusted) window.parent.postMessage(request, origin);
  });
}

/**
 * A link over a port from the page. The worker's life can be watched only from its own origin, where its
 * Web Lock lives; a frame of another origin learns of a dead worker when the page hands out a new port.
 */
function portLink(port: MessagePort, sameOrigin: boolean): Link {
  let die!: (reason: string) => void;
  const gone = new Promise<string>((resolve) => (die = resolve));
  return {
    endpoint: port,
    via: { kind: 'page' },
    gone,
    watch(aliveLock) {
      if (sameOrigin && typeof navigator !== 'undefined' && navigator.locks) {
        void navigator.locks.request(aliveLock, () => die("the page's worker stopped"));
      }
    },
    close() {
      port.close();
      die('the link to the page was closed');
    },
  };
}

function childFrame(source: MessageEventSource | null): Window | undefined {
  for (let i = 0; i < window.frames.length; i++) {
    if (window.frames[i] === source) return source as Window;
  }
  return undefined;
}

export function checkOrigins(origins: readonly string[] | undefined, option: string): string[] {
  if (origins === undefined) return [];
  if (!Array.isArray(origins)) throw new TypeError(`${PREFIX}option '${option}' must be an array of origins`);
  return origins.map((origin) => {
    let parsed: URL | undefined;
    try {
      parsed = new URL(origin);
    } catch {
      parsed = undefined;
    }
    if (typeof origin !== 'string' || !parsed || parsed.origin !== origin) {
      throw new TypeError(`${PREFIX}option '${option}' holds ${JSON.stringify(origin)}, which is not an origin like 'https://example.com'`);
    }
    return origin;
  });
}

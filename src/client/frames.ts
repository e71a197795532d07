// The handshake by which a page hands its frames a port to its cache's worker. Both sides check origins:
// the frame asks only parents of the origins it trusts, and the page answers only its own child frames of
// the origins it lists; anything else is ignored.
import { PREFIX } from '../errors.js';
import type { Connection } from './connection.js';
import type { Link } from './link.js';

const REQUEST = 'tabcache:connect';
const ACK = 'tabcache:ack';
const ANSWER = 'tabcache:port';
const GONE = 'tabcache:gone';
/** How long a frame waits for the port once the page has said it is coming (its worker may be starting). */
const PORT_TIMEOUT = 30_000;

interface ConnectRequest {
  type: typeof REQUEST;
  name: string;
  id: string;
}

/**
 * The page's answers: at once an ACK (a port is coming), then the port, and later, with type GONE, word that
 * the port's worker has stopped.
 */
interface PortAnswer {
  type: typeof ACK | typeof ANSWER | typeof GONE;
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
    const origin = event.origin;
    frame.postMessage({ type: ACK, name, id } satisfies PortAnswer, origin);
    connection.endpoint().then(
      ({ port, ended }) => {
        const answer: PortAnswer = { type: ANSWER, name, id };
        frame.postMessage(answer, { targetOrigin: origin, transfer: [port] });
        // A frame of another origin cannot watch the worker's Web Lock, so the page tells it.
        void ended.then(() => frame.postMessage({ ...answer, type: GONE } satisfies PortAnswer, origin));
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
    let timer = setTimeout(() => finish(undefined), timeout);
    const finish = (link: Link | undefined) => {
      clearTimeout(timer);
      window.removeEventListener('message', onMessage);
      resolve(link);
    };
    const onMessage = (event: MessageEvent) => {
      const answer = event.data as Partial<PortAnswer> | null;
      if (event.source !== window.parent || !trusted.has(event.origin)) return;
      if (answer?.id !== id || answer.name !== name) return;
      if (answer.type === ACK) {
        clearTimeout(timer);
        timer = setTimeout(() => finish(undefined), PORT_TIMEOUT);
        return;
      }
      const port = event.ports[0];
      if (answer.type === ANSWER && port) finish(portLink(port, event.origin, id));
    };
    window.addEventListener('message', onMessage);
    const request: ConnectRequest = { type: REQUEST, name, id };
    // One message per trusted origin: the browser delivers it only if the parent is of that origin.
    for (const origin of trusted) window.parent.postMessage(request, origin);
  });
}

/**
 * A link over a port from the page. The link dies when the page says its worker is gone, or, for a frame of the
 * page's origin, when the worker's Web Lock is let go (which also covers a page that could not say so).
 */
function portLink(port: MessagePort, pageOrigin: string, id: string): Link {
  let die!: (reason: string) => void;
  const gone = new Promise<string>((resolve) => (die = resolve));
  const onMessage = (event: MessageEvent) => {
    const notice = event.data as Partial<PortAnswer> | null;
    if (event.source === window.parent && event.origin === pageOrigin && notice?.type === GONE && notice.id === id) {
      die("the page's worker stopped");
    }
  };
  window.addEventListener('message', onMessage);
  void gone.then(() => window.removeEventListener('message', onMessage));
  const sameOrigin = pageOrigin === location.origin;
  return {
    endpoint: port,
    via: { kind: 'page' },
    sharesMemory: sameOrigin,
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

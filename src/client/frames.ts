// The handshake by which a page hands its frames a port to its cache's worker. Both sides check origins:
// the frame asks only parents of the origins it trusts, and the page answers only its own child frames of
// the origins it lists; anything else is ignored.
import { PREFIX } from '../errors.js';
import type { PortOffer } from '../protocol.js';
import type { Connection } from './connection.js';
import { randomId, type Link } from './link.js';

const REQUEST = 'tabcache:connect';
const ACK = 'tabcache:ack';
const ANSWER = 'tabcache:port';
const GONE = 'tabcache:gone';
/** How long a frame waits for the port once the page has said it is coming (its worker may be starting). */
const PORT_TIMEOUT = 30_000;
/** How often a frame asks again until the page answers: the page may call `share()` after the frame asked. */
const ASK_AGAIN = 100;
/** Origins whose frames were refused, or sent what is not a batch: each is warned of once in a page's life. */
const warned = new Set<string>();

interface ConnectRequest {
  type: typeof REQUEST;
  name: string;
  id: string;
}

/**
 * The page's answers: at once an ACK (a port is coming), then the port with what the frame must know of the
 * worker (`offer`), and later, with type GONE, word that the port's worker has stopped.
 */
interface PortAnswer {
  type: typeof ACK | typeof ANSWER | typeof GONE;
  name: string;
  id: string;
  offer?: PortOffer;
}

export interface ShareOptions {
  /**
   * Origins besides the page's own whose frames may connect. A frame of any other origin gets nothing.
   * @default [] (same-origin frames only)
   */
  origins?: readonly string[];
}

/**
 * Page side: answers connect requests from child frames with a new port on which the worker serves this cache's
 * batches and nothing else. Returns a stop function.
 */
export function shareWithFrames(connection: Connection, options: ShareOptions = {}): () => void {
  const origins = new Set([location.origin, ...checkOrigins(options.origins, 'origins')]);
  const { name } = connection.config;
  /** Requests answered, by id: a frame asks again until its ACK arrives. */
  const answered = new Set<string>();
  const onMessage = (event: MessageEvent) => {
    const request = event.data as Partial<ConnectRequest> | null;
    if (request?.type !== REQUEST || request.name !== name || typeof request.id !== 'string') return;
    const frame = childFrame(event.source);
    if (!frame) return;
    const origin = event.origin;
    if (!origins.has(origin)) {
      warnOnce(origin, `a frame of ${origin} asked for cache '${name}'; that origin is not listed, so it gets nothing`);
      return;
    }
    const id = request.id;
    if (answered.has(id)) return;
    answered.add(id);
    frame.postMessage({ type: ACK, name, id } satisfies PortAnswer, origin);
    connection.endpoint(origin).then(
      ({ port, offer, ended }) => {
        // The Web Lock and the shared table are the page origin's: a frame of another origin can use neither.
        const given: PortOffer = origin === location.origin ? offer : { wire: offer.wire };
        const answer: PortAnswer = { type: ANSWER, name, id };
        frame.postMessage({ ...answer, offer: given }, { targetOrigin: origin, transfer: [port] });
        // A frame of another origin cannot watch the worker's Web Lock, so the page tells it.
        void ended.then(() => frame.postMessage({ ...answer, type: GONE } satisfies PortAnswer, origin));
      },
      (error: Error) => console.warn(`${PREFIX}could not give a frame cache '${name}': ${error.message}`),
    );
  };
  window.addEventListener('message', onMessage);
  return () => window.removeEventListener('message', onMessage);
}

function warnOnce(origin: string, message: string): void {
  if (warned.has(origin)) return;
  warned.add(origin);
  console.warn(`${PREFIX}${message} (said once per origin)`);
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
  const id = randomId();
  const request: ConnectRequest = { type: REQUEST, name, id };
  // One message per trusted origin: the browser delivers it only if the parent is of that origin.
  const ask = () => {
    for (const origin of trusted) window.parent.postMessage(request, origin);
  };
  return new Promise((resolve) => {
    let timer = setTimeout(() => finish(undefined), timeout);
    const asking = setInterval(ask, ASK_AGAIN);
    const finish = (link: Link | undefined) => {
      clearTimeout(timer);
      clearInterval(asking);
      window.removeEventListener('message', onMessage);
      resolve(link);
    };
    const onMessage = (event: MessageEvent) => {
      const answer = event.data as Partial<PortAnswer> | null;
      if (event.source !== window.parent || !trusted.has(event.origin)) return;
      if (answer?.id !== id || answer.name !== name) return;
      if (answer.type === ACK) {
        clearInterval(asking);
        clearTimeout(timer);
        timer = setTimeout(() => finish(undefined), PORT_TIMEOUT);
        return;
      }
      const port = event.ports[0];
      const offer = asOffer(answer.offer);
      if (answer.type === ANSWER && port && offer) finish(portLink(port, event.origin, id, offer));
    };
    window.addEventListener('message', onMessage);
    ask();
  });
}

/**
 * A link over a port from the page. The link dies when the page says its worker is gone, or, for a frame of the
 * page's origin, when the worker's Web Lock is let go (which also covers a page that could not say so).
 */
function portLink(port: MessagePort, pageOrigin: string, id: string, offer: PortOffer): Link {
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
  port.start();
  return {
    endpoint: port,
    via: { kind: 'page' },
    gone,
    // The page's worker opened the store before it made the port; the frame's own options are not used.
    open: () => Promise.resolve({ ...offer, aliveLock: sameOrigin ? offer.aliveLock : undefined }),
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

/** The offer in a page's answer, if it has the shape of one. */
function asOffer(offer: unknown): PortOffer | undefined {
  if (typeof offer !== 'object' || offer === null) return undefined;
  const { wire, aliveLock, shared } = offer as Partial<Record<keyof PortOffer, unknown>>;
  if (typeof wire !== 'number') return undefined;
  if (aliveLock !== undefined && typeof aliveLock !== 'string') return undefined;
  if (shared !== undefined && !(typeof SharedArrayBuffer !== 'undefined' && shared instanceof SharedArrayBuffer)) return undefined;
  return { wire, ...(aliveLock !== undefined && { aliveLock }), ...(shared !== undefined && { shared }) };
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

import { CacheClosedError, fromWire, PREFIX, toWire, valueError, VersionMismatchError, WorkerGoneError } from '../errors.js';
import type { BatchAnswer, BatchMessage, PortOffer, Reply, Request, StoreConfig } from '../protocol.js';
import { SharedTableView } from '../shared-memory/table-view.js';
import { checkWire } from '../wire.js';
import { flushOnHide } from './hide.js';
import { randomId, type Link, type LinkFactory, type LinkInfo } from './link.js';

interface Call {
  request: Request;
  resolve(value: unknown): void;
  reject(error: Error): void;
}

/** One worker's life as this client sees it, from link to death. */
interface Session {
  /** Set once the link is made (a frame's link waits for the page to answer). */
  link: Link | undefined;
  /** What the worker answered to `open`, to pass on to a frame with a port. */
  offer: PortOffer | undefined;
  /** Names this session's batches, among those of other clients of the same worker. */
  id: string;
  /** The batches sent and not yet answered, by number, and the next number. */
  answers: Map<number, (answer: BatchAnswer) => void>;
  nextBatch: number;
  /** Resolves once the worker has opened the store for this client. */
  opened: Promise<void>;
  /** Set once `opened` has resolved, so that later batches skip a promise hop. */
  ready: boolean;
  /** Calls sent and not yet answered; rejected together if the worker dies. */
  inFlight: Set<Call>;
  /** The worker's shared table, when this page is cross-origin isolated and the worker keeps one. */
  table: SharedTableView | undefined;
  /** Resolves when the session ends, for those who were handed a port to its worker. */
  ended: Promise<void>;
  markEnded: () => void;
}

/**
 * Sends requests to the worker: those issued in one task go as one message, in order, and each promise is
 * settled by the reply at its index. When the worker dies every call in flight is rejected, and the next call
 * makes a new link (a new worker, or a new port from the page).
 */
export class Connection {
  readonly #links: LinkFactory;
  readonly #config: StoreConfig;
  #session: Session | undefined;
  #queue: Call[] = [];
  #closed = false;
  /** Set once a worker spoke another wire version: every later link would too, so calls fail at once. */
  #mismatch: string | undefined;
  /** Writes sent and not yet answered: while there are any, the shared table may not show them yet. */
  #writes = 0;
  /** Stops the flush on page hide; set once the first call has started a worker. */
  #unhook: (() => void) | undefined;

  constructor(links: LinkFactory, config: StoreConfig) {
    this.#links = links;
    this.#config = config;
  }

  get config(): StoreConfig {
    return this.#config;
  }

  /** Whose worker serves this client now; undefined before the first call. */
  get via(): LinkInfo | undefined {
    return this.#session?.link?.via;
  }

  send(request: Request): Promise<unknown> {
    const refusal = this.#refusal();
    if (refusal) return Promise.reject(refusal);
    const sent = new Promise((resolve, reject) => {
      if (this.#queue.push({ request, resolve, reject }) === 1) queueMicrotask(() => this.#dispatch());
    });
    if (WRITES.has(request.op)) {
      this.#writes++;
      const done = () => void this.#writes--;
      sent.then(done, done);
    }
    return sent;
  }

  /**
   * The shared table to answer a read from, when there is one and it shows every write this client made:
   * the worker mirrors a write before answering it, so only writes still unanswered could be missing.
   */
  get table(): SharedTableView | undefined {
    return this.#writes === 0 && !this.#closed ? this.#session?.table : undefined;
  }

  /**
   * A new port on which the worker serves batches for a frame of `origin`, what the frame needs to know of the
   * worker, and when that worker is gone.
   */
  async endpoint(origin: string): Promise<{ port: MessagePort; offer: PortOffer; ended: Promise<void> }> {
    const refusal = this.#refusal();
    if (refusal) throw refusal;
    const session = this.#session ?? this.#start();
    // A session that ends meanwhile leaves comlink's calls pending for ever: stop waiting when it ends.
    const gone = session.ended.then(() => {
      throw new WorkerGoneError(`${PREFIX}cache '${this.#config.name}': the worker stopped before it could serve a frame`);
    });
    await Promise.race([session.opened, gone]);
    const { link, offer } = session;
    if (!link || !offer) return gone; // it ended as it opened
    if (!link.attach) throw new TypeError(`${PREFIX}cache '${this.#config.name}' is the parent page's: a frame cannot share it further`);
    const { port1, port2 } = new MessageChannel();
    await Promise.race([link.attach(port2, origin), gone]);
    return { port: port1, offer, ended: session.ended };
  }

  /** Drops the link without closing the cache: the next call makes a new one. For pages going away. */
  detach(): void {
    const session = this.#session;
    this.#session = undefined;
    if (session) this.#end(session, new WorkerGoneError(`${PREFIX}cache '${this.#config.name}': the page left before the answer came`));
  }

  /** Lets the calls already made finish, then ends the link. Later calls reject. */
  async close(): Promise<void> {
    if (this.#closed) return;
    const last = this.send({ op: 'flush' }).catch(() => {});
    this.#closed = true;
    this.#unhook?.();
    await last;
    const session = this.#session;
    this.#session = undefined;
    if (session) this.#end(session, new CacheClosedError(`${PREFIX}cache '${this.#config.name}' is closed`));
  }

  /** Why no call can be made now, if none can: the cache is closed, or its worker speaks another wire version. */
  #refusal(): Error | undefined {
    if (this.#closed) return new CacheClosedError(`${PREFIX}cache '${this.#config.name}' is closed`);
    if (this.#mismatch !== undefined) return new VersionMismatchError(this.#mismatch);
    return undefined;
  }

  #dispatch(): void {
    const calls = this.#queue;
    this.#queue = [];
    this.#post(this.#session ?? this.#start(), calls);
  }

  #post(session: Session, calls: Call[]): void {
    for (const call of calls) session.inFlight.add(call);
    const settle = (replies: Reply[]) => {
      calls.forEach((call, index) => {
        if (!session.inFlight.delete(call)) return;
        const reply = replies[index];
        if (reply?.ok) call.resolve(reply.value);
        else call.reject(reply ? fromWire(reply.error) : new Error(`${PREFIX}no reply to '${call.request.op}'`));
      });
    };
    const fail = (error: Error) => {
      for (const call of calls) if (session.inFlight.delete(call)) call.reject(error);
    };
    const send = () => {
      const link = session.link;
      if (!link) return; // the session has ended, rejecting the calls
      const batch = session.nextBatch++;
      session.answers.set(batch, (answer) => ('replies' in answer ? settle(answer.replies) : fail(fromWire(answer.error))));
      try {
        link.endpoint.postMessage({ client: session.id, batch, requests: calls.map((call) => call.request) } satisfies BatchMessage);
      } catch (error) {
        // Cloning threw (a value that cannot be cloned, a getter that throws, a value nested too deep), and
        // nothing of the batch was sent. Send each call alone, so that only the one at fault fails.
        session.answers.delete(batch);
        for (const call of calls) session.inFlight.delete(call);
        if (calls.length > 1) for (const call of calls) this.#post(session, [call]);
        else for (const call of calls) call.reject(cloneError(call.request, error));
      }
    };
    if (session.ready) send();
    else session.opened.then(send, () => {}); // a session that fails to open is ended, rejecting its calls
  }

  #start(): Session {
    this.#unhook ??= flushOnHide(() => void this.send({ op: 'flush' }).catch(() => {}));
    let markEnded!: () => void;
    const ended = new Promise<void>((resolve) => (markEnded = resolve));
    const session: Session = {
      link: undefined,
      offer: undefined,
      id: randomId(),
      answers: new Map(),
      nextBatch: 0,
      ready: false,
      inFlight: new Set(),
      table: undefined,
      opened: Promise.resolve(),
      ended,
      markEnded,
    };
    this.#session = session;
    session.opened = (async () => {
      const link = await this.#links();
      if (this.#session !== session) {
        // Detached or closed while the link was being made: its calls were rejected, and nothing may be sent.
        link.close();
        throw new WorkerGoneError(`${PREFIX}cache '${this.#config.name}': the link came after the cache let go of it`);
      }
      session.link = link;
      link.endpoint.addEventListener('message', (event) => {
        const answer = (event as MessageEvent<Partial<BatchAnswer> | null>).data;
        if (answer?.client !== session.id || typeof answer.batch !== 'number') return; // comlink's, or another client's
        const settle = session.answers.get(answer.batch);
        session.answers.delete(answer.batch);
        settle?.(answer as BatchAnswer);
      });
      void link.gone.then((reason) =>
        this.#end(session, new WorkerGoneError(`${PREFIX}cache '${this.#config.name}': ${reason} before answering`)),
      );
      const canShare = typeof crossOriginIsolated !== 'undefined' && crossOriginIsolated;
      const { wire, aliveLock, shared } = await link.open(this.#config, canShare);
      checkWire(wire, 'worker');
      session.offer = { wire, ...(aliveLock !== undefined && { aliveLock }), ...(shared && { shared }) };
      if (shared && this.#session === session) session.table = new SharedTableView(shared);
      session.ready = true;
      if (aliveLock !== undefined) link.watch(aliveLock);
    })();
    // A link that cannot be made, or a worker that cannot open the store (a bad option, an unknown policy), is
    // ended: the next call tries anew. A worker of another wire version is the exception: a new one would be too.
    session.opened.catch((wired: Error) => {
      const error = fromWire(wired);
      if (error instanceof VersionMismatchError) this.#mismatch = error.message;
      this.#end(session, error);
    });
    return session;
  }

  /** Ends a session: rejects what it still owes and lets go of its link. */
  #end(session: Session, error: Error): void {
    if (this.#session === session) this.#session = undefined;
    for (const call of session.inFlight) call.reject(error);
    session.inFlight.clear();
    session.table = undefined;
    session.answers.clear();
    session.link?.close();
    session.link = undefined;
    session.offer = undefined;
    session.markEnded();
  }
}

const WRITES: ReadonlySet<Request['op']> = new Set(['put', 'delete', 'clear', 'invalidateTags']);

/** The error of a call whose request could not be cloned, naming the key where it has one. */
function cloneError(request: Request, error: unknown): Error {
  if ('key' in request) return valueError(request.key, error);
  const { name, message } = toWire(error);
  return fromWire({ name, message: `${PREFIX}'${request.op}' cannot be sent: ${message}` });
}

import { releaseProxy, wrap, type Remote } from 'comlink';
import { CacheClosedError, fromWire, PREFIX, WorkerGoneError } from '../errors.js';
import type { Reply, Request, StoreConfig, WorkerApi } from '../protocol.js';
import type { Link, LinkFactory } from './link.js';

interface Call {
  request: Request;
  resolve(value: unknown): void;
  reject(error: Error): void;
}

/** One worker's life, from spawn to death. */
interface Session {
  link: Link;
  remote: Remote<WorkerApi>;
  opened: Promise<void>;
  /** Set once `opened` has resolved, so that later batches skip a promise hop. */
  ready: boolean;
  /** Calls sent and not yet answered; rejected together if the worker dies. */
  inFlight: Set<Call>;
}

/**
 * Sends requests to the worker: those issued in one task go as one message, in order, and each promise is
 * settled by the reply at its index. When the worker dies every call in flight is rejected, and the next call
 * starts a new worker.
 */
export class Connection {
  readonly #links: LinkFactory;
  readonly #config: StoreConfig;
  #session: Session | undefined;
  #queue: Call[] = [];
  #closed = false;

  constructor(links: LinkFactory, config: StoreConfig) {
    this.#links = links;
    this.#config = config;
  }

  send(request: Request): Promise<unknown> {
    if (this.#closed) return Promise.reject(new CacheClosedError(`${PREFIX}cache '${this.#config.name}' is closed`));
    return new Promise((resolve, reject) => {
      if (this.#queue.push({ request, resolve, reject }) === 1) queueMicrotask(() => this.#dispatch());
    });
  }

  /** Lets the calls already made finish, then ends the worker. Later calls reject. */
  async close(): Promise<void> {
    if (this.#closed) return;
    const last = this.send({ op: 'flush' }).catch(() => {});
    this.#closed = true;
    await last;
    const session = this.#session;
    this.#session = undefined;
    if (session) {
      session.remote[releaseProxy]();
      session.link.close();
    }
  }

  #dispatch(): void {
    const calls = this.#queue;
    this.#queue = [];
    let session: Session;
    try {
      session = this.#session ?? this.#start();
    } catch (error) {
      for (const call of calls) call.reject(error as Error);
      return;
    }
    this.#post(session, calls);
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
    const requests = calls.map((call) => call.request);
    const replies = session.ready ? session.remote.run(requests) : session.opened.then(() => session.remote.run(requests));
    replies.then(settle, (error: Error) => {
      if (error.name !== 'DataCloneError') return fail(fromWire(error));
      // Nothing of the batch was sent. Send each call alone, so that only the one that cannot be cloned fails.
      for (const call of calls) session.inFlight.delete(call);
      if (calls.length > 1) for (const call of calls) this.#post(session, [call]);
      else for (const call of calls) call.reject(cloneError(call.request, error));
    });
  }

  #start(): Session {
    const link = this.#links();
    const remote = wrap<WorkerApi>(link.endpoint);
    const aliveLock = `tabcache:alive:${randomId()}`;
    const session: Session = {
      link,
      remote,
      inFlight: new Set(),
      ready: false,
      opened: remote.open(this.#config, aliveLock).then(() => {
        session.ready = true;
        link.watch(aliveLock);
      }),
    };
    this.#session = session;
    const end = (error: Error) => {
      if (this.#session === session) this.#session = undefined;
      for (const call of session.inFlight) call.reject(error);
      session.inFlight.clear();
    };
    // A worker that cannot open the store (a bad option, an unknown policy) is ended: the next call tries anew.
    session.opened.catch((error: Error) => {
      end(fromWire(error));
      link.close();
    });
    void link.gone.then((reason) =>
      end(new WorkerGoneError(`${PREFIX}cache '${this.#config.name}': ${reason} before answering`)),
    );
    return session;
  }
}

function cloneError(request: Request, error: Error): DOMException {
  const what = 'key' in request ? `the value for key ${JSON.stringify(request.key)}` : `'${request.op}'`;
  return new DOMException(`${PREFIX}${what} cannot be stored: ${error.message}`, 'DataCloneError');
}

function randomId(): string {
  return typeof crypto !== 'undefined' && 'randomUUID' in crypto
    ? crypto.randomUUID()
    : `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
}

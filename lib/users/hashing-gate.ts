import { ThrottledError } from '../errors.js';

export interface HashingGateOptions {
  /** Hashes running at once. */
  concurrency: number;
  /** Hashes that may wait for a slot; one more is refused at once. */
  queue: number;
  /** The longest a hash waits for a slot (ms) before it is refused. */
  maxWaitMs: number;
}

interface Waiting {
  start(): void;
  timer: NodeJS.Timeout;
}

/**
 * The bound on password hashing. scrypt and PBKDF2 run on libuv's thread pool (4 threads
 * unless UV_THREADPOOL_SIZE): a login flood that starts a hash per request queues them all
 * there, every login (the legitimate ones too) waits behind the whole pile, and hashes of
 * requests already answered keep running long after the flood (measured: logins recovered
 * 27.8 s after a 15 s flood ended). So at most `concurrency` hashes run, at most `queue` wait,
 * and anything beyond is refused at once with ThrottledError (429, Retry-After); a waiting
 * hash whose request is gone (`signal` aborted) is dropped without ever starting.
 *
 * @example
 * ```ts
 * const gate = new HashingGate({ concurrency: 4, queue: 8, maxWaitMs: 1000 });
 * const ok = await gate.run(() => scryptCheck(password, stored), abortSignal);
 * ```
 */
export class HashingGate {
  readonly #options: HashingGateOptions;
  readonly #waiting: Waiting[] = [];
  #running = 0;

  constructor(options: HashingGateOptions) {
    this.#options = options;
  }

  /** Hashes running now. */
  get running(): number {
    return this.#running;
  }

  /** Hashes waiting for a slot. */
  get queued(): number {
    return this.#waiting.length;
  }

  /** Every slot busy and the queue full: a hash asked for now would be refused. */
  get full(): boolean {
    return this.#running >= this.#options.concurrency && this.#waiting.length >= this.#options.queue;
  }

  /** Runs `task` in a slot; refuses with ThrottledError when the queue is full or the wait too long, with `signal.reason` when the request is gone. */
  run<T>(task: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (this.#running < this.#options.concurrency) return this.#start(task);
    if (this.#waiting.length >= this.#options.queue) return Promise.reject(busy('Too many logins are being checked right now; try again in a moment.'));
    return new Promise<T>((resolve, reject) => {
      const settle = () => {
        clearTimeout(entry.timer);
        signal?.removeEventListener('abort', gone);
      };
      // A request that goes away while waiting frees its place in the queue at once.
      const gone = () => {
        settle();
        this.#remove(entry);
        reject(signal!.reason);
      };
      const entry: Waiting = {
        start: () => { settle(); this.#start(task).then(resolve, reject); },
        timer: setTimeout(() => {
          settle();
          this.#remove(entry);
          reject(busy('The login waited too long for its password check; try again in a moment.'));
        }, this.#options.maxWaitMs),
      };
      entry.timer.unref?.();
      signal?.addEventListener('abort', gone, { once: true });
      this.#waiting.push(entry);
    });
  }

  #start<T>(task: () => Promise<T>): Promise<T> {
    this.#running++;
    let pending: Promise<T>;
    try {
      pending = task();
    } catch (err) {
      pending = Promise.reject(err);
    }
    return pending.finally(() => {
      this.#running--;
      this.#next();
    });
  }

  /** Starts the next waiting hash (one whose request went away has already left the queue). */
  #next(): void {
    while (this.#running < this.#options.concurrency && this.#waiting.length > 0) this.#waiting.shift()!.start();
  }

  #remove(entry: Waiting): void {
    const at = this.#waiting.indexOf(entry);
    if (at >= 0) this.#waiting.splice(at, 1);
  }
}

const busy = (message: string) => new ThrottledError(message, { retryAfter: 1 });

import { expect } from 'chai';
import sinon from 'sinon';
import { ThrottledError } from '../../lib/errors.js';
import { answerOf } from '../../lib/middleware/error-answer.js';
import { HashingGate } from '../../lib/users/hashing-gate.js';

/** A hash the spec finishes by hand: no real work, no timing. */
function controllable() {
  const started: Array<() => void> = [];
  const task = () => new Promise<boolean>((resolve) => { started.push(() => resolve(true)); });
  return { task, started };
}

const flush = () => new Promise((resolve) => setImmediate(resolve));

describe('HashingGate: the bound on password hashing', () => {
  let clock: sinon.SinonFakeTimers | undefined;
  afterEach(() => clock?.restore());

  it('runs at most `concurrency` hashes at once and starts a waiting one when a slot frees', async () => {
    const gate = new HashingGate({ concurrency: 2, queue: 4, maxWaitMs: 60_000 });
    const { task, started } = controllable();
    const results = [gate.run(task), gate.run(task), gate.run(task)];
    expect(started).to.have.length(2);
    expect(gate.running).to.equal(2);
    expect(gate.queued).to.equal(1);
    started[0]!();
    await flush();
    expect(started).to.have.length(3);
    started[1]!();
    started[2]!();
    expect(await Promise.all(results)).to.deep.equal([true, true, true]);
    expect(gate.running).to.equal(0);
  });

  it('refuses a hash beyond the queue at once with 429 throttled and Retry-After, without starting it', async () => {
    const gate = new HashingGate({ concurrency: 1, queue: 1, maxWaitMs: 60_000 });
    const { task, started } = controllable();
    void gate.run(task);
    void gate.run(task);
    let refused: unknown;
    await gate.run(task).catch((err: unknown) => { refused = err; });
    expect(refused).to.be.instanceOf(ThrottledError);
    expect((refused as ThrottledError).status).to.equal(429);
    expect((refused as ThrottledError).code).to.equal('throttled');
    expect((refused as ThrottledError).retryAfter).to.equal(1);
    expect(answerOf(refused as ThrottledError, 'Bearer').headers).to.deep.equal({ 'Retry-After': '1' });
    expect(started).to.have.length(1);
  });

  it('never starts a waiting hash whose request is gone, and frees its place in the queue at once', async () => {
    const gate = new HashingGate({ concurrency: 1, queue: 1, maxWaitMs: 60_000 });
    const { task, started } = controllable();
    void gate.run(task);
    const request = new AbortController();
    const waiting = gate.run(task, request.signal);
    request.abort(new Error('client gone'));
    let reason: unknown;
    await waiting.catch((err: unknown) => { reason = err; });
    expect((reason as Error).message).to.equal('client gone');
    expect(gate.queued).to.equal(0);
    started[0]!();
    await flush();
    expect(started, 'the abandoned hash never ran').to.have.length(1);
  });

  it('never starts a hash for a request already gone when it arrives', async () => {
    const gate = new HashingGate({ concurrency: 4, queue: 4, maxWaitMs: 60_000 });
    const { task, started } = controllable();
    const request = new AbortController();
    request.abort(new Error('answered'));
    let reason: unknown;
    await gate.run(task, request.signal).catch((err: unknown) => { reason = err; });
    expect((reason as Error).message).to.equal('answered');
    expect(started).to.have.length(0);
  });

  it('refuses a hash that waited longer than maxWait (429), and it never starts', async () => {
    clock = sinon.useFakeTimers();
    const gate = new HashingGate({ concurrency: 1, queue: 4, maxWaitMs: 1000 });
    const { task, started } = controllable();
    void gate.run(task);
    const waiting = gate.run(task);
    let refused: unknown;
    waiting.catch((err: unknown) => { refused = err; });
    await clock.tickAsync(999);
    expect(refused).to.equal(undefined);
    await clock.tickAsync(1);
    expect(refused).to.be.instanceOf(ThrottledError);
    expect(gate.queued).to.equal(0);
    started[0]!();
    await clock.tickAsync(0);
    expect(started).to.have.length(1);
  });

  it('frees the slot of a hash that fails', async () => {
    const gate = new HashingGate({ concurrency: 1, queue: 1, maxWaitMs: 60_000 });
    let error: unknown;
    await gate.run(() => Promise.reject(new Error('boom'))).catch((err: unknown) => { error = err; });
    expect((error as Error).message).to.equal('boom');
    expect(await gate.run(async () => 'next')).to.equal('next');
  });
});

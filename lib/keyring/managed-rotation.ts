import { generateKeyPairSync, type KeyPairKeyObjectResult } from 'node:crypto';
import { createClock, createSteadyClock } from '../clock.js';
import type { ResolvedConfig } from '../config/types.js';
import type { KoaJwtError } from '../errors.js';
import { type Algorithm, algorithmInfo, isAlgorithm } from './algorithms.js';
import { isEnvelope, openKey, sealKey } from './envelope.js';
import { detachedKeyPair } from './key-pair.js';
import type { JwkObject } from './material.js';
import { planRotation, type RotationPlan, slotKid, slotOf } from './rotation-plan.js';
import type { StoredSigningKey } from '../stores/store.js';
import { storeUnavailable, withStoreTimeout } from '../stores/timeout.js';

/** Managed rotation as koaJwt runs it: the store is the truth, each instance follows it. */
export interface Rotation {
  /** Resolves once the first sync with the store is done (the keyring can sign). */
  ready(): Promise<void>;
  /** Reads the store, creates what is due, and brings the keyring in line. */
  sync(): Promise<void>;
  /** Stops the timer. */
  close(): void;
}

/**
 * How long a failed read of the keys is answered again without asking the store (ms), and how
 * long a successful one answers "no such key" for an unknown kid: a flood of tokens with
 * made-up kids, or of requests while the store is down, costs at most one store read a second.
 */
const REREAD_AFTER_MS = 1000;

const unavailable = (err: unknown): KoaJwtError => storeUnavailable(err, 'The signing keys could not be read from the store.');

export interface RotationOptions {
  /** Called with a sync failure that was not anyone's request (a timer's), and with a stored key that cannot be read (`kid`). Default: ignored. */
  onError?: (err: unknown, detail?: { kid: string }) => void;
}

/** A fresh key pair for `alg`. */
export function generateKeyPair(alg: Algorithm): KeyPairKeyObjectResult {
  const info = algorithmInfo(alg);
  switch (info.family) {
    // A plain RSA key for PS* too: an RSA-PSS-only key cannot be published as a JWK.
    case 'rsa': return detachedKeyPair(generateKeyPairSync('rsa', { modulusLength: 2048 }));
    case 'ec': return detachedKeyPair(generateKeyPairSync('ec', { namedCurve: info.curve! }));
    case 'okp': return detachedKeyPair(generateKeyPairSync('ed25519'));
    default: throw new Error(`koa-jwt-kit: managed rotation cannot generate ${alg} keys`);
  }
}

/**
 * Starts managed rotation (`keys.rotation`) for one koaJwt instance. Every instance reads
 * `store.signingKeys` every `checkEvery`, at each instant the timeline changes (a key
 * activates or is due to go), and before signing once such an instant has passed; so
 * instances sharing one store agree on the signing key, and the first to reach a rotation
 * creates the new key (the slot-derived kid makes a second insert a no-op).
 *
 * The first sync starts at once; signing waits for it (the keyring's sign gate), and
 * `ready()` lets a service wait for it before it listens.
 *
 * @example
 * ```ts
 * const rotation = startRotation(resolvedConfig);
 * await rotation.ready();
 * ```
 */
export function startRotation(config: Pick<ResolvedConfig, 'keys' | 'keyring' | 'store' | 'storeTimeout'>, options: RotationOptions = {}): Rotation {
  const settings = config.keys.rotation;
  if (!settings) throw new Error('koa-jwt-kit: keys.rotation is not configured');
  const { keyring, store } = config;
  const keys = store.signingKeys;
  const timings = { every: settings.every * 1000, publishAhead: settings.publishAhead * 1000, retireAfter: settings.retireAfter * 1000 };
  const checkEvery = settings.checkEvery * 1000;
  const alg = settings.algorithm;
  const managed = new Set<string>();
  let dueAt = 0;
  // The planned end of the current signer (ms): the next activation on the timeline. Past it,
  // an instance that cannot read the store stops signing rather than use a key the others
  // have retired (and will remove while this instance's tokens still live).
  let signUntil = 0;
  const clock = createClock();
  // The timeline is judged on a time that a passing step of the wall clock does not move (a
  // step lasting less than checkEvery changes no key); removals also wait for the wall clock
  // and the monotonic clock to agree, so no step removes a key early (docs/reliability.md).
  const steady = createSteadyClock(checkEvery);
  let lastRead: { at: number; error?: KoaJwtError } | undefined;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let closed = false;

  const call = <T>(operation: 'list' | 'insert' | 'update' | 'remove', fn: () => Promise<T>) => withStoreTimeout(config.storeTimeout, fn, { part: 'signingKeys', operation });

  function toStored(kid: string, activatesAt: Date, now: Date): StoredSigningKey {
    const jwk = generateKeyPair(alg).privateKey.export({ format: 'jwk' }) as Record<string, unknown>;
    const privateJwk = settings!.encryptionKey ? sealKey(jwk, kid, settings!.encryptionKey) : { ...jwk, kid, alg };
    return { kid, alg, state: activatesAt.getTime() <= now.getTime() ? 'active' : 'next', privateJwk, createdAt: now, activatesAt };
  }

  function privateJwkOf(stored: StoredSigningKey): JwkObject {
    if (isEnvelope(stored.privateJwk)) {
      if (!settings!.encryptionKey) throw new Error(`koa-jwt-kit: the stored key ${stored.kid} is encrypted, but keys.rotation.encryptionKey is not set`);
      return openKey(stored.privateJwk, stored.kid, settings!.encryptionKey) as JwkObject;
    }
    if (typeof stored.privateJwk === 'string') throw new Error(`koa-jwt-kit: the stored key ${stored.kid} is not a JWK`);
    return stored.privateJwk as JwkObject;
  }

  const activation = (k: StoredSigningKey) => k.activatesAt ?? k.createdAt;

  /**
   * Brings the keyring in line with the plan, oldest key first so the newest active one ends up
   * signing. A key of another algorithm never signs here: only its arrival, retirement and
   * removal are followed (its `next` and `active` verify alike).
   */
  function apply(plan: RotationPlan, stored: Map<string, StoredSigningKey>): void {
    const planned = new Set(plan.keys.map((k) => k.kid));
    for (const kid of managed) {
      if (!planned.has(kid) && keyring.get(kid)) keyring.remove(kid);
      if (!planned.has(kid)) managed.delete(kid);
    }
    for (const { kid, state, notAfter } of plan.keys) {
      const record = stored.get(kid)!;
      if (!isAlgorithm(record.alg) || !keyring.algorithms.includes(record.alg)) continue;
      const present = keyring.get(kid);
      if (!present) {
        try {
          keyring.add({ kid, alg: record.alg, privateKey: privateJwkOf(record) }, { state, createdAt: record.createdAt, ...(notAfter ? { notAfter } : {}) });
        } catch (err) {
          options.onError?.(err, { kid }); // one unreadable record must not stop the rest
          continue;
        }
        managed.add(kid);
        continue;
      }
      if (state === 'active' && record.alg === alg && (present.state !== 'active' || keyring.signingKey()?.kid !== kid)) keyring.promote(kid);
      else if (state === 'retired' && (present.state !== 'retired' || present.notAfter?.getTime() !== notAfter?.getTime())) keyring.retire(kid, notAfter);
    }
  }

  async function syncOnce(): Promise<void> {
    const now = new Date(steady.now());
    const removeBy = Math.min(now.getTime(), clock.earliestNow());
    let list = await call('list', () => keys.list());
    const timeline = (l: StoredSigningKey[]) => l.map((k) => ({ kid: k.kid, activatesAt: activation(k), alg: k.alg }));
    let plan = planRotation(now.getTime(), timeline(list), timings, alg, removeBy);
    if (plan.create.length > 0) {
      for (const { kid, activatesAt } of plan.create) await call('insert', () => keys.insert(toStored(kid, activatesAt, now)));
      // Read back: another instance may have won the insert, and its key is the one to use.
      list = await call('list', () => keys.list());
      plan = planRotation(now.getTime(), timeline(list), timings, alg, removeBy);
    }
    const byKid = new Map(list.map((k) => [k.kid, k]));
    for (const kid of plan.remove) await call('remove', () => keys.remove(kid));
    for (const { kid, state, notAfter } of plan.keys) {
      const record = byKid.get(kid)!;
      // The stored state is for people and tools reading the store; instances go by the times.
      if (record.state !== state || (notAfter && record.notAfter?.getTime() !== notAfter.getTime())) {
        await call('update', () => keys.update(kid, { state, ...(notAfter ? { notAfter } : {}), ...(state === 'retired' && !record.retiredAt ? { retiredAt: now } : {}) }));
      }
    }
    apply(plan, byKid);
    dueAt = Math.min(plan.nextChange ?? Infinity, now.getTime() + checkEvery);
    const t = now.getTime();
    signUntil = Math.min((slotOf(t, timings.every) + 1) * timings.every, ...list.filter((k) => k.alg === alg).map((k) => activation(k).getTime()).filter((at) => at > t));
  }

  /**
   * A kid that may belong to a key another instance created: a slot kid of an algorithm this
   * keyring verifies (instances of another rotation algorithm share the store during a rolling
   * change), for a slot whose key can still be in the store. Anything else is refused without
   * a store read.
   */
  function mayBeStoredKid(kid: string): boolean {
    const kidAlg = keyring.algorithms.find((a) => kid.startsWith(`${a}-`));
    if (!kidAlg) return false;
    const start = Date.parse(kid.slice(kidAlg.length + 1));
    if (!Number.isFinite(start) || slotKid(kidAlg, slotOf(start, timings.every), timings.every) !== kid) return false;
    // Either clock: this bounds store reads, and a kid may be made on either's timeline.
    return [Date.now(), steady.now()].some((now) => start <= now + timings.every && start >= now - 2 * timings.every - timings.retireAfter);
  }

  const readRecently = () => lastRead !== undefined && clock.monotonic() - lastRead.at < REREAD_AFTER_MS;

  /** sync(), unless it failed less than REREAD_AFTER_MS ago (then that failure, without asking the store). */
  function syncUnlessFailing(): Promise<void> {
    return readRecently() && lastRead!.error ? Promise.reject(lastRead!.error) : sync();
  }

  /** For an unknown kid: sync(), unless the keys were read (or failed to be) less than REREAD_AFTER_MS ago. */
  function reread(): Promise<void> {
    return readRecently() && !lastRead!.error ? Promise.resolve() : syncUnlessFailing();
  }

  function schedule(): void {
    if (closed) return;
    clearTimeout(timer);
    const delay = Math.max(0, Math.min(dueAt - steady.now(), 2 ** 31 - 1));
    timer = setTimeout(() => { sync().catch((err) => options.onError?.(err)); }, delay);
    timer.unref();
  }

  function sync(): Promise<void> {
    if (closed) return Promise.resolve();
    running ??= syncOnce()
      .then(() => { lastRead = { at: clock.monotonic() }; })
      .catch((err) => {
        dueAt = steady.now() + Math.min(checkEvery, 5000); // try again soon, not in a tight loop
        lastRead = { at: clock.monotonic(), error: unavailable(err) };
        throw err;
      })
      .finally(() => { running = undefined; schedule(); });
    return running;
  }

  const first = sync();
  first.catch(() => undefined); // observed through ready() and the sign gate

  // Signing waits for the first sync, and syncs first when an instant of the timeline has
  // passed. A sync that fails while the signer is within its planned time does not stop
  // signing: that key is valid (published, not yet due to go), and the next sync will catch
  // up. Past that time it does: the other instances sign with its successor by now.
  keyring.setSignGate(() => {
    if (closed) return undefined;
    const now = steady.now();
    if (now < dueAt && now < signUntil && keyring.signingKey()) return undefined;
    return syncUnlessFailing().catch((err) => {
      if (keyring.signingKey() && steady.now() < signUntil) return;
      throw unavailable(err);
    });
  });

  // A token of a key this instance has not loaded may come from another instance that read
  // the store while this one could not: read the keys again before refusing it, and answer
  // 503 (not 401) when they cannot be read.
  keyring.setKeyLoader((kid) => {
    if (closed || !mayBeStoredKid(kid)) return undefined;
    return reread().catch((err) => { throw unavailable(err); });
  });

  return {
    ready: () => first.catch(() => sync()),
    sync,
    close() {
      closed = true;
      clearTimeout(timer);
      keyring.setSignGate(undefined);
      keyring.setKeyLoader(undefined);
    },
  };
}

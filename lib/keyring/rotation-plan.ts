import type { KeyState } from './key.js';

// The timeline of managed rotation as pure functions of (now, the keys in the store): every
// instance that reads the same store at the same time reaches the same answer, with no leader.
//
// Time is cut into slots of `every`, aligned to the Unix epoch, so that every instance agrees on
// which slot it is without talking to the others. Each slot has one key, whose kid is derived
// from the slot start: two instances creating "the key of this slot" at once insert the same
// kid, and the store keeps the first (insert returns false for the second).
//
//   slot n key:  created at T(n) − publishAhead    (published: `next`)
//                activates at T(n)                 (signs: `active`; the slot n−1 key is `retired`)
//                removed at T(n+1) + retireAfter   (every token it signed has expired by then)

/** Timings in milliseconds. */
export interface RotationTimings {
  every: number;
  publishAhead: number;
  retireAfter: number;
}

/** What the timeline needs of a stored key. */
export interface TimelineKey {
  kid: string;
  activatesAt: Date;
  /** The key's algorithm; a key of another algorithm takes part in the states, not in the slots. */
  alg?: string;
}

export interface KeyPlan {
  kid: string;
  state: KeyState;
  /** Set for a retired key: when it is removed. */
  notAfter?: Date;
}

export interface RotationPlan {
  /** Keys to create: [kid, activatesAt]. */
  create: { slot: number; kid: string; activatesAt: Date }[];
  /** Every stored key that stays, oldest first, with the state it has now. */
  keys: KeyPlan[];
  /** Stored keys whose time is over. */
  remove: string[];
  /** The next instant (ms) at which this plan changes, if any. */
  nextChange?: number;
}

/** The slot that contains `t` (ms). */
export const slotOf = (t: number, every: number): number => Math.floor(t / every);

/**
 * The kid of a slot's key: the algorithm and the slot start, e.g. `ES256-2026-11-20T00:00:00Z`.
 *
 * @example
 * ```ts
 * slotKid('ES256', 0, 86_400_000) // 'ES256-1970-01-01T00:00:00Z'
 * ```
 */
export function slotKid(alg: string, slot: number, every: number): string {
  return `${alg}-${new Date(slot * every).toISOString().replace(/\.\d{3}Z$/, 'Z')}`;
}

/**
 * What should be true at `now`: which keys to create, the state of each stored key, which to
 * remove. States are per algorithm, so that instances configured with different algorithms
 * (a rolling change of `keys.rotation.algorithm`) each keep a signer: a key is `next` until its
 * activation; the newest activated key of an algorithm is `active`; an older one is `retired`
 * from the activation of its successor of the same algorithm and goes `retireAfter` later. A key
 * whose algorithm no instance rotates any more (no successor of its algorithm, while a key of
 * another algorithm activated after its slot ended) is retired from that activation.
 *
 * `removeBy` (default `now`) is the time by which a key may be removed: a key past its
 * `notAfter` by `now` but not by `removeBy` stays, retired (removal waits for every clock).
 *
 * @example
 * ```ts
 * const plan = planRotation(Date.now(), stored, { every: 30 * DAY, publishAhead: DAY, retireAfter: 8 * DAY }, 'ES256');
 * ```
 */
export function planRotation(now: number, stored: readonly TimelineKey[], timings: RotationTimings, alg: string, removeBy = now): RotationPlan {
  const { every, publishAhead, retireAfter } = timings;
  const sorted = [...stored].sort((a, b) => a.activatesAt.getTime() - b.activatesAt.getTime());
  const kids = new Set(sorted.map((k) => k.kid));
  const slot = slotOf(now, every);
  const algOf = (k: TimelineKey) => k.alg ?? alg;
  const at = (k: TimelineKey) => k.activatesAt.getTime();

  const keys: KeyPlan[] = [];
  const remove: string[] = [];
  const changes: number[] = [];
  sorted.forEach((key, i) => {
    if (at(key) > now) {
      keys.push({ kid: key.kid, state: 'next' });
      changes.push(at(key));
      return;
    }
    const later = sorted.slice(i + 1);
    const sameAlg = later.filter((k) => algOf(k) === algOf(key));
    const slotEnd = (slotOf(at(key), every) + 1) * every;
    const successor = sameAlg.length > 0
      ? sameAlg.find((k) => at(k) <= now)
      : later.find((k) => algOf(k) !== algOf(key) && at(k) >= slotEnd && at(k) <= now);
    if (!successor) {
      keys.push({ kid: key.kid, state: 'active' });
      return;
    }
    const notAfter = at(successor) + retireAfter;
    if (notAfter <= now && notAfter <= removeBy) remove.push(key.kid);
    else {
      keys.push({ kid: key.kid, state: 'retired', notAfter: new Date(notAfter) });
      changes.push(notAfter);
    }
  });

  const create: RotationPlan['create'] = [];
  // Only keys of the rotation's algorithm fill its slots: after a change of keys.rotation.algorithm
  // the old keys verify and retire on their own timeline, and a key of the new one is made at once.
  const ours = sorted.filter((k) => algOf(k) === alg);
  const signing = keys.some((k) => k.state === 'active' && algOf(sorted.find((s) => s.kid === k.kid)!) === alg);

  // This slot's key: normally created publishAhead before the slot began. When it is missing
  // (first start, or every instance was down at that time) it signs at once if nothing else
  // can, else it is published first and signs publishAhead from now.
  const current = slotKid(alg, slot, every);
  if (!kids.has(current) && !ours.some((k) => at(k) >= slot * every)) {
    const activatesAt = signing ? Math.max(slot * every, now + publishAhead) : now;
    create.push({ slot, kid: current, activatesAt: new Date(activatesAt) });
  }
  // The next slot's key, publishAhead before it is due.
  const nextStart = (slot + 1) * every;
  const upcoming = slotKid(alg, slot + 1, every);
  if (now >= nextStart - publishAhead && !kids.has(upcoming) && !ours.some((k) => at(k) >= nextStart)) {
    create.push({ slot: slot + 1, kid: upcoming, activatesAt: new Date(nextStart) });
  }
  if (!kids.has(upcoming)) changes.push(Math.max(now, nextStart - publishAhead));
  const future = changes.filter((t) => t > now);
  return { create, keys, remove, ...(future.length > 0 ? { nextChange: Math.min(...future) } : {}) };
}

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
 * remove. A key is `next` until its activation, the newest activated key is `active`, older
 * ones are `retired` from the activation of their successor and go `retireAfter` later.
 *
 * @example
 * ```ts
 * const plan = planRotation(Date.now(), stored, { every: 30 * DAY, publishAhead: DAY, retireAfter: 8 * DAY }, 'ES256');
 * ```
 */
export function planRotation(now: number, stored: readonly TimelineKey[], timings: RotationTimings, alg: string): RotationPlan {
  const { every, publishAhead, retireAfter } = timings;
  const sorted = [...stored].sort((a, b) => a.activatesAt.getTime() - b.activatesAt.getTime());
  const kids = new Set(sorted.map((k) => k.kid));
  const slot = slotOf(now, every);
  const create: RotationPlan['create'] = [];
  // Only keys of the rotation's algorithm fill its slots: after a change of keys.rotation.algorithm
  // the old keys verify and retire on the usual timeline, and a key of the new one is made at once.
  const ours = sorted.filter((k) => k.alg === undefined || k.alg === alg);
  const activated = ours.filter((k) => k.activatesAt.getTime() <= now);

  // This slot's key: normally created publishAhead before the slot began. When it is missing
  // (first start, or every instance was down at that time) it signs at once if nothing else
  // can, else it is published first and signs publishAhead from now.
  const current = slotKid(alg, slot, every);
  if (!kids.has(current) && !ours.some((k) => k.activatesAt.getTime() >= slot * every)) {
    const activatesAt = activated.length === 0 ? now : Math.max(slot * every, now + publishAhead);
    create.push({ slot, kid: current, activatesAt: new Date(activatesAt) });
  }
  // The next slot's key, publishAhead before it is due.
  const nextStart = (slot + 1) * every;
  const upcoming = slotKid(alg, slot + 1, every);
  if (now >= nextStart - publishAhead && !kids.has(upcoming) && !ours.some((k) => k.activatesAt.getTime() >= nextStart)) {
    create.push({ slot: slot + 1, kid: upcoming, activatesAt: new Date(nextStart) });
  }

  const keys: KeyPlan[] = [];
  const remove: string[] = [];
  const changes: number[] = [];
  sorted.forEach((key, i) => {
    const at = key.activatesAt.getTime();
    const successor = sorted.slice(i + 1).find((k) => k.activatesAt.getTime() <= now);
    if (at > now) {
      keys.push({ kid: key.kid, state: 'next' });
      changes.push(at);
    } else if (!successor) {
      keys.push({ kid: key.kid, state: 'active' });
    } else {
      const notAfter = successor.activatesAt.getTime() + retireAfter;
      if (notAfter <= now) remove.push(key.kid);
      else {
        keys.push({ kid: key.kid, state: 'retired', notAfter: new Date(notAfter) });
        changes.push(notAfter);
      }
    }
  });
  if (!kids.has(upcoming)) changes.push(Math.max(now, nextStart - publishAhead));
  const future = changes.filter((t) => t > now);
  return { create, keys, remove, ...(future.length > 0 ? { nextChange: Math.min(...future) } : {}) };
}

import type { KeySpec, KeyState } from './key.js';
import type { KeyInfo, Keyring, KeyringChange } from './keyring.js';

/**
 * `auth.keyring`: the run-time key operations an application needs (list, add, promote,
 * retire, remove, onChange) and nothing else. It never hands out key material (`list()` says
 * what a key is, never what it holds) nor the hooks managed rotation installs.
 */
export interface KeyringAdmin {
  /** Every key, with its state: never its material. */
  list(): KeyInfo[];
  /** Adds a key (`next` by default: published and verifying, not signing). */
  add(spec: KeySpec, options?: { state?: KeyState; notAfter?: Date }): KeyInfo;
  /** Makes `kid` the signing key; the previous signer becomes `retired`. */
  promote(kid: string): void;
  /** Stops `kid` from signing; it still verifies and stays published. */
  retire(kid: string, notAfter?: Date): void;
  /** Removes `kid`: tokens it signed stop verifying at once. */
  remove(kid: string): void;
  /** Calls `listener` after every change; returns the function that stops it. */
  onChange(listener: (change: KeyringChange) => void): () => void;
}

export function keyringAdmin(keyring: Keyring): KeyringAdmin {
  return Object.freeze({
    list: () => keyring.list(),
    // Only a spec: a Key object (with its KeyObjects) is built by the library itself.
    add: (spec: KeySpec, options: { state?: KeyState; notAfter?: Date } = {}) => keyring.add(spec, {
      ...(options.state !== undefined ? { state: options.state } : {}), ...(options.notAfter !== undefined ? { notAfter: options.notAfter } : {}),
    }),
    promote: (kid: string) => keyring.promote(kid),
    retire: (kid: string, notAfter?: Date) => keyring.retire(kid, notAfter),
    remove: (kid: string) => keyring.remove(kid),
    onChange: (listener: (change: KeyringChange) => void) => keyring.onChange(listener),
  });
}

import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Algorithm } from '../../lib/keyring/algorithms.js';
import { createKey, defaultAlgorithmFor, type Key } from '../../lib/keyring/key.js';
import { Keyring } from '../../lib/keyring/keyring.js';
import { importPublicKey, importSecret, type JwkObject } from '../../lib/keyring/material.js';
import { parseCompact, verifySignature } from '../../lib/tokens/jws.js';

// The vectors are vendored in fixtures/wycheproof (Apache-2.0, see its LICENSE and SOURCE), so a
// plain clone runs every case.
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const VECTORS_DIR = path.resolve(repoRoot, 'fixtures', 'wycheproof');

export interface WycheproofTest {
  tcId: number;
  comment: string;
  jws: string;
  result: 'valid' | 'invalid' | 'acceptable';
  flags?: string[];
}

export interface WycheproofGroup {
  comment: string;
  private?: JwkObject | { keys: JwkObject[] };
  public?: JwkObject | { keys: JwkObject[] };
  tests: WycheproofTest[];
}

/** A Wycheproof file of fixtures/wycheproof. */
export function loadWycheproof(file: string): { testGroups: WycheproofGroup[]; numberOfTests: number } {
  return JSON.parse(readFileSync(path.join(VECTORS_DIR, file), 'utf8'));
}

/** The JWKs of a group: its public keys when it has them (a verifier holds only those), else its private ones. */
export function groupKeys(group: WycheproofGroup): JwkObject[] {
  const set = group.public ?? group.private;
  if (!set) return [];
  return 'keys' in set ? (set.keys as JwkObject[]) : [set as JwkObject];
}

/**
 * Imports JWKs as the config does: an `oct` JWK becomes a secret, any other a public key, the
 * kid is the JWK's, the alg is the JWK's (else the key type's default) and pins the key.
 * Throws ConfigError for every key the start-up rules refuse.
 */
export function importKeyset(jwks: readonly JwkObject[]): Keyring {
  const keys: Key[] = jwks.map((jwk, i) => {
    const path = `keys[${i}]`;
    const alg = (jwk.alg ?? defaultAlgorithmFor(jwk.kty === 'oct' ? importSecret(jwk, path) : importPublicKey(jwk, path))) as Algorithm;
    const material = jwk.kty === 'oct' ? { secret: jwk } : { publicKey: jwk };
    // The vectors' secrets are fixed by Wycheproof (some are one byte repeated): they test the
    // signature layer, not the weak-secret rule of the config (spec/security/weak-secret.spec.ts).
    return createKey({ alg, ...(jwk.kid !== undefined ? { kid: jwk.kid } : {}), ...material }, { state: 'active', verifies: [alg], path, allowWeakSecret: true });
  });
  return new Keyring(keys, { algorithms: [...new Set(keys.map((k) => k.alg))] });
}

export type Outcome = 'verified' | 'refused' | 'refused at import';

/** Imports the keyset, then runs the keyring's signature check on `jws`: key by kid/alg, then verifySignature. */
export function checkJws(jwks: readonly JwkObject[], jws: string): { outcome: Outcome; reason?: string } {
  let keyring: Keyring;
  try {
    keyring = importKeyset(jwks);
  } catch (err) {
    return { outcome: 'refused at import', reason: (err as Error).message };
  }
  try {
    const parsed = parseCompact(jws);
    const candidates = keyring.candidates(parsed.header);
    if (!Array.isArray(candidates)) throw new Error('no remote keys here');
    let last: unknown;
    for (const key of candidates as readonly Key[]) {
      try {
        verifySignature(jws, parsed, key);
        return { outcome: 'verified' };
      } catch (err) {
        last = err;
      }
    }
    throw last;
  } catch (err) {
    return { outcome: 'refused', reason: (err as Error).message };
  }
}

/** A case this library cannot honour: what it does instead, and why. */
export type NotHonoured = Readonly<Record<number, { actual: Outcome; why: string }>>;

/**
 * One `it` per case of a group: a listed case is pinned to what it does now, a "valid" case
 * must verify (after `validCheck`, when given), an "invalid" one must be refused.
 *
 * @example
 * ```ts
 * caseSpecs(group.tests, groupKeys(group), NOT_HONOURED, 'verifies');
 * ```
 */
export function caseSpecs(tests: readonly WycheproofTest[], jwks: readonly JwkObject[], notHonoured: NotHonoured, validTitle: string, validCheck?: () => void): void {
  for (const test of tests) {
    const listed = notHonoured[test.tcId];
    const title = `tcId ${test.tcId} ${test.comment}${test.flags?.length ? ` [${test.flags.join(', ')}]` : ''}`;
    if (listed) {
      it(`${title}: not honoured (${listed.why}), stays ${listed.actual}`, function () {
        expect(checkJws(jwks, test.jws).outcome).to.equal(listed.actual);
      });
    } else if (test.result === 'valid') {
      it(`${title}: ${validTitle}`, function () {
        validCheck?.();
        const { outcome, reason } = checkJws(jwks, test.jws);
        expect(outcome, reason).to.equal('verified');
      });
    } else {
      it(`${title}: is refused`, function () {
        expect(checkJws(jwks, test.jws).outcome).to.be.oneOf(['refused', 'refused at import']);
      });
    }
  }
}

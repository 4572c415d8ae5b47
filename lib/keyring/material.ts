import { createPrivateKey, createPublicKey, createSecretKey, KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ConfigError } from '../errors.js';
import { isAlgorithm } from './algorithms.js';

/**
 * Key material as a config may give it: a PEM string or Buffer, a `KeyObject`, a JWK object,
 * or a reference `'file:keys/x.pem'` / `'env:NAME'` so that a whole config can live in JSON.
 * Everything is turned into a `KeyObject` once, at load: a string never reaches jsonwebtoken.
 */
export type KeyMaterial = string | Buffer | KeyObject | JwkObject;

/** A JSON Web Key (RFC 7517) as a plain object. */
export interface JwkObject {
  kty: string;
  kid?: string;
  alg?: string;
  use?: string;
  [member: string]: unknown;
}

const PEM = /-----BEGIN [A-Z0-9 ]+-----/;

function isJwk(value: unknown): value is JwkObject {
  return typeof value === 'object' && value !== null && !Buffer.isBuffer(value) && !(value instanceof KeyObject)
    && typeof (value as { kty?: unknown }).kty === 'string';
}

/** Follows `file:` and `env:` references; anything else is returned as it is. */
export function dereference(input: KeyMaterial, path: string): string | Buffer | KeyObject | JwkObject {
  if (typeof input !== 'string') return input;
  if (input.startsWith('file:')) {
    const file = resolve(input.slice('file:'.length));
    try {
      const text = readFileSync(file, 'utf8');
      return text.trimStart().startsWith('{') ? (JSON.parse(text) as JwkObject) : text;
    } catch (err) {
      throw new ConfigError(path, `cannot read ${file}: ${(err as Error).message}`);
    }
  }
  if (input.startsWith('env:')) {
    const name = input.slice('env:'.length);
    const value = process.env[name];
    if (value === undefined || value === '') throw new ConfigError(path, `environment variable ${name} is not set`);
    return value.replace(/\\n/g, '\n');
  }
  return input;
}

/**
 * Why a JWK may not be used to sign or verify JWS, or undefined when it may. A JWK marked for
 * encryption (`use: "enc"`, `key_ops` without sign/verify) or for an algorithm that is not a
 * JWS one (`RSA-OAEP`, `A256GCM`, `ES521`) is refused (RFC 7517 §4.2-4.4): one key, one purpose.
 */
export function jwkMisuse(jwk: JwkObject, operation: 'sign' | 'verify' | 'sign or verify'): string | undefined {
  if (jwk.use !== undefined && jwk.use !== 'sig') return `a JWK with use ${JSON.stringify(jwk.use)} is not a signature key`;
  const ops = jwk.key_ops;
  if (ops !== undefined) {
    const wanted = operation === 'sign or verify' ? ['sign', 'verify'] : [operation];
    if (!Array.isArray(ops) || !ops.some((op) => wanted.includes(op as string))) return `a JWK whose key_ops ${JSON.stringify(ops)} do not allow "${wanted.join('" or "')}"`;
  }
  if (jwk.alg !== undefined && !isAlgorithm(jwk.alg)) return `a JWK with alg ${JSON.stringify(jwk.alg)}, which is not a supported JWS algorithm`;
  return undefined;
}

function describe(err: unknown): string {
  return (err as Error).message.replace(/^error:[0-9A-F]+:/i, '').trim();
}

/** A shared secret for HS*. Refuses anything that looks like an asymmetric key (HS/RS confusion). */
export function importSecret(input: KeyMaterial, path: string): KeyObject {
  const value = dereference(input, path);
  if (value instanceof KeyObject) {
    if (value.type !== 'secret') throw new ConfigError(path, `a ${value.type} key was given where a shared secret is needed`);
    return value;
  }
  if (isJwk(value)) {
    if (value.kty !== 'oct' || typeof value.k !== 'string') throw new ConfigError(path, `a JWK of kty "${value.kty}" was given where a shared secret (kty "oct") is needed`);
    const misuse = jwkMisuse(value, 'sign or verify');
    if (misuse) throw new ConfigError(path, misuse);
    return createSecretKey(Buffer.from(value.k, 'base64url'));
  }
  if (typeof value === 'string') {
    if (PEM.test(value)) throw new ConfigError(path, 'a PEM key was given where a shared secret is needed (use keys.privateKey / keys.publicKey for RS*, PS*, ES*, EdDSA)');
    return createSecretKey(Buffer.from(value, 'utf8'));
  }
  if (Buffer.isBuffer(value)) {
    if (PEM.test(value.toString('latin1'))) throw new ConfigError(path, 'a PEM key was given where a shared secret is needed');
    return createSecretKey(Buffer.from(value));
  }
  throw new ConfigError(path, 'expected a string, Buffer, KeyObject or JWK');
}

/**
 * Whether a shared secret may sign: not when it is a JWK whose `key_ops` leave out "sign"
 * (RFC 7517 §4.3). Such a secret is taken to verify only; any other material signs.
 */
export function secretMaySign(input: KeyMaterial, path: string): boolean {
  const value = dereference(input, path);
  return !isJwk(value) || value.key_ops === undefined || (Array.isArray(value.key_ops) && value.key_ops.includes('sign'));
}

/** A private key (PEM, DER-less Buffer of PEM, KeyObject or private JWK). */
export function importPrivateKey(input: KeyMaterial, path: string): KeyObject {
  const value = dereference(input, path);
  if (value instanceof KeyObject) {
    if (value.type !== 'private') throw new ConfigError(path, `a ${value.type} key was given where a private key is needed`);
    return value;
  }
  try {
    if (isJwk(value)) {
      if (value.kty === 'oct') throw new Error('a shared secret (kty "oct") was given where a private key is needed');
      if (typeof value.d !== 'string') throw new Error('a public JWK was given where a private key is needed');
      const misuse = jwkMisuse(value, 'sign');
      if (misuse) throw new Error(misuse);
      return createPrivateKey({ key: value as import('node:crypto').JsonWebKey, format: 'jwk' });
    }
    if (typeof value === 'string' || Buffer.isBuffer(value)) {
      const text = value.toString();
      if (!PEM.test(text)) throw new Error('not a PEM private key (a shared secret goes in keys.secret)');
      if (/-----BEGIN (RSA )?PUBLIC KEY-----|-----BEGIN CERTIFICATE-----/.test(text)) throw new Error('a public key was given where a private key is needed');
      return createPrivateKey(text);
    }
  } catch (err) {
    throw new ConfigError(path, describe(err));
  }
  throw new ConfigError(path, 'expected a PEM string or Buffer, a KeyObject or a JWK');
}

/** A public key: from a public PEM (SPKI or PKCS#1), a certificate, a private key, or a JWK. */
export function importPublicKey(input: KeyMaterial, path: string): KeyObject {
  const value = dereference(input, path);
  if (value instanceof KeyObject) {
    if (value.type === 'secret') throw new ConfigError(path, 'a shared secret was given where a public key is needed');
    return value.type === 'private' ? createPublicKey(value) : value;
  }
  try {
    if (isJwk(value)) {
      if (value.kty === 'oct') throw new Error('a shared secret (kty "oct") was given where a public key is needed');
      const misuse = jwkMisuse(value, 'verify');
      if (misuse) throw new Error(misuse);
      return createPublicKey({ key: value as import('node:crypto').JsonWebKey, format: 'jwk' });
    }
    if (typeof value === 'string' || Buffer.isBuffer(value)) {
      const text = value.toString();
      if (!PEM.test(text)) throw new Error('not a PEM public key (a shared secret goes in keys.secret)');
      return createPublicKey(text);
    }
  } catch (err) {
    throw new ConfigError(path, describe(err));
  }
  throw new ConfigError(path, 'expected a PEM string or Buffer, a KeyObject or a JWK');
}

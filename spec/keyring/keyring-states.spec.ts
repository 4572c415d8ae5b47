import { expect } from 'chai';
import { ConfigError, KeyInvalidError, TokenInvalidError } from '../../lib/errors.js';
import { createKey } from '../../lib/keyring/key.js';
import { Keyring } from '../../lib/keyring/keyring.js';
import { keyPair, secretOf } from '../helpers/keys.js';

// Which key signs, in which order keys are tried and listed, and what a change leaves alone.
// keyring-api.spec.ts drives the same API through koaJwt; these pin the edges it does not reach.

const es256 = (kid: string, state: 'next' | 'active' | 'retired' = 'active') =>
  createKey({ kid, alg: 'ES256', privateKey: keyPair('P-256', kid).privatePem }, { state, path: kid, verifies: ['ES256'] });

describe('keyring states and order', function () {
  it('promote(kid) retires only the previous signer: a next key stays next, a retired one retired', function () {
    const keyring = new Keyring([es256('a'), es256('b', 'next'), es256('c', 'next'), es256('old', 'retired')], { algorithms: ['ES256'] });
    keyring.promote('b');
    const states = Object.fromEntries(keyring.list().map((k) => [k.kid, k.state]));
    expect(states).to.deep.equal({ a: 'retired', b: 'active', c: 'next', old: 'retired' });
    expect(keyring.signingKey()?.kid).to.equal('b');
  });

  it('an active key without a private key never signs, even first in the keyring', function () {
    const keyring = new Keyring([es256('signer')], { algorithms: ['ES256'] });
    keyring.add({ kid: 'verify-only', alg: 'ES256', publicKey: keyPair('P-256', 'verify-only').publicPem }, { state: 'active' });
    expect(keyring.list().map((k) => k.kid)).to.deep.equal(['verify-only', 'signer']);
    expect(keyring.signingKey()?.kid).to.equal('signer');
  });

  it('an added active key goes first and signs; any other state goes last', function () {
    const keyring = new Keyring([es256('a')], { algorithms: ['ES256'] });
    keyring.add({ kid: 'n', alg: 'ES256', privateKey: keyPair('P-256', 'n').privatePem }, { state: 'next' });
    keyring.add({ kid: 'r', alg: 'ES256', privateKey: keyPair('P-256', 'r').privatePem }, { state: 'retired' });
    expect(keyring.list().map((k) => k.kid)).to.deep.equal(['a', 'n', 'r']);
    keyring.add({ kid: 'z', alg: 'ES256', privateKey: keyPair('P-256', 'z').privatePem }, { state: 'active' });
    expect(keyring.list().map((k) => k.kid)).to.deep.equal(['z', 'a', 'n', 'r']);
    expect(keyring.signingKey()?.kid).to.equal('z');
  });

  it('add() takes a Key of another keyring as it is, with the state, createdAt and notAfter given', function () {
    const other = new Keyring([es256('moved')], { algorithms: ['ES256'] });
    const keyring = new Keyring([es256('here')], { algorithms: ['ES256'] });
    const createdAt = new Date('2026-01-01T00:00:00Z');
    const notAfter = new Date('2027-01-01T00:00:00Z');
    const info = keyring.add(other.get('moved')!, { state: 'retired', createdAt, notAfter });
    expect(info).to.deep.include({ kid: 'moved', state: 'retired', createdAt, notAfter, canSign: true });
    expect(keyring.get('moved')!.signingKey).to.equal(other.get('moved')!.signingKey);
    expect(() => keyring.add(other.get('moved')!)).to.throw(KeyInvalidError, /already present/);
  });

  it('add() of a Key without options keeps its own state', function () {
    const keyring = new Keyring([es256('here')], { algorithms: ['ES256'] });
    expect(keyring.add(es256('kept', 'next')).state).to.equal('next');
  });

  it('with insistOnKid, refuses a secret without a kid (its tokens would carry none)', function () {
    const keyring = new Keyring([], { algorithms: ['HS256'], insistOnKid: true });
    expect(() => keyring.add({ alg: 'HS256', secret: secretOf(32) })).to.throw(KeyInvalidError, /insistOnKid a secret needs a kid/);
    expect(keyring.add({ kid: 'named', alg: 'HS256', secret: secretOf(32) }).kid).to.equal('named');
  });

  it('only a key of the signing algorithm (the first of keys.algorithm) signs, even an active one listed first', function () {
    const keyring = new Keyring([es256('es')], { algorithms: ['ES256', 'EdDSA'] });
    keyring.add({ kid: 'ed', alg: 'EdDSA', privateKey: keyPair('ed25519').privatePem }, { state: 'active' });
    expect(keyring.list()[0]!.kid).to.equal('ed');
    expect(keyring.signingKey()?.kid).to.equal('es');
  });

  it('list() tells which keys can sign and which are published: never a secret, never a verify-only key as a signer', function () {
    const keyring = new Keyring([es256('es')], { algorithms: ['ES256', 'HS256'] });
    keyring.add({ kid: 'pub', alg: 'ES256', publicKey: keyPair('P-256', 'pub').publicPem });
    keyring.add({ kid: 'hs', alg: 'HS256', secret: secretOf(32) });
    const info = Object.fromEntries(keyring.list().map((k) => [k.kid, { canSign: k.canSign, published: k.published }]));
    expect(info).to.deep.equal({ es: { canSign: true, published: true }, pub: { canSign: false, published: true }, hs: { canSign: true, published: false } });
  });

  it('onChange() answers the way to stop listening: after it, no change reaches the listener', function () {
    const keyring = new Keyring([es256('a')], { algorithms: ['ES256'] });
    const heard: string[] = [];
    const stop = keyring.onChange((change) => heard.push(`${change.type} ${change.kid}`));
    keyring.add(es256('b', 'next'));
    stop();
    keyring.remove('b');
    expect(heard).to.deep.equal(['add b']);
  });

  it('refuses two keys under one kid at construction, naming keys', function () {
    expect(() => new Keyring([es256('same'), es256('same')], { algorithms: ['ES256'] })).to.throw(ConfigError, 'keys: two keys have the kid same');
  });

  it('a token without kid, of an accepted algorithm no key holds, is refused (no remote source to ask)', function () {
    const keyring = new Keyring([es256('a')], { algorithms: ['ES256', 'EdDSA'] });
    expect(() => keyring.candidates({ alg: 'EdDSA' })).to.throw(TokenInvalidError, 'No key verifies EdDSA.');
    expect(keyring.candidates({ alg: 'ES256' })).to.have.length(1);
  });
});

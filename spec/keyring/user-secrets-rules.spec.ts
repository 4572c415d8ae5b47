import { createHmac, randomBytes } from 'node:crypto';
import { expect } from 'chai';
import { KoaJwtError } from '../../lib/errors.js';
import { koaJwt } from '../../lib/koa-jwt.js';
import { memoryStore } from '../../lib/stores/memory-store.js';
import type { UserProvider } from '../../lib/users/provider.js';
import { testConfig, testUsers } from '../helpers/app.js';
import { configErrorOf } from '../helpers/config.js';
import { rejectsWithCode } from '../helpers/expect.js';
import { keyPair, SECRET } from '../helpers/keys.js';
import { decode, handSign, nowSeconds } from '../helpers/tokens.js';

const alice = { id: '1', username: 'alice' };
const root = { id: '3', username: 'root', isSuperuser: true };

/** The test users, counting the lookups by id (the store reads a token's user_id can cause). */
function countingUsers(): UserProvider & { lookups: string[] } {
  const inner = testUsers();
  const lookups: string[] = [];
  return {
    lookups,
    authenticate: (u, p, ctx) => inner.authenticate(u, p, ctx),
    findByUsername: (u) => inner.findByUsername(u),
    findById: (id) => { lookups.push(id); return inner.findById(id); },
  };
}

/** The documented derivation of a user key from the stored secret: HMAC-SHA512, cut to the hash length of `alg`. */
const userKey = (secret: string | Buffer, alg = 'HS256', bytes = 32) => createHmac('sha512', secret).update(`koa-jwt-kit user key ${alg}`).digest().subarray(0, bytes);

const claims = (extra: Record<string, unknown>) => ({ ...extra, exp: nowSeconds() + 60 });

describe('per-user secrets: how the user key is found and which tokens reach it', () => {
  describe('userSecrets: true', () => {
    it('signs with HMAC-SHA512(stored secret, "koa-jwt-kit user key HS256") cut to 32 bytes, never with the stored secret itself', async () => {
      const store = memoryStore();
      const auth = koaJwt(testConfig({ store, userSecrets: true }));
      const { token } = await auth.issue(alice);
      const secret = (await store.userSecrets.get('1'))!;
      const derived = userKey(secret);
      // A token another implementation (or an older version) signs with the derived key verifies.
      const handMade = handSign(claims({ user_id: '1', username: 'alice' }), { key: derived, header: { kid: 'user' } });
      expect((await auth.verify(handMade)).user_id).to.equal('1');
      expect(decode(token).header.kid).to.equal('user');
      const withRawSecret = handSign(claims({ user_id: '1', username: 'alice' }), { key: Buffer.from(secret), header: { kid: 'user' } });
      await rejectsWithCode(auth.verify(withRawSecret), 'token_invalid');
    });

    it('refuses a token of one user signed with the key of another', async () => {
      const store = memoryStore();
      const auth = koaJwt(testConfig({ store, userSecrets: true }));
      await auth.issue(alice);
      await auth.issue(root);
      const aliceKey = userKey((await store.userSecrets.get('1'))!);
      const asRoot = handSign(claims({ user_id: '3', username: 'root' }), { key: aliceKey, header: { kid: 'user' } });
      await rejectsWithCode(auth.verify(asRoot), 'token_invalid');
    });

    it('creates the secret on issue without looking the user up (the caller holds the user)', async () => {
      const users = countingUsers();
      const store = memoryStore();
      const auth = koaJwt(testConfig({ store, users, userSecrets: true }));
      const { token } = await auth.issue({ id: '42', username: 'not-in-the-provider' });
      expect(users.lookups).to.deep.equal([]);
      expect(await store.userSecrets.get('42')).to.be.a('string');
      expect(decode(token).header.kid).to.equal('user');
    });

    it('accepts a numeric user_id as the id it spells', async () => {
      const store = memoryStore();
      const auth = koaJwt(testConfig({ store, userSecrets: true }));
      await auth.issue(alice);
      const token = handSign(claims({ user_id: 1 }), { key: userKey((await store.userSecrets.get('1'))!), header: { kid: 'user' } });
      expect((await auth.verify(token)).user_id).to.equal(1);
    });

    for (const [what, userId] of [['an object', { id: '1' }], ['a boolean', true], ['an empty string', ''], ['256 characters long', 'x'.repeat(256)]] as const) {
      it(`refuses a user_id that is ${what} (401) without asking the users or the store about it`, async () => {
        const users = countingUsers();
        let secretReads = 0;
        const inner = memoryStore();
        const store = { ...inner, userSecrets: { ...inner.userSecrets, get: (id: string) => { secretReads++; return inner.userSecrets.get(id); } } };
        const auth = koaJwt(testConfig({ store, users, userSecrets: true }));
        const token = handSign(claims({ user_id: userId }), { header: { kid: 'user' } });
        await rejectsWithCode(auth.verify(token), 'token_invalid');
        expect(users.lookups).to.deep.equal([]);
        expect(secretReads).to.equal(0);
      });
    }

    it('looks up a user_id of 255 characters, the longest it accepts', async () => {
      const users = countingUsers();
      const auth = koaJwt(testConfig({ users, userSecrets: true }));
      const id = 'x'.repeat(255);
      await rejectsWithCode(auth.verify(handSign(claims({ user_id: id }), { header: { kid: 'user' } })), 'token_invalid');
      expect(users.lookups).to.deep.equal([id]);
    });

    it('refuses a token that carries the user kid but names no user, even when a keyring secret has the kid "user"', async () => {
      const auth = koaJwt(testConfig({ keys: { secret: { user: SECRET } }, userSecrets: true }));
      const token = handSign(claims({ username: 'alice' }), { header: { kid: 'user' } });
      await rejectsWithCode(auth.verify(token), 'token_invalid');
    });

    it('leaves a keyring token that names no user to the keyring (user_not_found, not a malformed user_id)', async () => {
      const auth = koaJwt(testConfig({ userSecrets: true }));
      await rejectsWithCode(auth.verify(handSign(claims({ iat: nowSeconds() }))), 'user_not_found');
    });

    // Without user_id the issuer has no user to take the key of: every token was signed with the
    // service secret, and rotateUserSecret() logged nobody out (its tokens kept verifying).
    it('refuses token.includeUserId: false at start-up, for either form', () => {
      expect(configErrorOf(testConfig({ userSecrets: true, token: { includeUserId: false } })).path).to.equal('token.includeUserId');
      expect(configErrorOf(testConfig({ userSecrets: () => SECRET, token: { includeUserId: false } })).path).to.equal('token.includeUserId');
    });

    it('verifies the keyring\'s RS256 tokens beside the HS256 user tokens (keys.algorithm HS256, RS256)', async () => {
      const auth = koaJwt(testConfig({ keys: { algorithm: ['HS256', 'RS256'], secret: SECRET, publicKey: keyPair('rsa').publicPem }, userSecrets: true }));
      const rs = handSign(claims({ user_id: '1', username: 'alice' }), { key: keyPair('rsa').privateKey, alg: 'RS256' });
      expect((await auth.verify(rs)).user_id).to.equal('1');
      const { token } = await auth.issue(alice);
      expect(decode(token).header).to.include({ alg: 'HS256', kid: 'user' });
      expect((await auth.verify(token)).user_id).to.equal('1');
    });
  });

  describe('userSecrets: (user) => secret', () => {
    it('keeps two users apart when their Buffer secrets read the same as text', async () => {
      const tail = randomBytes(40);
      // 0xff and 0xfe are both invalid UTF-8: as text, both secrets are "\uFFFD" + the same tail.
      const secrets: Record<string, Buffer> = { 1: Buffer.concat([Buffer.from([0xff]), tail]), 3: Buffer.concat([Buffer.from([0xfe]), tail]) };
      const auth = koaJwt(testConfig({ userSecrets: (user) => secrets[String(user.id)]!, token: { cache: false } }));
      const { token } = await auth.issue(alice);
      expect((await auth.verify(token)).user_id).to.equal('1');
      const asRoot = handSign(claims({ user_id: '3', username: 'root' }), { key: secrets[1]!, header: { kid: 'user' } });
      await rejectsWithCode(auth.verify(asRoot), 'token_invalid');
      const ofRoot = handSign(claims({ user_id: '3', username: 'root' }), { key: secrets[3]!, header: { kid: 'user' } });
      expect((await auth.verify(ofRoot)).user_id).to.equal('3');
    });

    it('refuses (401) a token of a user the users provider does not know, without calling the function', async () => {
      const asked: unknown[] = [];
      const auth = koaJwt(testConfig({ userSecrets: (user) => { asked.push(user.id); return SECRET; } }));
      const token = handSign(claims({ user_id: '99' }), { header: { kid: 'user' } });
      await rejectsWithCode(auth.verify(token), 'token_invalid');
      expect(asked).to.deep.equal([]);
    });

    it('refuses to issue (user_not_found) when the function has no secret for the user', async () => {
      const auth = koaJwt(testConfig({ userSecrets: () => undefined as unknown as string }));
      await rejectsWithCode(auth.issue(alice), 'user_not_found');
    });

    it('refuses a weak secret from the function, naming userSecrets', async () => {
      const auth = koaJwt(testConfig({ userSecrets: () => 'password' }));
      const err = await rejectsWithCode(auth.issue(alice), 'config_invalid');
      expect((err as KoaJwtError & { path: string }).path).to.equal('userSecrets.secret');
    });

    it('refuses rotateUserSecret with a config error on userSecrets', async () => {
      const auth = koaJwt(testConfig({ userSecrets: () => SECRET }));
      const err = await rejectsWithCode(auth.rotateUserSecret(alice), 'config_invalid');
      expect((err as KoaJwtError & { path: string }).path).to.equal('userSecrets');
    });

    it('without a users provider, gives the function the id of the user only (an id is not a username)', async () => {
      const seen: unknown[] = [];
      // HS256 signs with per-user keys only; the RS256 public key verifies another issuer's tokens.
      const auth = koaJwt({ keys: { algorithm: ['HS256', 'RS256'], publicKey: keyPair('rsa').publicPem }, userSecrets: (user) => { seen.push({ ...user }); return SECRET; }, store: memoryStore() });
      const { token } = await auth.issue({ id: '7', username: 'seven' });
      expect((await auth.verify(token)).user_id).to.equal('7');
      // When signing and when verifying alike: before the signature is checked, only user_id is known.
      expect(seen).to.have.length.of.at.least(2);
      for (const user of seen) expect(user).to.deep.equal({ id: '7' });
      expect(decode(token).header.kid).to.equal('user');
    });
  });
});

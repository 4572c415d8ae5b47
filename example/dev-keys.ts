import { createPrivateKey, generateKeyPairSync } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { thumbprint } from '../lib/index.js';

/** The demo's development signing key: its kid and PEM, and whether this start created it. */
export interface DevKey {
  readonly kid: string;
  readonly pem: string;
  readonly file: string;
  readonly created: boolean;
}

export const DEV_KEY_FILE = 'es256-private.pem';

const NOTE = `# Development keys of the koa-jwt-kit demo (example/server.ts)

Generated on the first \`npm start\`. They sign the demo's tokens on this machine only:
never use them in production and never commit them (keys/dev/ is in .gitignore).
Delete this directory to get a fresh key; tokens signed with the old one stop verifying.
`;

/**
 * Loads the demo's ES256 private key from `dir`, generating it (mode 0600) on first use. The
 * kid is derived from the key (RFC 7638 thumbprint), so a regenerated key never reuses the kid
 * of the one it replaces and cached JWKS copies cannot confuse the two.
 *
 * @example
 * ```ts
 * const { kid, pem } = loadOrCreateDevKey('keys/dev');
 * koaJwt({ keys: { algorithm: 'ES256', privateKey: { [kid]: pem } }, users });
 * ```
 */
export function loadOrCreateDevKey(dir: string): DevKey {
  const file = join(dir, DEV_KEY_FILE);
  let created = false;
  if (!existsSync(file)) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    // 'wx': if another process created it meanwhile, fail rather than overwrite its key.
    writeFileSync(file, privateKey.export({ format: 'pem', type: 'pkcs8' }), { mode: 0o600, flag: 'wx' });
    chmodSync(file, 0o600);
    writeFileSync(join(dir, 'README.md'), NOTE);
    created = true;
  }
  const pem = readFileSync(file, 'utf8');
  const kid = `dev-${thumbprint(createPrivateKey(pem)).slice(0, 12)}`;
  return { kid, pem, file, created };
}

import type { Key } from '../keyring/key.js';
import type { JwtPayload } from './claims.js';
import type { JwsHeader } from './jws.js';

/** A token that passed every check: its parts and the key that verified it. Frozen (payload included) when the token cache shares it between requests. */
export interface VerifiedToken {
  readonly token: string;
  readonly header: JwsHeader;
  readonly payload: JwtPayload;
  readonly key: Key;
}

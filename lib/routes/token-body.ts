import type { Context } from 'koa';
import type { IssueResult, ResolvedConfig } from '../config/types.js';

/** The JSON body of a token answer: `{ token }` (+ `refresh`), or what `token.response` makes of it. */
export function tokenBody(config: Pick<ResolvedConfig, 'token'>, result: IssueResult, ctx: Context): Record<string, unknown> {
  if (config.token.response) return config.token.response(result, ctx);
  return result.refresh !== undefined ? { token: result.token, refresh: result.refresh } : { token: result.token };
}

import type { Command } from './command.js';
import { deleteStaleTokensCommand } from './commands/delete-stale-tokens.js';
import { jwksCommand } from './commands/jwks-command.js';
import { keysCommand } from './commands/keys-command.js';
import { tokenCommand } from './commands/token.js';

/**
 * Every command of koa-jwt-kit, in the order `--help` lists them. A new command is one file
 * in lib/cli/commands/ exporting a Command, plus one line here.
 */
export const commands: readonly Command[] = [
  tokenCommand,
  deleteStaleTokensCommand,
  keysCommand,
  jwksCommand,
];

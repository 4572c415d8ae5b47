import type { ParseArgsConfig } from 'node:util';
import type { KoaJwtConfig } from '../config/types.js';

/** Exit codes of the koa-jwt-kit command. */
export const EXIT = { ok: 0, failure: 1, usage: 2 } as const;

/** A failure the CLI reports as one line on stderr with exit code 1. */
export class CliFailure extends Error {}

/** Wrong arguments: reported with the command's usage and exit code 2. */
export class UsageError extends Error {}

export interface CommandIo {
  readonly stdout: (line: string) => void;
  readonly stderr: (line: string) => void;
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
}

export interface CommandContext {
  /** Positionals after the command name (`keys generate` → ['generate']). */
  readonly args: readonly string[];
  /** Parsed options: the global ones (config, help) and the command's own. */
  readonly options: Readonly<Record<string, string | boolean | undefined>>;
  readonly io: CommandIo;
  /** Loads the config module named by --config (or the default file); throws CliFailure. */
  loadConfig(): Promise<KoaJwtConfig>;
}

/**
 * One command of koa-jwt-kit. A command lives in its own file under lib/cli/commands/ and is
 * listed in lib/cli/commands.ts; main.ts parses, dispatches and maps errors to exit codes.
 */
export interface Command {
  readonly name: string;
  /** One line for the command list. */
  readonly summary: string;
  /** The usage line(s) after `koa-jwt-kit `, e.g. `token <username> | token --id <id>`. */
  readonly usage: string;
  /** Longer help: options and examples. */
  readonly help?: string;
  readonly options?: NonNullable<ParseArgsConfig['options']>;
  run(context: CommandContext): Promise<number>;
}

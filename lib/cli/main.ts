import { parseArgs, type ParseArgsConfig } from 'node:util';
import { KoaJwtError } from '../errors.js';
import { CliFailure, type Command, type CommandIo, EXIT, UsageError } from './command.js';
import { commands } from './commands.js';
import { loadConfigModule } from './config.js';

const GLOBAL_OPTIONS: NonNullable<ParseArgsConfig['options']> = {
  config: { type: 'string', short: 'c' },
  help: { type: 'boolean', short: 'h' },
};

function overview(): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    'Usage: koa-jwt-kit [--config <module>] <command> [options]',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Options:',
    '  -c, --config <module>  a .js, .mjs, .ts or .json module exporting a KoaJwtConfig',
    '                         (default export or `config`); default ./koa-jwt-kit.config.*',
    '  -h, --help             help for koa-jwt-kit or for a command (koa-jwt-kit <command> --help)',
    '',
    'Exit codes: 0 ok, 1 failure (one line on stderr), 2 usage.',
  ].join('\n');
}

const commandHelp = (command: Command): string =>
  [`Usage: koa-jwt-kit [--config <module>] ${command.usage}`, '', command.summary[0]!.toUpperCase() + command.summary.slice(1) + '.', ...(command.help ? ['', command.help] : [])].join('\n');

/** The first positional: the command name. Options before it may take a value (`--config x`). */
function findCommandName(argv: readonly string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') return argv[i + 1];
    if (arg === '--config' || arg === '-c') { i++; continue; }
    if (!arg.startsWith('-')) return arg;
  }
  return undefined;
}

const defaultIo = (): CommandIo => ({
  stdout: (line) => process.stdout.write(`${line}\n`),
  stderr: (line) => process.stderr.write(`${line}\n`),
  env: process.env,
  cwd: process.cwd(),
});

/**
 * Runs koa-jwt-kit with `argv` (without node and the script) and resolves the exit code:
 * 0 ok, 1 failure (one line on stderr), 2 usage.
 *
 * @example
 * ```ts
 * process.exitCode = await main(['--config', 'auth.config.mjs', 'token', 'alice']);
 * ```
 */
export async function main(argv: readonly string[], io: CommandIo = defaultIo()): Promise<number> {
  const name = findCommandName(argv);
  const command = name === undefined ? undefined : commands.find((c) => c.name === name);
  if (name !== undefined && !command) {
    io.stderr(`koa-jwt-kit: unknown command ${name}\n\n${overview()}`);
    return EXIT.usage;
  }
  let values: Record<string, string | boolean | undefined>;
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({ args: [...argv], options: { ...GLOBAL_OPTIONS, ...command?.options }, allowPositionals: true, strict: true }) as { values: Record<string, string | boolean | undefined>; positionals: string[] });
  } catch (err) {
    io.stderr(`koa-jwt-kit: ${(err as Error).message.split('\n')[0]}\n\n${command ? commandHelp(command) : overview()}`);
    return EXIT.usage;
  }
  if (!command) {
    if (values.help === true) { io.stdout(overview()); return EXIT.ok; }
    io.stderr(overview());
    return EXIT.usage;
  }
  if (values.help === true) { io.stdout(commandHelp(command)); return EXIT.ok; }
  try {
    return await command.run({
      args: positionals.slice(1),
      options: values,
      io,
      loadConfig: () => loadConfigModule(values.config as string | undefined, io.cwd),
    });
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr(`koa-jwt-kit ${command.name}: ${err.message}\n\n${commandHelp(command)}`);
      return EXIT.usage;
    }
    // One line: a ConfigError names its path, a store failure says so, nothing else leaks a stack.
    const reason = err instanceof CliFailure || err instanceof KoaJwtError ? err.message : `${(err as Error)?.message ?? String(err)}`;
    io.stderr(`koa-jwt-kit ${command.name}: ${reason.split('\n')[0]}`);
    return EXIT.failure;
  }
}

/** Entry point of bin/koa-jwt-kit.cjs: runs main and exits with its code. */
export async function run(argv: readonly string[] = process.argv.slice(2)): Promise<void> {
  const code = await main(argv);
  // A config module may have opened connections (mongoose) that would keep the process alive.
  process.exit(code);
}

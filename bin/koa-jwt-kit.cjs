#!/usr/bin/env node
'use strict';
/* eslint-disable @typescript-eslint/no-require-imports -- a CommonJS entry point: it runs before any loader. */
// The koa-jwt-kit command. Runs the built CLI (dist/cjs/cli/main.js) when the package is
// built; in a checkout without a build, runs lib/cli/main.ts through tsx.
const { existsSync } = require('node:fs');
const { join } = require('node:path');
const { pathToFileURL } = require('node:url');

const root = join(__dirname, '..');
const built = join(root, 'dist', 'cjs', 'cli', 'main.js');
const source = join(root, 'lib', 'cli', 'main.ts');

async function start() {
  if (existsSync(built) && process.env.KOA_JWT_KIT_FROM_SOURCE !== '1') return require(built).run();
  try {
    require.resolve('tsx');
  } catch {
    process.stderr.write('koa-jwt-kit: not built (run npm run build) and tsx is not installed\n');
    process.exit(1);
  }
  // What `node --import tsx` does: registers tsx's loader for every later import.
  await import('tsx');
  // Marks the process as able to import .ts config modules.
  process.env.KOA_JWT_KIT_TSX = '1';
  const cli = await import(pathToFileURL(source).href);
  return cli.run();
}

start().catch((err) => {
  process.stderr.write(`koa-jwt-kit: ${err && err.message ? err.message.split('\n')[0] : String(err)}\n`);
  process.exit(1);
});

// Builds dist/esm (import) and dist/cjs (require) from lib/ with tsc, so that
// `import { koaJwt } from 'koa-jwt-kit'` and `require('koa-jwt-kit')` both work.
import { execFileSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';

const tsc = (project) => execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', project], { stdio: 'inherit' });

rmSync('dist', { recursive: true, force: true });
tsc('tsconfig.build.json');
tsc('tsconfig.cjs.json');
// The package is "type": "module"; the CommonJS half needs its own marker.
writeFileSync('dist/cjs/package.json', JSON.stringify({ type: 'commonjs' }) + '\n');
writeFileSync('dist/esm/package.json', JSON.stringify({ type: 'module' }) + '\n');

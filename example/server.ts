// The demo service `npm start` runs. PORT (default 3000) and KEYS_DIR (default keys/dev)
// come from the environment; everything else is in ./app.ts.
import type { AddressInfo } from 'node:net';
import { relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildApp, DEMO_USERS, SPA_ACCESS_SECONDS, spaRequested } from './app.js';
import { curlLines } from './curl-lines.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const keysDir = resolve(root, process.env.KEYS_DIR || 'keys/dev');
const port = Number(process.env.PORT || 3000);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`PORT must be a port number, got ${JSON.stringify(process.env.PORT)}`);
  process.exit(1);
}

// `SPA=1 npm start` or `npm start -- --spa`: the single-page example in pair-cookie mode.
const spa = spaRequested(process.argv, process.env);
const { app, auth, key } = buildApp({ keysDir, log: (line) => console.log(line), ...(spa ? { spa: {} } : {}) });
// Loopback only: this is a development service with published passwords.
const server = app.listen(port, '127.0.0.1', () => {
  const base = `http://localhost:${(server.address() as AddressInfo).port}`;
  const inCwd = relative(process.cwd(), keysDir);
  const shownDir = inCwd && !inCwd.startsWith('..') ? inCwd : keysDir;
  console.log([
    `koa-jwt-kit demo listening on ${base}`,
    `  keys:  ${shownDir} (ES256, kid ${key.kid}${key.created ? ', generated now' : ''}): development keys, never for production`,
    `  users: ${DEMO_USERS.map((u) => `${u.username} / ${u.password}${'isSuperuser' in u ? ' (superuser)' : ''}`).join(', ')}`,
    '',
    ...(spa ? [
      `Single-page example: open ${base}/ in a browser (pair mode: the refresh token in an HttpOnly`,
      `cookie, access tokens in page memory for ${SPA_ACCESS_SECONDS} s, then a silent refresh with the CSRF header).`,
      '',
    ] : [
      'Try it (paste in order; the first line keeps the token in $TOKEN):',
      ...curlLines(base).map((line) => `  ${line}`),
      '',
      'The single-page example in a browser (pair mode, refresh cookie): SPA=1 npm start  (or: npm start -- --spa)',
      '',
    ]),
  ].join('\n'));
});
server.on('error', (err) => {
  console.error(`cannot listen on port ${port}: ${err.message}`);
  process.exit(1);
});

let stopping = false;
function stop(signal: NodeJS.Signals): void {
  if (stopping) process.exit(1); // a second Ctrl-C: do not wait any longer
  stopping = true;
  console.log(`${signal}: shutting down`);
  server.close(() => {
    auth.close().then(() => process.exit(0), (err) => {
      console.error(err);
      process.exit(1);
    });
  });
  server.closeIdleConnections();
  // Keep-alive clients that never go idle must not hold the process for ever.
  setTimeout(() => server.closeAllConnections(), 2000).unref();
}
process.on('SIGINT', stop);
process.on('SIGTERM', stop);

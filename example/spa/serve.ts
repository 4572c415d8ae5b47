import { readFileSync } from 'node:fs';
import Router from '@koa/router';

// The single-page example's three files, read once at start-up (no static-file middleware:
// three fixed routes say exactly what is served).
const FILES = {
  '/': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/spa/app.js': { file: 'app.js', type: 'text/javascript; charset=utf-8' },
  '/spa/style.css': { file: 'style.css', type: 'text/css; charset=utf-8' },
} as const;

/**
 * A router serving the single-page example: the page at `/`, its script and style under
 * `/spa/`. The Content-Security-Policy allows scripts from this origin only, so that no
 * injected inline script could read the access token the page keeps in memory.
 *
 * @example
 * ```ts
 * app.use(spaRoutes().routes());
 * ```
 */
export function spaRoutes(): Router {
  const router = new Router();
  for (const [path, { file, type }] of Object.entries(FILES)) {
    const body = readFileSync(new URL(file, import.meta.url));
    router.get(path, (ctx) => {
      ctx.type = type;
      ctx.set('Content-Security-Policy', "default-src 'self'; frame-ancestors 'none'");
      ctx.set('X-Content-Type-Options', 'nosniff');
      ctx.set('Cache-Control', 'no-store');
      ctx.body = body;
    });
  }
  return router;
}

import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium, type Page } from 'playwright-core';

// Debian's Chromium, driven by playwright-core: no browser is ever downloaded.
export const CHROMIUM = '/usr/bin/chromium';
export const HOW_TO_INSTALL = `no ${CHROMIUM}: install Debian's Chromium with \`apt-get install -y chromium\` (as root) to run the browser specs`;

// Quiet and hermetic: no GPU, no QUIC, no background traffic to Google's services.
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/**
 * Skips the calling suite, saying how to install Chromium, when the machine has none: a `before`
 * hook of a browser suite calls it first.
 *
 * @example
 * ```ts
 * before(function () { skipWithoutChromium(this); });
 * ```
 */
export function skipWithoutChromium(hook: Mocha.Context): void {
  if (existsSync(CHROMIUM)) return;
  console.log(`      skipped: ${HOW_TO_INSTALL}`);
  hook.skip();
}

export interface Browser {
  readonly context: BrowserContext;
  readonly page: Page;
  close(): Promise<void>;
}

/** Chromium with a fresh profile (its own user-data-dir, removed on close) and one page. */
export async function launchChromium(): Promise<Browser> {
  const profile = mkdtempSync(join(tmpdir(), 'koa-jwt-kit-chromium-'));
  const context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: ARGS });
  const page = context.pages()[0] ?? await context.newPage();
  return {
    context,
    page,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

let shots: string | undefined;

/**
 * Writes a screenshot of this step into the run's screenshot folder (in the system temp
 * directory, never in the repository) for a person to look at; the folder is printed once.
 */
export async function screenshot(page: Page, name: string): Promise<void> {
  if (!shots) {
    shots = mkdtempSync(join(tmpdir(), 'koa-jwt-kit-browser-shots-'));
    console.log(`      screenshots: ${shots}`);
  }
  mkdirSync(shots, { recursive: true });
  await page.screenshot({ path: join(shots, `${name}.png`), fullPage: true });
}

/** One request a served app answered: what the browser sent and what it got. */
export interface Exchange {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly status: number;
  readonly setCookie: string[];
  readonly body: string;
}

export interface Served {
  readonly server: Server;
  readonly port: number;
  /** `http://localhost:<port>`: browsers treat localhost as a secure context, as on a developer's machine. */
  readonly origin: string;
  /** Every exchange so far, oldest first. */
  readonly exchanges: Exchange[];
  close(): Promise<void>;
}

/** Serves `handler` on a free loopback port and records every exchange (the server's side of the story). */
export async function serve(handler: RequestListener): Promise<Served> {
  const exchanges: Exchange[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    const end = res.end.bind(res) as (...args: unknown[]) => typeof res;
    res.end = ((...args: unknown[]) => {
      const [chunk] = args;
      if (typeof chunk === 'string' || Buffer.isBuffer(chunk)) chunks.push(Buffer.from(chunk));
      return end(...args);
    }) as typeof res.end;
    res.on('finish', () => {
      const cookies = res.getHeader('set-cookie');
      exchanges.push({
        method: req.method ?? '',
        path: (req.url ?? '').split('?')[0]!,
        headers: req.headers,
        status: res.statusCode,
        setCookie: Array.isArray(cookies) ? cookies : typeof cookies === 'string' ? [cookies] : [],
        body: Buffer.concat(chunks).toString('utf8'),
      });
    });
    handler(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    server,
    port,
    origin: `http://localhost:${port}`,
    exchanges,
    close: () => new Promise<void>((resolve, reject) => {
      server.closeAllConnections();
      server.close((err) => (err ? reject(err) : resolve()));
    }),
  };
}

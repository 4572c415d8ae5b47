import type { IncomingMessage, ServerResponse } from 'node:http';
import { keyPair } from './keys.js';
import { type Listening, listen } from './listen.js';

/**
 * A JWKS server on 127.0.0.1 whose keys and health a spec controls, counting every request.
 *
 * @example
 * ```ts
 * const server = await new JwksServer().start();
 * server.publish('k1');
 * const remote = createRemoteKeySource({ jwksUri: server.uri, algorithms: ['ES256'] });
 * ```
 */
export class JwksServer {
  requests = 0;
  failing = false;
  /** The status of every answer; its body is the JWKS whatever the status. */
  status = 200;
  /** The Accept header of each request, in order. */
  accepts: (string | undefined)[] = [];
  /** Answers instead of the JWKS when set: a body of an exact size, a broken answer. */
  respond?: (res: ServerResponse) => void;
  keys: Record<string, unknown>[] = [];
  listening!: Listening;
  get uri() { return `${this.listening.origin}/.well-known/jwks.json`; }
  async start() {
    this.listening = await listen((req: IncomingMessage, res: ServerResponse) => {
      this.requests++;
      this.accepts.push(req.headers.accept);
      if (this.failing) { res.statusCode = 500; res.end('down'); return; }
      if (this.respond) { this.respond(res); return; }
      res.statusCode = this.status;
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ keys: this.keys }));
    });
    return this;
  }
  /** Resolves when the next request arrives (a stale copy is refetched in the background). */
  nextRequest(): Promise<void> {
    return new Promise((resolve) => this.listening.server.once('request', () => resolve()));
  }
  publish(kid: string, name = kid) {
    const jwk = keyPair('P-256', name).publicKey.export({ format: 'jwk' });
    this.keys.push({ ...jwk, kid, alg: 'ES256', use: 'sig' });
  }
}

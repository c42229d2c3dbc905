import http from 'node:http';
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';

/** No function here takes a body larger than this; an alert is well under 1 KB. */
export const MAX_REQUEST_BODY_BYTES = 64 * 1024;

const GUARDED = Symbol('request-body-guarded');
const ANSWER_OK = Symbol('request-body-answer-ok');
type Guarded = IncomingMessage & { [GUARDED]?: true };

/**
 * Stands in front of the Functions Framework's Express app, which would otherwise inflate gzip/deflate
 * bodies and buffer up to 1 GB before any of our code could look at the size. Here, before a single
 * body byte reaches a parser:
 *  - a Content-Encoding other than identity is refused with 415 (nothing is ever inflated);
 *  - a declared Content-Length over the limit is refused with 413;
 *  - a body without a declared length (chunked) is counted as the socket delivers it, and past the
 *    limit the request is answered 413 and its further bytes, end included, are dropped, so no parser
 *    ever sees the end of a truncated body and the handler never runs on one.
 * Guarding a request twice (the one-port server wraps apps that are already wrapped) is a no-op.
 */
export interface BodyGuardOptions {
  /**
   * Requests whose refusal must still answer 200 (with no effect): Fyers blacklists a postback URL for
   * 30 minutes after non-200 answers, so orderUpdates never gives one, however bad the body.
   */
  answerOk?: (req: IncomingMessage) => boolean;
}

/** The answer orderUpdates gives to every body it cannot use (the same as its handler's). */
const IGNORED_BODY = JSON.stringify({ status: 'ignored' });

export function guardRequestBodies(listener: RequestListener, limit = MAX_REQUEST_BODY_BYTES, opts: BodyGuardOptions = {}): RequestListener {
  return (req: Guarded, res) => {
    if (req[GUARDED]) return listener(req, res);
    req[GUARDED] = true;
    if (opts.answerOk?.(req)) {
      (res as ServerResponse & { [ANSWER_OK]?: true })[ANSWER_OK] = true;
      // No framework parser may answer for the handler (a JSON parse error is a 400 from Express): a
      // body of no declared type is left to the handler, which reads the raw bytes itself.
      delete req.headers['content-type'];
    }
    const encoding = String(req.headers['content-encoding'] ?? '').trim().toLowerCase();
    const declared = req.headers['content-length'];
    // Refused before reading: a modest declared body is read off the wire and discarded (never buffered)
    // so the client gets its answer rather than a reset; anything else closes the connection.
    const drain = declared !== undefined && Number(declared) <= DRAIN_AT_MOST_BYTES;
    if (encoding !== '' && encoding !== 'identity') {
      refuse(req, res, 415, 'UNSUPPORTED_CONTENT_ENCODING', 'Content-Encoding is not accepted: send the body uncompressed', !drain);
      return;
    }
    if (declared !== undefined && !(Number(declared) <= limit)) {
      refuse(req, res, 413, 'PAYLOAD_TOO_LARGE', `The body is larger than ${limit} bytes`, !drain);
      return;
    }
    capBody(req, res, limit);
    listener(req, res);
  };
}

/**
 * Counts body bytes at the point Node's HTTP parser hands them to the request stream (IncomingMessage
 * receives every body chunk through push()), which is before any consumer could buffer them.
 */
function capBody(req: IncomingMessage, res: ServerResponse, limit: number): void {
  const push = req.push.bind(req);
  let seen = 0;
  let over = false;
  req.push = (chunk: unknown, encoding?: BufferEncoding) => {
    if (over) return true;
    if (chunk !== null && chunk !== undefined) {
      seen += (chunk as { length: number }).length;
      if (seen > limit) {
        over = true;
        refuse(req, res, 413, 'PAYLOAD_TOO_LARGE', `The body is larger than ${limit} bytes`, true);
        return true;
      }
    }
    return push(chunk, encoding);
  };
}

/** Up to this much declared body is discarded after a refusal instead of resetting the connection. */
const DRAIN_AT_MOST_BYTES = 1024 * 1024;

function refuse(req: IncomingMessage, res: ServerResponse, status: number, code: string, message: string, close: boolean): void {
  // Closing: the rest of the body is never read. (Draining: Node discards the unread body itself.)
  if (close) res.once('close', () => req.destroy());
  if (res.headersSent) {
    res.end();
    return;
  }
  const ok = (res as ServerResponse & { [ANSWER_OK]?: true })[ANSWER_OK];
  res.writeHead(ok ? 200 : status, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store', ...(close ? { Connection: 'close' } : {}) });
  res.end(ok ? IGNORED_BODY : JSON.stringify({ status: 'error', error: { code, message } }));
}

const FRAMEWORK_SERVER = /[\\/]@google-cloud[\\/]functions-framework[\\/]build[\\/]src[\\/]server\.js/;
let installed = false;

/**
 * The Functions Framework builds its server with `http.createServer(app)` after our module has loaded
 * (`functions-framework --target=X` on Cloud Run, and getTestServer). Wrapping the listener it passes
 * there puts the guard in front of its body parsers; servers anyone else creates are left alone.
 */
export function installRequestBodyGuard(opts: BodyGuardOptions = {}): void {
  if (installed) return;
  installed = true;
  const original = http.createServer;
  const patched = function createServer(this: unknown, ...args: unknown[]) {
    const last = args.length - 1;
    if (typeof args[last] === 'function' && FRAMEWORK_SERVER.test(new Error().stack ?? '')) {
      args[last] = guardRequestBodies(args[last] as RequestListener, MAX_REQUEST_BODY_BYTES, opts);
    }
    return (original as (...a: unknown[]) => http.Server).apply(this, args);
  };
  (http as { createServer: unknown }).createServer = patched;
}

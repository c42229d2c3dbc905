import ky, { isTimeoutError } from 'ky';
import { SessionExpiredError } from '../../errors';
import { registerSecret } from '../../platform/logger';
import type { AccessTokenProvider } from '../../tokens/token.port';

/** Fyers' envelope: `s` is authoritative ('ok' | 'error'); `code` and `message` as documented; the rest per endpoint. */
export type FyersBody = { s?: unknown; code?: unknown; message?: unknown } & Record<string, unknown>;

/** A response that arrived, whatever its status; `body` is undefined when it was empty or not JSON. */
export interface FyersReply {
  httpStatus: number;
  body: FyersBody | undefined;
  headers: Headers;
}

/**
 * The request failed without a response. `sent: false` only when the connection was never made
 * (refused, DNS, unreachable), so the server cannot have seen the request; otherwise it may have.
 */
export class FyersTransportError extends Error {
  constructor(readonly kind: 'not-connected' | 'timeout' | 'network', readonly sent: boolean, options?: { cause?: unknown }) {
    super(`Fyers request failed: ${kind}`, options);
    this.name = 'FyersTransportError';
  }
}

/** Per call; leaves room inside TradingView's 3 s for our own work around a placement. */
export const DEFAULT_FYERS_TIMEOUT_MS = 2000;

export interface FyersHttpOptions {
  /** e.g. https://api-t1.fyers.in/api/v3 or https://api-t1.fyers.in/data */
  baseUrl: string;
  appId: string;
  /** Absent for the login calls, which carry no Authorization header. */
  accessToken?: AccessTokenProvider;
  /** Whole-call budget (response and body). Keep it well inside TradingView's 3 s. */
  timeoutMs: number;
  fetch?: typeof fetch;
}

export interface CallOptions {
  searchParams?: Record<string, string>;
  timeoutMs?: number;
}

export interface FyersHttp {
  get(path: string, options?: CallOptions): Promise<FyersReply>;
  post(path: string, json: unknown, options?: CallOptions): Promise<FyersReply>;
  /** Modify (PATCH) and cancel (DELETE, with a JSON body as Fyers documents) of orders. */
  patch(path: string, json: unknown, options?: CallOptions): Promise<FyersReply>;
  delete(path: string, json: unknown, options?: CallOptions): Promise<FyersReply>;
}

/** Socket errors raised before a connection exists: the request cannot have reached Fyers. */
const NOT_CONNECTED = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH', 'UND_ERR_CONNECT_TIMEOUT']);

function errorCodes(e: unknown, depth = 0): string[] {
  if (!e || typeof e !== 'object' || depth > 5) return [];
  const own = typeof (e as { code?: unknown }).code === 'string' ? [(e as { code: string }).code] : [];
  const nested = e instanceof AggregateError ? e.errors.flatMap((x) => errorCodes(x, depth + 1)) : [];
  return [...own, ...nested, ...errorCodes((e as { cause?: unknown }).cause, depth + 1)];
}

function toTransportError(e: unknown): FyersTransportError {
  if (isTimeoutError(e) || (e instanceof Error && (e.name === 'TimeoutError' || e.name === 'AbortError'))) {
    return new FyersTransportError('timeout', true, { cause: e });
  }
  const codes = errorCodes(e);
  if (codes.length > 0 && codes.every((c) => NOT_CONNECTED.has(c))) return new FyersTransportError('not-connected', false, { cause: e });
  return new FyersTransportError('network', true, { cause: e });
}

function parseBody(text: string): FyersBody | undefined {
  if (!text.trim()) return undefined;
  try {
    const parsed: unknown = JSON.parse(text);
    return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as FyersBody) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A ky instance for one Fyers host. No retries, ever: a retried POST could place an order twice, and
 * every GET caller has its own budget. HTTP errors don't throw; the caller classifies the reply.
 * Throws FyersTransportError when no response arrived, SessionExpiredError when there is no token to send.
 * The token only ever travels in the Authorization header; it is registered with the log redactor as well.
 */
export function createFyersHttp(opts: FyersHttpOptions): FyersHttp {
  const api = ky.create({
    prefix: opts.baseUrl,
    retry: 0,
    throwHttpErrors: false,
    ...(opts.fetch ? { fetch: opts.fetch } : {}),
  });

  const headers = async (): Promise<Record<string, string>> => {
    if (!opts.accessToken) return {};
    const token = await opts.accessToken();
    if (!token) throw new SessionExpiredError('No Fyers session; log in again');
    registerSecret(token);
    return { authorization: `${opts.appId}:${token}` };
  };

  const call = async (method: 'get' | 'post' | 'patch' | 'delete', path: string, json: unknown, o: CallOptions = {}): Promise<FyersReply> => {
    const timeoutMs = o.timeoutMs ?? opts.timeoutMs;
    const h = await headers();
    try {
      // One signal bounds the whole call, body included; ky's own timeout covers the wait for headers.
      const res = await api(path, {
        method, headers: h, timeout: timeoutMs, signal: AbortSignal.timeout(timeoutMs),
        ...(o.searchParams ? { searchParams: o.searchParams } : {}),
        ...(json === undefined ? {} : { json }),
      });
      const text = await res.text();
      return { httpStatus: res.status, body: parseBody(text), headers: res.headers };
    } catch (e) {
      throw toTransportError(e);
    }
  };

  return {
    get: (path, o) => call('get', path, undefined, o),
    post: (path, json, o) => call('post', path, json, o),
    patch: (path, json, o) => call('patch', path, json, o),
    delete: (path, json, o) => call('delete', path, json, o),
  };
}

import { createFyersApi } from '../../../shared/broker/fyers/fyers.api';
import type { Broker, OrderRequest } from '../../../shared/broker/broker.port';
import type { Logger } from '../../../shared/platform/logger';
import { startFakeFyers, type FakeFyers, type FakeFyersOptions } from '../../fake-fyers';

export interface LogEntry { severity: string; message: string; fields: Record<string, unknown> }

/** Records exactly what the adapter handed the logger, before any redaction, so secrets can be searched for. */
export function capturingLogger(entries: LogEntry[] = [], base: Record<string, unknown> = {}): Logger & { entries: LogEntry[] } {
  const at = (severity: string) => (message: string, fields: Record<string, unknown> = {}) => void entries.push({ severity, message, fields: { ...base, ...fields } });
  return {
    entries,
    debug: at('DEBUG'), info: at('INFO'), warn: at('WARNING'), error: at('ERROR'),
    child: (fields) => capturingLogger(entries, { ...base, ...fields }),
  };
}

/** Everything in the log entries and an error as one string, with Error messages, stacks and causes spelled out. */
export function dump(...things: unknown[]): string {
  const seen = new WeakSet<object>();
  return JSON.stringify(things, (_k, value: unknown) => {
    if (value instanceof Error) {
      return { name: value.name, message: value.message, stack: value.stack, cause: value.cause, details: (value as { details?: unknown }).details };
    }
    if (value && typeof value === 'object') {
      if (seen.has(value)) return '[cycle]';
      seen.add(value);
    }
    return value;
  });
}

export const TICKER = 'NSE:NIFTY2672124400CE';

export const marketBuy = (over: Partial<OrderRequest> = {}): OrderRequest => ({
  symbol: TICKER, qty: 65, side: 'BUY', orderType: 'MARKET', productType: 'INTRADAY', orderTag: 'tvA1b2c3', ...over,
});

export interface Kit {
  fake: FakeFyers;
  /**
   * The raw REST client (no pacer, breaker or session guard), so each test sees exactly what one call
   * to Fyers answers; fyers.broker.test.ts covers the wrapped broker the app uses.
   */
  api: Broker;
  logger: ReturnType<typeof capturingLogger>;
  token: string;
}

export async function startKit(fakeOpts: FakeFyersOptions = {}, timeoutMs = 1500): Promise<Kit> {
  const fake = await startFakeFyers(fakeOpts);
  const token = fake.issueAccessToken();
  const logger = capturingLogger();
  const api = createFyersApi({ apiUrl: fake.apiUrl, dataUrl: fake.dataUrl, appId: fake.state.appId, accessToken: async () => token, timeoutMs, logger });
  return { fake, api, logger, token };
}

/** Waits until `check` holds; the fake keeps working after a client has given up on it. */
export async function eventually(check: () => boolean, timeoutMs = 3000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

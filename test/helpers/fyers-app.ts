import { randomBytes } from 'node:crypto';
import type { AppDeps } from '../../functions/composition';
import type { Adapters } from '../../functions/adapters';
import type { Notification } from '../../shared/notify/notifier.port';
import type { Logger } from '../../shared/platform/logger';
import { istInstant, istParts } from '../../shared/platform/ist';
import { parseSymbolMaster } from '../../shared/symbols/parse-symbol-master';
import { sampleSymbolMaster } from '../../shared/symbols/sample-symbol-master';
import { startFakeFyers, type FakeFyers, type FakeFyersOptions, type FakeInstrument } from '../fake-fyers';
import { startHarness } from './bridge-harness';

/**
 * A clock that runs at real speed from a chosen start and can be pushed forward. A frozen clock would
 * stall the request pacer (it waits for time to pass), so tests move time by jumps instead.
 */
export interface ShiftedClock {
  (): number;
  advance(ms: number): void;
}

export function shiftedClock(startMs = Date.now()): ShiftedClock {
  let offset = startMs - Date.now();
  const clock = (() => Date.now() + offset) as ShiftedClock;
  clock.advance = (ms) => {
    offset += ms;
  };
  return clock;
}

/** 09:15:00 IST on the next Monday-to-Friday after `fromMs` (the open of the trading window). */
export function nextMarketOpen(fromMs = Date.now()): number {
  let day = fromMs + 86_400_000;
  while ([0, 6].includes(istParts(day).weekday)) day += 86_400_000;
  return istInstant(istParts(day).date, 9, 15);
}

/** The sample master's contracts at `nowMs`, in the shape the fake needs to accept orders for them. */
export function sampleInstruments(nowMs: number): FakeInstrument[] {
  const { nseFo, bseFo } = sampleSymbolMaster(nowMs);
  return [...parseSymbolMaster(nseFo).instruments, ...parseSymbolMaster(bseFo).instruments].map((i) => ({
    ticker: i.ticker,
    lotSize: i.lotSize,
    tickSize: i.tickSize,
  }));
}

/** Spot prices matching the sample master's strikes, so ATM resolves inside the generated chain. */
export const SPOT_LTP = { 'NSE:NIFTY50-INDEX': 24_500, 'NSE:NIFTYBANK-INDEX': 52_000, 'BSE:SENSEX-INDEX': 80_500 };

export interface FyersAppOptions {
  /** Extra environment for parseConfig (e.g. BROKER_TIMEOUT_MS, ALLOWED_SOURCE_IPS). */
  env?: Record<string, string>;
  fake?: Omit<FakeFyersOptions, 'clock' | 'instruments'>;
  store?: 'firestore' | 'local';
  /** Where the app's clock starts; default now. */
  startAt?: number;
  logger?: Logger;
  overrides?: Partial<Adapters>;
  /**
   * Ask /readyz once before returning (default true), as a warm instance would have: the first Firestore
   * call of a process pays for the gRPC channel (about 2 s), which is cold start, not the behaviour under test.
   */
  warm?: boolean;
  /** 'capture' (default) records notifications in `notifications`; 'real' keeps the configured notifier (logged locally). */
  notifier?: 'capture' | 'real';
}

export interface HttpAnswer {
  status: number;
  body: Record<string, unknown>;
  text: string;
  headers: Headers;
  /**
   * Time that passed on the app's clock (shared with the fake's rate limiter) while the request was served.
   * Only lower bounds on it are meaningful (waits the bridge chose); no test bounds it from above: that
   * would race a loaded machine. Latency lives in `npm run bench`.
   */
  clockMs: number;
}

export interface FyersApp {
  fake: FakeFyers;
  deps: AppDeps;
  clock: ShiftedClock;
  notifications: Notification[];
  secret: string;
  /** Origin of the Functions Framework server serving `webhook` (and `readyz`) with these deps. */
  url: string;
  /** A valid alert for a fixed NIFTY strike, with the given fields changed. */
  alert(over?: Record<string, unknown>): Record<string, unknown>;
  post(body: unknown, opts?: { headers?: Record<string, string>; path?: string }): Promise<HttpAnswer>;
  get(path: string): Promise<HttpAnswer>;
  /** Place-order requests the fake received (answered or not). */
  orderCalls(): number;
  close(): Promise<void>;
}

/**
 * The whole product wired by the composition root against the fake Fyers server, exactly as in
 * production except for the clock, the logger and a notifier that records what it is given.
 * STORE=firestore needs FIRESTORE_EMULATOR_HOST; each app gets its own demo project, so runs never share documents.
 */
export async function startFyersApp(opts: FyersAppOptions = {}): Promise<FyersApp> {
  const clock = shiftedClock(opts.startAt);
  const secret = `whsec-${randomBytes(12).toString('hex')}`;
  const h = await startHarness({
    label: 'fyers-app',
    fake: () => startFakeFyers({ ltp: { ...SPOT_LTP }, ...opts.fake, instruments: sampleInstruments(clock()), clock }),
    store: opts.store ?? 'firestore',
    env: {
      WEBHOOK_SECRET: secret,
      GOOGLE_CLOUD_PROJECT: `demo-faults-${randomBytes(4).toString('hex')}`,
      ENFORCE_TRADING_WINDOW: 'false',
      ...opts.env,
    },
    clock,
    logger: opts.logger,
    notifier: opts.notifier === 'real' ? 'configured' : 'record',
    overrides: opts.overrides,
    // These tests play Google's front end, which appends the caller's address to X-Forwarded-For.
    localServer: { trustForwardedFor: true },
  });
  const fake = h.fake!;
  const url = h.url!;
  const notifications = h.notes.sent;
  const deps = h.deps;

  const call = async (path: string, init: RequestInit): Promise<HttpAnswer> => {
    const started = clock();
    const res = await fetch(url + path, init);
    const text = await res.text();
    const clockMs = clock() - started;
    let body: Record<string, unknown> = {};
    try {
      body = JSON.parse(text) as Record<string, unknown>;
    } catch {
      // not JSON; callers look at text
    }
    return { status: res.status, body, text, headers: res.headers, clockMs };
  };

  if (opts.warm ?? true) await call('/readyz', { method: 'GET' });

  return {
    fake,
    deps,
    clock,
    notifications,
    secret,
    url,
    alert: (over = {}) => ({ token: secret, symbol: 'NIFTY', action: 'BUY', optionType: 'CE', strikeprice: 24_500, qty: 1, ...over }),
    post: (body, o = {}) =>
      call(o.path ?? '/webhook', {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...o.headers },
        body: typeof body === 'string' || Buffer.isBuffer(body) ? (body as string) : JSON.stringify(body),
      }),
    get: (path) => call(path, { method: 'GET' }),
    orderCalls: () => fake.state.requests.filter((r) => r.route === 'place-order').length,
    close: h.close,
  };
}

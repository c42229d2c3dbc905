import type { Clock } from '../../shared/platform/clock';
import { istInstant } from '../../shared/platform/ist';
import type { Adapters } from '../../functions/adapters';
import type { Instrument, SymbolIndex } from '../../shared/symbols/instrument';
import { parseSymbolMaster } from '../../shared/symbols/parse-symbol-master';
import { sampleSymbolMaster } from '../../shared/symbols/sample-symbol-master';
import { encodeSymbolIndex } from '../../shared/symbols/symbol-index.codec';
import { indexBlobLoader } from '../../shared/symbols/symbol-loaders';
import { startFakeFyers, type FakeFyers, type FakeFyersOptions } from '../fake-fyers';
import { fakeBrokerEnv, startHarness, type Harness, type HarnessOptions } from './bridge-harness';
import { sampleIndex } from './symbol-fixtures';

/**
 * What the end-to-end webhook tests share: a clock pinned to a chosen IST instant that still ticks
 * (the request pacer and timeouts need time to pass), a fake Fyers that lists exactly the contracts of
 * the sample symbol master the webhook resolves against, and the env that points the app at it.
 */

/** A Wednesday, 10:00 IST: inside the trading window, not a holiday. */
export const IN_WINDOW = istInstant('2026-07-22', 10, 0);
/** The same day at 16:00 IST, after the close. */
export const AFTER_CLOSE = istInstant('2026-07-22', 16, 0);

export const WEBHOOK_SECRET = 'e2e-webhook-secret-1f2e3d';
export const SPOT_TICKER = 'NSE:NIFTY50-INDEX';
export const SPOT_LTP = 24512.3;
export const OPTION_LTP = 152.35;

export type TickingClock = Clock & { set(ms: number): void };

/** Starts at `startMs` and advances with real time; `set` jumps to another instant and keeps ticking from there. */
export function tickingClock(startMs: number): TickingClock {
  let base = startMs;
  let realAtBase = Date.now();
  const clock = (() => base + (Date.now() - realAtBase)) as TickingClock;
  clock.set = (ms) => {
    base = ms;
    realAtBase = Date.now();
  };
  return clock;
}

/** The sample master's instruments as the webhook sees them at `nowMs`, and an index to query them. */
export function sampleContracts(nowMs: number): { index: SymbolIndex; instruments: Instrument[] } {
  const index = sampleIndex(nowMs);
  const instruments: Instrument[] = [];
  for (const u of index.underlyings()) {
    for (const ex of index.exchangesListing(u)) {
      for (const expiry of index.optionExpiries(ex, u)) {
        for (const opt of ['CE', 'PE'] as const) {
          for (const strike of index.strikes(ex, u, expiry, opt)) {
            const inst = index.find(ex, u, expiry, strike, opt);
            if (inst) instruments.push(inst);
          }
        }
      }
    }
  }
  return { index, instruments };
}

/** The NIFTY option the tests trade: nearest live expiry at `nowMs`, the given strike. */
export function niftyOption(index: SymbolIndex, nowMs: number, strike: number, optionType: 'CE' | 'PE' = 'CE'): Instrument {
  const expiry = index.optionExpiries('NSE', 'NIFTY', nowMs)[0];
  const inst = expiry === undefined ? undefined : index.find('NSE', 'NIFTY', expiry, strike, optionType);
  if (!inst) throw new Error(`the sample master has no NIFTY ${strike} ${optionType} at ${new Date(nowMs).toISOString()}`);
  return inst;
}

/**
 * The sample master as the refresh job publishes it (the stored index, opened one underlying at a
 * time) instead of generated in the instance: what a deployed instance trades on.
 */
export function publishedSampleIndex(nowMs: number): Pick<Adapters, 'symbolLoader'> {
  const { nseFo, bseFo } = sampleSymbolMaster(nowMs);
  const data = encodeSymbolIndex([...parseSymbolMaster(nseFo).instruments, ...parseSymbolMaster(bseFo).instruments], { builtAt: nowMs, sources: ['sample'] });
  const meta = { generation: '1', updated: nowMs, size: data.length };
  const blobs = { stat: async () => meta, read: async () => ({ data, meta }), write: async () => undefined };
  return { symbolLoader: indexBlobLoader(blobs, 'symbol-master/index.json') };
}

/** A fake Fyers trading every sample contract, with a spot price and option LTPs set. */
export async function startSampleFake(nowMs: number, opts: FakeFyersOptions & { optionLtps?: Record<string, number> } = {}): Promise<FakeFyers> {
  const { instruments } = sampleContracts(nowMs);
  return startFakeFyers({
    ...opts,
    instruments,
    ltp: { [SPOT_TICKER]: SPOT_LTP, ...(opts.optionLtps ?? {}), ...(opts.ltp ?? {}) },
  });
}

/** What the e2e bridge runs with besides the broker: the alert secret, quiet logs, controls read fresh. */
const E2E_ENV: Record<string, string> = { WEBHOOK_SECRET, LOG_LEVEL: 'ERROR', CONTROLS_CACHE_SECONDS: '0' };

/** The environment that points the app at the fake (plus whatever the test adds), for a bridge in another process. */
export function fakeFyersEnv(fake: FakeFyers, extra: Record<string, string> = {}): Record<string, string> {
  return { ...fakeBrokerEnv(fake), ...E2E_ENV, ...extra };
}

export interface SampleBridgeOptions extends Omit<HarnessOptions, 'fake' | 'clock' | 'env'> {
  /** The clock of the bridge and the fake; default: ticking from IN_WINDOW. */
  clock?: TickingClock;
  /** LTPs set on the sample fake (options the test trades). */
  optionLtps?: Record<string, number>;
  /** A fake the test started itself, on `clock`, instead of the sample one. */
  fake?: FakeFyers;
  /** Settings over the e2e defaults. */
  env?: Record<string, string>;
}

export interface SampleBridge extends Harness {
  fake: FakeFyers;
  clock: TickingClock;
}

/**
 * The bridge the e2e tests trade on, through the one harness: the local store (unless the test says
 * otherwise) in a temp dir, logged in to a fake Fyers that trades every sample contract, on a clock
 * pinned to IN_WINDOW that still ticks.
 */
export async function startSampleBridge(opts: SampleBridgeOptions = {}): Promise<SampleBridge> {
  const { clock = tickingClock(IN_WINDOW), optionLtps, fake, env, ...rest } = opts;
  const h = await startHarness({
    store: 'local',
    ...rest,
    fake: fake ?? (() => startSampleFake(IN_WINDOW, { clock, optionLtps })),
    clock,
    env: { ...E2E_ENV, ...env },
  });
  return { ...h, fake: h.fake!, clock };
}

/** A TradingView alert body for NIFTY options; override what the test is about. */
export function alertBody(over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    token: WEBHOOK_SECRET,
    symbol: 'NIFTY',
    action: 'BUY',
    optionType: 'CE',
    strikeprice: 'ATM',
    expiry: 'nearest',
    qty: 1,
    productType: 'INTRADAY',
    orderType: 'MARKET',
    ...over,
  };
}

/** Waits until `check` holds, polling; the fake keeps working after a client has given up on it. */
export async function waitFor(check: () => boolean, timeoutMs = 5000, what = 'condition'): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`${what} not reached within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

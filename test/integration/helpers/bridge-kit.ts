import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AppDeps } from '../../../functions/composition';
import type { Adapters } from '../../../functions/adapters';
import type { Config } from '../../../shared/config/config';
import { PAPER_SPOT } from '../../../shared/broker/paper/paper-pricing';
import type { Logger } from '../../../shared/platform/logger';
import { parseSymbolMaster } from '../../../shared/symbols/parse-symbol-master';
import { sampleSymbolMaster } from '../../../shared/symbols/sample-symbol-master';
import type { StoredToken } from '../../../shared/tokens/token.port';
import { jwtExpiryMs } from '../../../shared/tokens/jwt-expiry';
import { startFakeFyers, type FakeFyers, type FakeFyersOptions } from '../../fake-fyers';
import { startHarness, type RecordingNotifier } from '../../helpers/bridge-harness';

export const WEBHOOK_SECRET = 'wh-secret-for-operator-tests-7f3a';
export const CONTROLS_KEY = 'ctl-key-for-operator-tests-91bd';
export const FYERS_APP_SECRET = 'fake-app-secret';

/**
 * A clock that runs with real time (pacers and timers keep working) but can be pushed forward by hand,
 * which is all the expiry and cache tests need from a manual clock.
 */
export function offsetClock(startMs?: number): (() => number) & { advance(ms: number): void } {
  let offset = startMs === undefined ? 0 : startMs - Date.now();
  const clock = (() => Date.now() + offset) as (() => number) & { advance(ms: number): void };
  clock.advance = (ms) => {
    offset += ms;
  };
  return clock;
}

/** Every contract of the generated sample master, so whatever the webhook resolves the fake can trade. */
export function sampleInstruments(nowMs: number) {
  const { nseFo, bseFo } = sampleSymbolMaster(nowMs);
  return [...parseSymbolMaster(nseFo).instruments, ...parseSymbolMaster(bseFo).instruments];
}

export async function tempDir(label: string): Promise<string> {
  return mkdtemp(join(tmpdir(), `bridge-${label}-`));
}

export interface BridgeOptions {
  /** Extra or overriding env (e.g. FYERS_ACCESS_TOKEN, CONTROLS_CACHE_SECONDS). */
  env?: Record<string, string | undefined>;
  fake?: FakeFyersOptions;
  /** Start the one-port local server and make it serve these deps. */
  localServer?: boolean;
  overrides?: Partial<Adapters>;
  logger?: Logger;
  /** Where the clock starts (epoch ms); it runs on from there. Default: now. */
  at?: number;
}

export interface Bridge {
  fake: FakeFyers;
  config: Config;
  deps: AppDeps;
  clock: ReturnType<typeof offsetClock>;
  notes: RecordingNotifier;
  dataDir: string;
  /** Origin of the local one-port server, when started. */
  base?: string;
  env: Record<string, string | undefined>;
  /** A second deps instance over the same data dir (another Cloud Run instance sharing the stores). */
  another(overrides?: Partial<Adapters>): Promise<AppDeps>;
  close(): Promise<void>;
}

/**
 * The bridge on BROKER=fyers against the fake Fyers server: local stores in a temp dir, the generated
 * sample master on both sides, a recording notifier, and optionally the one-port local server serving it.
 */
export async function startBridge(opts: BridgeOptions = {}): Promise<Bridge> {
  const clock = offsetClock(opts.at);
  const h = await startHarness({
    fake: (origin) =>
      startFakeFyers({
        clock,
        instruments: sampleInstruments(clock()),
        ltp: { 'NSE:NIFTY50-INDEX': PAPER_SPOT.NIFTY!, 'BSE:SENSEX-INDEX': PAPER_SPOT.SENSEX! },
        redirectUri: `${origin ?? 'http://127.0.0.1:9'}/authCallback`,
        appSecret: FYERS_APP_SECRET,
        ...opts.fake,
      }),
    // Logged out: these tests log in through the fake's OAuth flow, or store a session themselves.
    accessToken: false,
    env: ({ origin, fake }) => ({
      FYERS_APP_SECRET,
      FYERS_REDIRECT_URL: fake!.state.redirectUri,
      PUBLIC_BASE_URL: origin ?? 'http://127.0.0.1:9',
      WEBHOOK_SECRET,
      CONTROLS_KEY,
      ENFORCE_TRADING_WINDOW: 'false',
      LOG_LEVEL: 'ERROR',
      ...opts.env,
    }),
    clock,
    logger: opts.logger,
    notifier: 'record',
    overrides: opts.overrides,
    localServer: opts.localServer,
  });
  return { fake: h.fake!, config: h.config, deps: h.deps, clock, notes: h.notes, dataDir: h.dataDir, base: h.url, env: h.env, another: h.another, close: h.close };
}

/** A TradingView-style alert body for NIFTY at the money, with the right secret unless overridden. */
let alertSeq = 0;
export function niftyAlert(over: Record<string, unknown> = {}): Record<string, unknown> {
  // A distinct comment per call: identical bodies inside the dedup window are (rightly) treated as one alert.
  return { token: WEBHOOK_SECRET, symbol: 'NIFTY', action: 'BUY', optionType: 'CE', strikeprice: 'ATM', qty: 1, comment: `alert ${++alertSeq}`, ...over };
}

/** Sends an alert straight to the webhook handler of `deps`, as the HTTP entry point would. */
export async function sendAlert(deps: AppDeps, body: Record<string, unknown>) {
  const { handleWebhook } = await import('../../../functions/webhook/webhook.handler');
  return handleWebhook(deps.webhook, { method: 'POST', rawBody: Buffer.from(JSON.stringify(body)), headers: {}, sourceIp: '127.0.0.1' });
}

/** Requests the fake received on a route (e.g. 'place-order', 'profile', 'validate-refresh-token'). */
export const callsTo = (fake: FakeFyers, route: string) => fake.state.requests.filter((r) => r.route === route).length;

/** Stores a session the fake accepts, as the login callback would (on any instance: the store is shared). */
export async function storeLogin(bridge: Bridge): Promise<StoredToken> {
  const accessToken = bridge.fake.issueAccessToken();
  const token: StoredToken = { accessToken, expiresAt: jwtExpiryMs(accessToken)!, obtainedAt: bridge.clock(), source: 'login' };
  await bridge.deps.adapters.tokens.save(token);
  return token;
}

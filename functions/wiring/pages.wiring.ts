import { PAGE_READ_TTLS, withCachedReads } from '../../shared/broker/cached-reads';
import { systemResolveHost } from '../../shared/notify/safe-target';
import { orderViewsFromBroker } from '../../shared/orders/order-views';
import { istParts } from '../../shared/platform/ist';
import { tradingWindowFor, type TradingWindow } from '../../shared/risk/trading-window';
import type { OrderExecutor } from '../../shared/orders/execute/execute-plan';
import type { FlattenDeps } from '../../shared/strategy/flatten-holdings';
import type { ConsoleDeps } from '../console/console.handler';
import { consoleLogoutsOn } from '../console/console-logouts';
import type { ControlsDeps } from '../controls/controls.handler';
import type { ReadyzDeps } from '../readyz/readyz.handler';
import type { WiringContext } from './wiring-context';
import type { ForwardTestVenue } from '../../shared/strategy/strategy.deps';
import { applyControlsChange } from '../controls/controls.handler';
import type { Adapters } from '../adapters';

type ForwardTestRecords = Adapters['forwardTest']['orderRecords'];

/**
 * The console reloads itself every minute (console-pages REFRESH_SECONDS): its own reads are reused
 * for just under that, and funds (which change only with a trade) for five, so a phone left open
 * costs about 3.2 Fyers reads a minute, inside the console's 10/min share over its 3 instances.
 */
const CONSOLE_READ_TTLS = { ...PAGE_READ_TTLS, positions: 55_000, orders: 55_000, funds: 300_000 };

/** Short enough that a phone left unlocked is not a standing key to the kill switch. */
const CONSOLE_SESSION_MS = 20 * 60_000;

/**
 * NSE F&O's session from the market calendar on the day `nowMs` falls on, optionally narrowed: taken
 * for each request's day, not the day the instance was wired (an instance lives past midnight, and the
 * close moved on 3 Aug 2026).
 */
export const nseSessionOfDay = (w: WiringContext, narrowing?: WiringContext['config']['risk']['tradingWindow']) => (nowMs: number): TradingWindow =>
  tradingWindowFor('NSE', istParts(nowMs).date, narrowing, w.config.risk.holidays);

/**
 * Readiness and the login page judge NSE F&O's session narrowed by TRADING_WINDOW; alerts themselves
 * are judged against their own exchange's session from the master.
 */
export const readinessWindow = (w: WiringContext) => nseSessionOfDay(w, w.config.risk.tradingWindow);

/**
 * What a person looks at: readiness, the controls API, the console. The console's actions (exit,
 * cancel, flatten) go through the one executor and the jobs' flatten, like every other order.
 */
export function pages(w: WiringContext, executor: OrderExecutor, flatten: FlattenDeps, paper: { flatten: FlattenDeps; venue: ForwardTestVenue; records: ForwardTestRecords }): { readyz: ReadyzDeps; controls: ControlsDeps; console: ConsoleDeps } {
  const { config, adapters, clock, logger, operatorKey } = w;
  // Pages read through a short cache: a reload, or ten phones polling, cannot spend the account's
  // budget. Nothing that trades reads through it: orders need fresh answers.
  const pageBroker = withCachedReads(adapters.broker, { clock, ttlMs: PAGE_READ_TTLS });
  const readyz: ReadyzDeps = {
    clock,
    logger,
    broker: pageBroker,
    symbols: w.symbols,
    probes: adapters.probes,
    probeTimeoutMs: 1500,
    controls: w.controls,
    session: { window: readinessWindow(w), enforce: config.risk.enforceTradingWindow },
  };
  const controls: ControlsDeps = {
    clock,
    logger,
    controls: adapters.controls,
    audit: adapters.audit,
    operatorKey,
    notifier: adapters.notifier,
    onChanged: (after) => w.controls.changed(after),
    webhooks: { store: adapters.webhookSubscriptions, resolve: systemResolveHost, clock },
  };
  const consoleBroker = withCachedReads(adapters.broker, { clock, ttlMs: CONSOLE_READ_TTLS });
  const publishedIndex = Boolean(config.symbolMaster.bucket) || config.symbolMaster.urls.length > 0;
  const console: ConsoleDeps = {
    clock,
    logger,
    secrets: adapters.secrets,
    controls,
    operatorKey,
    loginUrl: config.loginUrl,
    actions: {
      clock, logger, flatten: { ...flatten, owner: `${w.instanceId}:console` }, executor, holdings: adapters.holdings, records: adapters.orderRecords, audit: adapters.audit, notifier: adapters.notifier, symbols: w.symbols,
      paper: { flatten: { ...paper.flatten, owner: `${w.instanceId}:console-paper` }, executor: paper.venue.executor, holdings: paper.venue.holdings, records: paper.records },
      // One strategy's switch, merged into the map as it stands inside the update (two switches at once both land).
      setVenue: async (strategy, to, requestId) => {
        await applyControlsChange(controls, (current) => ({ strategyVenue: { ...current.strategyVenue, [strategy]: to } }), 'console', requestId);
      },
    },
    sessionTtlMs: CONSOLE_SESSION_MS,
    logouts: consoleLogoutsOn(adapters.leases),
    defaultMaxLots: config.risk.maxLots,
    view: {
      clock,
      logger,
      readiness: readyz,
      controls: adapters.controls,
      audit: adapters.audit,
      broker: consoleBroker,
      orders: orderViewsFromBroker(consoleBroker),
      holdings: adapters.holdings,
      records: adapters.orderRecords,
      forwardTest: { broker: withCachedReads(paper.venue.broker, { clock, ttlMs: CONSOLE_READ_TTLS }), holdings: paper.venue.holdings, records: paper.records },
      paperStrategies: config.paperStrategies,
      symbols: w.symbols,
      notifications: adapters.recentNotifications,
      symbolMaster: async () => {
        const index = await w.symbols();
        const meta = publishedIndex ? await adapters.blobs.stat(config.symbolMaster.object) : undefined;
        const source = meta ? 'the refresh job' : config.symbolMaster.file ? 'local files' : 'the bundled sample, generated for today';
        return { version: index.version, instruments: index.instrumentCount, publishedAt: meta?.updated, source };
      },
      defaultMaxLots: config.risk.maxLots,
      partTimeoutMs: 2_500,
    },
  };
  return { readyz, controls, console };
}

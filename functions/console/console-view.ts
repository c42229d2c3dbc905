import type { Broker, Funds, Position } from '../../shared/broker/broker.port';
import type { OrderRecord } from '../../shared/orders/lifecycle/order-record';
import type { HoldingsStore, Holding } from '../../shared/store/holdings.port';
import type { OrderRecordStore } from '../../shared/store/order-records.port';
import type { Instrument, SymbolIndex } from '../../shared/symbols/instrument';
import { istInstant } from '../../shared/platform/ist';
import { cachedRead, PAGE_READ_TTLS, readCacheFor, type CachedRead } from '../../shared/broker/cached-reads';
import type { Notification } from '../../shared/notify/notifier.port';
import type { RecentNotifications } from '../../shared/notify/recent-notifications';
import type { OrderView, OrderViews } from '../../shared/orders/order-views';
import type { Clock } from '../../shared/platform/clock';
import { istParts } from '../../shared/platform/ist';
import type { Logger } from '../../shared/platform/logger';
import { exchangeSessionAt, type ExchangeSession } from '../../shared/risk/exchange-session';
import type { AuditEntry, AuditLog, NoiseCount } from '../../shared/store/audit.port';
import type { ControlsStore, RuntimeControls } from '../../shared/store/controls.port';
import { runReadinessChecks, type Check, type ReadyzDeps } from '../readyz/readyz.handler';

/** The symbol master as the console shows it: which version, how big, and when it was published. */
export interface SymbolMasterInfo {
  version: string;
  instruments: number;
  /** When the refresh job published it (epoch ms); absent for the bundled sample or local files. */
  publishedAt?: number;
  source: string;
}

export interface ConsoleViewDeps {
  clock: Clock;
  logger: Logger;
  readiness: ReadyzDeps;
  controls: ControlsStore;
  audit: AuditLog;
  broker: Pick<Broker, 'name' | 'getPositions' | 'getFunds'>;
  /** Each strategy's book (the bridge's own), and the day's order records the bridge wrote. */
  holdings: Pick<HoldingsStore, 'list'>;
  records: Pick<OrderRecordStore<OrderRecord>, 'listCreatedBetween'>;
  /** Names contracts as a trader says them. */
  symbols: () => Promise<SymbolIndex>;
  orders: OrderViews;
  notifications: RecentNotifications;
  symbolMaster: () => Promise<SymbolMasterInfo>;
  /** MAX_LOTS as deployed, shown beside the override. */
  defaultMaxLots: number;
  /** Each part of the page waits at most this long; a slow dependency shows as unavailable, not a blank page. */
  partTimeoutMs: number;
  /** The forward test's book, records and positions (paper strategies), shown beside the live ones. */
  forwardTest?: { broker: Pick<Broker, 'getPositions'>; holdings: Pick<HoldingsStore, 'list'>; records: Pick<OrderRecordStore<OrderRecord>, 'listCreatedBetween'> };
  /** PAPER_STRATEGIES as deployed; the controls' strategyVenue overrides it per strategy. */
  paperStrategies?: readonly string[];
}

/** What the forward test holds and did today. */
export interface PaperBook {
  holdings: Holding[];
  records: OrderRecord[];
  positions: Position[];
}

/** A part of the page, or why it could not be read. */
export type Part<T> = { ok: true; value: T } | { ok: false; error: string };

export interface ConsoleView {
  now: number;
  exchange: ExchangeSession;
  checks: Part<Record<string, Check>>;
  controls: Part<RuntimeControls>;
  defaultMaxLots: number;
  brokerName: string;
  symbolMaster: Part<SymbolMasterInfo>;
  alerts: Part<AuditEntry[]>;
  /** Requests without the webhook secret today, per source and hour (never listed as alerts). */
  noise: Part<NoiseCount[]>;
  orders: Part<OrderView[]>;
  positions: Part<Position[]>;
  notifications: Part<Notification[]>;
  funds: Part<Funds>;
  holdings: Part<Holding[]>;
  records: Part<OrderRecord[]>;
  /** The forward test's side of the page; absent where none is wired. */
  paper?: Part<PaperBook>;
  paperStrategies: readonly string[];
  /** The contract behind a ticker, when the master knows it. */
  instrument: (ticker: string) => Instrument | undefined;
}

async function part<T>(name: string, work: () => Promise<T>, deps: ConsoleViewDeps): Promise<Part<T>> {
  let timer: NodeJS.Timeout | undefined;
  try {
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out after ${deps.partTimeoutMs} ms`)), deps.partTimeoutMs);
    });
    return { ok: true, value: await Promise.race([work(), timeout]) };
  } catch (e) {
    deps.logger.warn('console part unavailable', { part: name, error: e });
    return { ok: false, error: 'unavailable right now' };
  } finally {
    clearTimeout(timer);
  }
}

/** Today's orders per OrderViews object, cached like the broker reads (the orders part is a broker orderbook read). */
const ordersCaches = new WeakMap<OrderViews, CachedRead<string, OrderView[]>>();
function cachedOrdersToday(deps: ConsoleViewDeps, now: number): Promise<OrderView[]> {
  let cache = ordersCaches.get(deps.orders);
  if (!cache) {
    const orders = deps.orders;
    cache = cachedRead((_day: string) => orders.today(deps.clock()), { clock: deps.clock, ttlMs: PAGE_READ_TTLS.orders });
    ordersCaches.set(orders, cache);
  }
  return cache.get(istParts(now).date);
}

/**
 * Everything the page shows, read side by side. The broker's parts (session, positions, orders) are
 * reused for a few seconds (shared/broker/cached-reads.ts), so reloading the page cannot spend the
 * Fyers budget the order paths need.
 */
export async function gatherConsoleView(deps: ConsoleViewDeps): Promise<ConsoleView> {
  const now = deps.clock();
  const day = istParts(now).date;
  const dayStart = istInstant(day);
  const [checks, controls, symbolMaster, alerts, noise, orders, positions, notifications, funds, holdings, records, index] = await Promise.all([
    part('readiness', () => runReadinessChecks(deps.readiness), deps),
    part('controls', () => deps.controls.get(), deps),
    part('symbolMaster', deps.symbolMaster, deps),
    part('alerts', () => deps.audit.list({ day, limit: 200 }), deps),
    part('noise', async () => (await deps.audit.noise(day)).sort((a, b) => b.hour - a.hour || b.count - a.count), deps),
    part('orders', () => cachedOrdersToday(deps, now), deps),
    part('positions', async () => (await readCacheFor(deps.broker, { clock: deps.clock }).getPositions()).filter((p) => p.netQty !== 0 || (p.pnl ?? 0) !== 0), deps),
    part('notifications', () => deps.notifications.list(20), deps),
    part('funds', () => readCacheFor(deps.broker, { clock: deps.clock }).getFunds(), deps),
    part('holdings', () => deps.holdings.list({}), deps),
    part('records', () => deps.records.listCreatedBetween(dayStart, dayStart + 86_400_000), deps),
    part('symbols', deps.symbols, deps),
  ]);
  const fwd = deps.forwardTest;
  // The paper book's positions cost a live quote call; read only when a paper strategy holds something.
  const paper = fwd
    ? await part('paper', async (): Promise<PaperBook> => {
      const [held, done] = await Promise.all([fwd.holdings.list({}), fwd.records.listCreatedBetween(dayStart, dayStart + 86_400_000)]);
      return { holdings: held, records: done, positions: held.length ? await fwd.broker.getPositions() : [] };
    }, deps)
    : undefined;
  return {
    now,
    exchange: exchangeSessionAt(now, deps.readiness.session.window(now)),
    checks,
    controls,
    defaultMaxLots: deps.defaultMaxLots,
    brokerName: deps.broker.name,
    symbolMaster,
    alerts,
    noise,
    orders,
    positions,
    notifications,
    funds,
    holdings,
    records,
    ...(paper ? { paper } : {}),
    paperStrategies: deps.paperStrategies ?? [],
    instrument: (ticker) => (index.ok ? index.value.byTicker(ticker) : undefined),
  };
}

import type { Broker, Position } from '../../shared/broker/broker.port';
import type { Notification } from '../../shared/notify/notifier.port';
import type { RecentNotifications } from '../../shared/notify/recent-notifications';
import type { OrderView, OrderViews } from '../../shared/orders/order-views';
import type { Clock } from '../../shared/platform/clock';
import { istParts } from '../../shared/platform/ist';
import type { Logger } from '../../shared/platform/logger';
import { exchangeSessionAt, type ExchangeSession } from '../../shared/risk/exchange-session';
import type { AuditEntry, AuditLog } from '../../shared/store/audit.port';
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
  broker: Pick<Broker, 'name' | 'getPositions'>;
  orders: OrderViews;
  notifications: RecentNotifications;
  symbolMaster: () => Promise<SymbolMasterInfo>;
  /** MAX_LOTS as deployed, shown beside the override. */
  defaultMaxLots: number;
  /** Each part of the page waits at most this long; a slow dependency shows as unavailable, not a blank page. */
  partTimeoutMs: number;
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
  orders: Part<OrderView[]>;
  positions: Part<Position[]>;
  notifications: Part<Notification[]>;
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

/** Everything the page shows, read side by side. */
export async function gatherConsoleView(deps: ConsoleViewDeps): Promise<ConsoleView> {
  const now = deps.clock();
  const day = istParts(now).date;
  const [checks, controls, symbolMaster, alerts, orders, positions, notifications] = await Promise.all([
    part('readiness', () => runReadinessChecks(deps.readiness), deps),
    part('controls', () => deps.controls.get(), deps),
    part('symbolMaster', deps.symbolMaster, deps),
    part('alerts', () => deps.audit.list({ day, limit: 200 }), deps),
    part('orders', () => deps.orders.today(now), deps),
    part('positions', async () => (await deps.broker.getPositions()).filter((p) => p.netQty !== 0 || (p.pnl ?? 0) !== 0), deps),
    part('notifications', () => deps.notifications.list(20), deps),
  ]);
  return {
    now,
    exchange: exchangeSessionAt(now, deps.readiness.session.window),
    checks,
    controls,
    defaultMaxLots: deps.defaultMaxLots,
    brokerName: deps.broker.name,
    symbolMaster,
    alerts,
    orders,
    positions,
    notifications,
  };
}

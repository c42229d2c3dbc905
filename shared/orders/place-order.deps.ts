import type { ProtectionMode } from '../alert/protection';
import type { Broker } from '../broker/broker.port';
import type { OrderExecutor } from './execute/execute-plan';
import type { Notifier } from '../notify/notifier.port';
import type { Clock } from '../platform/clock';
import type { Logger } from '../platform/logger';
import type { SecretSource } from '../secrets/secrets.port';
import type { RuntimeControls } from '../store/controls.port';
import type { IdempotencyStore } from '../store/idempotency.port';
import type { OrderResult } from './order-result';
import type { LeaseStore } from '../store/lease.port';
import type { SymbolIndex } from '../symbols/instrument';
import type { SessionPolicy } from '../risk/trading-window';
import type { RecentKeys } from './recent-keys';

/** Policy knobs of the pipeline, resolved from config by the composition root. */
export interface PlaceOrderSettings {
  maxLots: number;
  /** Holidays and the optional TRADING_WINDOW narrowing; the session itself comes from the master. */
  tradingWindow: SessionPolicy;
  enforceTradingWindow: boolean;
  coverOnlyBuy: boolean;
  freezeQtyOverrides: Record<string, number>;
  /** What sl/tp do on INTRADAY/MARGIN (PROTECTION). */
  protection: ProtectionMode;
  /** A LIMIT price further than this from the option's LTP is refused. */
  limitPriceBandPercent: number;
  dedupWindowMs: number;
  idempotencyTtlMs: number;
  idempotencyLeaseMs: number;
  /** Identifies this instance as the owner of claims. */
  instanceId: string;
  /** Time after receipt by which we must have answered TradingView (it gives up at 3 s). */
  responseBudgetMs: number;
  /** An order must leave at least this long before its claim's lease lapses (broker timeout + margin). */
  sendMarginMs: number;
  /** How long a reduce-only order holds its contract so a second close cannot read the same position. */
  reduceOnlySettleMs: number;
  /** PAPER_STRATEGIES: a single-order alert labelled with one of these (or one the console set to paper) is refused. */
  paperStrategies?: readonly string[];
}

/** Everything the use case touches, as ports. Built by functions/composition.ts. */
export interface PlaceOrderDeps {
  clock: Clock;
  logger: Logger;
  /** Reads only (quotes, funds, positions, the orderbook): every order goes through `executor`. */
  broker: Broker;
  /** The one executor: the only sender of orders. */
  executor: OrderExecutor;
  idempotency: IdempotencyStore<OrderResult>;
  /** Cached read of the runtime controls. */
  controls: () => Promise<RuntimeControls>;
  reserveDailyOrder: (day: string, cap: number) => Promise<boolean>;
  releaseDailyOrder: (day: string) => Promise<void>;
  symbols: () => Promise<SymbolIndex>;
  /** Per-contract single-flight for reduce-only orders. */
  leases: LeaseStore;
  secrets: SecretSource;
  notifier: Notifier;
  /**
   * A price for the reply of a MARKET order, from a quote this instance took within about a second, or
   * undefined: the reply never costs a broker call of its own.
   */
  recentQuote?: (ticker: string) => number | undefined;
  /** Keys this instance claimed lately; optional (without it an ATM quote always runs beside the claim). */
  recentKeys?: RecentKeys;
  settings: PlaceOrderSettings;
  /** Throws (trading stopped) once today's loss has reached the limit; absent when no limit is set. */
  lossGuard?: () => Promise<void>;
}

import type { OrderRequest, PlaceOptions } from '../../broker/broker.port';
import type { ExitSpec, OrderRole } from '../lifecycle/order-record';

/** A contract as positions and exits know it: the ticker (exchange included) and the product. */
export interface Contract {
  symbol: string;
  productType: string;
}

/** Managed exits an order is to hold once it fills (PROTECTION=managed, or after Fyers refused its legs). */
export type { ExitSpec };

/** One order of a plan. `n` is its place in the plan and names it in the answer. */
export interface PlannedOrder {
  n: number;
  /** An open adds exposure; a close only reduces it (it is sent first, and never protected). */
  intent: 'open' | 'close';
  /** What the order is to the lifecycle: an alert's entry (or close), an exit leg, a flatten. Default entry. */
  role?: OrderRole;
  /** Exit legs and flattens: the record of the entry they belong to. */
  parentId?: string;
  /** Tagged, so it can be found again by name (every order: CO/BO, which Fyers forbade to tag, are gone). */
  order: OrderRequest;
  lots: number;
  /** Units per lot, so slices can be sized in whole lots. */
  lotSize: number;
  /** The contract's freeze quantity from the master (or an override); above it the order is sliced. */
  freezeQty?: number;
  /** Managed exits to hold for this order once it fills. */
  exits?: ExitSpec;
  /**
   * The order carries TP/SL legs: should the broker refuse it for them, it is sent once more without
   * legs and holds these managed exits instead (see legs-fallback).
   */
  exitsIfLegsRefused?: ExitSpec;
}

/**
 * Everything one alert (or job, or exit) wants done at the broker, in the order the executor does it:
 * withdraw the bridge's own exits on the contracts it closes, cancel other working orders there (a
 * flatten), send the closes, then the opens, then follow what was sent.
 */
export interface OrderPlan {
  /** The audit entry that caused the plan; every record of it carries this. */
  requestId: string;
  strategy?: string;
  orders: PlannedOrder[];
  /** The bridge's managed exits on these contracts are cancelled before anything is sent. */
  withdrawExitsOn?: Contract[];
  /** Other working orders in these contracts are cancelled before the closes go (never the plan's own). */
  cancelWorkingIn?: { tickers: string[]; productType?: string; tagged?: boolean };
  /** The open orders stand or fall together: one that fails undoes the rest. */
  allOrNothing?: boolean;
  /** No order leaves after this instant (a claim's lease must outlive every send). */
  notAfter?: number;
  retryUntil?: PlaceOptions['retryUntil'];
  beforeSend?: PlaceOptions['beforeSend'];
  /**
   * Read every sent order back from the orderbook: the basket's outer "ok" proves nothing, and an MPP
   * order may rest or be refused later. Off for a single order answering TradingView within 3 s (its
   * postback and the reconcile follow it instead).
   */
  confirm?: boolean;
  /**
   * true: return before the records are written; `Execution.recorded` settles when they are.
   * 'commit': write none; `Execution.toCommit` holds them prepared, for the caller's one commit.
   */
  deferRecording?: boolean | 'commit';
}

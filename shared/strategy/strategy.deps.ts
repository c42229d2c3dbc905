import type { Broker } from '../broker/broker.port';
import type { OrderExecutor } from '../orders/execute/execute-plan';
import type { PlaceOrderDeps } from '../orders/place-order.deps';
import type { HoldingsStore } from '../store/holdings.port';
import type { SettleDeps } from './settle-pending';

/** The single-order pipeline's ports (the executor among them) plus the strategies' book. */
export interface StrategyDeps extends PlaceOrderDeps {
  holdings: HoldingsStore;
  /** The order records of this venue (SettleDeps.orderRecords). */
  orderRecords?: SettleDeps['orderRecords'];
  /** Where forward-tested strategies trade instead; absent: every strategy is live. */
  forwardTest?: ForwardTestVenue;
  /** Set while an alert runs on the forward-test venue, so its answer and notices say paper. */
  venue?: 'paper';
}

/**
 * The forward test beside live trading: a paper book filled at the broker's live prices, with its own
 * executor (and so its own order records and exits) and its own strategy book. A paper strategy's plan
 * runs here from start to end; nothing of it reaches the live executor, the broker or the live book.
 */
export interface ForwardTestVenue {
  broker: Broker;
  executor: OrderExecutor;
  holdings: HoldingsStore;
  orderRecords?: SettleDeps['orderRecords'];
}

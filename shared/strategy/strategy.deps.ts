import type { PlaceOrderDeps } from '../orders/place-order.deps';
import type { HoldingsStore } from '../store/holdings.port';

/** The single-order pipeline's ports (the executor among them) plus the strategies' book. */
export interface StrategyDeps extends PlaceOrderDeps {
  holdings: HoldingsStore;
}

import { createPaperBroker } from '../../shared/broker/paper/paper.broker';
import type { LifecycleDeps } from '../../shared/orders/lifecycle/lifecycle.deps';
import type { ForwardTestVenue } from '../../shared/strategy/strategy.deps';
import { orderPath } from './order-path.wiring';
import type { WiringContext } from './wiring-context';

export interface ForwardTest {
  venue: ForwardTestVenue;
  /** The forward test's own lifecycle (records, exits, events), for the reconcile's paper pass and the console. */
  lifecycle: LifecycleDeps;
}

/**
 * The forward test beside live trading (PAPER_STRATEGIES, or the console's switch per strategy): a paper
 * book filled at the broker's live prices, run by an order path of its own. It shares with live only
 * what is safe to share: the price feed (through the same paced port, reusing any quote this instance
 * took within a second), the notifier, and the order-event topic, where its events say `venue: paper`.
 */
export function forwardTest(w: WiringContext): ForwardTest {
  const { adapters, clock } = w;
  const broker = createPaperBroker({
    clock,
    symbols: w.symbols,
    book: adapters.forwardTest.book,
    quotes: w.quotes.freshQuotes,
    // A forward test is worth its fills only at the market's own prices: no price, no fill.
    livePricesOnly: true,
    idPrefix: 'FWD',
  });
  const publisher = { publish: (e: Parameters<typeof adapters.orderEvents.publish>[0]) => adapters.orderEvents.publish({ ...e, venue: 'paper' as const }) };
  const { executor, lifecycle } = orderPath(w, { broker, records: adapters.forwardTest.orderRecords, publisher });
  return {
    venue: { broker, executor, holdings: adapters.forwardTest.holdings, orderRecords: adapters.forwardTest.orderRecords },
    lifecycle,
  };
}

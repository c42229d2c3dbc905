import type { OrderRecord, OrderRecordState, OrderRole } from './order-record';

/**
 * `order-events` message, schema version 1. Published once per state change of an order record
 * (Pub/Sub attributes: `schema`, `type`, `eventId`). Consumers key on `eventId`: delivery is at least
 * once, so a crash between publishing and noting it can repeat an event, never skip one.
 * Adding optional fields keeps v1; renaming or removing one makes v2.
 */
export const ORDER_EVENT_SCHEMA = 'tv-fyers-bridge.order-event.v1';

export interface OrderEventV1 {
  schema: typeof ORDER_EVENT_SCHEMA;
  /** `<recordId>:<version>`: unique per state change. */
  eventId: string;
  /** `order.<state>`, e.g. order.filled. */
  type: `order.${OrderRecordState}`;
  recordId: string;
  orderId?: string;
  /** The alert's requestId (finds its audit entry); exits carry their entry's. */
  requestId: string;
  role: OrderRole;
  parentId?: string;
  symbol: string;
  side: 'BUY' | 'SELL';
  qty: number;
  filledQty: number;
  avgPrice?: number;
  state: OrderRecordState;
  previousState?: OrderRecordState;
  /** The order had an unknown outcome and this change resolved it. */
  resolvedFromUnknown?: boolean;
  message?: string;
  /** Epoch ms: the broker's time for the change when known. */
  exchangeTime?: number;
  /** Epoch ms the bridge recorded the change. */
  recordedAt: number;
  version: number;
  /** `paper`: an order of a forward-test strategy, on the paper book; it never reached the broker. */
  venue?: 'paper';
}

export function orderEventFor(rec: OrderRecord, previous: OrderRecordState | undefined): OrderEventV1 {
  const ev: OrderEventV1 = {
    schema: ORDER_EVENT_SCHEMA,
    eventId: `${rec.id}:${rec.version}`,
    type: `order.${rec.state}`,
    recordId: rec.id,
    orderId: rec.orderId,
    requestId: rec.requestId,
    role: rec.role,
    parentId: rec.parentId,
    symbol: rec.symbol,
    side: rec.side,
    qty: rec.qty,
    filledQty: rec.filledQty,
    avgPrice: rec.avgPrice,
    state: rec.state,
    previousState: previous,
    resolvedFromUnknown: previous === 'unknown' ? true : undefined,
    message: rec.message,
    exchangeTime: rec.exchangeTime,
    recordedAt: rec.updatedAt,
    version: rec.version,
  };
  for (const k of Object.keys(ev) as Array<keyof OrderEventV1>) if (ev[k] === undefined) delete ev[k];
  return ev;
}

import type { OrderReport } from '../../broker/broker.port';
import type { SentOrder } from '../execute/order-recorder.port';
import { randomToken } from '../../platform/ids';
import type { RecordMutation } from '../../store/order-records.port';
import type { LifecycleDeps } from './lifecycle.deps';
import { exitsClaimer, onEntryChange, onLegChange, type ClaimedExits } from './managed-exits';
import { orderEventFor, type OrderEventV1 } from './order-event';
import { applyReport, exitSpecOf, keptByTag, recordIdFor, type OrderRecord, type StateChange } from './order-record';

/** What the order path knows when an order was accepted (or left unknown). */
export type AcceptedOrder = SentOrder;

/**
 * The record of an accepted (or unknown) order with its first event, ready to create: `build` takes a
 * postback faster than this instance (kept as an early report) in the same step that creates the
 * record; `after` follows up on such a report (events, exits).
 */
export function prepareAccepted(deps: LifecycleDeps, o: AcceptedOrder, opts: { publishNow?: boolean } = { publishNow: true }) {
  const id = recordIdFor(o.orderId, o.orderTag);
  const now = deps.clock();
  const record: OrderRecord = {
    id,
    orderId: o.orderId,
    orderTag: o.orderTag,
    requestId: o.requestId,
    role: o.role ?? 'entry',
    parentId: o.parentId,
    symbol: o.symbol,
    side: o.side,
    qty: o.qty,
    productType: o.productType,
    orderType: o.orderType,
    state: o.status === 'placed' ? 'accepted' : 'unknown',
    filledQty: 0,
    version: 1,
    createdAt: now,
    updatedAt: now,
    intent: o.intent,
    ...(o.strategy ? { strategy: o.strategy } : {}),
    exits: o.exits,
    exitsActive: o.exits ? true : undefined,
  };
  const first = orderEventFor(record, undefined);
  // A postback faster than this instance may have arrived before the record existed. It is only a
  // hint that the broker has news for this order: its content is never applied (anyone who can post
  // could have planted it); the broker's own orderbook row is read instead.
  const build = (report: OrderReport | undefined): RecordMutation<{ hinted: boolean }, OrderRecord, OrderEventV1> => ({
    result: { hinted: Boolean(report) },
    record,
    events: [first],
  });
  /** Given what `build` returned (undefined: the record already existed). */
  const after = async (created: { hinted: boolean } | undefined): Promise<void> => {
    if (!created) return;
    const follow = async () => {
      await Promise.all([publishPending(deps, id), created.hinted && o.orderId ? followHint(deps, id, o.orderId) : undefined]);
    };
    // The order path must not wait on Pub/Sub, broker reads or exit orders: it leaves this running (and
    // the reconcile finishes it should the instance stop first).
    if (opts.publishNow === false) {
      if (created.hinted) {
        const work = follow().catch((e: unknown) => deps.logger.error('could not follow up an early order report', { recordId: id, error: e }));
        deps.background?.(work);
      }
    } else {
      await follow();
    }
  };
  return { id, orderId: o.orderId, build, after };
}

/**
 * Creates the record of an accepted (or unknown) order with its first event. Idempotent: a second call
 * for the same order changes nothing. Returns the record id, for the alert's audit entry.
 */
export async function recordAccepted(deps: LifecycleDeps, o: AcceptedOrder, opts: { publishNow?: boolean } = { publishNow: true }): Promise<string> {
  const p = prepareAccepted(deps, o, opts);
  await p.after(await deps.records.create(p.id, p.orderId, p.build));
  return p.id;
}

export type ApplyResult = 'changed' | 'unchanged' | 'unmatched';

/** What a postback led to: a change by the broker's row, or why nothing changed. */
export type PostbackResult = ApplyResult | 'not_in_orderbook' | 'mismatch' | 'no_broker';

/**
 * The record a report is for, by order id or else by tag, with its id. `slice`: the record found by
 * the tag already follows another order under that tag, so this report is another slice of a sliced
 * order whose answer was lost (recordSlice gives it a record of its own).
 */
async function findRecord(deps: LifecycleDeps, report: Pick<OrderReport, 'orderId' | 'orderTag'>): Promise<{ id: string; rec: OrderRecord; slice?: true } | undefined> {
  const byId = await deps.records.get(report.orderId);
  if (byId) return { id: report.orderId, rec: byId };
  if (report.orderTag) {
    const tagId = recordIdFor(undefined, report.orderTag);
    const byTag = await deps.records.get(tagId);
    if (byTag) return { id: tagId, rec: byTag, ...(byTag.orderId !== undefined && byTag.orderId !== report.orderId ? { slice: true as const } : {}) };
  }
  return undefined;
}

/**
 * The id of the record a trusted report (an orderbook row) moves; a further slice gets its record
 * first. A row of another contract or side under the tag (a tag a rerun reused) is no slice of it.
 */
async function findRecordId(deps: LifecycleDeps, report: OrderReport): Promise<string | undefined> {
  const found = await findRecord(deps, report);
  if (!found?.slice) return found?.id;
  return report.symbol === found.rec.symbol && report.side === found.rec.side ? recordSlice(deps, found.rec, report) : undefined;
}

/**
 * A record for one more slice of an order recorded by its tag, from that record's identity and the
 * broker's row: the same alert, role and strategy, and the same exits to hold on its own fills (as
 * slices the broker answered for get them). Only an orderbook row creates one, never a postback.
 */
function recordSlice(deps: LifecycleDeps, tagged: OrderRecord, row: OrderReport): Promise<string> {
  // Exits withdrawn for a close closed this slice's fills too: it gets none, or a stop would sit on a flat position.
  const x = tagged.exits?.done === 'closed' ? undefined : tagged.exits;
  return recordAccepted(deps, {
    status: 'placed', orderId: row.orderId, orderTag: tagged.orderTag, requestId: tagged.requestId, role: tagged.role, parentId: tagged.parentId,
    ...(tagged.strategy ? { strategy: tagged.strategy } : {}), symbol: tagged.symbol, side: tagged.side, qty: row.qty, productType: tagged.productType,
    orderType: tagged.orderType, intent: tagged.intent, ...(x ? { exits: exitSpecOf(x) } : {}),
  });
}

/**
 * Whether a postback claims more than a placed order's record starts with (accepted, nothing filled).
 * Fyers posts 'accepted' for every order it takes, usually before this bridge has written the record,
 * and following such a hint cost a broker read and a transaction on the record the order path (or the
 * order's own fill) was writing at that moment: the clash the slow postbacks waited on (issue 22).
 */
const claimsProgress = (hint: OrderReport): boolean => hint.state !== 'working' || hint.filledQty > 0;

/**
 * Whether a postback claims a state or fill beyond what the record shows. Only the claim's progress is
 * weighed, not its contract or side (written the way Fyers writes them or not, the orderbook row decides
 * those when it is read).
 */
const claimsProgressOn = (rec: OrderRecord, hint: OrderReport, nowMs: number): boolean => applyReport(rec, { ...hint, symbol: rec.symbol, side: rec.side }, nowMs) !== undefined;

/**
 * A postback only says where to look: the record moves by the broker's own orderbook row for that
 * order id (read through the paced port), never by the postback's content. A postback for an order
 * with no record yet is kept as a hint; when its record is created the row is read then.
 *
 * Its content may still say there is nothing to look at: a claim that would not move the record as it
 * stands (an 'accepted' after the record exists, a repeat of a fill already applied) is not followed,
 * and one that claims nothing beyond a new record's start is not kept. Trusting the content to skip
 * is safe where trusting it to apply is not: a forged or stale claim can only make the bridge read
 * less, and the one-minute reconcile reads the whole orderbook whatever postbacks said.
 */
export async function applyPostback(deps: LifecycleDeps, hint: OrderReport): Promise<PostbackResult> {
  const found = await findRecord(deps, hint);
  // Another slice under a tag its record follows: the orderbook row (never the hint) decides.
  if (found?.slice) return followSlice(deps, hint.orderId, found.rec);
  if (found) return claimsProgressOn(found.rec, hint, deps.clock()) ? followHint(deps, found.id, hint.orderId, found.rec) : 'unchanged';
  if (!claimsProgress(hint)) return 'unmatched';
  const candidates = [hint.orderId, ...(hint.orderTag ? [recordIdFor(undefined, hint.orderTag)] : [])];
  if (await deps.records.saveOrphan(hint, candidates, deps.clock())) return 'unmatched';
  // The record was created meanwhile: look for it again.
  const created = await findRecord(deps, hint);
  if (created?.slice) return followSlice(deps, hint.orderId, created.rec);
  return created ? followHint(deps, created.id, hint.orderId, created.rec) : 'unmatched';
}

/** Reads order `orderId` from the broker and moves record `recordId` by that row, if the row is this record's order. */
async function followHint(deps: LifecycleDeps, recordId: string, orderId: string, known?: OrderRecord): Promise<PostbackResult> {
  const log = deps.logger.child({ recordId, orderId });
  if (!deps.broker) {
    log.warn('postback not followed: no broker to read the order from; the reconcile will');
    return 'no_broker';
  }
  const rec = known ?? (await deps.records.get(recordId));
  if (!rec) return 'unmatched';
  const row = (await deps.broker.findOrders({ id: orderId })).find((r) => r.orderId === orderId);
  if (!row) {
    log.warn('postback names an order the orderbook does not have; ignored');
    return 'not_in_orderbook';
  }
  const problem = rowMismatch(rec, row);
  if (problem) {
    log.error('postback ignored: the orderbook row is not this record\'s order', { problem });
    return 'mismatch';
  }
  return applyBrokerReport(deps, row, recordId, { seen: rec });
}

/** Reads order `orderId`; when the orderbook shows it under the tagged record's tag, contract and side, it gets its own record. */
async function followSlice(deps: LifecycleDeps, orderId: string, tagged: OrderRecord): Promise<PostbackResult> {
  if (!deps.broker) return 'no_broker';
  const row = (await deps.broker.findOrders({ id: orderId })).find((r) => r.orderId === orderId);
  if (!row) return 'not_in_orderbook';
  if (row.orderTag !== tagged.orderTag || row.symbol !== tagged.symbol || row.side !== tagged.side) return 'mismatch';
  return applyBrokerReport(deps, row);
}

/** Why a broker row cannot be the record's order, or undefined when it can. */
export function rowMismatch(rec: OrderRecord, row: OrderReport): string | undefined {
  if (rec.orderId && rec.orderId !== row.orderId) return 'order id';
  // A record still unknown was found by its tag: the row must carry that tag.
  if (!rec.orderId && rec.orderTag && row.orderTag !== rec.orderTag) return 'order tag';
  if (row.symbol !== rec.symbol) return 'symbol';
  if (row.side !== rec.side) return 'side';
  return undefined;
}

/**
 * Moves the order's record by one broker report (postback or reconcile). Exactly one caller wins each
 * change, whatever the number of duplicates racing: that caller publishes the event and reacts to it.
 */
export async function applyBrokerReport(deps: LifecycleDeps, report: OrderReport, knownId?: string, opts: ApplyOptions = {}): Promise<ApplyResult> {
  const id = knownId ?? (await findRecordId(deps, report));
  if (!id) {
    const candidates = [report.orderId, ...(report.orderTag ? [recordIdFor(undefined, report.orderTag)] : [])];
    if (await deps.records.saveOrphan(report, candidates, deps.clock())) return 'unmatched';
    // The record was created meanwhile: apply to it.
    return applyBrokerReport(deps, report, (await findRecordId(deps, report)) ?? report.orderId, opts);
  }
  const now = deps.clock();
  // No transaction for a report that moves nothing: an 'accepted' postback racing its own fill took
  // one on the same record as the fill's and both waited on the clash (issue 22).
  if (opts.seen && !applyReport(opts.seen, report, now)) return 'unchanged';
  const claimExits = await exitsClaimer(deps);
  let slice = false;
  const outcome = await deps.records.mutate<{ change: StateChange; event: OrderEventV1; exits?: ClaimedExits } | undefined>(id, (cur) => {
    if (!cur) return { result: undefined };
    // Another slice under this tag record's tag, seen only now (it took a slice while this was read).
    slice = keptByTag(cur) && cur.orderId !== undefined && cur.orderId !== report.orderId;
    if (slice) return { result: undefined };
    const change = applyReport(cur, report, now);
    if (!change) return { result: undefined };
    const event = orderEventFor(change.record, change.from);
    // The fill's state change, its exits' claim and every exit intent: one commit (managed-exits.ts).
    const taken = claimExits?.(change);
    const exits = taken?.claim && taken.claim !== 'busy' ? taken.claim : undefined;
    return { result: { change, event, exits }, record: taken?.record ?? change.record, events: [event] };
  });
  // Looked up afresh, it is recorded as a slice of its own (findRecordId).
  if (slice) return applyBrokerReport(deps, report);
  if (!outcome) return 'unchanged';
  // Exits must not wait for event publishing (nor the reverse): both go at once.
  await Promise.all([publishPending(deps, id), react(deps, outcome.change, outcome.exits)]);
  return 'changed';
}

export interface ApplyOptions {
  /**
   * The record as read earlier, however stale. A report only ever moves a record forward (applyReport:
   * never back in state, never less filled, never out of a closed state), so one that changes nothing
   * in this copy changes nothing in the stored record either, and is answered 'unchanged' without a
   * transaction.
   */
  seen?: OrderRecord;
}

type PublishResult = 'published' | 'busy' | 'failed';

/** Publishes and notes it; a failure leaves the event in the outbox for the reconcile to publish. */
async function publish(deps: LifecycleDeps, event: OrderEventV1): Promise<PublishResult> {
  try {
    // A fresh owner per attempt: two requests on one instance must not both pass the claim.
    if (!(await deps.records.claimPublish(event.eventId, `${deps.instanceId}:${randomToken(4)}`, deps.clock(), 30_000))) return 'busy';
    await deps.publisher.publish(event);
    await deps.records.markPublished(event.eventId, deps.clock());
    return 'published';
  } catch (e) {
    deps.logger.warn('order event not published yet; the outbox keeps it', { eventId: event.eventId, error: e });
    return 'failed';
  }
}

/**
 * Publishes a record's outbox events oldest first, so a subscriber sees filled after accepted. When
 * another process is publishing an earlier one, waits for it (briefly) rather than overtaking it or
 * leaving this change's event to the next reconcile.
 */
export async function publishPending(deps: LifecycleDeps, recordId: string): Promise<void> {
  for (let round = 0; round < 40; round++) {
    let blocked = false;
    for (const event of await deps.records.unpublishedOf(recordId)) {
      const r = await publish(deps, event);
      if (r === 'failed') return;
      if (r === 'busy') {
        blocked = true;
        break;
      }
    }
    if (!blocked) return;
    await new Promise((resolve) => setTimeout(resolve, 50 + round * 10));
  }
}

/** Publishes outbox events the process that recorded them did not (it failed or died), record by record in order. */
export async function flushOutbox(deps: LifecycleDeps, limit = 200): Promise<number> {
  const now = deps.clock();
  const due = (await deps.records.unpublished(limit)).filter((e) => now - e.recordedAt >= deps.settings.outboxGraceMs);
  const before = due.length;
  for (const recordId of new Set(due.map((e) => e.recordId))) await publishPending(deps, recordId);
  const left = new Set((await deps.records.unpublished(limit)).map((e) => e.eventId));
  return before - due.filter((e) => left.has(e.eventId)).length;
}

async function react(deps: LifecycleDeps, change: StateChange, exits?: ClaimedExits): Promise<void> {
  const r = change.record;
  const at = deps.clock();
  const what = `${r.side} ${r.qty} ${r.symbol}`;
  try {
    if (change.from === 'unknown') {
      await deps.notifier.notify({
        kind: 'order.resolved',
        severity: r.state === 'rejected' ? 'warning' : 'info',
        summary: `Order ${r.orderId ?? r.id} (${what}) that was UNKNOWN is now ${r.state}`,
        requestId: r.requestId,
        at,
        details: { orderTag: r.orderTag, state: r.state, filledQty: r.filledQty },
      });
    } else if (r.state === 'rejected') {
      // Accepted, then refused by the broker's risk system (status 5 after ok): the position the trader
      // expects does not exist. Told at once (critical: never held back), with the broker's own words,
      // and counted with the other refusals of the window.
      const reason = r.message ?? 'no reason given';
      await deps.notifier.notify({
        kind: 'order.rejected_after_ack',
        severity: 'critical',
        summary: `Order ${r.orderId} (${what}) was accepted, then rejected by the broker: ${reason}`,
        requestId: r.requestId,
        at,
        details: { role: r.role, orderTag: r.orderTag, brokerMessage: r.message, strategy: r.strategy },
      });
      await deps.refusals?.record({ at, requestId: r.requestId, httpStatus: 0, code: 'REJECTED_AFTER_ACK', message: `${reason} (rejected after acceptance)`, symbol: r.symbol, told: true });
    }
    if (r.role === 'entry') await onEntryChange(deps, change, exits);
    else if (r.role === 'stop' || r.role === 'target') await onLegChange(deps, change);
  } catch (e) {
    // The change is recorded; the reconcile repeats what a failed reaction left undone.
    deps.logger.error('reacting to an order change failed', { recordId: r.id, state: r.state, error: e });
  }
}

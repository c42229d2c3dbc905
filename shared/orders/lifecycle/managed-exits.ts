import type { OrderReport, OrderRequest, Side } from '../../broker/broker.port';
import { randomToken } from '../../platform/ids';
import type { SentOrder } from '../execute/order-recorder.port';
import type { OrderExecutor } from '../execute/execute-plan';
import { managedExitTag } from '../order-tags';
import type { LifecycleDeps } from './lifecycle.deps';
import type { ExitLeg, ManagedExits, OrderRecord, StateChange } from './order-record';
import { exitLevels } from './exit-levels';

/**
 * Managed exits (PROTECTION=managed): after the entry fills, a stop (SL-L) and a target (LIMIT) for
 * the filled quantity, one-cancels-other, following partial fills; a flatten when both filled in a race.
 *
 * Exactly-once rests on three things. (1) One process at a time works on an entry's exits, holding a
 * claim (a lease written in the record's transaction). (2) A leg is written as `unknown` with its tag
 * before it is sent, so whoever comes next (after a crash, or when the answer was lost) looks the tag
 * up before sending again. (3) `settleExits` compares the record with the wanted state and does only
 * the difference, so running it twice, or from a postback and a reconcile at once, adds nothing.
 *
 * Every leg is a one-order plan for the executor, which sends it through the paced broker port and
 * records it; this module only decides what the legs should be.
 */

type LegName = 'stop' | 'target';
const LEGS: readonly LegName[] = ['stop', 'target'];
const opposite = (s: Side): Side => (s === 'BUY' ? 'SELL' : 'BUY');

/** Fyers tags: letters and digits, at most 30. */
export const exitTag = managedExitTag;

const live = (leg: ExitLeg | undefined): leg is ExitLeg => leg !== undefined && leg.status !== 'gone';

/** The levels (points or percent of the fill) are computed in exit-levels, shared with the trailing stop. */
export { exitLevels };

export async function onEntryChange(deps: LifecycleDeps, change: StateChange): Promise<void> {
  const r = change.record;
  if (r.intent === 'close' && r.filledQty > 0) await closeExitsOf(deps, r.symbol, r.productType);
  if (r.exitsActive && r.filledQty > 0) await settleExits(deps, r.id);
}

/** A leg's own record moved: note its fill (or end) on the entry, then settle. */
export async function onLegChange(deps: LifecycleDeps, change: StateChange): Promise<void> {
  const leg = change.record;
  if (!leg.parentId) return;
  const name: LegName = leg.role === 'stop' ? 'stop' : 'target';
  const ended = leg.state === 'filled' || leg.state === 'cancelled' || leg.state === 'rejected' || leg.state === 'expired';
  // A leg we withdrew ourselves was marked gone before the cancel was sent; any other end is a surprise.
  const unexpectedEnd = await deps.records.mutate(leg.parentId, (cur) => {
    const l = cur?.exits?.[name];
    if (!cur?.exits || !l || (l.orderId && l.orderId !== leg.orderId)) return { result: false };
    const next: ExitLeg = { ...l, filledQty: Math.max(l.filledQty ?? 0, leg.filledQty), status: ended ? 'gone' : l.status };
    const surprise = ended && leg.state !== 'filled' && l.status !== 'gone';
    return { result: surprise, record: { ...cur, exits: { ...cur.exits, [name]: next }, exitsActive: true, updatedAt: deps.clock() } };
  });
  if (leg.filledQty > 0 && change.from !== leg.state) {
    await deps.notifier.notify({
      kind: 'exit.filled',
      severity: 'info',
      summary: `${name === 'stop' ? 'Stop' : 'Target'} ${leg.state === 'filled' ? 'filled' : 'partly filled'}: ${leg.side} ${leg.filledQty}/${leg.qty} ${leg.symbol} at ${leg.avgPrice ?? '?'}`,
      requestId: leg.requestId,
      at: deps.clock(),
    });
  }
  if (unexpectedEnd) {
    await deps.notifier.notify({
      kind: 'exit.failed',
      severity: 'critical',
      summary: `The ${name} for ${leg.symbol} is ${leg.state}: ${leg.message ?? 'no reason given'}; the position may be unprotected`,
      requestId: leg.requestId,
      at: deps.clock(),
    });
  }
  await settleExits(deps, leg.parentId);
}

/** An intent:close fill ends the managed exits of that contract: both legs are cancelled. */
export async function closeExitsOf(deps: LifecycleDeps, symbol: string, productType: string): Promise<void> {
  for (const entry of await deps.records.listExitsActive()) {
    if (entry.symbol !== symbol || entry.productType !== productType) continue;
    await deps.records.mutate(entry.id, (cur) => (cur?.exits && !cur.exits.done ? { result: undefined, record: { ...cur, exits: { ...cur.exits, done: 'closed' }, updatedAt: deps.clock() } } : { result: undefined }));
    await settleExits(deps, entry.id);
  }
}

export type SettleResult = 'settled' | 'busy' | 'nothing';

/** Brings an entry's exits to the wanted state (see the file comment). Safe to call any number of times. */
export async function settleExits(deps: LifecycleDeps, entryId: string): Promise<SettleResult> {
  const broker = deps.broker;
  const executor = deps.executor;
  if (!broker || !executor || !(await deps.settings.managedExits())) return 'nothing';
  const owner = `${deps.instanceId}:${randomToken(4)}`;
  const now = deps.clock();
  const claimed = await deps.records.mutate<OrderRecord | 'busy' | undefined>(entryId, (cur) => {
    if (!cur?.exits || !cur.exitsActive) return { result: undefined };
    const c = cur.exits.claim;
    if (c && c.owner !== owner && c.until > now) return { result: 'busy' };
    const rec = { ...cur, exits: { ...cur.exits, claim: { owner, until: now + deps.settings.exitClaimMs } } };
    return { result: rec, record: rec };
  });
  if (claimed === 'busy') return 'busy';
  if (!claimed) return 'nothing';

  const entry = claimed;
  const ex: ManagedExits = { ...entry.exits! };
  const created: SentOrder[] = [];
  const notes: string[] = [];
  try {
    // 1. Legs sent by someone who never learnt the answer: find them by tag.
    for (const name of LEGS) {
      const leg = ex[name];
      if (leg?.status !== 'unknown') continue;
      const found = (await broker.findOrders({ tag: leg.tag })).find((o) => o.orderTag === leg.tag);
      if (found) {
        ex[name] = legFrom(leg, found);
        created.push(legRecord(entry, name, found.orderId, leg.tag, found.qty, 'placed'));
      } else {
        ex[name] = undefined; // never reached the broker (the claim outlived any send): place it afresh
      }
    }

    const legsFilled = (ex.stop?.filledQty ?? 0) + (ex.target?.filledQty ?? 0);
    const want = entry.filledQty;
    if (ex.done === 'closed') {
      for (const name of LEGS) if (live(ex[name])) ex[name] = await cancelLeg(deps, executor, entryId, name, ex[name]!);
    } else if (legsFilled > 0) {
      // One-cancels-other, share by share: what one leg has filled, the other no longer needs.
      const left = Math.max(0, want - legsFilled);
      for (const name of LEGS) {
        const leg = ex[name];
        if (!live(leg) || (leg.filledQty ?? 0) > 0) continue;
        if (left === 0) ex[name] = await cancelLeg(deps, executor, entryId, name, leg);
        else if (leg.qty !== left && leg.orderId) {
          const m = await executor.modify(leg.orderId, { qty: left });
          if (m.status === 'modified') ex[name] = { ...leg, qty: left };
        }
      }
      if (left === 0 && !ex.done) ex.done = (ex.target?.filledQty ?? 0) >= (ex.stop?.filledQty ?? 0) ? 'target_filled' : 'stop_filled';
      const excess = legsFilled - want - (ex.flattenedQty ?? 0);
      if (excess > 0) await flatten(deps, executor, entry, ex, excess, notes);
    } else if (want > 0) {
      const levels = exitLevels(entry, ex, deps.settings.stopLimitSlippagePct);
      const placements: Array<Promise<void>> = [];
      for (const name of LEGS) {
        const leg = ex[name];
        const level = levels[name];
        if (!level) continue;
        if (!leg) {
          placements.push(placeLeg(deps, executor, entry, ex, name, want, level, notes));
        } else if (live(leg) && leg.qty < want && leg.orderId) {
          const m = await executor.modify(leg.orderId, { qty: want });
          if (m.status === 'modified') {
            ex[name] = { ...leg, qty: want };
            notes.push(`${name} now ${want}`);
          }
        }
      }
      // Both legs leave together: the position is unprotected until they are in.
      await Promise.all(placements);
    }
  } finally {
    // Active until the position is closed by the legs (or an intent:close) and no leg is still live or unresolved.
    const stillWorking = LEGS.some((n) => ex[n]?.status === 'unknown') || !ex.done || LEGS.some((n) => live(ex[n]) && (ex[n]!.filledQty ?? 0) < ex[n]!.qty);
    await deps.records.mutate(entryId, (cur) => {
      if (!cur?.exits || cur.exits.claim?.owner !== owner) return { result: undefined };
      // Leg fills noted meanwhile by postbacks are kept (max), the rest is this run's result.
      const merged: ManagedExits = { ...ex, claim: undefined };
      for (const n of LEGS) {
        const theirs = cur.exits[n];
        if (merged[n] && theirs && theirs.orderId === merged[n]!.orderId) {
          merged[n] = { ...merged[n]!, filledQty: Math.max(merged[n]!.filledQty ?? 0, theirs.filledQty ?? 0), status: theirs.status === 'gone' ? 'gone' : merged[n]!.status };
        }
      }
      const newerFills = LEGS.some((n) => (cur.exits![n]?.filledQty ?? 0) > (ex[n]?.filledQty ?? 0)) || cur.filledQty > entry.filledQty;
      delete merged.claim;
      return { result: undefined, record: { ...cur, exits: merged, exitsActive: stillWorking || newerFills, updatedAt: deps.clock() } };
    });
  }
  // Legs another process sent and this one found by tag: their records may be missing (it died first).
  for (const c of created) await deps.recorder?.record(c);
  if (notes.length > 0) {
    await deps.notifier.notify({ kind: 'exit.placed', severity: 'info', summary: `Exits for ${entry.side} ${entry.filledQty} ${entry.symbol}: ${notes.join('; ')}`, requestId: entry.requestId, at: deps.clock() });
  }
  // Fills that arrived while this run held the claim are handled by one more pass.
  const after = await deps.records.get(entryId);
  if (after?.exitsActive && after.exits && !after.exits.claim) {
    const moved = after.filledQty > entry.filledQty || LEGS.some((n) => (after.exits![n]?.filledQty ?? 0) > (ex[n]?.filledQty ?? 0) || (after.exits![n]?.status === 'gone' && ex[n]?.status !== 'gone'));
    if (moved) return settleExits(deps, entryId);
  }
  return 'settled';
}

function legFrom(leg: ExitLeg, found: OrderReport): ExitLeg {
  const gone = found.state === 'filled' || found.state === 'cancelled' || found.state === 'rejected' || found.state === 'expired';
  return { ...leg, orderId: found.orderId, qty: found.qty, filledQty: found.filledQty, status: gone ? 'gone' : 'placed' };
}

function legRecord(entry: OrderRecord, name: LegName, orderId: string | undefined, tag: string, qty: number, status: 'placed' | 'unknown'): SentOrder {
  return {
    status, orderId, orderTag: tag, requestId: entry.requestId, role: name, parentId: entry.id, symbol: entry.symbol, strategy: entry.strategy,
    side: opposite(entry.side), qty, productType: entry.productType, orderType: name === 'stop' ? 'SL-L' : 'LIMIT', intent: 'close',
  };
}

/** One exit order as a plan of one: the executor sends it through the paced port and records it. */
async function sendExit(executor: OrderExecutor, entry: OrderRecord, role: 'stop' | 'target' | 'flatten', order: OrderRequest & { orderTag: string }) {
  const lotSize = entry.qty > 0 ? entry.qty : order.qty;
  const ex = await executor.run({
    requestId: entry.requestId,
    strategy: entry.strategy,
    orders: [{ n: 0, intent: 'close', role, parentId: entry.id, order, lots: 1, lotSize }],
    confirm: false,
  });
  return ex.outcomes.get(0) ?? { status: 'unknown' as const, reason: 'no answer' };
}

async function placeLeg(
  deps: LifecycleDeps,
  executor: OrderExecutor,
  entry: OrderRecord,
  ex: ManagedExits,
  name: LegName,
  qty: number,
  level: { trigger: number; limit: number } | number,
  notes: string[],
): Promise<void> {
  const tag = exitTag(entry.id, name === 'stop' ? 'S' : 'T');
  // Intent first: should this process die mid-send, the next one finds the tag before re-sending.
  ex[name] = { tag, qty, status: 'unknown' };
  await deps.records.mutate(entry.id, (cur) => (cur?.exits ? { result: undefined, record: { ...cur, exits: { ...cur.exits, [name]: ex[name] } } } : { result: undefined }));
  const productType = entry.productType as OrderRequest['productType'];
  const req: OrderRequest & { orderTag: string } =
    typeof level === 'number'
      ? { symbol: entry.symbol, side: opposite(entry.side), qty, productType, orderType: 'LIMIT', limitPrice: level, orderTag: tag }
      : { symbol: entry.symbol, side: opposite(entry.side), qty, productType, orderType: 'STOP_LIMIT', stopPrice: level.trigger, limitPrice: level.limit, orderTag: tag };
  let outcome;
  try {
    outcome = await sendExit(executor, entry, name, req);
  } catch (e) {
    ex[name] = undefined; // certain it was not sent
    deps.logger.warn('exit order not sent; will retry', { name, tag, error: e });
    return;
  }
  if (outcome.status === 'placed') {
    // A stop remembers where it stands, so a trailing stop only ever raises it.
    ex[name] = { tag, qty, status: 'placed', orderId: outcome.orderId, ...(typeof level === 'number' ? {} : { trigger: level.trigger, limit: level.limit }) };
    notes.push(typeof level === 'number' ? `target ${qty} @ ${level}` : `stop ${qty} @ ${level.trigger}/${level.limit}`);
  } else if (outcome.status === 'rejected') {
    ex[name] = { tag, qty, status: 'gone' };
    await deps.notifier.notify({
      kind: 'exit.failed',
      severity: 'critical',
      summary: `The ${name} for ${entry.side} ${qty} ${entry.symbol} was refused: ${outcome.reason}; the position is not protected`,
      requestId: entry.requestId,
      at: deps.clock(),
    });
  }
  // unknown: stays `unknown`; the next settle finds it by tag.
}

async function cancelLeg(deps: LifecycleDeps, executor: OrderExecutor, entryId: string, name: LegName, leg: ExitLeg): Promise<ExitLeg> {
  if (!leg.orderId) return leg;
  // Marked before sending, so the cancel's own postback is known for ours and not reported as a failure.
  await deps.records.mutate(entryId, (cur) => {
    const l = cur?.exits?.[name];
    return cur?.exits && l?.orderId === leg.orderId ? { result: undefined, record: { ...cur, exits: { ...cur.exits, [name]: { ...l, status: 'gone' } } } } : { result: undefined };
  });
  const r = await executor.cancel(leg.orderId).catch((e: unknown) => ({ status: 'unknown' as const, reason: String(e) }));
  // not-open: it ended on its own (likely filled); its postback or the reconcile brings the fill.
  return r.status === 'unknown' ? leg : { ...leg, status: 'gone' };
}

async function flatten(deps: LifecycleDeps, executor: OrderExecutor, entry: OrderRecord, ex: ManagedExits, qty: number, notes: string[]): Promise<void> {
  const n = (ex.flattens ?? 0) + 1;
  const tag = exitTag(entry.id, `F${n}`);
  ex.flattens = n;
  ex.flattenedQty = (ex.flattenedQty ?? 0) + qty;
  // Written before sending, like a leg: a flatten is sent at most once per excess.
  await deps.records.mutate(entry.id, (cur) => (cur?.exits ? { result: undefined, record: { ...cur, exits: { ...cur.exits, flattens: ex.flattens, flattenedQty: ex.flattenedQty } } } : { result: undefined }));
  const order = { symbol: entry.symbol, side: entry.side, qty, productType: entry.productType as OrderRequest['productType'], orderType: 'MARKET' as const, orderTag: tag };
  const outcome = await sendExit(executor, entry, 'flatten', order).catch((e: unknown) => ({ status: 'failed' as const, reason: String(e) }));
  notes.push(`flatten ${entry.side} ${qty}: ${outcome.status}`);
  await deps.notifier.notify({
    kind: 'position.flattened',
    severity: 'critical',
    summary: `Stop and target both filled on ${entry.symbol}; the position flipped by ${qty} and a reduce-only ${entry.side} ${qty} was sent (${outcome.status}). Check the position.`,
    requestId: entry.requestId,
    at: deps.clock(),
    details: { tag },
  });
}

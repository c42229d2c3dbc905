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

export async function onEntryChange(deps: LifecycleDeps, change: StateChange, claimed?: ClaimedExits): Promise<void> {
  const r = change.record;
  if (r.intent === 'close' && r.filledQty > 0) await closeExitsOf(deps, r.symbol, r.productType);
  // The fill's own transaction already took the claim and wrote the intents: only the sending is left.
  if (claimed) await runClaimed(deps, claimed);
  else if (r.exitsActive && r.filledQty > 0) await settleExits(deps, r.id);
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

/** One broker call decided under the claim; its intent is already in the store when it is sent. */
type ExitSend =
  | { kind: 'place'; name: LegName; qty: number; level: { trigger: number; limit: number } | number }
  | { kind: 'cancel'; name: LegName; leg: ExitLeg }
  | { kind: 'modify'; name: LegName; leg: ExitLeg; qty: number; note?: string }
  | { kind: 'flatten'; qty: number; tag: string };

/** An entry's exits held by this process: the record as claimed, the working copy and what is left to send. */
export interface ClaimedExits {
  owner: string;
  entry: OrderRecord;
  ex: ManagedExits;
  /** Decided (and their intents written) in the claim's own transaction. */
  sends: ExitSend[];
  /** Some leg was sent by someone who never learnt the answer: look it up by tag, then decide. */
  lookup: boolean;
}

const exitsEnabled = async (deps: LifecycleDeps) => Boolean(deps.broker && deps.executor && (await deps.settings.managedExits()));
const newOwner = (deps: LifecycleDeps) => `${deps.instanceId}:${randomToken(4)}`;

/**
 * What one run does, decided from the record alone (no I/O, so it can run inside a transaction and be
 * repeated by its retries). Updates the working copy `ex` the way the original sequence did (a leg to
 * place becomes `unknown` with its tag; a flatten is counted) and returns the calls to make.
 */
function decideExits(entry: OrderRecord, ex: ManagedExits, slippagePct: number): ExitSend[] {
  const sends: ExitSend[] = [];
  const legsFilled = (ex.stop?.filledQty ?? 0) + (ex.target?.filledQty ?? 0);
  const want = entry.filledQty;
  if (ex.done === 'closed') {
    for (const name of LEGS) if (live(ex[name]) && ex[name]!.orderId) sends.push({ kind: 'cancel', name, leg: ex[name]! });
  } else if (legsFilled > 0) {
    // One-cancels-other, share by share: what the legs have filled between them, neither needs to cover
    // again. Each leg still working is left for what is still open on top of what it filled itself, a
    // partly filled leg included: once the position is flat its remainder is cancelled, or it would
    // open the other way when its price comes; while the entry still fills, it grows with it.
    const left = Math.max(0, want - legsFilled);
    for (const name of LEGS) {
      const leg = ex[name];
      if (!live(leg) || !leg.orderId) continue;
      const own = leg.filledQty ?? 0;
      if (left === 0) sends.push({ kind: 'cancel', name, leg });
      else if (leg.qty !== own + left) sends.push({ kind: 'modify', name, leg, qty: own + left });
    }
    if (left === 0 && !ex.done) ex.done = (ex.target?.filledQty ?? 0) >= (ex.stop?.filledQty ?? 0) ? 'target_filled' : 'stop_filled';
    const excess = legsFilled - want - (ex.flattenedQty ?? 0);
    if (excess > 0) {
      // Counted before sending, like a leg's intent: a flatten is sent at most once per excess.
      const n = (ex.flattens ?? 0) + 1;
      ex.flattens = n;
      ex.flattenedQty = (ex.flattenedQty ?? 0) + excess;
      sends.push({ kind: 'flatten', qty: excess, tag: exitTag(entry.id, `F${n}`) });
    }
  } else if (want > 0) {
    const levels = exitLevels(entry, ex, slippagePct);
    for (const name of LEGS) {
      const leg = ex[name];
      const level = levels[name];
      if (!level) continue;
      if (!leg) {
        // Intent first: should this process die mid-send, the next one finds the tag before re-sending.
        ex[name] = { tag: exitTag(entry.id, name === 'stop' ? 'S' : 'T'), qty: want, status: 'unknown' };
        sends.push({ kind: 'place', name, qty: want, level });
      } else if (live(leg) && leg.qty < want && leg.orderId) {
        sends.push({ kind: 'modify', name, leg, qty: want, note: `${name} now ${want}` });
      }
    }
  }
  return sends;
}

/**
 * The intents of `sends` written onto the stored exits `cur` (leg fills noted meanwhile by postbacks
 * are kept): a leg to place as `unknown` with its tag, a leg to cancel as `gone` (so the cancel's own
 * postback is known for ours, not reported as a failure), a flatten's count.
 */
function withIntents(cur: ManagedExits, ex: ManagedExits, sends: ExitSend[]): ManagedExits {
  const out: ManagedExits = { ...cur };
  for (const s of sends) {
    if (s.kind === 'place') out[s.name] = ex[s.name];
    else if (s.kind === 'cancel' && cur[s.name]?.orderId === s.leg.orderId) out[s.name] = { ...cur[s.name]!, status: 'gone' };
    else if (s.kind === 'flatten') {
      out.flattens = ex.flattens;
      out.flattenedQty = ex.flattenedQty;
    }
  }
  return out;
}

/**
 * Inside a transaction on the entry's record: takes the claim and, unless a leg must be looked up
 * first, decides the run and writes every intent with it. One commit instead of a claim followed by
 * one transaction per leg on the same document (which the store aborted and retried).
 */
export function claimExits(
  cur: OrderRecord | undefined,
  owner: string,
  now: number,
  settings: LifecycleDeps['settings'],
): { record?: OrderRecord; claim: ClaimedExits | 'busy' | undefined } {
  if (!cur?.exits || !cur.exitsActive) return { claim: undefined };
  const c = cur.exits.claim;
  if (c && c.owner !== owner && c.until > now) return { claim: 'busy' };
  const ex: ManagedExits = { ...cur.exits };
  const lookup = LEGS.some((n) => ex[n]?.status === 'unknown');
  const sends = lookup ? [] : decideExits(cur, ex, settings.stopLimitSlippagePct);
  const record: OrderRecord = { ...cur, exits: { ...withIntents(cur.exits, ex, sends), claim: { owner, until: now + settings.exitClaimMs } } };
  return { record, claim: { owner, entry: record, ex, sends, lookup } };
}

/**
 * For the transaction that applies a fill: a function that claims the entry's exits in that same
 * transaction (see claimExits), or undefined when this process places no exits.
 */
export async function exitsClaimer(deps: LifecycleDeps): Promise<((change: StateChange) => { record?: OrderRecord; claim?: ClaimedExits | 'busy' }) | undefined> {
  if (!(await exitsEnabled(deps))) return undefined;
  const owner = newOwner(deps);
  const now = deps.clock();
  return (change) => {
    const r = change.record;
    // A reduce-only fill first withdraws the contract's exits (onEntryChange): that path claims for itself.
    if (r.role !== 'entry' || r.intent === 'close' || !r.exitsActive || r.filledQty <= 0) return {};
    return claimExits(r, owner, now, deps.settings);
  };
}

/** Brings an entry's exits to the wanted state (see the file comment). Safe to call any number of times. */
export async function settleExits(deps: LifecycleDeps, entryId: string): Promise<SettleResult> {
  if (!(await exitsEnabled(deps))) return 'nothing';
  const owner = newOwner(deps);
  const now = deps.clock();
  const claimed = await deps.records.mutate<ClaimedExits | 'busy' | undefined>(entryId, (cur) => {
    const t = claimExits(cur, owner, now, deps.settings);
    return { result: t.claim, record: t.record };
  });
  if (claimed === 'busy') return 'busy';
  if (!claimed) return 'nothing';
  return runClaimed(deps, claimed);
}

/** Sends what the claim decided (all at once), then releases the claim with the results in one transaction. */
async function runClaimed(deps: LifecycleDeps, claimed: ClaimedExits): Promise<SettleResult> {
  const broker = deps.broker!;
  const executor = deps.executor!;
  const { owner, entry, ex } = claimed;
  const entryId = entry.id;
  let sends = claimed.sends;
  const created: SentOrder[] = [];
  const notes: string[] = [];
  let moved = false;
  try {
    if (claimed.lookup) {
      // Legs sent by someone who never learnt the answer: find them by tag.
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
      sends = decideExits(entry, ex, deps.settings.stopLimitSlippagePct);
      // Every intent of this run in one transaction, while the claim is ours.
      if (sends.length > 0) {
        const decided = sends;
        await deps.records.mutate(entryId, (cur) =>
          cur?.exits?.claim?.owner === owner ? { result: undefined, record: { ...cur, exits: withIntents(cur.exits, ex, decided) } } : { result: undefined },
        );
      }
    }
    // The position is unprotected until the legs are in: every call leaves at once.
    const results = await Promise.allSettled(sends.map((s) => runSend(deps, executor, entry, ex, s, notes)));
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  } finally {
    // Active until the position is closed by the legs (or an intent:close) and no leg is still live or unresolved.
    const stillWorking = LEGS.some((n) => ex[n]?.status === 'unknown') || !ex.done || LEGS.some((n) => live(ex[n]) && (ex[n]!.filledQty ?? 0) < ex[n]!.qty);
    moved = await deps.records.mutate(entryId, (cur) => {
      if (!cur?.exits || cur.exits.claim?.owner !== owner) return { result: false };
      // Leg fills noted meanwhile by postbacks are kept (max), the rest is this run's result.
      const merged: ManagedExits = { ...ex, claim: undefined };
      for (const n of LEGS) {
        const theirs = cur.exits[n];
        if (merged[n] && theirs && theirs.orderId === merged[n]!.orderId) {
          merged[n] = { ...merged[n]!, filledQty: Math.max(merged[n]!.filledQty ?? 0, theirs.filledQty ?? 0), status: theirs.status === 'gone' ? 'gone' : merged[n]!.status };
        }
      }
      // A close that withdrew the exits while this run held them (it found the claim busy) stands.
      const closedMeanwhile = cur.exits.done === 'closed' && ex.done !== 'closed';
      if (closedMeanwhile) merged.done = 'closed';
      const newerFills = LEGS.some((n) => (cur.exits![n]?.filledQty ?? 0) > (ex[n]?.filledQty ?? 0)) || cur.filledQty > entry.filledQty;
      // Fills that arrived while this run held the claim (or a close) are handled by one more pass,
      // decided here from what this transaction read instead of reading the record once more.
      const again = closedMeanwhile || cur.filledQty > entry.filledQty || LEGS.some((n) => (cur.exits![n]?.filledQty ?? 0) > (ex[n]?.filledQty ?? 0) || (cur.exits![n]?.status === 'gone' && ex[n]?.status !== 'gone'));
      delete merged.claim;
      const active = stillWorking || newerFills || closedMeanwhile;
      return { result: active && again, record: { ...cur, exits: merged, exitsActive: active, updatedAt: deps.clock() } };
    });
  }
  // Legs another process sent and this one found by tag: their records may be missing (it died first).
  for (const c of created) await deps.recorder?.record(c);
  if (notes.length > 0) {
    await deps.notifier.notify({ kind: 'exit.placed', severity: 'info', summary: `Exits for ${entry.side} ${entry.filledQty} ${entry.symbol}: ${notes.join('; ')}`, requestId: entry.requestId, at: deps.clock() });
  }
  if (moved) return settleExits(deps, entryId);
  return 'settled';
}

/** One decided call; its result lands in the working copy `ex`. */
async function runSend(deps: LifecycleDeps, executor: OrderExecutor, entry: OrderRecord, ex: ManagedExits, s: ExitSend, notes: string[]): Promise<void> {
  if (s.kind === 'place') return placeLeg(deps, executor, entry, ex, s.name, s.qty, s.level, notes);
  if (s.kind === 'cancel') {
    ex[s.name] = await cancelLeg(executor, s.leg);
    return;
  }
  if (s.kind === 'flatten') return flatten(deps, executor, entry, s.qty, s.tag, notes);
  const m = await executor.modify(s.leg.orderId!, { qty: s.qty });
  if (m.status === 'modified') {
    ex[s.name] = { ...s.leg, qty: s.qty };
    if (s.note) notes.push(s.note);
  }
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
  // Its intent (`unknown` with this tag) was written with the claim (see decideExits).
  const tag = exitTag(entry.id, name === 'stop' ? 'S' : 'T');
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

async function cancelLeg(executor: OrderExecutor, leg: ExitLeg): Promise<ExitLeg> {
  if (!leg.orderId) return leg;
  // Marked gone with the claim, before sending, so the cancel's own postback is known for ours.
  const r = await executor.cancel(leg.orderId).catch((e: unknown) => ({ status: 'unknown' as const, reason: String(e) }));
  // not-open: it ended on its own (likely filled); its postback or the reconcile brings the fill.
  return r.status === 'unknown' ? leg : { ...leg, status: 'gone' };
}

async function flatten(deps: LifecycleDeps, executor: OrderExecutor, entry: OrderRecord, qty: number, tag: string, notes: string[]): Promise<void> {
  // Counted (flattens, flattenedQty) with the claim, before sending: sent at most once per excess.
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

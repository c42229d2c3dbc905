import { randomToken } from '../../platform/ids';
import type { LifecycleDeps } from './lifecycle.deps';
import { isTrailed, trailedStop } from './exit-levels';
import { settleExits } from './managed-exits';
import type { OrderRecord } from './order-record';

/** Whether `cur` holds fills or an end of the exits that `before` did not: work for a settle. */
const changedSince = (before: OrderRecord, cur: OrderRecord): boolean =>
  cur.filledQty !== before.filledQty ||
  cur.exits?.done !== before.exits?.done ||
  (['stop', 'target'] as const).some((n) => (cur.exits?.[n]?.filledQty ?? 0) !== (before.exits?.[n]?.filledQty ?? 0) || cur.exits?.[n]?.status !== before.exits?.[n]?.status);

export interface TrailReport {
  /** Trailed positions looked at. */
  trailed: number;
  /** Quote calls made: one per run whatever the number of positions (none when nothing is trailed). */
  quoteCalls: number;
  /** Stops raised (modified at the broker) this run. */
  raised: number;
}

/** An entry whose working stop trails: placed, known by id, and not finished. */
const trails = (e: OrderRecord) => isTrailed(e.exits) && !e.exits!.done && e.exits!.stop?.status === 'placed' && !!e.exits!.stop.orderId && e.exits!.stop.trigger !== undefined;

/**
 * Trailing stops (PROTECTION=managed, `trail`), run from the scheduled reconcile once a minute, so the
 * stop follows the price with one minute's granularity. One batched quote call covers every trailed
 * position; each stop that should rise is modified through the executor (the one caller of modify, on
 * the shared paced budget), and never lowered. The entry's exits claim is held while a stop moves, so
 * the trail and a fill's settle never write the same leg at once.
 */
export async function trailStops(deps: LifecycleDeps, active?: OrderRecord[]): Promise<TrailReport> {
  const report: TrailReport = { trailed: 0, quoteCalls: 0, raised: 0 };
  const { broker, executor } = deps;
  if (!broker || !executor || !(await deps.settings.managedExits())) return report;
  const entries = (active ?? (await deps.records.listExitsActive())).filter(trails);
  report.trailed = entries.length;
  if (entries.length === 0) return report;
  const symbols = [...new Set(entries.map((e) => e.symbol))];
  report.quoteCalls = 1;
  let quotes: Map<string, number>;
  try {
    quotes = await broker.getQuotes(symbols);
  } catch (e) {
    deps.logger.warn('no quotes for trailing stops this minute; they stay where they are', { error: e });
    return report;
  }
  for (const entry of entries) {
    const ltp = quotes.get(entry.symbol);
    if (ltp === undefined) continue;
    try {
      if (await trailOne(deps, entry.id, ltp)) report.raised += 1;
    } catch (e) {
      deps.logger.error('could not trail a stop', { recordId: entry.id, error: e });
    }
  }
  return report;
}

async function trailOne(deps: LifecycleDeps, entryId: string, ltp: number): Promise<boolean> {
  const owner = `${deps.instanceId}:trail:${randomToken(4)}`;
  const now = deps.clock();
  const claimed = await deps.records.mutate<OrderRecord | undefined>(entryId, (cur) => {
    if (!cur?.exits || !trails(cur)) return { result: undefined };
    const c = cur.exits.claim;
    if (c && c.owner !== owner && c.until > now) return { result: undefined }; // settling now: next minute
    const rec = { ...cur, exits: { ...cur.exits, claim: { owner, until: now + deps.settings.exitClaimMs } } };
    return { result: rec, record: rec };
  });
  if (!claimed?.exits?.stop?.orderId) return false;
  const stop = claimed.exits.stop;
  const next = trailedStop(claimed, claimed.exits, ltp, deps.settings.stopLimitSlippagePct);
  let moved = false;
  if (next.stop) {
    const m = await deps.executor!.modify(stop.orderId!, { stopPrice: next.stop.trigger, limitPrice: next.stop.limit });
    moved = m.status === 'modified';
    if (!moved) deps.logger.warn('a trailing stop was not raised', { recordId: entryId, outcome: m });
  }
  const changedMeanwhile = await deps.records.mutate<boolean>(entryId, (cur) => {
    if (!cur?.exits || cur.exits.claim?.owner !== owner) return { result: false };
    const exits = { ...cur.exits, trailBest: next.best };
    delete exits.claim;
    const leg = exits.stop;
    if (moved && leg && leg.orderId === stop.orderId) exits.stop = { ...leg, trigger: next.stop!.trigger, limit: next.stop!.limit };
    return { result: changedSince(claimed, cur), record: { ...cur, exits, updatedAt: deps.clock() } };
  });
  // A fill of either leg or of the entry, or a close, that came while the trail held the claim found it
  // busy and left the exits as they were: settle them now, not at the next minute's reconcile (a target
  // that filled meanwhile leaves the stop working on a flat position until then).
  if (changedMeanwhile) await settleExits(deps, entryId);
  if (moved) {
    await deps.notifier.notify({
      kind: 'exit.placed', severity: 'info',
      summary: `Trailing stop for ${claimed.side} ${claimed.filledQty} ${claimed.symbol} raised to ${next.stop!.trigger} (was ${stop.trigger}; best ${next.best})`,
      requestId: claimed.requestId, at: deps.clock(),
    });
  }
  return moved;
}

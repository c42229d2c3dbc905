import type { ExitsControl, OrderRecorder } from '../execute/order-recorder.port';
import type { Contract } from '../execute/order-plan';
import type { LifecycleDeps } from './lifecycle.deps';
import { settleExits } from './managed-exits';
import { recordIdFor } from './order-record';
import { applyBrokerReport, prepareAccepted, recordAccepted } from './order-tracker';

/**
 * The lifecycle as the executor's recorder: every order the executor sends gets its record here, and
 * every state it reads back moves that record. Failures are logged, never thrown: the order stands
 * whether or not its record could be written, and the reconcile finds it by tag.
 */
export function lifecycleRecorder(deps: LifecycleDeps): OrderRecorder {
  return {
    async record(o, opts) {
      try {
        if (opts?.found && o.orderTag && o.orderId) {
          const tagged = await deps.records.get(recordIdFor(undefined, o.orderTag));
          if (tagged && (tagged.orderId === undefined || tagged.orderId === o.orderId)) return tagged.id;
        }
        return await recordAccepted(deps, o, opts);
      } catch (e) {
        deps.logger.error('could not record an order; the reconcile cannot see it', { orderId: o.orderId, orderTag: o.orderTag, error: e });
        return undefined;
      }
    },
    prepare(o) {
      // Created with the alert's own commit; the order path never waits on what follows.
      let p: ReturnType<typeof prepareAccepted>;
      try {
        p = prepareAccepted(deps, o, { publishNow: false });
      } catch (e) {
        deps.logger.error('could not record an order; the reconcile cannot see it', { orderId: o.orderId, orderTag: o.orderTag, error: e });
        return undefined;
      }
      return {
        id: p.id,
        creation: { id: p.id, orderId: p.orderId, build: p.build },
        after: (created) => p.after(created as { hinted: boolean } | undefined).catch((e: unknown) => deps.logger.error('could not follow up a new order record', { recordId: p.id, error: e })),
      };
    },
    async observe(report, recordId) {
      try {
        await applyBrokerReport(deps, report, recordId);
      } catch (e) {
        deps.logger.error('could not apply an orderbook state to its record', { orderId: report.orderId, error: e });
      }
    },
  };
}

const onContract = (contracts: Contract[]) => (r: { symbol: string; productType: string }) => contracts.some((c) => c.symbol === r.symbol && c.productType === r.productType);

/**
 * Withdrawing and restoring the bridge's own exits, for plans that close a contract. The close must not
 * race a stop of the same position (both could fill and flip it), so the exits are marked closed and
 * cancelled before the close leaves; if the close then certainly never left, they are put back.
 */
export function lifecycleExits(deps: LifecycleDeps): ExitsControl {
  return {
    async withdraw(contracts) {
      const hit = (await deps.records.listExitsActive()).filter(onContract(contracts));
      const ids: string[] = [];
      for (const entry of hit) {
        const marked = await deps.records.mutate(entry.id, (cur) =>
          cur?.exits && !cur.exits.done ? { result: true, record: { ...cur, exits: { ...cur.exits, done: 'closed' as const }, updatedAt: deps.clock() } } : { result: false });
        if (!marked) continue;
        ids.push(entry.id);
        // Busy means another process holds the exits right now; it reads `done` before it lets go.
        await settleExits(deps, entry.id).catch((e: unknown) => deps.logger.error('could not withdraw managed exits', { recordId: entry.id, error: e }));
      }
      return ids;
    },
    async restore(entryIds) {
      for (const id of entryIds) {
        await deps.records.mutate(id, (cur) => {
          if (!cur?.exits || cur.exits.done !== 'closed') return { result: undefined };
          const exits = { ...cur.exits };
          delete exits.done;
          // Legs cancelled for the close are placed afresh; a leg that filled meanwhile stays as it is.
          for (const n of ['stop', 'target'] as const) if (exits[n]?.status === 'gone' && !(exits[n]!.filledQty ?? 0)) delete exits[n];
          return { result: undefined, record: { ...cur, exits, exitsActive: true, updatedAt: deps.clock() } };
        });
        await settleExits(deps, id).catch((e: unknown) => deps.logger.error('could not restore managed exits', { recordId: id, error: e }));
      }
    },
  };
}

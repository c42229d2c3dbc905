import type { OrderExecutor } from '../../shared/orders/execute/execute-plan';
import type { OrderRecord } from '../../shared/orders/lifecycle/order-record';
import type { Notifier } from '../../shared/notify/notifier.port';
import type { Clock } from '../../shared/platform/clock';
import { newRequestId } from '../../shared/platform/ids';
import { istParts } from '../../shared/platform/ist';
import type { Logger } from '../../shared/platform/logger';
import type { AuditLog } from '../../shared/store/audit.port';
import type { HoldingsStore, Holding } from '../../shared/store/holdings.port';
import type { OrderRecordStore } from '../../shared/store/order-records.port';
import { flattenHoldings, type FlattenDeps } from '../../shared/strategy/flatten-holdings';
import type { StrategyVenue } from '../../shared/store/controls.port';
import type { SymbolIndex } from '../../shared/symbols/instrument';
import { contractName } from './console-words';

/**
 * What the operator can do to one thing from the console: exit one held leg, cancel one working
 * order, flatten one strategy. Each is a plan for the one executor (exits and flattens through
 * flattenHoldings, so the bridge's own exits are withdrawn first and the book is updated), audited
 * with the console as actor, and told to the phone.
 */
export interface ConsoleActionDeps {
  clock: Clock;
  logger: Logger;
  flatten: FlattenDeps;
  executor: Pick<OrderExecutor, 'cancel'>;
  holdings: Pick<HoldingsStore, 'list'>;
  records: Pick<OrderRecordStore<OrderRecord>, 'get'>;
  audit: AuditLog;
  notifier: Notifier;
  /** Names contracts in the summary as the page does. */
  symbols: () => Promise<SymbolIndex>;
  /** The forward test's own flatten, executor, book and records: actions on a paper strategy go there. */
  paper?: Pick<ConsoleActionDeps, 'flatten' | 'executor' | 'holdings' | 'records'>;
  /** Sets where a strategy trades (the controls' strategyVenue), audited and told like any controls change. */
  setVenue?: (strategy: string, to: StrategyVenue, requestId: string) => Promise<void>;
}

/** `venue: 'paper'`: the action is on the forward test's book, never at the broker. */
type OnVenue = { venue?: 'paper' };

export type ConsoleAction =
  | ({ kind: 'exit'; strategy: string; underlying: string; ticker: string; side: 'BUY' | 'SELL' } & OnVenue)
  | ({ kind: 'cancel'; recordId: string } & OnVenue)
  | ({ kind: 'flatten'; strategy: string } & OnVenue)
  | { kind: 'venue'; strategy: string; to: StrategyVenue };

/** The action a form asks for, or why it is not one. Only these fields are read. */
export function actionFrom(form: Record<string, string>): ConsoleAction | { error: string } {
  const need = (k: string) => (form[k] ?? '').trim();
  const on: OnVenue = need('venue') === 'paper' ? { venue: 'paper' } : {};
  switch (form.kind) {
    case 'exit': {
      const side = need('side');
      if (!need('strategy') || !need('underlying') || !need('ticker') || (side !== 'BUY' && side !== 'SELL')) return { error: 'An exit needs the strategy, underlying, contract and side of the holding.' };
      return { kind: 'exit', strategy: need('strategy'), underlying: need('underlying'), ticker: need('ticker'), side, ...on };
    }
    case 'cancel':
      return need('recordId') ? { kind: 'cancel', recordId: need('recordId'), ...on } : { error: 'A cancel needs the order.' };
    case 'flatten':
      return need('strategy') ? { kind: 'flatten', strategy: need('strategy'), ...on } : { error: 'A flatten needs the strategy.' };
    case 'venue': {
      const to = need('to');
      if (!/^[A-Za-z0-9_.-]{1,64}$/.test(need('strategy')) || (to !== 'paper' && to !== 'live')) return { error: 'A switch needs the strategy and paper or live.' };
      return { kind: 'venue', strategy: need('strategy'), to };
    }
    default:
      return { error: 'Unknown action.' };
  }
}

/** The form fields that ask for `a` again (the confirmation page posts them back). */
export function actionFields(a: ConsoleAction): Record<string, string> {
  return Object.fromEntries(Object.entries(a).map(([k, v]) => [k, String(v)]));
}

export interface ActionResult {
  ok: boolean;
  /** One sentence for the page and the phone. */
  summary: string;
  requestId: string;
}

/** The holdings an action closes: one leg of one holding, or every holding of a strategy. */
async function targetsOf(deps: ConsoleActionDeps, a: Extract<ConsoleAction, { kind: 'exit' | 'flatten' }>): Promise<Holding[]> {
  const held = await deps.holdings.list({ strategy: a.strategy });
  if (a.kind === 'flatten') return held;
  const h = held.find((x) => x.underlying === a.underlying);
  const leg = h?.legs.find((l) => l.ticker === a.ticker && l.side === a.side);
  // One leg: its own pending orders only, so the strategy's other resting orders are left alone.
  return h && leg ? [{ ...h, legs: [leg], pending: h.pending?.filter((p) => p.leg.ticker === leg.ticker && p.leg.side === leg.side) }] : [];
}

/**
 * Moves a strategy between paper and live. Refused while it holds anything on the side it leaves: its
 * next alert would plan from the other book and leave those positions without their strategy.
 */
async function switchVenue(deps: ConsoleActionDeps, a: Extract<ConsoleAction, { kind: 'venue' }>, requestId: string): Promise<ActionResult> {
  if (!deps.setVenue || !deps.paper) return { ok: false, summary: 'This deployment has no paper book: nothing changed.', requestId };
  const leaving = a.to === 'paper' ? deps.holdings : deps.paper.holdings;
  const held = await leaving.list({ strategy: a.strategy });
  if (held.length > 0) {
    return { ok: false, summary: `${a.strategy} still holds positions ${a.to === 'paper' ? 'at the broker' : 'on paper'} (${held.map((h) => h.underlying).join(', ')}): flatten it there first; nothing changed.`, requestId };
  }
  await deps.setVenue(a.strategy, a.to, requestId);
  return { ok: true, summary: a.to === 'paper' ? `${a.strategy} now trades on paper: its next alerts fill at live prices on the paper book and reach no broker.` : `${a.strategy} now trades live: its next alerts are sent to the broker.`, requestId };
}

export async function runConsoleAction(all: ConsoleActionDeps, a: ConsoleAction): Promise<ActionResult> {
  const requestId = newRequestId();
  const started = all.clock();
  // A paper strategy's exit, cancel or flatten runs on the forward test's book, never at the broker.
  const paper = 'venue' in a && a.venue === 'paper';
  const deps: ConsoleActionDeps = paper && all.paper ? { ...all, ...all.paper } : all;
  let result: ActionResult;
  const index = await deps.symbols().catch(() => undefined);
  const name = (ticker: string) => contractName(ticker, (t) => index?.byTicker(t), started);
  let audit: { status: string; httpStatus: number; message: string; orderRecordId?: string };
  try {
    if (paper && !all.paper) {
      result = { ok: false, summary: 'This deployment has no paper book: nothing done.', requestId };
      audit = { status: 'rejected', httpStatus: 422, message: result.summary };
    } else if (a.kind === 'venue') {
      result = await switchVenue(all, a, requestId);
      audit = { status: result.ok ? 'placed' : 'rejected', httpStatus: result.ok ? 200 : 422, message: result.summary };
    } else if (a.kind === 'cancel') {
      const record = await deps.records.get(a.recordId);
      if (!record?.orderId) {
        result = { ok: false, summary: 'That order is not in the bridge’s records: nothing cancelled.', requestId };
      } else {
        const outcome = await deps.executor.cancel(record.orderId);
        result = { ok: outcome.status === 'cancelled', summary: outcome.status === 'cancelled' ? `Cancelled order ${record.orderId} (${record.side === 'BUY' ? 'buy' : 'sell'} ${record.qty} ${name(record.symbol)}).` : `Order ${record.orderId} was not cancelled: ${outcome.reason}.`, requestId };
      }
      audit = { status: result.ok ? 'cancelled' : 'rejected', httpStatus: result.ok ? 200 : 422, message: result.summary, orderRecordId: a.recordId };
    } else {
      const targets = await targetsOf(deps, a);
      if (targets.length === 0) {
        result = { ok: false, summary: 'Nothing held there any more: nothing sent.', requestId };
      } else {
        const report = await flattenHoldings(deps.flatten, targets, `console-${a.kind}-${requestId}`, { requestId });
        const closes = report.execution.legs.filter((l) => l.role === 'close');
        const failed = closes.filter((l) => l.status === 'rejected' || l.status === 'not-sent' || l.status === 'unknown');
        const what = closes.map((l) => `${l.side === 'SELL' ? 'sold' : 'bought'} ${l.qty} ${name(l.symbol)} (${l.status})`).join(', ');
        const busy = report.busy.length ? ` Skipped while an alert of it runs: ${report.busy.join(', ')}.` : '';
        result = {
          ok: failed.length === 0 && report.busy.length === 0,
          summary: `${a.kind === 'exit' ? 'Exit' : `Flatten of ${a.strategy}`}: ${what || 'nothing to close at the broker'}.${report.cancelled.length ? ` Cancelled ${report.cancelled.length} working order(s) first.` : ''}${busy}`,
          requestId,
        };
      }
      audit = { status: result.ok ? 'placed' : 'rejected', httpStatus: result.ok ? 200 : 422, message: result.summary };
    }
  } catch (e) {
    deps.logger.error('console action failed', { action: a.kind, requestId, error: e });
    result = { ok: false, summary: `The ${a.kind} could not be done: ${e instanceof Error ? e.message : String(e)}. Check the broker before retrying.`, requestId };
    audit = { status: 'error', httpStatus: 503, message: result.summary };
  }
  const now = deps.clock();
  await deps.audit
    .record({ requestId, receivedAt: started, day: istParts(started).date, actor: 'console', alert: { action: a.kind, ...actionFields(a) }, latencyMs: now - started, ...audit })
    .catch((e: unknown) => deps.logger.error('could not audit a console action', { requestId, error: e }));
  await deps.notifier
    .notify({ kind: 'console.action', severity: result.ok ? 'info' : 'warning', summary: `Console: ${result.summary}`, at: now, requestId })
    .catch(() => undefined);
  return result;
}

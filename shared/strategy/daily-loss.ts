import type { Broker, Position } from '../broker/broker.port';
import { TradingDisabledError } from '../errors';
import type { Notifier } from '../notify/notifier.port';
import type { Clock } from '../platform/clock';
import type { Logger } from '../platform/logger';
import type { ControlsStore, RuntimeControls } from '../store/controls.port';
import type { HoldingsStore } from '../store/holdings.port';
import { flattenHoldings, type FlattenDeps, type FlattenReport } from './flatten-holdings';
import { istParts } from '../platform/ist';

export interface LossLimitDeps extends FlattenDeps {
  broker: Broker;
  controls: ControlsStore;
  holdings: HoldingsStore;
  notifier: Notifier;
  clock: Clock;
  logger: Logger;
  /** Rupees of loss at which trading stops. */
  limit: number;
  flattenOnLimit: boolean;
  /**
   * With the real broker a position without any P&L figure means the total cannot be known: the
   * check fails closed (alerts refused) rather than counting it as zero. Paper may leave them out.
   */
  requirePnl?: boolean;
  /** Told when this check switched trading off, so the instance's cached controls follow at once. */
  onControlsChanged?: (after: RuntimeControls) => void;
}

export interface LossCheck {
  /** Today's mark-to-market, realised plus unrealised, in rupees (negative = loss). */
  mtm: number;
  breached: boolean;
  /** True when this call switched trading off (and flattened, when configured). */
  acted: boolean;
  flatten?: FlattenReport;
}

/**
 * Realised plus unrealised P&L over today's positions, as the broker reports them: the broker's own
 * total for the contract (`pnl`, Fyers' `pl`) where given, else realised + unrealised. A position with
 * neither counts as 0 only when `requirePnl` is off; otherwise the total is unknown and this throws.
 */
export function mtmOf(positions: Position[], opts: { requirePnl?: boolean } = {}): number {
  let total = 0;
  for (const p of positions) {
    if (p.pnl !== undefined) total += p.pnl;
    else if (p.realized !== undefined || p.unrealized !== undefined) total += (p.realized ?? 0) + (p.unrealized ?? 0);
    else if (opts.requirePnl) throw new PnlUnknownError(p.symbol);
  }
  return total;
}

/** The broker reported a position without any P&L: the day's loss cannot be judged, so nothing trades. */
export class PnlUnknownError extends TradingDisabledError {
  constructor(symbol: string) {
    super(`The broker reported no P&L for ${symbol}: the daily loss limit cannot be checked, so alerts are refused until it does`);
  }
}

/**
 * The daily loss limit. Reads the broker's positions; at or past the limit the kill switch goes on
 * (every instance refuses alerts within the controls cache time), the strategies' holdings are
 * flattened when configured, and the operator is told. Runs on each alert and is the function a
 * reconcile run calls; acting twice does nothing more, because the kill switch is already off.
 */
export async function enforceDailyLossLimit(deps: LossLimitDeps): Promise<LossCheck> {
  const mtm = Math.round(mtmOf(await deps.broker.getPositions(), { requirePnl: deps.requirePnl }) * 100) / 100;
  if (mtm > -deps.limit) return { mtm, breached: false, acted: false };
  const controls = await deps.controls.get();
  if (!controls.tradingEnabled) return { mtm, breached: true, acted: false };
  const change = await deps.controls.update({ tradingEnabled: false }, 'daily-loss-limit', deps.clock());
  deps.onControlsChanged?.(change.after);
  let flatten: FlattenReport | undefined;
  if (deps.flattenOnLimit) {
    const holdings = await deps.holdings.list({});
    flatten = await flattenHoldings(deps, holdings, `loss-limit:${istParts(deps.clock()).date}`).catch((e: unknown) => {
      deps.logger.error('could not flatten at the daily loss limit', { error: e });
      return undefined;
    });
  }
  await deps.notifier.notify({
    kind: 'risk.loss_limit',
    severity: 'critical',
    summary: `Daily loss limit reached: MTM ${mtm} against a limit of -${deps.limit}. Trading is OFF${deps.flattenOnLimit ? `; flatten ${flatten ? `${flatten.execution.status} (${flatten.execution.legs.length} orders, ${flatten.cancelled.length} cancelled)` : 'FAILED: check the positions'}` : ''}.`,
    at: deps.clock(),
    details: { mtm, limit: deps.limit, legs: flatten?.execution.legs, busy: flatten?.busy },
  });
  return { mtm, breached: true, acted: true, ...(flatten ? { flatten } : {}) };
}

/** The per-alert guard: refuses the alert once the limit is reached. */
export function lossGuard(deps: LossLimitDeps): () => Promise<void> {
  return async () => {
    const r = await enforceDailyLossLimit(deps);
    if (r.breached) throw new TradingDisabledError(`The daily loss limit is reached (MTM ${r.mtm}); trading is stopped`);
  };
}

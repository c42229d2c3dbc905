import { istInstant } from '../../../shared/platform/ist';
import { WEBHOOK_SECRET, niftyAlert, sendAlert, startBridge, storeLogin, type Bridge } from './bridge-kit';

/** A Tuesday mid-session, fixed so the screenshots read the same on every run. */
export const CONSOLE_DAY = '2027-01-12';
export const CONSOLE_AT = istInstant(CONSOLE_DAY, 11, 5);

/** A position-mode strategy alert, as the position template sends it. */
export const trendAlert = (position: string, key: string, extra: Record<string, unknown> = {}) => ({
  token: WEBHOOK_SECRET,
  strategy: 'trend',
  symbol: 'NIFTY',
  position,
  qty: 1,
  idempotency_key: key,
  ...extra,
});

/**
 * The bridge on the local server with a morning's worth of activity: a login; a position-mode
 * strategy ("trend") long with a managed stop and target working; two single orders filled at the
 * fake Fyers (one now in profit); a broken alert, a risk refusal, a resend; and, with `busy`, enough
 * further alerts to fill the day's list to 30.
 */
export async function startConsoleDay(opts: { busy?: boolean } = {}): Promise<Bridge> {
  const bridge = await startBridge({ localServer: true, at: CONSOLE_AT, fake: { authCodeMode: 'redirect' }, env: { ENFORCE_TRADING_WINDOW: 'true', CONTROLS_CACHE_SECONDS: '0', PROTECTION: 'managed' } });
  await storeLogin(bridge);
  const must = async (body: Record<string, unknown>, what: string) => {
    const r = await sendAlert(bridge.deps, body);
    if (r.status !== 200) throw new Error(`${what} did not place: ${JSON.stringify(r.body)}`);
    return r;
  };
  await must(trendAlert('long', 'trend-long-1', { sl: 20, tp: 30 }), 'the trend long');
  bridge.clock.advance(2 * 60_000);
  await must(niftyAlert({ strategy: 'ORB 15m', qty: 2 }), 'the first order');
  bridge.clock.advance(5 * 60_000);
  await sendAlert(bridge.deps, niftyAlert({ strategy: 'VWAP revert', strikeprice: 'ATM+' }));
  bridge.clock.advance(3 * 60_000);
  await sendAlert(bridge.deps, niftyAlert({ strategy: 'ORB 15m', qty: 50 }));
  bridge.clock.advance(60_000);
  await must(niftyAlert({ strategy: 'Supertrend', optionType: 'PE', action: 'BUY' }), 'the second order');
  // TradingView's resend of the trend long: a duplicate, linked to the original.
  await sendAlert(bridge.deps, trendAlert('long', 'trend-long-1', { sl: 20, tp: 30 }));
  if (opts.busy) {
    for (let i = 0; i < 12; i++) {
      bridge.clock.advance(30_000);
      await sendAlert(bridge.deps, niftyAlert({ strategy: 'VWAP revert', optionType: 'XE' }));
      await sendAlert(bridge.deps, trendAlert('long', `trend-again-${i}`));
    }
  }
  // The market moves: the calls are up, the puts down.
  for (const o of bridge.fake.state.orders) if (o.tradedPrice > 0) bridge.fake.setLtp(o.symbol, Math.round(o.tradedPrice * (o.symbol.endsWith('CE') ? 1.18 : 0.93) * 20) / 20);
  bridge.clock.advance(2 * 60_000);
  return bridge;
}

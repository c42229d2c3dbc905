import { istInstant } from '../../../shared/platform/ist';
import { niftyAlert, sendAlert, startBridge, storeLogin, type Bridge } from './bridge-kit';

/** A Tuesday mid-session, fixed so the screenshots read the same on every run. */
export const CONSOLE_DAY = '2027-01-12';
export const CONSOLE_AT = istInstant(CONSOLE_DAY, 11, 5);

/**
 * The bridge on the local server with a morning's worth of activity: a login, two orders filled at the
 * fake Fyers (one now in profit), a broken alert, a risk refusal and the notifications they caused.
 */
export async function startConsoleDay(): Promise<Bridge> {
  const bridge = await startBridge({ localServer: true, at: CONSOLE_AT, fake: { authCodeMode: 'redirect' }, env: { ENFORCE_TRADING_WINDOW: 'true', CONTROLS_CACHE_SECONDS: '0' } });
  await storeLogin(bridge);
  const first = await sendAlert(bridge.deps, niftyAlert({ strategy: 'ORB 15m', qty: 2 }));
  if (first.status !== 200) throw new Error(`the first order did not place: ${JSON.stringify(first.body)}`);
  bridge.clock.advance(7 * 60_000);
  await sendAlert(bridge.deps, niftyAlert({ strategy: 'VWAP revert', strikeprice: 'ATM+' }));
  bridge.clock.advance(3 * 60_000);
  await sendAlert(bridge.deps, niftyAlert({ strategy: 'ORB 15m', qty: 50 }));
  bridge.clock.advance(60_000);
  const second = await sendAlert(bridge.deps, niftyAlert({ strategy: 'Supertrend', optionType: 'PE', action: 'BUY' }));
  if (second.status !== 200) throw new Error(`the second order did not place: ${JSON.stringify(second.body)}`);
  // The market moves: the CE is up, the PE down.
  for (const o of bridge.fake.state.orders) bridge.fake.setLtp(o.symbol, Math.round(o.tradedPrice * (o.symbol.endsWith('CE') ? 1.18 : 0.93) * 20) / 20);
  bridge.clock.advance(2 * 60_000);
  return bridge;
}

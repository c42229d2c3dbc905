import { istParts } from '../../shared/platform/ist';
import { niftyAlert, sendAlert, startBridge, storeLogin, type Bridge } from './helpers/bridge-kit';

/**
 * TradingView never shows the trader a refusal's answer, so the audit keeps why (with the fields) and the
 * operator is told: the first refusal at once, the rest of a 10-minute window as one summary.
 */
let bridge: Bridge;

beforeEach(async () => {
  bridge = await startBridge({ env: { CONTROLS_CACHE_SECONDS: '0' } });
  await storeLogin(bridge);
});

afterEach(async () => {
  await bridge.close();
});

const today = () => istParts(bridge.clock()).date;

describe('refusals are visible', () => {
  it('audits a 400 with each field at fault, and tells the operator which field', async () => {
    const r = await sendAlert(bridge.deps, niftyAlert({ strikeprice: 'ATMX' }));
    expect(r.status).toBe(400);
    const [entry] = await bridge.deps.adapters.audit.list({ day: today() });
    expect(entry).toMatchObject({ status: 'alert_invalid', httpStatus: 400, errorCode: 'ALERT_INVALID', fields: { strikeprice: expect.any(String) } });
    expect(entry!.fields!.strikeprice).toBe((r.body.error as { fields: Record<string, string> }).fields.strikeprice);

    const told = bridge.notes.ofKind('alert.refused');
    expect(told).toHaveLength(1);
    expect(told[0]!.summary).toContain("field 'strikeprice'");
    expect(told[0]!.requestId).toBe(r.body.requestId);
  });

  it('audits and tells a 403 (kill switch) and a 422 (risk) with their reasons, grouping what follows', async () => {
    await bridge.deps.adapters.controls.update({ tradingEnabled: false }, 'test', bridge.clock());
    const off = await sendAlert(bridge.deps, niftyAlert());
    expect(off.status).toBe(403);
    await bridge.deps.adapters.controls.update({ tradingEnabled: true }, 'test', bridge.clock());
    const big = await sendAlert(bridge.deps, niftyAlert({ qty: 500 }));
    expect(big.status).toBe(422);
    for (let i = 0; i < 3; i++) expect((await sendAlert(bridge.deps, niftyAlert({ strikeprice: 'nope' }))).status).toBe(400);

    const entries = await bridge.deps.adapters.audit.list({ day: today() });
    const byStatus = Object.fromEntries(entries.map((e) => [e.httpStatus, e]));
    expect(byStatus[403]).toMatchObject({ errorCode: 'TRADING_DISABLED', message: expect.stringMatching(/kill switch|disabled/i) });
    expect(byStatus[422]).toMatchObject({ fields: { qty: expect.any(String) } });

    // One message at once; the other four wait for the window's summary.
    expect(bridge.notes.ofKind('alert.refused')).toHaveLength(1);
    await bridge.deps.webhook.refusals.flush();
    const summary = bridge.notes.ofKind('alert.refused')[1]!;
    expect(summary.summary).toMatch(/^5 alerts refused in 10 min: field 'strikeprice' \(.+\) ×3/);
    expect(summary.details).toMatchObject({ count: 5 });
  });

  it('does not report a bad token (an attacker\'s noise, limited by the source guard) as a refusal', async () => {
    const r = await sendAlert(bridge.deps, niftyAlert({ token: 'wrong' }));
    expect(r.status).toBe(401);
    expect(bridge.notes.ofKind('alert.refused')).toHaveLength(0);
  });
});

import type { FakeFyers } from '../fake-fyers';
import { WEBHOOK_SECRET, startSampleBridge } from '../helpers/webhook-e2e-kit';
import { postAlert } from '../helpers/webhook-client';
import { useWebhookServer } from '../helpers/webhook-test-server';
import { asTradingViewSends, everyTemplate, type MarketPosition } from '../helpers/readme-templates';

/**
 * Every alert template the project shows (README, docs/*.md, Terraform's printed template), filled as
 * TradingView fills it when a strategy goes long, short, flat and long again, sent to the real webhook
 * on the fake Fyers. A written (sold-to-open) option is a risk the trader must have asked for in
 * words: a `mapping` with SELL, or a leg that says SELL. Anything else must leave every position at
 * Fyers long or flat, whatever TradingView substitutes.
 */
jest.setTimeout(60_000);

const server = useWebhookServer();
let fake: FakeFyers;

async function start(): Promise<void> {
  const bridge = await startSampleBridge({ label: 'templates', env: { LIMIT_PRICE_BAND_PERCENT: '100' }, instance: true });
  server.onCleanup(bridge.close);
  fake = bridge.fake;
}

/** The writes the template asks for in words: mapping entries or legs that say SELL. */
function writtenOnPurpose(template: string): number {
  const body = JSON.parse(template) as { mapping?: Record<string, string>; legs?: Array<{ action?: string }> };
  const mapped = Object.values(body.mapping ?? {}).filter((m) => /^sell/i.test(m)).length;
  const legs = (body.legs ?? []).filter((l) => /^sell$/i.test(l.action ?? '')).length;
  return mapped + legs;
}

const shortContracts = () => [...fake.state.positions.values()].filter((p) => p.netQty < 0).map((p) => p.symbol);
const templates = everyTemplate();
const SEQUENCE: MarketPosition[] = ['long', 'short', 'flat', 'long'];

describe('every alert template, filled as TradingView fills it', () => {
  it('finds the templates: Terraform prints the position template, and the docs show theirs', () => {
    expect(templates.map((t) => t.where)).toContain('terraform output tradingview_alert_template');
    expect(templates.length).toBeGreaterThanOrEqual(5);
    const terraform = JSON.parse(templates.find((t) => t.where.startsWith('terraform'))!.template) as Record<string, unknown>;
    expect(terraform).toMatchObject({ position: '{{strategy.market_position}}', strategy: expect.any(String) });
    expect(terraform).not.toHaveProperty('action');
  });

  it.each(templates.map((t) => [t.where, t.template] as const))('%s never writes an option unless it says so', async (_where, template) => {
    await start();
    const allowed = writtenOnPurpose(template);
    const answers: number[] = [];
    for (const [i, position] of SEQUENCE.entries()) {
      const body = asTradingViewSends(template, { secret: WEBHOOK_SECRET, marketPosition: position, timenow: `2026-07-22T04:${30 + i}:00Z` });
      const res = await postAlert(server.url(), body);
      answers.push(res.status);
      if (allowed === 0) expect({ after: position, written: shortContracts() }).toEqual({ after: position, written: [] });
      else expect(shortContracts().length).toBeLessThanOrEqual(allowed);
    }
    // Every firing is answered as an alert the bridge understood: the template is valid as pasted.
    for (const status of answers) expect([200, 202]).toContain(status);
  });
});

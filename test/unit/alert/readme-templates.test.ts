import { parseAlert } from '../../../shared/alert/parse-alert';
import { isStrategyAlert, parseStrategyAlert } from '../../../shared/alert/strategy-alert.schema';
import { asTradingViewSends, readmeTemplates } from '../../helpers/readme-templates';

describe("README's alert templates", () => {
  const templates = readmeTemplates();

  it('are four, and the first is the position template', () => {
    expect(templates).toHaveLength(4);
    expect(templates[0]).toContain('"position": "{{strategy.market_position}}"');
  });

  it.each(['long', 'short', 'flat'])('as TradingView fills them (market_position %s), every one is a valid alert', (pos) => {
    for (const t of templates) {
      const body = asTradingViewSends(t, { secret: 's3cret', marketPosition: pos });
      if (isStrategyAlert(body)) expect(parseStrategyAlert(body).token).toBe('s3cret');
      else expect(parseAlert(body).token).toBe('s3cret');
    }
  });

  it('give two firings of the same signal different keys, and a resend the same one', () => {
    const [position] = templates;
    const a = asTradingViewSends(position!, { secret: 's', timenow: '2026-07-22T04:30:00Z' }) as { idempotency_key: string };
    const b = asTradingViewSends(position!, { secret: 's', timenow: '2026-07-22T04:45:00Z' }) as { idempotency_key: string };
    expect(a.idempotency_key).not.toBe(b.idempotency_key);
    expect(asTradingViewSends(position!, { secret: 's', timenow: '2026-07-22T04:30:00Z' })).toEqual(a);
  });
});

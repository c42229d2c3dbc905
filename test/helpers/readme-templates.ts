import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(__dirname, '../..');

/** The alert reference: the four templates a trader pastes, in the order the reference gives them. */
export const ALERT_REFERENCE = 'docs/alerts.md';

/** The JSON alert templates of the alert reference, as a trader would paste them. */
export function readmeTemplates(): string[] {
  return jsonBlocks(readFileSync(path.join(root, ALERT_REFERENCE), 'utf8')).filter(isAlertTemplate);
}

/** The template `terraform output tradingview_alert_template` prints (the file outputs.tf reads). */
export function terraformTemplate(): string {
  return readFileSync(path.join(root, 'terraform/templates/tradingview-alert.json'), 'utf8');
}

/**
 * Every alert template the project shows anyone: README.md, every docs/*.md, and Terraform's output,
 * each named by where it is. A JSON block is a template when it carries a `token`.
 */
export function everyTemplate(): Array<{ where: string; template: string }> {
  const files = ['README.md', ...readdirSync(path.join(root, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];
  const found = files.flatMap((f) =>
    jsonBlocks(readFileSync(path.join(root, f), 'utf8'))
      .filter(isAlertTemplate)
      .map((template, i) => ({ where: `${f} #${i + 1}`, template })),
  );
  return [...found, { where: 'terraform output tradingview_alert_template', template: terraformTemplate() }];
}

function jsonBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/```json\n([\s\S]*?)```/g)].map((m) => m[1]!);
}

function isAlertTemplate(block: string): boolean {
  return /"token"\s*:/.test(block);
}

export type MarketPosition = 'long' | 'short' | 'flat';

/**
 * What TradingView substitutes when a strategy's alert fires, for a strategy now `marketPosition`:
 * the order that got it there (buy into long, sell into short or flat), the strategy's order id, and
 * the times. The secret is the one thing the trader edits.
 */
export function asTradingViewSends(template: string, values: { secret: string; marketPosition?: MarketPosition | string; timenow?: string }): unknown {
  const position = values.marketPosition ?? 'long';
  const timenow = values.timenow ?? '2026-07-22T04:30:00Z';
  const text = template
    .replaceAll('YOUR_WEBHOOK_SECRET', values.secret)
    .replaceAll('<WEBHOOK_SECRET>', values.secret)
    .replaceAll('{{strategy.market_position}}', position)
    .replaceAll('{{strategy.order.action}}', position === 'long' ? 'buy' : 'sell')
    .replaceAll('{{strategy.order.id}}', position === 'long' ? 'Long' : position === 'short' ? 'Short' : 'Close')
    .replaceAll('{{strategy.order.contracts}}', '1')
    .replaceAll('{{timenow}}', timenow)
    .replaceAll('{{time}}', timenow)
    .replaceAll('{{interval}}', '15')
    .replaceAll('{{ticker}}', 'NIFTY1!')
    .replaceAll('{{close}}', '24512.30');
  if (/\{\{[^}]*\}\}/.test(text)) throw new Error(`a placeholder the test does not substitute: ${/\{\{[^}]*\}\}/.exec(text)![0]}`);
  return JSON.parse(text);
}

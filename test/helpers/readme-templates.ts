import { readFileSync } from 'node:fs';
import path from 'node:path';

/** The JSON alert templates in README.md's "The alert" section, as a trader would paste them. */
export function readmeTemplates(): string[] {
  const readme = readFileSync(path.resolve(__dirname, '../../README.md'), 'utf8');
  const start = readme.indexOf('## The alert\n');
  const section = readme.slice(start, readme.indexOf('\n## ', start + 1));
  return [...section.matchAll(/```json\n([\s\S]*?)```/g)].map((m) => m[1]!);
}

/** What TradingView substitutes when the alert fires; the secret is the one thing the trader edits. */
export function asTradingViewSends(template: string, values: { secret: string; marketPosition?: string; timenow?: string }): unknown {
  const text = template
    .replaceAll('YOUR_WEBHOOK_SECRET', values.secret)
    .replaceAll('{{strategy.market_position}}', values.marketPosition ?? 'long')
    .replaceAll('{{timenow}}', values.timenow ?? '2026-07-22T04:30:00Z');
  if (/\{\{[^}]*\}\}/.test(text)) throw new Error(`a placeholder the test does not substitute: ${/\{\{[^}]*\}\}/.exec(text)![0]}`);
  return JSON.parse(text);
}

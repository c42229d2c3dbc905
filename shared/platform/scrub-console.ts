import { redactText } from './logger';

type ConsoleLike = Pick<Console, 'error' | 'warn'>;

/**
 * V8's JSON.parse message quotes the input it choked on (`Unexpected token 'x', "{"token":"…"}" is not
 * valid JSON`). The framework's Express logs body-parser errors with console.error before our code
 * runs, so a malformed alert would put its token in the logs. Keep the error, drop the quoted body.
 */
const JSON_SNIPPET = /"[\s\S]*"(?:\.\.\.)? is not valid JSON/g;

export function scrubText(text: string): string {
  return redactText(text.replace(JSON_SNIPPET, '"[request body omitted]" is not valid JSON'));
}

function scrubArg(arg: unknown): unknown {
  if (typeof arg === 'string') return scrubText(arg);
  if (arg instanceof Error) return scrubText(arg.stack ?? `${arg.name}: ${arg.message}`);
  return arg;
}

/** Routes console.error/warn through the scrubber; safe to call more than once. */
export function scrubConsole(target: ConsoleLike = console): void {
  const marked = target as ConsoleLike & { __scrubbed?: boolean };
  if (marked.__scrubbed) return;
  marked.__scrubbed = true;
  for (const level of ['error', 'warn'] as const) {
    const original = target[level].bind(target);
    target[level] = (...args: unknown[]) => original(...args.map(scrubArg));
  }
}
